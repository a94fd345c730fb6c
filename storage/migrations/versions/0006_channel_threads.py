"""channel threads: channel_message (posts and replies kept from live activities and Graph),
channel_sync (where the Graph sync of each channel stands)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_aad_group_id", sa.String(length=64), nullable=True),
        sa.Column("channel_id", sa.String(length=512), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("root_id", sa.String(length=64), nullable=False),
        sa.Column("reply_to_id", sa.String(length=64), nullable=True),
        sa.Column("author_name", sa.String(length=512), nullable=True),
        sa.Column("author_aad_id", sa.String(length=64), nullable=True),
        sa.Column("author_kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=512), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("reactions", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("importance", sa.String(length=16), nullable=True),
        sa.Column("web_url", sa.String(length=2048), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_message")),
        sa.UniqueConstraint(
            "channel_id", "message_id", name=op.f("uq_channel_message_channel_id_message_id")
        ),
    )
    op.create_index(
        "ix_channel_message_thread", "channel_message", ["channel_id", "root_id"], unique=False
    )
    op.create_index("ix_channel_message_modified", "channel_message", ["modified_at"], unique=False)
    op.create_table(
        "channel_sync",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=512), nullable=False),
        sa.Column("team_aad_group_id", sa.String(length=64), nullable=False),
        sa.Column("history_available", sa.Boolean(), nullable=False),
        sa.Column("unavailable_reason", sa.String(length=256), nullable=True),
        sa.Column("backfill_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("backfill_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("delta_link", sa.Text(), nullable=True),
        sa.Column("last_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_sync")),
        sa.UniqueConstraint("channel_id", name=op.f("uq_channel_sync_channel_id")),
    )


def downgrade() -> None:
    op.drop_table("channel_sync")
    op.drop_index("ix_channel_message_modified", table_name="channel_message")
    op.drop_index("ix_channel_message_thread", table_name="channel_message")
    op.drop_table("channel_message")
