"""感想レポート: for coordinators, the latest ended day's report as Markdown (for a blog post)
and every answer as an Excel file, through links in their personal chat (the mechanism is
dialogs/exports.py), with a preview of the report's beginning.

Anonymous answers have no name, municipality, department or time in the spreadsheet (and are
listed after the named ones, so their order says nothing either). Every text cell is a string
cell marked as text: nothing anyone typed can become a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, tzinfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from sqlalchemy.ext.asyncio import AsyncSession

from cards.feedback import preview_card
from core.i18n import Translator
from dialogs.attendance.store import registrations
from dialogs.attendance.views import municipality_name
from dialogs.context import Context
from dialogs.events.model import Event
from dialogs.events.store import load_event
from dialogs.exports import LINK_LIFETIME, XLSX_MEDIA_TYPE, ExportFile, issue_link, safe_filename
from dialogs.feedback import store
from dialogs.feedback.model import Feedback, Intent
from dialogs.feedback.report import report_markdown
from dialogs.platform.scope import turn_scope
from dialogs.polls.views import moment_label
from dialogs.replies import Message, Reply, literal
from dialogs.router import Router

router = Router()

FEEDBACK_MARKDOWN = "feedback_md"
FEEDBACK_XLSX = "feedback_xlsx"
MARKDOWN_MEDIA_TYPE = "text/markdown; charset=utf-8"
PREVIEW_LINES = 20
PREVIEW_CHARACTERS = 1500
COLUMNS = (
    "answered_at",
    "name",
    "municipality",
    "department",
    "participation",
    "rating",
    "good",
    "trouble",
    "issues",
    "issue_details",
    "next_themes",
    "again",
    "recommend",
    "anonymous",
)
_WIDTHS = {"good": 50, "trouble": 50, "issue_details": 50, "next_themes": 50, "issues": 30}


@router.command("feedback_report", coordinator_only=True, order=32)
async def report_command(ctx: Context) -> Reply:
    """`感想レポート`: 15-minute links to the report (.md) and all answers (.xlsx) of the latest
    ended day, with a preview, said in the coordinator's personal chat only."""
    settings = ctx.services.settings
    now = ctx.clock.now()
    scope = await turn_scope(ctx)
    event = await store.latest_ended_event(ctx.session, now, settings.zone, within=scope)
    if event is None:
        return Reply.say(ctx.t("feedback.flow.no_events"))
    urls = {}
    for kind in (FEEDBACK_MARKDOWN, FEEDBACK_XLSX):
        urls[kind] = await issue_link(
            ctx.session,
            kind=kind,
            subject_id=str(event.id),
            person=ctx.turn.actor,
            locale=ctx.t.locale,
            now=now,
            settings=settings,
        )
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    text = ctx.t(
        "feedback.report.link",
        title=literal(event.title),
        markdown=urls[FEEDBACK_MARKDOWN],
        xlsx=urls[FEEDBACK_XLSX],
        until=moment_label(now + LINK_LIFETIME, settings.zone, ctx.t),
        minutes=minutes,
    )
    preview = report_preview(await _markdown(ctx.session, event, ctx.t, settings.zone))
    message = Message(text=text, card=preview_card(ctx.t("feedback.report.preview"), preview))
    if ctx.turn.place.kind == "personal":
        return Reply(messages=(message,))
    # No fallback: links must never be @mentioned into a shared thread.
    await ctx.messenger.send_to_person(ctx.turn.actor.key, message)
    return Reply.say(ctx.t("exports.sent", minutes=minutes))


def report_preview(markdown: str) -> str:
    """The report's first PREVIEW_LINES lines, at most PREVIEW_CHARACTERS in all."""
    preview = "\n".join(markdown.splitlines()[:PREVIEW_LINES])
    if len(preview) > PREVIEW_CHARACTERS:
        preview = preview[: PREVIEW_CHARACTERS - 1]
    return preview + "\n…" if preview != markdown.rstrip("\n") else preview


