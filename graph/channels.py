"""Channel threads from Graph, one page at a time, as plain dataclasses.

`messages_page` lists top-level posts with their replies inlined (`$expand=replies`, up to 1000
per post, then `replies_next_link`); `replies_page` reads one thread's replies; `delta_page`
reads changed top-level posts (no replies) and ends a round with a delta link. Callers loop the
pages themselves, so they can store each page and its link together (msgraph_core's
PageIterator would hide the delta link). `recent_posts` lists top-level posts without replies,
and `find_post` looks among them for a text (the digest's marker, when the outcome of a send is
unknown).

Requests are built by msgraph-sdk's request builders and sent through its request adapter (so
its auth, retry and redirect middleware apply); the JSON is read here, not by the SDK's models
(see `_get`).

Errors come out as `GraphError` (with the HTTP status when there was one); `GraphRefused` when
Graph will not show this channel (403, 404), `LinkExpired` when a stored next or delta link is
no longer accepted (400, 410).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

PAGE_SIZE = 50  # Graph's largest page of channel messages


class GraphError(Exception):
    """Graph answered with an error (after the SDK's retries), or could not be reached."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class GraphRefused(GraphError):
    """Graph will not show this channel to the app (403: no consent, a private or shared
    channel the RSC grant does not cover; 404: the channel or team is gone)."""


class LinkExpired(GraphError):
    """A stored next or delta link was refused (400/410): start that round again."""


@dataclass(frozen=True)
class Reaction:
    kind: str  # like, heart, laugh… or an emoji (Graph's reactionType)
    emoji: str | None  # Graph's displayName for the reaction, when it sends one
    user_id: str | None
    at: datetime | None


@dataclass(frozen=True)
class Attachment:
    id: str | None
    content_type: str | None  # reference (a file), messageReference (a quote), a card type…
    name: str | None
    url: str | None
    content: str | None


@dataclass(frozen=True)
class ChannelMessage:
    """One post or reply as Graph sends it; `body` is raw (HTML mostly, see `body_type`)."""

    id: str
    reply_to_id: str | None
    message_type: str  # message | systemEventMessage | chatEvent | typing | …
    created_at: datetime
    modified_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    body: str
    body_type: str  # html | text
    subject: str | None = None
    author_name: str | None = None
    author_id: str | None = None  # the Entra object id for people, the app id for apps
    author_kind: str = "unknown"  # user | application | unknown
    importance: str | None = None
    web_url: str | None = None
    reactions: tuple[Reaction, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    replies: tuple[ChannelMessage, ...] = ()
    replies_next_link: str | None = None

    @property
    def is_message(self) -> bool:
        """A person's or app's post; system and event messages are not."""
        return self.message_type == "message"


@dataclass(frozen=True)
class Page:
    messages: tuple[ChannelMessage, ...]
    next_link: str | None = None
    delta_link: str | None = None


def _messages(client: Any, team_id: str, channel_id: str) -> Any:
    return client.teams.by_team_id(team_id).channels.by_channel_id(channel_id).messages


async def messages_page(
    client: Any, team_id: str, channel_id: str, link: str | None = None
) -> Page:
    """A page of top-level posts with their replies; `link` is a previous page's next link."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.teams.item.channels.item.messages.messages_request_builder import (
        MessagesRequestBuilder,
    )

    builder = _messages(client, team_id, channel_id)
    if link:
        return await _get(client, builder.with_url(link), stored_link=True)
    query = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
        top=PAGE_SIZE, expand=["replies"]
    )
    return await _get(client, builder, RequestConfiguration(query_parameters=query))


async def recent_posts(client: Any, team_id: str, channel_id: str, link: str | None = None) -> Page:
    """A page of the channel's top-level posts, newest first, without their replies; `link`
    is a previous page's next link."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.teams.item.channels.item.messages.messages_request_builder import (
        MessagesRequestBuilder,
    )

    builder = _messages(client, team_id, channel_id)
    if link:
        return await _get(client, builder.with_url(link), stored_link=True)
    query = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(top=PAGE_SIZE)
    return await _get(client, builder, RequestConfiguration(query_parameters=query))


async def find_post(
    client: Any,
    team_id: str,
    channel_id: str,
    needle: str,
    *,
    since: datetime,
    max_pages: int = 4,
) -> ChannelMessage | None:
    """The newest top-level post created at or after `since` whose body or attachments (a
    card's JSON) contain `needle`; None when the recent posts (at most `max_pages` pages) have
    none. Errors come out as `GraphError`."""
    link: str | None = None
    for _ in range(max_pages):
        page = await recent_posts(client, team_id, channel_id, link)
        for message in page.messages:
            if message.created_at >= since and _contains(message, needle):
                return message
        if not page.next_link or all(m.created_at < since for m in page.messages):
            return None
        link = page.next_link
    return None


def _contains(message: ChannelMessage, needle: str) -> bool:
    if needle in message.body:
        return True
    return any(needle in (attachment.content or "") for attachment in message.attachments)


async def replies_page(
    client: Any, team_id: str, channel_id: str, root_id: str, link: str | None = None
) -> Page:
    """A page of one thread's replies; `link` is a `replies_next_link` or a next link."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.teams.item.channels.item.messages.item.replies.replies_request_builder import (  # noqa: E501
        RepliesRequestBuilder,
    )

    builder = _messages(client, team_id, channel_id).by_chat_message_id(root_id).replies
    if link:
        return await _get(client, builder.with_url(link), stored_link=True)
    query = RepliesRequestBuilder.RepliesRequestBuilderGetQueryParameters(top=PAGE_SIZE)
    return await _get(client, builder, RequestConfiguration(query_parameters=query))


async def delta_page(
    client: Any,
    team_id: str,
    channel_id: str,
    link: str | None = None,
    *,
    since: datetime | None = None,
) -> Page:
    """A page of changed top-level posts: from `link` (a next or delta link), or a new round of
    posts modified after `since` (Graph keeps about 8 months of them)."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.teams.item.channels.item.messages.delta.delta_request_builder import (
        DeltaRequestBuilder,
    )

    builder = _messages(client, team_id, channel_id).delta
    if link:
        return await _get(client, builder.with_url(link), stored_link=True)
    query = DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(top=PAGE_SIZE)
    if since is not None:
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        query.filter = f"lastModifiedDateTime gt {stamp}"
    return await _get(client, builder, RequestConfiguration(query_parameters=query))


