"""参加者 エクスポート / attendees export: one event's registrations as CSV and as Excel, through
two links in the coordinator's personal chat (the mechanism is dialogs/exports.py).

Which event: as for 参加者一覧 (the one named after the command, else the one of the thread,
else the next open one, else the latest past one). One row per registration, in the order
people first registered, 欠席 included: 名前, 所属, 部署, 参加方法, 状態, 時間帯, メモ, 登録日時.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from dialogs.attendance import store
from dialogs.attendance.listing import event_asked_for, not_found
from dialogs.attendance.model import Registration, Status
from dialogs.attendance.views import municipality_name
from dialogs.context import Context
from dialogs.events.model import Event
from dialogs.events.store import load_event
from dialogs.events.views import when_label
from dialogs.exports import (
    CSV_MEDIA_TYPE,
    LINK_LIFETIME,
    XLSX_MEDIA_TYPE,
    ExportFile,
    csv_bytes,
    issue_link,
    safe_filename,
)
from dialogs.polls.views import moment_label
from dialogs.replies import Message, Reply, literal
from dialogs.router import Router

router = Router()

ATTENDEES_CSV = "attendees_csv"
ATTENDEES_XLSX = "attendees_xlsx"

_COLUMNS = (
    "name",
    "municipality",
    "department",
    "mode",
    "status",
    "slot",
    "note",
    "registered_at",
)
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_COLUMN_WIDTH = 60
# Excel: at most 31 characters, none of these, and no apostrophe at either end.
_NOT_IN_SHEET_NAME = str.maketrans({c: "_" for c in "[]:*?/\\"})

XlsxCell = str | int | float | datetime | None


@dataclass(frozen=True)
class _Table:
    event: Event
    header: tuple[str, ...]
    registrations: list[Registration]


async def attendees_csv(
    session: AsyncSession, subject_id: str, t: Translator, zone: tzinfo, now: datetime
) -> ExportFile | None:
    """The event's registrations as a CSV (UTF-8 with BOM); 登録日時 written in `zone`."""
    table = await _table(session, subject_id, t)
    if table is None:
        return None
    rows = [
        [*_texts(r, t), f"{r.created_at.astimezone(zone):%Y-%m-%d %H:%M}"]
        for r in table.registrations
    ]
    return ExportFile(
        filename=_filename(table.event, t, "csv"),
        media_type=CSV_MEDIA_TYPE,
        content=csv_bytes(table.header, rows),
        ascii_filename=f"attendees_{table.event.id}_{table.event.day:%Y%m%d}.csv",
    )


async def attendees_xlsx(
    session: AsyncSession, subject_id: str, t: Translator, zone: tzinfo, now: datetime
) -> ExportFile | None:
    """The event's registrations as an Excel workbook: the event in the first row, then a
    bold, frozen header with a filter. 登録日時 is a real Excel date-time, in `zone` but
    without it (Excel has no time zones)."""
    table = await _table(session, subject_id, t)
    if table is None:
        return None
    event = table.event
    rows: list[list[XlsxCell]] = [
        [*_texts(r, t), r.created_at.astimezone(zone).replace(tzinfo=None)]
        for r in table.registrations
    ]
    sheet = f"{event.day:%Y-%m-%d} {event.title}"
    caption = t("exports.attendees.caption", title=event.title, when=when_label(event, t))
    return ExportFile(
        filename=_filename(event, t, "xlsx"),
        media_type=XLSX_MEDIA_TYPE,
        content=xlsx_bytes(sheet, caption, table.header, rows),
        ascii_filename=f"attendees_{event.id}_{event.day:%Y%m%d}.xlsx",
    )


