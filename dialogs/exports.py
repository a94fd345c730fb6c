"""Exports: a coordinator asks for a file, gets a signed link that works for 15 minutes, and
every link and every download is in the audit log.

A feature registers an `Exporter` under a kind (see `dialogs.build_exporters`); its command
calls `issue_link` and sends the link to the requester's personal chat. The HTTP side
(bot/exports.py) calls `read_link`, then `produce`. The link is the only credential, so it
carries who asked (for the audit log), what (kind and subject) and when (the signed
timestamp), and dies after `LINK_LIFETIME` by the injected clock.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import LOCALES, Catalog, Locale, Translator
from core.settings import Settings
from dialogs.turn import Person
from storage.repositories import audit

log = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(minutes=15)
SALT = "iyowork-export"
PATH_PREFIX = "/exports/"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUDIT_LINK = "export.link"
AUDIT_DOWNLOAD = "export.download"


@dataclass(frozen=True)
class ExportFile:
    """What a download answers with. `ascii_filename` is the name for clients that cannot
    read `filename*` (derived from `filename` when not given)."""

    filename: str
    media_type: str
    content: bytes
    ascii_filename: str | None = None


class Exporter(Protocol):
    """Builds one file about one subject (a poll, an event…) in the requester's language;
    None when the subject no longer exists."""

    async def __call__(
        self,
        session: AsyncSession,
        subject_id: str,
        t: Translator,
        zone: tzinfo,
        now: datetime,
    ) -> ExportFile | None: ...


Exporters = Mapping[str, Exporter]


@dataclass(frozen=True)
class ExportGrant:
    """What a valid link allows: this requester downloads this kind of file about this
    subject. `link_id` is the audit entry written when the link was issued."""

    kind: str
    subject_id: str
    person_key: str
    locale: Locale
    issued_at: datetime
    link_id: int


class LinkInvalid(Exception):
    """The token was not signed by us (tampered, truncated, another secret)."""


class LinkExpired(Exception):
    """The token is ours but older than LINK_LIFETIME (or from the future)."""


# --- signing ------------------------------------------------------------------------------


class _ClockSigner(TimestampSigner):
    """itsdangerous reads time.time(); ours reads the injected clock, so tests (and a bot
    steered by IYOWORK_CLOCK_FILE) see links expire when their clock says so."""

    def __init__(self, *args: Any, now: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        return int(self._now().timestamp())


@functools.cache
def _process_secret() -> str:
    log.warning(
        "EXPORT_SECRET is not set: export links are signed with a key made at start-up; "
        "they stop working when the bot restarts and on any other instance"
    )
    return secrets.token_urlsafe(32)


def signing_key(settings: Settings) -> str:
    """EXPORT_SECRET, or a random key for the life of this process (logged once)."""
    return settings.export_secret or _process_secret()


def _serializer(settings: Settings, now: datetime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        signing_key(settings),
        salt=SALT,
        signer=_ClockSigner,
        signer_kwargs={"now": lambda: now},
    )


async def issue_link(
    session: AsyncSession,
    *,
    kind: str,
    subject_id: str,
    person: Person,
    locale: Locale,
    now: datetime,
    settings: Settings,
) -> str:
    """A download link for `person`, valid for LINK_LIFETIME from `now`; the audit log gets
    an `export.link` entry (who, what, when) in the caller's transaction."""
    entry = await audit.record(
        session,
        actor_key=person.key,
        action=AUDIT_LINK,
        detail={"kind": kind, "subject_id": subject_id, "name": person.name},
        now=now,
    )
    payload = {"k": kind, "s": subject_id, "p": person.key, "l": locale, "a": entry.id}
    token = _serializer(settings, now).dumps(payload)
    return f"{settings.public_base_url}{PATH_PREFIX}{token}"


def read_link(token: str, *, settings: Settings, now: datetime) -> ExportGrant:
    """What the token grants at `now`; raises LinkInvalid or LinkExpired."""
    max_age = int(LINK_LIFETIME.total_seconds())
    try:
        payload, signed_at = _serializer(settings, now).loads(
            token, max_age=max_age, return_timestamp=True
        )
    except SignatureExpired as exc:
        raise LinkExpired(str(exc)) from None
    except BadSignature as exc:
        raise LinkInvalid(str(exc)) from None
    try:
        locale = payload["l"]
        if locale not in LOCALES:
            raise ValueError(locale)
        return ExportGrant(
            kind=str(payload["k"]),
            subject_id=str(payload["s"]),
            person_key=str(payload["p"]),
            locale=locale,
            issued_at=signed_at.astimezone(UTC),
            link_id=int(payload["a"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        # Signed by us, but not in this shape: an older release's link.
        raise LinkInvalid(f"unreadable payload: {exc}") from None


async def produce(
    session: AsyncSession,
    grant: ExportGrant,
    *,
    exporters: Exporters,
    catalog: Catalog,
    zone: tzinfo,
    now: datetime,
) -> ExportFile | None:
    """The file the grant allows, built now in the requester's language, with an
    `export.download` audit entry; None when the kind is unknown or the subject is gone."""
    exporter = exporters.get(grant.kind)
    if exporter is None:
        return None
    file = await exporter(session, grant.subject_id, catalog.translator(grant.locale), zone, now)
    if file is None:
        return None
    await audit.record(
        session,
        actor_key=grant.person_key,
        action=AUDIT_DOWNLOAD,
        detail={
            "kind": grant.kind,
            "subject_id": grant.subject_id,
            "link_id": grant.link_id,
            "filename": file.filename,
            "bytes": len(file.content),
        },
        now=now,
    )
    return file


# --- files --------------------------------------------------------------------------------

Cell = str | int | float | None

# OWASP "CSV injection": a spreadsheet runs a cell starting with these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """The text, with a leading `'` when a spreadsheet would take it for a formula."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return spreadsheet_safe(value)
    # Numbers are ours, never typed by someone: a negative one stays a number.
    return str(value)


def csv_bytes(header: Sequence[Cell], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A CSV that Excel opens correctly: UTF-8 with BOM (Japanese), CRLF line ends, quoted
    where needed, and every text cell made safe against formula injection."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(value) for value in header])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_FILENAME_LENGTH = 120


def safe_filename(text: str) -> str:
    """`text` usable as a file name on Windows, macOS and Linux: reserved characters and
    control characters become `_`, no leading dots or spaces, at most MAX_FILENAME_LENGTH."""
    cleaned = _UNSAFE_IN_FILENAME.sub("_", unicodedata.normalize("NFC", text)).strip(" .")
    if len(cleaned) > MAX_FILENAME_LENGTH:
        stem, dot, suffix = cleaned.rpartition(".")
        if dot and len(suffix) <= 5:
            cleaned = f"{stem[: MAX_FILENAME_LENGTH - len(suffix) - 1]}.{suffix}"
        else:
            cleaned = cleaned[:MAX_FILENAME_LENGTH]
    return cleaned or "export"


def ascii_filename(file: ExportFile) -> str:
    """The file's ASCII name: given, or its name with everything non-ASCII dropped."""
    if file.ascii_filename:
        return _NOT_ASCII_NAME.sub("_", file.ascii_filename)
    stem, dot, suffix = file.filename.rpartition(".")
    if not dot:
        stem, suffix = file.filename, ""
    # Accents fall away (é → e); any other character not allowed becomes a separator.
    letters = (c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c))
    plain = _NOT_ASCII_NAME.sub("_", "".join(letters)).strip("_.") or "export"
    suffix = _NOT_ASCII_NAME.sub("", suffix)
    return f"{plain}.{suffix}" if suffix else plain
