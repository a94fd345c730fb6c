"""How long channel messages are kept: `RETENTION_MONTHS`, counted in calendar months."""

from __future__ import annotations

import calendar
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.threads.store import prune_messages


def retention_cutoff(now: datetime, months: int) -> datetime:
    """The same moment `months` calendar months before `now` (the 31st falls back to the
    month's last day)."""
    index = now.year * 12 + (now.month - 1) - months
    year, month = divmod(index, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


async def prune_old_threads(session: AsyncSession, now: datetime, months: int) -> int:
    """Deletes the threads whose last activity is older than the retention; how many messages
    went."""
    return await prune_messages(session, retention_cutoff(now, months))
