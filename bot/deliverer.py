"""Proactive sends and the roster, through the Bot Connector REST API (botbuilder's client)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, NoReturn

import requests
from botbuilder.schema import ChannelAccount, ConversationParameters
from msrest.exceptions import ClientRequestError, HttpOperationError
from urllib3 import Retry
from urllib3.exceptions import NewConnectionError

from bot.activities import message_to_activity
from bot.adapter import IyoCloudAdapter
from dialogs.platform.ports import (
    Address,
    Ambiguous,
    Delivered,
    Member,
    Refused,
    RetryLater,
    Role,
)
from dialogs.replies import Message

log = logging.getLogger(__name__)

ROLES: Mapping[str, Role] = {"owner": "owner", "user": "member", "guest": "guest"}
ROSTER_PAGE_SIZE = 500  # Teams' maximum; fewer round trips for a prefecture-sized team
RETRY_LATER_STATUSES = frozenset({412, 429, 503})


class ConnectorDeliverer:
    """`Deliverer` and `Roster` over the Bot Connector. Every call is tried once: msrest's own
    retries (which resend POSTs after a timeout) are switched off, because the outbox decides
    what to retry from the error: `RetryLater` (nothing posted), `Ambiguous` (maybe posted),
    `Refused` (never will be)."""

    def __init__(self, adapter: IyoCloudAdapter, app_id: str, *, timeout: float = 15.0) -> None:
        self._adapter = adapter
        self._app_id = app_id
        self._timeout = timeout

    async def post_to_channel(self, address: Address, message: Message) -> Delivered:
        """Start a new thread in channel `address.conversation_id`; `Delivered.activity_id` is
        the thread's root message id."""
        # A stored reference may name a thread ("19:…;messageid=…"); a new thread needs the channel.
        channel_id = address.conversation_id.split(";messageid=", 1)[0]
        channel_data: dict[str, Any] = {"channel": {"id": channel_id}}
        if address.tenant_id:
            channel_data["tenant"] = {"id": address.tenant_id}
        parameters = ConversationParameters(
            is_group=True,
            bot=self._bot(address),
            channel_data=channel_data,
            activity=message_to_activity(message),
            tenant_id=address.tenant_id,
        )
        async with self._client(address) as client:
            try:
                created = await client.conversations.create_conversation(parameters)
            except Exception as exc:
                _raise_delivery_error("post to channel", exc)
        return Delivered(activity_id=created.activity_id, conversation_id=created.id)

    async def send(
        self, address: Address, message: Message, reply_to: str | None = None
    ) -> Delivered:
        """Send into `address.conversation_id`, as a reply in the thread `reply_to` if given."""
        activity = message_to_activity(message)
        async with self._client(address) as client:
            try:
                if reply_to:
                    activity.reply_to_id = reply_to
                    sent = await client.conversations.reply_to_activity(
                        address.conversation_id, reply_to, activity
                    )
                else:
                    sent = await client.conversations.send_to_conversation(
                        address.conversation_id, activity
                    )
            except Exception as exc:
                _raise_delivery_error("send", exc)
        return Delivered(
            activity_id=sent.id if sent else None, conversation_id=address.conversation_id
        )

    async def open_personal_chat(self, address: Address, member: Member) -> Address:
        """The 1:1 conversation between the bot and `member` (Teams returns the existing one if
        there is one); `address` gives the service URL, tenant and bot."""
        parameters = ConversationParameters(
            is_group=False,
            bot=self._bot(address),
            members=[ChannelAccount(id=member.teams_id, name=member.name)],
            channel_data={"tenant": {"id": address.tenant_id}} if address.tenant_id else None,
            tenant_id=address.tenant_id,
        )
        async with self._client(address) as client:
            try:
                created = await client.conversations.create_conversation(parameters)
            except Exception as exc:
                _raise_delivery_error("open personal chat", exc)
        return Address(
            service_url=address.service_url,
            conversation_id=created.id,
            tenant_id=address.tenant_id,
            bot_id=address.bot_id,
            bot_name=address.bot_name,
        )

    async def update(self, address: Address, activity_id: str, message: Message) -> None:
        """Replace the posted message `activity_id` (a card's live state)."""
        activity = message_to_activity(message)
        activity.id = activity_id
        async with self._client(address) as client:
            try:
                await client.conversations.update_activity(
                    address.conversation_id, activity_id, activity
                )
            except Exception as exc:
                _raise_delivery_error("update", exc)

    async def members(self, address: Address) -> list[Member]:
        """Everyone in the team `address.team_id`, page by page, with their role (and tenant).
        Without a team: the conversation's own members, which for a private or shared channel
        are the channel's (`GET /v3/conversations/{channel}/pagedmembers`; botbuilder's
        TeamsInfo always reads the team's roster inside a team, so it is asked directly)."""
        # The channel's members, not a thread's: a stored id may name a thread.
        conversation_id = address.team_id or address.conversation_id.split(";messageid=", 1)[0]
        found: list[Member] = []
        token: str | None = None
        async with self._client(address) as client:
            while True:
                try:
                    page = await client.conversations.get_teams_conversation_paged_members(
                        conversation_id, ROSTER_PAGE_SIZE, token
                    )
                except Exception as exc:
                    _raise_delivery_error("read roster", exc)
                found.extend(_member(account) for account in page.members or [])
                token = page.continuation_token
                if not token:
                    return found

    def _bot(self, address: Address) -> ChannelAccount | None:
        bot_id = address.bot_id or (f"28:{self._app_id}" if self._app_id else None)
        return ChannelAccount(id=bot_id, name=address.bot_name) if bot_id else None

    @asynccontextmanager
    async def _client(self, address: Address) -> AsyncIterator[Any]:
        """A connector client for the address's service URL, closed afterwards."""
        auth = self._adapter.bot_framework_authentication
        factory = auth.create_connector_factory(self._adapter.create_claims_identity(self._app_id))
        try:
            client = await factory.create(address.service_url, None)
        except Exception as exc:
            _raise_delivery_error("connect", exc)
        client.config.connection.timeout = self._timeout
        _try_once(client.config.retry_policy.policy)
        async with client:
            yield client