async def feedback_markdown(
    session: AsyncSession, subject_id: str, t: Translator, zone: tzinfo, now: datetime
) -> ExportFile | None:
    """The report of event `subject_id` as a UTF-8 Markdown file."""
    event = await _event(session, subject_id)
    if event is None:
        return None
    day = f"{now.astimezone(zone):%Y%m%d}"
    return ExportFile(
        filename=safe_filename(t("feedback.export.filename_md", title=event.title, date=day)),
        media_type=MARKDOWN_MEDIA_TYPE,
        content=(await _markdown(session, event, t, zone)).encode("utf-8"),
        ascii_filename=f"feedback_report_{event.id}_{day}.md",
    )


async def feedback_xlsx(
    session: AsyncSession, subject_id: str, t: Translator, zone: tzinfo, now: datetime
) -> ExportFile | None:
    """Every answer to event `subject_id`, one row each, as an Excel workbook."""
    event = await _event(session, subject_id)
    if event is None:
        return None
    day = f"{now.astimezone(zone):%Y%m%d}"
    content = answers_workbook(await store.feedbacks(session, event.id), t, zone)
    return ExportFile(
        filename=safe_filename(t("feedback.export.filename_xlsx", title=event.title, date=day)),
        media_type=XLSX_MEDIA_TYPE,
        content=content,
        ascii_filename=f"feedback_{event.id}_{day}.xlsx",
    )


def answers_workbook(answers: Sequence[Feedback], t: Translator, zone: tzinfo) -> bytes:
    """The answers as .xlsx bytes: named answers first, then the anonymous ones (each group
    in answer order)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = t("feedback.export.sheet")
    sheet.append([_text(t(f"feedback.export.columns.{column}")) for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    ordered = [a for a in answers if not a.anonymous] + [a for a in answers if a.anonymous]
    for feedback in ordered:
        sheet.append(_row(feedback, t, zone))
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str):
                # A string cell, marked as text: never read as a formula, even when edited.
                cell.data_type = "s"
                cell.quotePrefix = True
                cell.alignment = wrap
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = _WIDTHS.get(column, 14)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(feedback: Feedback, t: Translator, zone: tzinfo) -> list[str | int | datetime]:
    answer = feedback.answer
    anonymous = feedback.anonymous

    def intent(value: Intent | None) -> str:
        return t(f"feedback.intents.{value.value}") if value else ""

    cells: dict[str, str | int | datetime] = {
        "answered_at": "" if anonymous else _moment(feedback.updated_at, zone),
        "name": "" if anonymous else feedback.name,
        "municipality": ""
        if anonymous or not feedback.municipality
        else municipality_name(feedback.municipality, t),
        "department": "" if anonymous else feedback.department,
        "participation": t(f"feedback.participation.{feedback.participation.value}"),
        "rating": answer.rating,
        "good": answer.good,
        "trouble": answer.trouble,
        "issues": t("feedback.export.issue_separator").join(
            t(f"feedback.issues.{issue.value}") for issue in answer.issues
        ),
        "issue_details": answer.issue_details,
        "next_themes": answer.next_themes,
        "again": intent(answer.again),
        "recommend": intent(answer.recommend),
        "anonymous": t("feedback.export.anonymous_yes") if anonymous else "",
    }
    return [_text(v) if isinstance(v, str) else v for v in (cells[c] for c in COLUMNS)]


def _moment(moment: datetime, zone: tzinfo) -> datetime:
    """Tokyo wall-clock time without a zone (Excel has none): a date-time cell that sorts
    and filters, as in the attendees' workbook."""
    return moment.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


def _text(value: str) -> str:
    """Control characters a workbook cannot hold are dropped."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


async def _event(session: AsyncSession, subject_id: str) -> Event | None:
    if not subject_id.isdigit():
        return None
    return await load_event(session, int(subject_id))


async def _markdown(session: AsyncSession, event: Event, t: Translator, zone: tzinfo) -> str:
    attendees = await registrations(session, event.id)
    return report_markdown(event, attendees, await store.feedbacks(session, event.id), t, zone)
