"""From polls, tallies and errors to the view-models of cards.polls, in one reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from cards.forms import FieldView
from cards.polls import (
    CandidateLine,
    CandidateOption,
    ChoiceCount,
    ChoiceOption,
    CoordinatorView,
    CreationView,
    PollCardState,
    PollView,
)
from core.i18n import Translator
from core.jpcalendar import (
    format_date_long,
    format_date_marked,
    format_time,
    format_time_range,
    holiday_name,
    is_year_end_holiday,
)
from core.jpdates import explain as explain_date_error
from dialogs.polls.answers import AnswerError, choice_input_id
from dialogs.polls.creation import PollError, PollForm
from dialogs.polls.model import Answer, Choice, Poll, PollState, Slot
from dialogs.polls.tally import PollTally, results_visible

# Names shown on a card, shared among its dates and choices (1 to 5 per answer; beyond that
# "他n名"). With 20 dates and 200 people this keeps the card well under Teams' ~28 KB
# (tests/polls/test_cards.py measures it).
NAMES_BUDGET = 80
MAX_NAMES_PER_CHOICE = 5
NAME_MAX_LENGTH = 20


def names_per_choice(candidates: int) -> int:
    """How many names to show per date and answer on a card with this many dates."""
    return max(1, min(MAX_NAMES_PER_CHOICE, NAMES_BUDGET // (len(Choice) * max(1, candidates))))


_STATES: dict[PollState, PollCardState] = {
    PollState.OPEN: "open",
    PollState.CLOSED: "closed",
    PollState.DECIDED: "decided",
    PollState.CANCELLED: "cancelled",
}


def choice_options(t: Translator) -> tuple[ChoiceOption, ...]:
    return tuple(
        ChoiceOption(choice.value, t(f"polls.choices.{choice.value}"), t(f"polls.short.{choice}"))
        for choice in Choice
    )


def slot_label(slot: Slot, t: Translator, near: date | None = None) -> str:
    """`12/10(木)`, `11/23(月・祝) 13:00–17:00`, `Thu 12/10 13:00`; with the year
    (`2027/11/25(木)`) when the day is more than about six months from `near`."""
    label = format_date_marked(slot.date, t.locale, catalog=t.catalog, near=near)
    if slot.start and slot.end:
        return f"{label} {format_time_range(slot.start, slot.end)}"
    if slot.start:
        return f"{label} {format_time(slot.start)}"
    return label


def closed_day_note(day: date, t: Translator) -> tuple[bool, str | None]:
    """Whether offices are closed that day, and the reason worth writing next to the date: the
    holiday's name or 年末年始 (a weekend already shows in the date's weekday)."""
    name = holiday_name(day, t.locale)
    if name is not None:
        return True, name
    if is_year_end_holiday(day):
        return True, t("calendar.year_end")
    return day.weekday() >= 5, None


def moment_label(moment: datetime, zone: tzinfo, t: Translator, near: date | None = None) -> str:
    """`12/5(金) 23:59` in `zone` (with the year when far from `near`, as `slot_label`)."""
    local = moment.astimezone(zone)
    day = format_date_marked(local.date(), t.locale, catalog=t.catalog, near=near)
    return f"{day} {format_time(local.time())}"


def moment_text(moment: datetime, zone: tzinfo) -> str:
    """A moment written so that the deadline field reads it back: `2026-12-05 23:59`."""
    local = moment.astimezone(zone)
    return f"{local.date().isoformat()} {format_time(local.time())}"


def poll_view(
    poll: Poll,
    tally: PollTally,
    t: Translator,
    zone: tzinfo,
    *,
    viewer: Answer | None = None,
    personal: bool = False,
    saved: bool = False,
    calendar_url: str | None = None,
    refresh_for: Sequence[str] = (),
) -> PollView:
    """The shared card's view (personal=False: nobody's answers preselected), or one person's
    (their answers preselected, results shown once they have answered)."""
    visible = results_visible(poll.results, has_answered=personal and viewer is not None)
    options = {option.value: option for option in choice_options(t)}
    best_id = tally.best.candidate.id if tally.best else None
    lines = []
    cap = names_per_choice(len(tally.candidates))
    for line in tally.candidates:
        closed, note = closed_day_note(line.candidate.date, t)
        counts: tuple[ChoiceCount, ...] = ()
        if visible:
            counts = tuple(
                _count(options[choice.value], line.names[choice], cap) for choice in Choice
            )
        selected = viewer.choices.get(line.candidate.id) if personal and viewer else None
        lines.append(
            CandidateLine(
                candidate_id=line.candidate.id,
                input_id=choice_input_id(line.candidate.id),
                label=slot_label(line.candidate.slot, t, poll.created),
                note=note,
                closed_day=closed,
                counts=counts,
                selected=selected.value if selected else None,
                is_best=line.candidate.id == best_id,
            )
        )
    decided = poll.candidate(poll.decided) if poll.decided is not None else None
    return PollView(
        poll_id=poll.id,
        title=poll.title,
        candidates=tuple(lines),
        choices=tuple(options.values()),
        respondents=tally.respondents,
        state=_STATES[poll.state],
        venue=poll.venue,
        capacity=poll.capacity,
        deadline=moment_label(poll.deadline, zone, t, poll.created) if poll.deadline else None,
        results_visible=visible,
        best=slot_label(tally.best.candidate.slot, t, poll.created) if tally.best else None,
        decided=slot_label(decided.slot, t, poll.created) if decided else None,
        personal=personal,
        prefilled=personal and viewer is not None,
        saved=saved,
        comment=viewer.comment if personal and viewer else "",
        calendar_url=calendar_url,
        refresh_for=tuple(refresh_for),
    )


def _count(option: ChoiceOption, names: tuple[str, ...], cap: int) -> ChoiceCount:
    shown = tuple(_short(name) for name in names[:cap])
    return ChoiceCount(option, len(names), shown, max(0, len(names) - cap))


def _short(name: str) -> str:
    name = " ".join(name.split())
    return name if len(name) <= NAME_MAX_LENGTH else name[: NAME_MAX_LENGTH - 1] + "…"


def candidate_options(poll: Poll, t: Translator) -> tuple[CandidateOption, ...]:
    ordered = sorted(poll.candidates, key=lambda c: c.slot.sort_key)
    return tuple(CandidateOption(c.id, slot_label(c.slot, t, poll.created)) for c in ordered)


def coordinator_view(
    poll: Poll, tally: PollTally, t: Translator, *, notice: str | None = None
) -> CoordinatorView:
    return CoordinatorView(
        notice=notice,
        poll_id=poll.id,
        title=poll.title,
        candidates=candidate_options(poll, t),
        state=_STATES[poll.state],
        best_id=tally.best.candidate.id if tally.best else None,
    )


def creation_view(
    form: PollForm, errors: Sequence[PollError], t: Translator, zone: tzinfo
) -> CreationView:
    """The creation card's fields as typed, each with its errors."""

    def messages(name: str) -> tuple[str, ...]:
        return tuple(explain(e, t, zone) for e in errors if e.field == name)

    return CreationView(
        title=FieldView(form.title, messages("title")),
        dates=FieldView(form.dates, messages("dates")),
        venue=FieldView(form.venue, messages("venue")),
        capacity=FieldView(form.capacity, messages("capacity")),
        deadline=FieldView(form.deadline, messages("deadline")),
        hide_results=form.hide_results,
        results_errors=messages("results"),
    )


def explain(error: PollError, t: Translator, zone: tzinfo) -> str:
    """The error as one sentence for the reader (it may quote what they typed)."""
    if error.date_error is not None:
        return explain_date_error(error.date_error, t)
    params: dict[str, object] = {
        "original": error.original,
        "field": t(f"polls.fields.{error.field}"),
    }
    for name, value in error.details.items():
        if isinstance(value, datetime):
            local = value.astimezone(zone)
            day = format_date_long(local.date(), t.locale, catalog=t.catalog)
            params[name] = f"{day} {format_time(local.time())}"
        elif isinstance(value, date):
            params[name] = format_date_long(value, t.locale, catalog=t.catalog)
        else:
            params[name] = value
    return t(f"polls.errors.{error.code}", **params)


def explain_answer(error: AnswerError, t: Translator) -> str:
    return t(f"polls.answer_errors.{error.code}")