def _try_once(policy: Retry) -> None:
    """Switch msrest's retries off. Changed in place: the client's requests session already
    holds this very object (it is built with the client)."""
    policy.total = 0
    policy.connect = 0
    policy.read = False
    policy.status = 0
    policy.status_forcelist = frozenset()
    policy.raise_on_status = False


def _member(account: Any) -> Member:
    return Member(
        teams_id=account.id,
        aad_object_id=account.aad_object_id,
        name=account.name or "",
        upn=getattr(account, "user_principal_name", None),
        role=ROLES.get((getattr(account, "user_role", None) or "").lower(), "unknown"),
        tenant_id=getattr(account, "tenant_id", None) or None,
    )


def _raise_delivery_error(action: str, exc: Exception) -> NoReturn:
    """Translate a connector failure into what the outbox should do next."""
    if isinstance(exc, HttpOperationError) and exc.response is not None:
        status = int(exc.response.status_code)
        log.warning("connector %s failed: HTTP %s", action, status)
        if status in RETRY_LATER_STATUSES:
            raise RetryLater(
                f"{action}: HTTP {status}", retry_after(exc.response.headers)
            ) from None
        if 400 <= status < 500:
            raise Refused(f"{action}: HTTP {status}", status) from None
        raise Ambiguous(f"{action}: HTTP {status}") from None
    if isinstance(exc, ClientRequestError):
        inner = getattr(exc, "inner_exception", None)
        log.warning("connector %s failed: %s", action, type(inner or exc).__name__)
        if _never_connected(inner):
            raise RetryLater(f"{action}: cannot connect") from None
        raise Ambiguous(f"{action}: {type(inner or exc).__name__}") from None
    # Anything else (a bug, a token we could not get) may or may not have reached Teams.
    log.warning("connector %s failed: %s", action, type(exc).__name__)
    raise Ambiguous(f"{action}: {type(exc).__name__}") from exc


def _never_connected(error: BaseException | None) -> bool:
    """True when the request cannot have reached the connector (refused, DNS, connect timeout);
    a read timeout or a dropped connection may have been posted."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if isinstance(error, requests.ConnectionError) and not isinstance(error, requests.Timeout):
        reason = getattr(error.args[0], "reason", None) if error.args else None
        return isinstance(reason, NewConnectionError)
    return False


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from a Retry-After header, or None. The connector sends delta-seconds; an HTTP
    date is left to the outbox's own backoff."""
    value = (headers or {}).get("Retry-After")
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
