"""weekly digest: digest_settings (each channel's 設定) and digest (one row per channel and due
date: the claim that makes a digest posted once)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=512), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("post_time", sa.Time(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("unanswered_days", sa.Integer(), nullable=False),
        sa.Column("enabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(length=512), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_settings")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_digest_settings_conversation_id")),
    )
    op.create_table(
        "digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=512), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("marker", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("sends", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.String(length=512), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("reported_in", sa.Integer(), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checking_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox_messages.id"],
            name=op.f("fk_digest_outbox_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest")),
        sa.UniqueConstraint(
            "conversation_id", "due_date", name=op.f("uq_digest_conversation_id_due_date")
        ),
        sa.UniqueConstraint("marker", name=op.f("uq_digest_marker")),
    )
    op.create_index("ix_digest_status", "digest", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_digest_status", table_name="digest")
    op.drop_table("digest")
    op.drop_table("digest_settings")
