"""People the bot has met, and how to reach them in a personal chat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person
from storage.repositories.dialect import Insert, bound, prepared


async def upsert_person(
    session: AsyncSession,
    *,
    person_key: str,
    teams_id: str,
    aad_object_id: str | None,
    name: str,
    tenant_id: str | None,
    locale: str,
    now: datetime,
    service_url: str | None = None,
    upn: str | None = None,
) -> Person:
    """Store or refresh a person; name, 29: id and locale follow the latest activity, and None
    never erases a known value."""
    values = {
        "person_key": person_key,
        "teams_id": teams_id,
        "aad_object_id": aad_object_id,
        "name": name,
        "upn": upn,
        "tenant_id": tenant_id,
        "locale": locale,
        "service_url": service_url,
        "created_at": now,
        "updated_at": now,
    }
    result = await session.scalars(
        prepared(session, _upsert), values, execution_options={"populate_existing": True}
    )
    stored: Person = result.one()
    return stored


def _upsert(dialect_insert: Insert) -> Any:
    columns = (
        "person_key", "teams_id", "aad_object_id", "name", "upn", "tenant_id", "locale",
        "service_url", "created_at", "updated_at",
    )  # fmt: skip
    stmt = dialect_insert(Person).values(bound(columns))
    changes = {
        "teams_id": stmt.excluded.teams_id,
        "name": stmt.excluded.name,
        "locale": stmt.excluded.locale,
        "updated_at": stmt.excluded.updated_at,
    }
    for column in ("aad_object_id", "upn", "tenant_id", "service_url"):
        changes[column] = func.coalesce(stmt.excluded[column], getattr(Person, column))
    return stmt.on_conflict_do_update(index_elements=[Person.person_key], set_=changes).returning(
        Person
    )


async def get_person(session: AsyncSession, person_key: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.person_key == person_key))


async def set_personal_conversation(
    session: AsyncSession, person_key: str, conversation_id: str | None, service_url: str | None
) -> None:
    """Remember (or, with None, forget) the 1:1 chat with this person."""
    values: dict[str, str | None] = {"personal_conversation_id": conversation_id}
    if service_url is not None:
        values["service_url"] = service_url
    await session.execute(update(Person).where(Person.person_key == person_key).values(**values))
