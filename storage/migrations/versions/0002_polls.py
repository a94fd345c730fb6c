"""polls: poll, poll_candidate, poll_answer (one answer row per person and poll)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 13:58:05.095292
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=512), nullable=False),
        sa.Column("post_outbox_id", sa.Integer(), nullable=True),
        sa.Column("creator_key", sa.String(length=512), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("results", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_candidate_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_outbox_id"],
            ["outbox_messages.id"],
            name=op.f("fk_poll_post_outbox_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll")),
    )
    op.create_index(op.f("ix_poll_conversation_id"), "poll", ["conversation_id"], unique=False)
    op.create_table(
        "poll_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.String(length=512), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["poll.id"], name=op.f("fk_poll_answer_poll_id_poll"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_answer")),
        sa.UniqueConstraint(
            "poll_id", "person_key", name=op.f("uq_poll_answer_poll_id_person_key")
        ),
    )
    op.create_table(
        "poll_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["poll.id"],
            name=op.f("fk_poll_candidate_poll_id_poll"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_candidate")),
    )
    op.create_index(op.f("ix_poll_candidate_poll_id"), "poll_candidate", ["poll_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_poll_candidate_poll_id"), table_name="poll_candidate")
    op.drop_table("poll_candidate")
    op.drop_table("poll_answer")
    op.drop_index(op.f("ix_poll_conversation_id"), table_name="poll")
    op.drop_table("poll")
