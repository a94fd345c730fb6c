"""registrations: registration (one row per person and event, waitlist order by queue_no),
event.card_outbox_id (the post showing the event card, updated with the counts)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch mode: SQLite cannot add a foreign key to an existing table in place. Done first,
    # while no table refers to `event` yet (SQLite copies the table to change it).
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("card_outbox_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_event_card_outbox_id_outbox_messages"),
            "outbox_messages",
            ["card_outbox_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.String(length=512), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("slot", sa.String(length=16), nullable=False),
        sa.Column("municipality", sa.String(length=32), nullable=True),
        sa.Column("department", sa.String(length=256), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("queue_no", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_registration_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint(
            "event_id", "person_key", name=op.f("uq_registration_event_id_person_key")
        ),
    )
    op.create_index(
        "ix_registration_event_status", "registration", ["event_id", "status"], unique=False
    )


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_constraint(op.f("fk_event_card_outbox_id_outbox_messages"), type_="foreignkey")
        batch.drop_column("card_outbox_id")
    op.drop_index("ix_registration_event_status", table_name="registration")
    op.drop_table("registration")
