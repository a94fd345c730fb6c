"""私のデータ's view-models, in the reader's language."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from cards.mydata import ConfirmView, ErasedView, Fact, MyDataView, Section
from core.i18n import Translator
from core.jpcalendar import format_date_marked
from dialogs.attendance.views import municipality_name
from dialogs.mydata.erasure import Erased
from dialogs.mydata.store import Holdings, MessagesHeld, Profile, ResolutionHeld
from dialogs.polls.views import moment_label
from storage.repositories.conversations import ChannelNames

# Lines shown per section; the rest is counted ("ほか n件").
MAX_LINES = 10


def mydata_view(
    held: Holdings, t: Translator, zone: tzinfo, now: datetime, months: int
) -> MyDataView:
    polls = [
        t("mydata.polls.line", title=p.title, state=t(f"mydata.polls.{_open(p.open)}"))
        for p in held.polls
    ]
    registrations = [
        t(
            "mydata.registrations.line",
            title=r.title,
            date=_day(r.day, t),
            status=t(f"mydata.status.{r.status.value}"),
        )
        for r in held.registrations
    ]
    feedback = [
        t(
            "mydata.feedback.anonymous_line" if f.anonymous else "mydata.feedback.line",
            title=f.title,
            date=_day(f.day, t),
        )
        for f in held.feedback
    ]
    messages = [
        t("mydata.messages.line", channel=_channel(m, t), count=m.count) for m in held.messages
    ]
    marks = [_resolution(r, t) for r in held.resolutions]
    audit = [t("mydata.audit.line", action=_action(a.action, t), count=a.count) for a in held.audit]
    empty = t("mydata.empty")
    sections = (
        Section(
            t("mydata.profile.title"),
            facts=_profile(held.profile, t) if held.profile else (),
            empty=t("mydata.profile.none"),
            note=t("mydata.profile.note"),
        ),
        Section(
            t("mydata.polls.title", count=len(polls)),
            lines=_capped(polls, t),
            empty=empty,
            note=t("mydata.polls.note"),
        ),
        Section(
            t("mydata.registrations.title", count=len(registrations)),
            lines=_capped(registrations, t),
            empty=empty,
            note=t("mydata.registrations.note"),
        ),
        Section(
            t("mydata.feedback.title", count=len(feedback)),
            lines=_capped(feedback, t),
            empty=empty,
            note=t("mydata.feedback.note"),
        ),
        Section(
            t("mydata.messages.title", count=held.message_count),
            lines=_capped(messages, t),
            empty=empty
            if held.profile and held.profile.aad_object_id
            else t("mydata.messages.unlinked"),
            note=t("mydata.messages.note", months=months),
        ),
        Section(
            t("mydata.resolutions.title", count=len(marks)),
            lines=_capped(marks, t),
            empty=empty,
            note=t("mydata.resolutions.note"),
        ),
        Section(
            t("mydata.audit.title", count=sum(a.count for a in held.audit)),
            lines=_capped(audit, t),
            empty=empty,
            note=t("mydata.audit.note"),
        ),
    )
    return MyDataView(
        title=t("mydata.title"),
        intro=t("mydata.intro", moment=moment_label(now, zone, t)),
        sections=sections,
        explanation=t("mydata.explanation"),
        kept=t("mydata.kept", months=months),
        delete_label=t("mydata.delete"),
    )


def confirm_view(t: Translator) -> ConfirmView:
    return ConfirmView(
        title=t("mydata.confirm.title"),
        paragraphs=(
            t("mydata.confirm.body"),
            t("mydata.confirm.resolutions"),
            t("mydata.confirm.undo"),
        ),
        confirm_label=t("mydata.confirm.yes"),
        cancel_label=t("mydata.confirm.no"),
    )


def erased_view(erased: Erased, t: Translator) -> ErasedView:
    counts = {
        "polls_removed": erased.polls_removed,
        "polls_anonymised": erased.polls_anonymised,
        "registrations_removed": erased.registrations_removed,
        "registrations_anonymised": erased.registrations_anonymised,
        "feedback_anonymised": erased.feedback_anonymised,
        "messages_deleted": erased.messages_deleted,
        "personal_messages_deleted": erased.personal_messages_deleted,
        "resolutions_anonymised": erased.resolutions_anonymised,
    }
    lines = [t(f"mydata.erased.{name}", count=count) for name, count in counts.items() if count]
    lines.append(t("mydata.erased.profile"))
    return ErasedView(
        title=t("mydata.erased.title"),
        lines=tuple(lines),
        note=t("mydata.erased.note"),
        show_label=t("mydata.show"),
    )


def _profile(profile: Profile, t: Translator) -> tuple[Fact, ...]:
    unset = t("mydata.profile.unset")
    facts = [
        Fact(t("mydata.profile.name"), profile.name),
        Fact(t("mydata.profile.teams_id"), profile.teams_id),
        Fact(t("mydata.profile.aad_object_id"), profile.aad_object_id or unset),
    ]
    if profile.upn:
        facts.append(Fact(t("mydata.profile.upn"), profile.upn))
    facts += [
        Fact(t("mydata.profile.tenant_id"), profile.tenant_id or unset),
        Fact(t("mydata.profile.locale"), t(f"mydata.locales.{_locale(profile.locale)}")),
        Fact(
            t("mydata.profile.municipality"),
            municipality_name(profile.municipality, t) if profile.municipality else unset,
        ),
        Fact(t("mydata.profile.department"), profile.department or unset),
        Fact(
            t("mydata.profile.personal_chat"),
            t("mydata.profile.kept" if profile.personal_chat else "mydata.profile.unset"),
        ),
    ]
    return tuple(facts)


def _capped(lines: list[str], t: Translator) -> tuple[str, ...]:
    if len(lines) <= MAX_LINES:
        return tuple(lines)
    return (*lines[:MAX_LINES], t("mydata.more", count=len(lines) - MAX_LINES))


def _channel(held: MessagesHeld | ResolutionHeld, t: Translator) -> str:
    return channel_label(t, ChannelNames(held.team_name, held.channel_name, held.general))


def channel_label(t: Translator, names: ChannelNames) -> str:
    """The channel as people know it, never its id: `チーム / チャネル`, `チーム（一般）`."""
    if names.channel:
        return " / ".join(name for name in (names.team, names.channel) if name)
    if names.team:
        key = "mydata.messages.general" if names.general else "mydata.messages.team_channel"
        return t(key, team=names.team)
    return t("mydata.messages.unnamed")


def _resolution(held: ResolutionHeld, t: Translator) -> str:
    return t(
        "mydata.resolutions.line",
        thread=held.thread or t("mydata.resolutions.gone"),
        channel=_channel(held, t),
        state=t("mydata.resolutions.resolved" if held.resolved else "mydata.resolutions.reopened"),
    )


def _action(action: str, t: Translator) -> str:
    key = f"mydata.audit.actions.{action.replace('.', '_')}"
    return t(key) if key in t.catalog.keys(t.locale) else action


def _open(is_open: bool) -> str:
    return "open" if is_open else "closed"


def _locale(locale: str) -> str:
    return "en" if locale == "en" else "ja"


def _day(day: date, t: Translator) -> str:
    return format_date_marked(day, t.locale, catalog=t.catalog)
