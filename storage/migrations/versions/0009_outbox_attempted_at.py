"""outbox attempted_at: stamped just before a send leaves, so that after a crash a row only
claimed ("sending", never attempted) is sent again and only the one in flight is ambiguous

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True))
    # A row left "sending" by a process that died before this upgrade may have been in flight:
    # keep it ambiguous (never resent), as the outbox treated it until now.
    op.execute("UPDATE outbox_messages SET attempted_at = updated_at WHERE status = 'sending'")


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("attempted_at")
