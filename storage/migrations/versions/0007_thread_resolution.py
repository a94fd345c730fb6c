"""thread resolution: thread_resolution (threads marked 解決済み with the button)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "thread_resolution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=512), nullable=False),
        sa.Column("root_id", sa.String(length=64), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("by_key", sa.String(length=512), nullable=False),
        sa.Column("by_name", sa.String(length=512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_resolution")),
        sa.UniqueConstraint(
            "channel_id", "root_id", name=op.f("uq_thread_resolution_channel_id_root_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("thread_resolution")
