"""The audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


async def record(
    session: AsyncSession,
    *,
    actor_key: str | None,
    action: str,
    detail: dict[str, Any],
    now: datetime,
) -> AuditEntry:
    entry = AuditEntry(at=now, actor_key=actor_key, action=action, detail=dict(detail))
    session.add(entry)
    await session.flush()
    return entry