@router.command("attendees_export", coordinator_only=True, order=23)
async def export_command(ctx: Context) -> Reply:
    """`参加者 エクスポート [number or title]`: 15-minute links to the event's list as CSV and
    as Excel, said in the coordinator's personal chat only."""
    event = await event_asked_for(ctx)
    if event is None:
        return not_found(ctx)
    now = ctx.clock.now()
    settings = ctx.services.settings
    urls = {
        kind: await issue_link(
            ctx.session,
            kind=kind,
            subject_id=str(event.id),
            person=ctx.turn.actor,
            locale=ctx.t.locale,
            now=now,
            settings=settings,
        )
        for kind in (ATTENDEES_CSV, ATTENDEES_XLSX)
    }
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    link = Message(
        text=ctx.t(
            "exports.attendees.link",
            title=literal(event.title),
            when=when_label(event, ctx.t),
            csv=urls[ATTENDEES_CSV],
            xlsx=urls[ATTENDEES_XLSX],
            until=moment_label(now + LINK_LIFETIME, settings.zone, ctx.t),
            minutes=minutes,
        )
    )
    if ctx.turn.place.kind == "personal":
        return Reply(messages=(link,))
    # No fallback: a link must never be @mentioned into a shared thread.
    await ctx.messenger.send_to_person(ctx.turn.actor.key, link)
    return Reply.say(ctx.t("exports.sent", minutes=minutes))


# --- rows ----------------------------------------------------------------------------------


async def _table(session: AsyncSession, subject_id: str, t: Translator) -> _Table | None:
    if not subject_id.isdigit():
        return None
    event = await load_event(session, int(subject_id))
    if event is None:
        return None
    header = tuple(t(f"exports.attendees.{column}") for column in _COLUMNS)
    return _Table(event, header, await store.registrations(session, event.id))


def _texts(registration: Registration, t: Translator) -> list[str]:
    """Every column but 登録日時. 所属 and 時間帯 stay blank where they say nothing (欠席
    without 所属; nobody comes, so no part of the day)."""
    absent = registration.status is Status.ABSENT
    return [
        registration.name,
        municipality_name(registration.municipality, t) if registration.municipality else "",
        registration.department,
        t(f"attendance.modes.{registration.mode.value}"),
        _status(registration, t),
        "" if absent else t(f"attendance.slots.{registration.slot.value}"),
        registration.note,
    ]


def _status(registration: Registration, t: Translator) -> str:
    if registration.status is Status.WAITLISTED:
        return t("exports.attendees.waitlisted", position=registration.position or 1)
    return t(f"exports.attendees.{registration.status.value}")


def _filename(event: Event, t: Translator, suffix: str) -> str:
    stem = t("exports.attendees.filename", title=event.title, date=f"{event.day:%Y%m%d}")
    return safe_filename(f"{stem}.{suffix}")


# --- Excel ---------------------------------------------------------------------------------


def xlsx_bytes(
    sheet_name: str,
    caption: str,
    header: Sequence[str],
    rows: Sequence[Sequence[XlsxCell]],
) -> bytes:
    """A workbook of one sheet: `caption` in A1, the header in row 2 (bold, frozen, with a
    filter), then the rows. Text is always stored as text, so a value typed as `=…` (or
    `#N/A`) is shown, never run; characters XML cannot hold are dropped. Naive datetimes are
    shown as `yyyy-mm-dd hh:mm`."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(sheet_name)
    _put(sheet.cell(row=1, column=1), caption).font = Font(bold=True, size=13)
    for column, title in enumerate(header, start=1):
        _put(sheet.cell(row=2, column=column), title).font = Font(bold=True)
    for row_number, row in enumerate(rows, start=3):
        for column, value in enumerate(row, start=1):
            cell = _put(sheet.cell(row=row_number, column=column), value)
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, str) and "\n" in value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last_column = get_column_letter(max(1, len(header)))
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{last_column}{max(2, len(rows) + 2)}"
    for column in range(1, len(header) + 1):
        values = [header[column - 1], *(row[column - 1] for row in rows if len(row) >= column)]
        sheet.column_dimensions[get_column_letter(column)].width = _width(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(cell: Any, value: XlsxCell) -> Any:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str):
        # openpyxl takes a text starting with "=" for a formula: say it is text.
        cell.data_type = "s"
    return cell


def _width(values: Sequence[XlsxCell]) -> float:
    """Enough for the longest line in the column (a wide character counts two), capped."""
    widest = 0
    for value in values:
        if isinstance(value, datetime):
            text = "2026-12-31 23:59"
        elif value is None:
            text = ""
        else:
            text = max(str(value).splitlines() or [""], key=_display_width)
        widest = max(widest, _display_width(text))
    return float(min(MAX_COLUMN_WIDTH, widest + 2))


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _sheet_title(name: str) -> str:
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", name).translate(_NOT_IN_SHEET_NAME)
    return cleaned[:31].strip("' ") or "Sheet1"
