"""From events and registrations to the view-models of cards.attendance, in one reader's
language."""

from __future__ import annotations

from datetime import tzinfo

from cards.attendance import EventOption, FormValues, Notice, Option, RegistrationView
from core.i18n import Translator
from dialogs.attendance.inputs import ErrorCode, Form
from dialogs.attendance.model import MUNICIPALITIES, Mode, Registration, Slot, Status
from dialogs.attendance.profile import Profile
from dialogs.events.calendar import calendar_url
from dialogs.events.model import Event
from dialogs.events.views import when_label
from dialogs.polls.views import moment_label


def mode_options(t: Translator) -> tuple[Option, ...]:
    return tuple(Option(mode.value, t(f"attendance.modes.{mode.value}")) for mode in Mode)


def slot_options(t: Translator) -> tuple[Option, ...]:
    return tuple(Option(slot.value, t(f"attendance.slots.{slot.value}")) for slot in Slot)


def municipality_name(code: str | None, t: Translator) -> str:
    """The municipality's name; その他 for anything unknown."""
    return t(f"attendance.municipalities.{code if code in MUNICIPALITIES else 'other'}")


def municipality_options(t: Translator) -> tuple[Option, ...]:
    return tuple(Option(code, municipality_name(code, t)) for code in MUNICIPALITIES)


def form_values(
    *, own: Registration | None, profile: Profile | None = None, typed: Form | None = None
) -> FormValues:
    """What the inputs show: what was typed (after an error), else the person's registration,
    else their remembered 所属/部署 (pass a profile only where the card is theirs alone)."""
    if typed is not None:
        return FormValues(typed.mode, typed.slot, typed.municipality, typed.department, typed.note)
    if own is not None:
        return FormValues(
            own.mode.value, own.slot.value, own.municipality or "", own.department, own.note
        )
    if profile is not None:
        return FormValues(municipality=profile.municipality or "", department=profile.department)
    return FormValues()


def status_notice(own: Registration, t: Translator, *, closed: bool = False) -> Notice:
    """Where the person stands: seated, waiting (with their place in line), online, absent.
    `closed`: registration has closed for them, so waiting offers no switch to online."""
    if own.status is Status.WAITLISTED:
        key = "waitlisted_closed" if closed else "waitlisted"
        return Notice(t(f"attendance.status.{key}", position=own.position or 1), "Warning")
    return Notice(t(f"attendance.status.{own.status.value}"))


def registration_view(
    event: Event,
    t: Translator,
    zone: tzinfo,
    base_url: str,
    *,
    own: Registration | None = None,
    values: FormValues | None = None,
    notices: tuple[Notice, ...] = (),
    errors: tuple[ErrorCode, ...] = (),
    for_person: Registration | None = None,
) -> RegistrationView:
    """The registration card for one reader. `own` (their registration) is given only on a
    card seen by them alone; a card posted in a channel gets neither `own` nor their values."""
    shown = list(notices)
    if own is not None:
        shown.append(status_notice(own, t))
    return RegistrationView(
        event_id=event.id,
        title=event.title,
        when=when_label(event, t),
        registration_deadline=moment_label(event.registration_deadline, zone, t),
        modes=mode_options(t),
        slots=slot_options(t),
        municipalities=municipality_options(t),
        values=values or FormValues(),
        venue=event.venue,
        notices=tuple(shown),
        errors=tuple(t(f"attendance.errors.{code}") for code in errors),
        offer_online=own is not None and own.status is Status.WAITLISTED,
        calendar_url=calendar_url(base_url, event.token) if own and own.attending else None,
        meeting_url=event.meeting_url if own and own.status is Status.ONLINE else None,
        for_person=for_person.person_key if for_person else None,
        for_name=for_person.name if for_person else None,
    )


def event_options(
    events: list[Event], t: Translator, *, closed: frozenset[int] = frozenset()
) -> tuple[EventOption, ...]:
    """The days to choose from; those whose ids are in `closed` say registration has closed."""
    note = t("attendance.choose.closed")
    return tuple(
        EventOption(e.id, e.title, when_label(e, t), note if e.id in closed else None)
        for e in events
    )
