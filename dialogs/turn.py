"""What a feature sees of one incoming Teams activity: plain data, no SDK types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ConversationKind = Literal["personal", "channel", "groupChat"]
# What Teams calls a channel's membership: private and shared channels have their own members
# (a shared one also people of other organisations) and must each be given the bot.
ChannelType = Literal["standard", "private", "shared"]
CHANNEL_TYPES: tuple[ChannelType, ...] = ("standard", "private", "shared")


@dataclass(frozen=True)
class Person:
    """Someone in Teams. `teams_id` is the 29:… id the connector knows; `aad_object_id` the
    Entra object id that identifies the same person across conversations."""

    teams_id: str
    aad_object_id: str | None
    name: str

    @property
    def key(self) -> str:
        """The id to store answers under: Entra object id when Teams gives one."""
        return self.aad_object_id or self.teams_id


@dataclass(frozen=True)
class Place:
    """Where the activity happened."""

    conversation_id: str
    kind: ConversationKind
    service_url: str
    tenant_id: str | None = None
    team_id: str | None = None
    team_aad_group_id: str | None = None
    channel_id: str | None = None
    thread_id: str | None = None
    channel_type: ChannelType | None = None  # None: not a channel, or Teams did not say

    @property
    def base_conversation_id(self) -> str:
        """The conversation id without the `;messageid=` thread suffix Teams adds in channels."""
        return self.conversation_id.split(";messageid=", 1)[0]


@dataclass(frozen=True)
class Turn:
    """One thing a person did: a command message, or a card action (Execute or Submit)."""

    activity_id: str
    actor: Person
    place: Place
    locale: str
    text: str = ""
    verb: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    is_invoke: bool = False
    reply_to_id: str | None = None
    redelivered: bool = False