async def _get(
    client: Any, builder: Any, configuration: Any = None, *, stored_link: bool = False
) -> Page:
    """GET through the SDK's request adapter (its auth and retry middleware), reading the JSON
    ourselves: the SDK's model parsing costs ~10 ms per message (chatMessage's base type
    re-imports hundreds of model modules on every object), 50–100× what the request costs."""
    import httpx
    from azure.core.exceptions import AzureError
    from kiota_abstractions.api_error import APIError
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    request = builder.to_get_request_information(configuration)
    try:
        raw = await client.request_adapter.send_primitive_async(
            request, "bytes", {"XXX": ODataError}
        )
    except APIError as exc:
        status = exc.response_status_code
        message = f"Graph answered {status}: {_error_text(exc)}"
        if status in (403, 404):
            raise GraphRefused(message, status) from exc
        if stored_link and status in (400, 410):
            raise LinkExpired(message, status) from exc
        raise GraphError(message, status) from exc
    except httpx.HTTPError as exc:
        raise GraphError(f"Graph unreachable: {type(exc).__name__}: {exc}") from exc
    except AzureError as exc:  # the credential could not get a token
        raise GraphError(f"could not sign in to Graph: {type(exc).__name__}: {exc}") from exc
    try:
        body = json.loads(raw) if raw else {}
    except ValueError as exc:
        raise GraphError(f"Graph answered something that is not JSON: {exc}") from exc
    return _page(body if isinstance(body, dict) else {})


def _error_text(exc: Any) -> str:
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None)
    detail = getattr(error, "message", None) or getattr(exc, "message", None)
    return " ".join(str(part) for part in (code, detail) if part) or type(exc).__name__


def _page(body: dict[str, Any]) -> Page:
    return Page(
        messages=tuple(to_message(item) for item in body.get("value") or [] if _is_dict(item)),
        next_link=body.get("@odata.nextLink") or None,
        delta_link=body.get("@odata.deltaLink") or None,
    )


def to_message(item: dict[str, Any]) -> ChannelMessage:
    """One chatMessage (Graph's JSON) as our dataclass."""
    created = _time(item.get("createdDateTime")) or datetime.fromtimestamp(0, UTC)
    body = _dict(item.get("body"))
    author_name, author_id, author_kind = _author(item.get("from"))
    return ChannelMessage(
        id=str(item.get("id") or ""),
        reply_to_id=_str(item.get("replyToId")),
        message_type=_str(item.get("messageType")) or "message",
        created_at=created,
        modified_at=_time(item.get("lastModifiedDateTime")) or created,
        edited_at=_time(item.get("lastEditedDateTime")),
        deleted_at=_time(item.get("deletedDateTime")),
        body=_str(body.get("content")) or "",
        body_type=(_str(body.get("contentType")) or "text").lower(),
        subject=_str(item.get("subject")),
        author_name=author_name,
        author_id=author_id,
        author_kind=author_kind,
        importance=_str(item.get("importance")),
        web_url=_str(item.get("webUrl")),
        reactions=tuple(_reaction(r) for r in item.get("reactions") or [] if _is_dict(r)),
        attachments=tuple(_attachment(a) for a in item.get("attachments") or [] if _is_dict(a)),
        replies=tuple(to_message(r) for r in item.get("replies") or [] if _is_dict(r)),
        replies_next_link=_str(item.get("replies@odata.nextLink")),
    )


def _author(sender: Any) -> tuple[str | None, str | None, str]:
    for kind in ("user", "application"):
        identity = _dict(_dict(sender).get(kind))
        if identity:
            return _str(identity.get("displayName")), _str(identity.get("id")), kind
    return None, None, "unknown"


def _reaction(reaction: dict[str, Any]) -> Reaction:
    who = _dict(_dict(reaction.get("user")).get("user"))
    return Reaction(
        kind=_str(reaction.get("reactionType")) or "",
        emoji=_str(reaction.get("displayName")),
        user_id=_str(who.get("id")),
        at=_time(reaction.get("createdDateTime")),
    )


def _attachment(attachment: dict[str, Any]) -> Attachment:
    return Attachment(
        id=_str(attachment.get("id")),
        content_type=_str(attachment.get("contentType")),
        name=_str(attachment.get("name")),
        url=_str(attachment.get("contentUrl")),
        content=_str(attachment.get("content")),
    )


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)
