"""Ports to the far side: implemented in bot/ with botbuilder, faked in tests over HTTP."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, Protocol

from dialogs.replies import Message

Role = Literal["owner", "member", "guest", "unknown"]


@dataclass(frozen=True)
class Address:
    """Enough to reach a conversation proactively (from a stored conversation reference)."""

    service_url: str
    conversation_id: str
    tenant_id: str | None = None
    team_id: str | None = None
    bot_id: str | None = None
    bot_name: str | None = None


@dataclass(frozen=True)
class Member:
    teams_id: str
    aad_object_id: str | None
    name: str
    upn: str | None = None
    role: Role = "unknown"
    tenant_id: str | None = None  # the person's own organisation (another one in a shared channel)


@dataclass(frozen=True)
class Delivered:
    """The connector accepted the send; `activity_id` is the posted message's id and
    `conversation_id` where it lives (a new 1:1 chat or a new channel thread)."""

    activity_id: str | None
    conversation_id: str


class DeliveryError(Exception):
    """Base for send failures; the subclass tells the outbox what to do next."""


class RetryLater(DeliveryError):
    """Definite failure that may pass (429, 503, connection refused): nothing was posted."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Ambiguous(DeliveryError):
    """We cannot tell whether Teams posted it (timeout, 502, 504): never resend blindly."""


class Refused(DeliveryError):
    """Permanent (400, 401, 403, 404): the bot was removed or may not post there."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status


class Deliverer(Protocol):
    async def post_to_channel(self, address: Address, message: Message) -> Delivered:
        """Start a new thread in the channel `address.conversation_id`."""
        ...

    async def send(
        self, address: Address, message: Message, reply_to: str | None = None
    ) -> Delivered:
        """Send into an existing conversation (a thread when `reply_to` is its root id)."""
        ...

    async def open_personal_chat(self, address: Address, member: Member) -> Address:
        """Create (or get) the 1:1 conversation with a member; `address` names the tenant."""
        ...

    async def update(self, address: Address, activity_id: str, message: Message) -> None:
        """Replace a posted message (a card's live state)."""
        ...


class Roster(Protocol):
    async def members(self, address: Address) -> list[Member]:
        """Everyone in the team (by `team_id`) or group chat, with their role; without a
        `team_id`, the members of the conversation itself (a private or shared channel's own:
        see `members_address`)."""
        ...


# Channel types whose members are the channel's own, not its team's: a private channel holds
# some of the team; a shared one also people of other teams and other organisations.
OWN_MEMBERS: frozenset[str] = frozenset({"private", "shared"})


def members_address(address: Address, channel_type: str | None) -> Address:
    """Where `Roster.members` finds the people of the conversation at `address`: the channel
    itself for a private or shared channel (`channel_type` as Teams named it), else the team
    (or the group chat): a standard channel's people are its team's."""
    if channel_type not in OWN_MEMBERS:
        return address
    channel_id = address.conversation_id.split(";messageid=", 1)[0]
    return replace(address, conversation_id=channel_id, team_id=None)
