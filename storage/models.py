"""The tables. Every change here needs an Alembic migration (storage/migrations/versions)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

# Stable constraint names, so migrations can refer to them on both backends.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Json = dict[str, Any]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), Json: JSON()}


class Conversation(Base):
    """A conversation the bot is in (a channel, a group chat or a personal chat)."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The base id, without the `;messageid=` thread suffix.
    conversation_id: Mapped[str] = mapped_column(String(512), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    service_url: Mapped[str] = mapped_column(String(512))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    team_id: Mapped[str | None] = mapped_column(String(512))
    team_aad_group_id: Mapped[str | None] = mapped_column(String(64))
    channel_id: Mapped[str | None] = mapped_column(String(512))
    team_name: Mapped[str | None] = mapped_column(String(512))
    channel_name: Mapped[str | None] = mapped_column(String(512))
    bot_id: Mapped[str | None] = mapped_column(String(512))
    bot_name: Mapped[str | None] = mapped_column(String(512))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # standard | private | shared, as Teams names a channel (`channelData.channel.type`); None
    # when not a channel or not said yet. Private and shared channels have their own members.
    channel_type: Mapped[str | None] = mapped_column(String(16))
    installed_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Person(Base):
    """Someone the bot has met; `person_key` is the Entra object id (or the 29: id)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_key: Mapped[str] = mapped_column(String(512), unique=True)
    teams_id: Mapped[str] = mapped_column(String(512))
    aad_object_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(512))
    upn: Mapped[str | None] = mapped_column(String(512))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    personal_conversation_id: Mapped[str | None] = mapped_column(String(512))
    service_url: Mapped[str | None] = mapped_column(String(512))
    municipality: Mapped[str | None] = mapped_column(String(128))
    department: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProcessedActivity(Base):
    """An activity already handled: Teams redelivers when we answer slowly."""

    __tablename__ = "processed_activities"
    __table_args__ = (UniqueConstraint("conversation_id", "activity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(512))
    activity_id: Mapped[str] = mapped_column(String(512))
    processed_at: Mapped[datetime] = mapped_column(index=True)


class OutboxMessage(Base):
    """Something to say in Teams, enqueued in the feature's transaction and sent after commit."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # post_channel | reply | personal | update
    conversation_id: Mapped[str | None] = mapped_column(String(512))
    thread_id: Mapped[str | None] = mapped_column(String(512))
    person_key: Mapped[str | None] = mapped_column(String(512))
    target_outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[Json]
    dedupe_key: Mapped[str | None] = mapped_column(String(512), unique=True)
    fallback_conversation_id: Mapped[str | None] = mapped_column(String(512))
    fallback_thread_id: Mapped[str | None] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_activity_id: Mapped[str | None] = mapped_column(String(512))
    sent_conversation_id: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # Stamped just before the send leaves: a stale "sending" row without it was only claimed.
    attempted_at: Mapped[datetime | None]


class DueTask(Base):
    """Work to run at a time; handlers are registered by `kind` on the router."""

    __tablename__ = "due_tasks"
    __table_args__ = (
        UniqueConstraint("kind", "key"),
        Index("ix_due_tasks_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(512))
    due_at: Mapped[datetime]
    payload: Mapped[Json]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())


class AuditEntry(Base):
    """Who did what, for coordinators and for the record."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_key: Mapped[str | None] = mapped_column(String(512))
    action: Mapped[str] = mapped_column(String(128))
    detail: Mapped[Json]


class PollRow(Base):
    """A scheduling poll (日程調整), posted as its own thread in a channel."""

    __tablename__ = "poll"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(512), index=True)  # the channel's base id
    # The outbox row that posted the card: updates target it, its activity id is the thread.
    post_outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    creator_key: Mapped[str] = mapped_column(String(512))
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    title: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int | None] = mapped_column(Integer)
    deadline: Mapped[datetime | None]
    results: Mapped[str] = mapped_column(String(16), default="always")
    state: Mapped[str] = mapped_column(String(16), default="open")
    decided_candidate_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PollCandidateRow(Base):
    """One candidate date of a poll, optionally with a time range."""

    __tablename__ = "poll_candidate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)


class PollAnswerRow(Base):
    """One person's answer to a poll: a choice per candidate id, and a comment. One row per
    person, so answering again updates it (an upsert on the unique pair): replaced from a card
    showing the person's answers, merged date by date from one that does not."""

    __tablename__ = "poll_answer"
    __table_args__ = (UniqueConstraint("poll_id", "person_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    person_key: Mapped[str] = mapped_column(String(512))
    name: Mapped[str] = mapped_column(String(512))
    choices: Mapped[Json]  # {"<candidate id>": "onsite" | "online" | "maybe" | "no"}
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class EventRow(Base):
    """An IYO WORK day, decided from a poll (one event per poll) or created directly.
    `token` is the unguessable part of its calendar file's URL."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(512), index=True)  # the channel's base id
    # The outbox row of the post whose thread is the event's (a poll's post, for a poll's event).
    thread_outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    poll_id: Mapped[int | None] = mapped_column(
        ForeignKey("poll.id", ondelete="SET NULL"), unique=True
    )
    creator_key: Mapped[str] = mapped_column(String(512))
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    title: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    venue: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int | None] = mapped_column(Integer)
    meeting_url: Mapped[str | None] = mapped_column(String(2000))
    registration_deadline: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The outbox row of the post showing the event card (updated in place with the counts).
    card_outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )


class RegistrationRow(Base):
    """One person's registration (参加登録) for an event: one row per person and event, so
    registering again changes it. `queue_no` orders the waitlist: it is taken (the event's
    highest + 1, under the event's row lock) whenever someone asks for an on-site seat."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("event_id", "person_key"),
        Index("ix_registration_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    person_key: Mapped[str] = mapped_column(String(512))
    name: Mapped[str] = mapped_column(String(512))
    mode: Mapped[str] = mapped_column(String(16))  # onsite | online | absent
    slot: Mapped[str] = mapped_column(String(16))  # allday | am | pm
    municipality: Mapped[str | None] = mapped_column(String(32))
    department: Mapped[str] = mapped_column(String(256), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))  # seated | waitlisted | online | absent
    queue_no: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FeedbackRow(Base):
    """One person's impressions (感想) of an event: one row per person and event, so answering
    again edits it. An anonymous answer keeps no name, municipality or department."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("event_id", "person_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    person_key: Mapped[str] = mapped_column(String(512))
    name: Mapped[str] = mapped_column(String(512), default="")
    municipality: Mapped[str | None] = mapped_column(String(32))
    department: Mapped[str] = mapped_column(String(256), default="")
    participation: Mapped[str] = mapped_column(String(16))  # onsite | online | unregistered
    rating: Mapped[int] = mapped_column(Integer)  # 1–5
    good: Mapped[str] = mapped_column(Text, default="")
    trouble: Mapped[str] = mapped_column(Text, default="")
    issues: Mapped[Json]  # {"codes": ["equipment", "network", …]}
    issue_details: Mapped[str] = mapped_column(Text, default="")
    next_themes: Mapped[str] = mapped_column(Text, default="")
    again: Mapped[str | None] = mapped_column(String(8))  # yes | maybe | no
    recommend: Mapped[str | None] = mapped_column(String(8))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChannelMessageRow(Base):
    """A post or reply in a channel the bot is in, kept as people see it: from the live
    activities Teams sends (RSC) and from Graph (history and repair). `root_id` is the thread
    (the root post's id; a root's own id for a root). The author's municipality is not copied
    here: it is read from `people.municipality` (参加登録) when the thread is read."""

    __tablename__ = "channel_message"
    __table_args__ = (
        UniqueConstraint("channel_id", "message_id"),
        Index("ix_channel_message_thread", "channel_id", "root_id"),
        Index("ix_channel_message_modified", "modified_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_aad_group_id: Mapped[str | None] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(512))
    message_id: Mapped[str] = mapped_column(String(64))
    root_id: Mapped[str] = mapped_column(String(64))
    reply_to_id: Mapped[str | None] = mapped_column(String(64))
    author_name: Mapped[str | None] = mapped_column(String(512))
    author_aad_id: Mapped[str | None] = mapped_column(String(64))
    author_kind: Mapped[str] = mapped_column(String(16), default="user")  # user | application
    subject: Mapped[str | None] = mapped_column(String(512))
    text: Mapped[str] = mapped_column(Text, default="")  # clean text (dialogs/threads/body.py)
    html: Mapped[str] = mapped_column(Text, default="")  # the body as Teams sent it
    reactions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    importance: Mapped[str | None] = mapped_column(String(16))
    web_url: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime]
    # Graph's lastModifiedDateTime (edits, reactions, deletion) or the live activity's time;
    # a version older than the stored one never overwrites it.
    modified_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(String(8))  # live | graph: where this version came from
    stored_at: Mapped[datetime]


class ChannelSyncRow(Base):
    """Where the Graph sync of one channel stands. `cursor` is the next link of the round in
    progress (backfill or delta), `delta_link` the end of the last complete delta round; both
    are written in the transaction that stores the page they follow."""

    __tablename__ = "channel_sync"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(512), unique=True)
    team_aad_group_id: Mapped[str] = mapped_column(String(64))
    history_available: Mapped[bool] = mapped_column(Boolean, default=True)
    unavailable_reason: Mapped[str | None] = mapped_column(String(256))
    backfill_started_at: Mapped[datetime | None]
    backfill_done_at: Mapped[datetime | None]
    cursor: Mapped[str | None] = mapped_column(Text)
    delta_link: Mapped[str | None] = mapped_column(Text)
    last_synced_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
    # Set by the scheduled task `threads.sync`; the sync worker runs the channel and clears it.
    requested_at: Mapped[datetime | None]
    # A running sync holds the channel until then (one sync per channel across instances).
    lease_until: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class ThreadResolutionRow(Base):
    """A thread marked 解決済み (or marked open again) with the button, by its asker or a
    coordinator. It outranks what the thread's words suggest (「解決しました」)."""

    __tablename__ = "thread_resolution"
    __table_args__ = (UniqueConstraint("channel_id", "root_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(512))
    root_id: Mapped[str] = mapped_column(String(64))
    resolved: Mapped[bool] = mapped_column(Boolean)
    by_key: Mapped[str] = mapped_column(String(512))
    by_name: Mapped[str] = mapped_column(String(512), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DigestSettingsRow(Base):
    """One channel's weekly digest (週次ダイジェスト) as a coordinator set it up with 設定:
    on or off, when (a weekday and a time, in the bot's zone), in which language, which
    sections, and after how many business days a question counts as 未回答."""

    __tablename__ = "digest_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(512), unique=True)  # the channel's base id
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    weekday: Mapped[int] = mapped_column(Integer, default=0)  # 0 = Monday … 4 = Friday
    post_time: Mapped[time] = mapped_column(Time)
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    sections: Mapped[Json]  # {"hidden": ["keywords", …]}: new sections show by default
    unanswered_days: Mapped[int] = mapped_column(Integer, default=3)
    # When it was last turned on: no digest is due for a week before that.
    enabled_at: Mapped[datetime | None]
    updated_by: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DigestRow(Base):
    """One digest of one channel, claimed for its due date: the unique pair is what makes it
    posted once, across restarts and instances. `marker` is written into the posted card, so
    a send whose outcome is unknown can be looked for among the channel's messages."""

    __tablename__ = "digest"
    __table_args__ = (
        UniqueConstraint("conversation_id", "due_date"),
        Index("ix_digest_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(512))
    due_date: Mapped[date] = mapped_column(Date)
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    marker: Mapped[str] = mapped_column(String(64), unique=True)
    # queued | sent | checking | unresolved | failed (dialogs/digest/store.py)
    status: Mapped[str] = mapped_column(String(16))
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    sends: Mapped[int] = mapped_column(Integer, default=1)
    activity_id: Mapped[str | None] = mapped_column(String(512))
    detail: Mapped[str | None] = mapped_column(Text)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    # The later digest that told the channel this one may be missing.
    reported_in: Mapped[int | None] = mapped_column(Integer)
    # A marker search holds the row until then (one search at a time across instances).
    lease_until: Mapped[datetime | None]
    checking_since: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
