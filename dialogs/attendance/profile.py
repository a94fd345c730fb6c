"""What the bot remembers about a person between registrations: their 所属 and 部署.

Kept on the person's row (`people.municipality`, `people.department`, there since the first
schema and named in the greeting's privacy note), not in a table of its own: it is one fact
about the person, read and deleted with the rest of what 私のデータ shows.

Only ever shown back to the person themselves: the registration card is prefilled with it in
their personal chat, never on a card the channel sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.attendance.model import is_municipality
from storage.models import Person


@dataclass(frozen=True)
class Profile:
    municipality: str | None = None  # a MUNICIPALITIES code
    department: str = ""


async def load_profile(session: AsyncSession, person_key: str) -> Profile:
    """The person's remembered 所属 and 部署 (empty when the bot knows none)."""
    found = (
        await session.execute(
            select(Person.municipality, Person.department).where(Person.person_key == person_key)
        )
    ).one_or_none()
    if found is None:
        return Profile()
    municipality, department = found
    return Profile(municipality if is_municipality(municipality) else None, department or "")


async def remember_profile(
    session: AsyncSession, person_key: str, *, municipality: str, department: str, now: datetime
) -> None:
    """Keep the 所属 and 部署 the person last registered with."""
    await session.execute(
        update(Person)
        .where(Person.person_key == person_key)
        .values(municipality=municipality, department=department, updated_at=now)
    )
