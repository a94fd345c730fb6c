"""A fake Microsoft Graph on 127.0.0.1: the channel-message endpoints the thread sync reads.

    async with FakeGraph() as graph:
        channel = graph.add_channel(TEAM_GROUP, CHANNEL)
        root = channel.post(TARO, "<p>Excelのマクロ問題って、どうやって解決してます？</p>")
        channel.reply(root, HANAKO, "<p>うちは…</p>")
        client = graph.client()            # the real GraphServiceClient, pointed here

It serves chatMessage JSON shaped like Graph's (HTML bodies with `<at>` mentions, reactions,
attachments, edited/deleted/system messages), 50 posts a page with absolute `@odata.nextLink`s,
replies inlined with `$expand=replies` up to `inline_replies` (then `replies@odata.nextLink`),
`…/messages/{id}/replies` and `…/messages/delta()` (a `$filter=lastModifiedDateTime gt …`
round ending in `@odata.deltaLink`; following that link returns the posts changed since).

It records every request (`requests`, `count(kind)`), checks the bearer token, and can be told
to fail: `fail_next(kind, status, retry_after=…)`, `fail_from(n, status)` (every request from
the n-th on), `refuse(channel, 403)`.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import quote, unquote

from aiohttp import web

from tests.fakes.connector import serve

Kind = Literal["messages", "replies", "delta", "other"]
TOKEN = "fake-graph-token"
TENANT = "5d2f6c1e-0b7a-4c3e-9a51-0e41e0000001"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Author:
    name: str
    aad_object_id: str
    kind: Literal["user", "application"] = "user"


@dataclass
class FakeMessage:
    id: str
    author: Author | None
    html: str
    created: datetime
    reply_to: str | None = None
    subject: str | None = None
    modified: datetime | None = None
    edited: datetime | None = None
    deleted: datetime | None = None
    importance: str = "normal"
    message_type: str = "message"
    reactions: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    event_detail: dict[str, Any] | None = None
    seq: int = 0  # the change sequence of its last change (what delta links compare)

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.created


@dataclass(frozen=True)
class Request:
    kind: Kind
    path: str
    query: dict[str, str]
    status: int
    at: float  # time.monotonic() on arrival


@dataclass
class FakeChannel:
    graph: FakeGraph
    team_id: str
    channel_id: str
    roots: list[FakeMessage] = field(default_factory=list)
    replies: dict[str, list[FakeMessage]] = field(default_factory=dict)
    refused: int | None = None

    # --- content ------------------------------------------------------------------------

    def post(
        self,
        author: Author | None,
        html: str,
        *,
        at: datetime | None = None,
        subject: str | None = None,
        **extra: Any,
    ) -> FakeMessage:
        """A new top-level post."""
        message = self.graph._new(author, html, at, subject=subject, **extra)
        self.roots.append(message)
        self.replies[message.id] = []
        return message

    def reply(
        self,
        root: FakeMessage,
        author: Author | None,
        html: str,
        *,
        at: datetime | None = None,
        **extra: Any,
    ) -> FakeMessage:
        message = self.graph._new(author, html, at, reply_to=root.id, **extra)
        self.replies[root.id].append(message)
        return message

    def system_event(self, *, at: datetime | None = None) -> FakeMessage:
        """`membersAdded`, as Teams posts when someone joins the team."""
        return self.post(
            None,
            "<systemEventMessage/>",
            at=at,
            message_type="systemEventMessage",
            event_detail={
                "@odata.type": "#microsoft.graph.membersAddedEventMessageDetail",
                "visibleHistoryStartDateTime": "0001-01-01T00:00:00Z",
                "members": [
                    {
                        "id": "aad-new-member",
                        "displayName": None,
                        "userIdentityType": "aadUser",
                        "tenantId": TENANT,
                    }
                ],
                "initiator": {
                    "application": None,
                    "device": None,
                    "user": {"id": "aad-owner", "displayName": None, "userIdentityType": "aadUser"},
                },
            },
        )

    def edit(self, message: FakeMessage, html: str, *, at: datetime) -> None:
        message.html, message.edited, message.modified = html, at, at
        message.seq = self.graph._next_seq()

    def delete(self, message: FakeMessage, *, at: datetime) -> None:
        message.deleted, message.modified = at, at
        message.seq = self.graph._next_seq()

    def react(self, message: FakeMessage, who: Author, kind: str, *, at: datetime) -> None:
        message.reactions.append(
            {
                "reactionType": kind,
                "displayName": {"like": "Like", "heart": "Heart", "laugh": "Laugh"}.get(kind),
                "reactionContentUrl": None,
                "createdDateTime": _iso(at),
                "user": {
                    "application": None,
                    "device": None,
                    "user": {
                        "@odata.type": "#microsoft.graph.teamworkUserIdentity",
                        "id": who.aad_object_id,
                        "displayName": None,
                        "userIdentityType": "aadUser",
                        "tenantId": TENANT,
                    },
                },
            }
        )
        message.modified = at
        message.seq = self.graph._next_seq()

    def thread(self, root: FakeMessage) -> list[FakeMessage]:
        return [root, *self.replies[root.id]]

    # --- JSON ---------------------------------------------------------------------------

    def to_json(self, message: FakeMessage) -> dict[str, Any]:
        return _message_json(self, message)


class FakeGraph:
    def __init__(self, *, token: str = TOKEN, inline_replies: int = 1000) -> None:
        self.token = token
        self.inline_replies = inline_replies
        self.requests: list[Request] = []
        self._channels: dict[tuple[str, str], FakeChannel] = {}
        self._ids = itertools.count(1_716_100_000_001)
        self._seq = 0
        self._failures: deque[tuple[Kind | None, int, str | None]] = deque()
        self._fail_from: tuple[int, int] | None = None
        self._url = ""
        self._serving: Any = None

    # --- set-up -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL (`http://127.0.0.1:PORT/v1.0`) to give the Graph client."""
        return f"{self._url}/v1.0"

    def add_channel(self, team_id: str, channel_id: str) -> FakeChannel:
        channel = FakeChannel(self, team_id, channel_id)
        self._channels[(team_id, channel_id)] = channel
        return channel

    def fail_next(
        self, kind: Kind | None, status: int, *, retry_after: str | None = None, times: int = 1
    ) -> None:
        """The next `times` requests of `kind` (any kind for None) answer `status`."""
        for _ in range(times):
            self._failures.append((kind, status, retry_after))

    def fail_from(self, request_number: int, status: int = 500) -> None:
        """Every request from the `request_number`-th (1-based, counting all) answers `status`."""
        self._fail_from = (request_number, status)

    def heal(self) -> None:
        self._failures.clear()
        self._fail_from = None

    def refuse(self, channel: FakeChannel, status: int = 403) -> None:
        channel.refused = status

    def count(self, kind: Kind | None = None) -> int:
        return sum(1 for r in self.requests if kind is None or r.kind == kind)

    def client(self) -> Any:
        """The real GraphServiceClient, talking to this fake with the token it expects."""
        from azure.core.credentials import AccessToken

        from graph.client import build_client

        token = self.token

        class StaticCredential:
            async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
                return AccessToken(token, int(time.time()) + 3600)

            async def close(self) -> None:
                return None

        return build_client(StaticCredential(), self.url)

    async def __aenter__(self) -> FakeGraph:
        self._serving = serve(self._app())
        self._url = await self._serving.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._serving.__aexit__(*exc)

    # --- internals ----------------------------------------------------------------------

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _new(
        self, author: Author | None, html: str, at: datetime | None, **extra: Any
    ) -> FakeMessage:
        message_id = str(next(self._ids))
        created = at or EPOCH + timedelta(minutes=int(message_id) - 1_716_100_000_000)
        return FakeMessage(
            id=message_id,
            author=author,
            html=html,
            created=created,
            seq=self._next_seq(),
            **extra,
        )

    def _app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/v1.0/{tail:.*}", self._route)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        kind = _kind(request.path)
        query = {key: value for key, value in request.query.items()}
        response = await self._answer(request, handler, kind)
        self.requests.append(Request(kind, request.path, query, response.status, time.monotonic()))
        return response

    async def _answer(self, request: web.Request, handler: Any, kind: Kind) -> web.StreamResponse:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return _error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")
        number = len(self.requests) + 1
        if self._fail_from is not None and number >= self._fail_from[0]:
            return _error(self._fail_from[1], "InternalServerError", "Something went wrong.")
        for index, (wanted, status, retry_after) in enumerate(self._failures):
            if wanted is None or wanted == kind:
                del self._failures[index]
                headers = {"Retry-After": retry_after} if retry_after is not None else {}
                return _error(status, _code(status), "Try again later.", headers)
        result: web.StreamResponse = await handler(request)
        return result

    async def _route(self, request: web.Request) -> web.Response:
        parts = [unquote(part) for part in request.path.split("/")]
        # ['', 'v1.0', 'teams', T, 'channels', C, 'messages', ...]
        if len(parts) < 7 or parts[2] != "teams" or parts[4] != "channels":
            return _error(400, "BadRequest", "Unsupported path.")
        channel = self._channels.get((parts[3], parts[5]))
        if channel is None:
            return _error(404, "NotFound", "Channel not found.")
        if channel.refused:
            return _error(channel.refused, "Forbidden", "Missing role permissions on the request.")
        rest = parts[6:]
        if rest == ["messages"]:
            return self._list(request, channel)
        if rest in (["messages", "delta()"], ["messages", "delta"]):
            return self._delta(request, channel)
        if len(rest) == 3 and rest[0] == "messages" and rest[2] == "replies":
            return self._replies(request, channel, rest[1])
        return _error(400, "BadRequest", "Unsupported path.")

    def _base(self, channel: FakeChannel) -> str:
        return (
            f"{self.url}/teams/{quote(channel.team_id, safe='')}/channels/"
            f"{quote(channel.channel_id, safe='')}/messages"
        )

    def _list(self, request: web.Request, channel: FakeChannel) -> web.Response:
        top = min(50, int(request.query.get("$top", "20")))
        offset = int(request.query.get("$skiptoken", "0"))
        expand = "replies" in request.query.get("$expand", "")
        newest_first = sorted(channel.roots, key=lambda m: (m.created, m.id), reverse=True)
        page = newest_first[offset : offset + top]
        body: dict[str, Any] = {
            "@odata.context": f"{self.url}/$metadata#teams('{channel.team_id}')/channels"
            f"('{quote(channel.channel_id)}')/messages",
            "@odata.count": len(page),
            "value": [self._root_json(channel, root, expand) for root in page],
        }
        if offset + top < len(newest_first):
            expand_part = "&$expand=replies" if expand else ""
            body["@odata.nextLink"] = (
                f"{self._base(channel)}?$top={top}{expand_part}&$skiptoken={offset + top}"
            )
        return web.json_response(body)

    def _root_json(self, channel: FakeChannel, root: FakeMessage, expand: bool) -> dict[str, Any]:
        item = channel.to_json(root)
        if not expand:
            return item
        replies = channel.replies.get(root.id, [])
        inline = replies[: self.inline_replies]
        item["replies@odata.context"] = f"{self.url}/$metadata#teams('{channel.team_id}')/replies"
        item["replies"] = [channel.to_json(reply) for reply in inline]
        if len(replies) > len(inline):
            item["replies@odata.nextLink"] = (
                f"{self._base(channel)}/{root.id}/replies?$top=50&$skiptoken={len(inline)}"
            )
        return item

    def _replies(self, request: web.Request, channel: FakeChannel, root_id: str) -> web.Response:
        if root_id not in channel.replies:
            return _error(404, "NotFound", "Message not found.")
        top = min(50, int(request.query.get("$top", "20")))
        offset = int(request.query.get("$skiptoken", "0"))
        replies = channel.replies[root_id]
        body: dict[str, Any] = {
            "@odata.context": f"{self.url}/$metadata#teams('{channel.team_id}')/replies",
            "@odata.count": len(replies[offset : offset + top]),
            "value": [channel.to_json(reply) for reply in replies[offset : offset + top]],
        }
        if offset + top < len(replies):
            body["@odata.nextLink"] = (
                f"{self._base(channel)}/{root_id}/replies?$top={top}&$skiptoken={offset + top}"
            )
        return web.json_response(body)

    def _delta(self, request: web.Request, channel: FakeChannel) -> web.Response:
        """Rounds of changed posts: `$filter=lastModifiedDateTime gt X` starts one; the last
        page's `$deltatoken` is the change sequence, and following it returns posts changed
        after. `$skiptoken` pages within a round (`<since-seq or filter>|<offset>|<top>`)."""
        query = request.query
        if "$skiptoken" in query:
            mode, since, offset_text, top_text = query["$skiptoken"].split("|")
            offset, top = int(offset_text), int(top_text)
        else:
            top, offset = min(50, int(query.get("$top", "20"))), 0
            if "$deltatoken" in query:
                mode, since = "seq", query["$deltatoken"]
            else:
                mode, since = "time", _filter_since(query.get("$filter", ""))
        if mode == "seq":
            changed = [root for root in channel.roots if root.seq > int(since)]
        else:
            after = datetime.fromisoformat(since)
            changed = [root for root in channel.roots if root.last_modified > after]
        changed.sort(key=lambda m: (m.last_modified, m.id))
        page = changed[offset : offset + top]
        body: dict[str, Any] = {
            "@odata.context": f"{self.url}/$metadata#Collection(chatMessage)",
            "value": [channel.to_json(root) for root in page],
        }
        if offset + top < len(changed):
            token = quote(f"{mode}|{since}|{offset + top}|{top}", safe="")
            body["@odata.nextLink"] = f"{self._base(channel)}/delta()?$skiptoken={token}"
        else:
            body["@odata.deltaLink"] = f"{self._base(channel)}/delta()?$deltatoken={self._seq}"
        return web.json_response(body)


def _filter_since(expression: str) -> str:
    prefix = "lastModifiedDateTime gt "
    if not expression.startswith(prefix):
        return EPOCH.replace(year=2000).isoformat()
    return expression[len(prefix) :].replace("Z", "+00:00")


def _message_json(channel: FakeChannel, message: FakeMessage) -> dict[str, Any]:
    author = message.author
    sender: dict[str, Any] | None = None
    if author is not None and author.kind == "user":
        sender = {
            "application": None,
            "device": None,
            "user": {
                "@odata.type": "#microsoft.graph.teamworkUserIdentity",
                "id": author.aad_object_id,
                "displayName": author.name,
                "userIdentityType": "aadUser",
                "tenantId": TENANT,
            },
        }
    elif author is not None:
        sender = {
            "application": {
                "@odata.type": "#microsoft.graph.teamworkApplicationIdentity",
                "id": author.aad_object_id,
                "displayName": author.name,
                "applicationIdentityType": "bot",
            },
            "device": None,
            "user": None,
        }
    root_id = message.reply_to or message.id
    deleted = message.deleted is not None
    return {
        "@odata.etag": f'"{message.seq}"',
        "id": message.id,
        "replyToId": message.reply_to,
        "etag": str(message.seq),
        "messageType": message.message_type,
        "createdDateTime": _iso(message.created),
        "lastModifiedDateTime": _iso(message.last_modified),
        "lastEditedDateTime": _iso(message.edited) if message.edited else None,
        "deletedDateTime": _iso(message.deleted) if message.deleted else None,
        "subject": message.subject,
        "summary": None,
        "chatId": None,
        "importance": message.importance,
        "locale": "en-us",
        "webUrl": (
            f"https://teams.microsoft.com/l/message/{quote(channel.channel_id, safe='')}/"
            f"{message.id}?groupId={channel.team_id}&tenantId={TENANT}"
            f"&createdTime={message.id}&parentMessageId={root_id}"
        ),
        "policyViolation": None,
        "eventDetail": message.event_detail,
        "from": sender,
        "body": {"contentType": "html", "content": "" if deleted else message.html},
        "channelIdentity": {"teamId": channel.team_id, "channelId": channel.channel_id},
        "attachments": [] if deleted else message.attachments,
        "mentions": [] if deleted else message.mentions,
        "reactions": message.reactions,
        "messageHistory": [],
    }


def mention(number: int, who: Author) -> tuple[str, dict[str, Any]]:
    """The `<at>` tag and the `mentions` entry Graph sends for an @mention of `who`."""
    tag = f'<at id="{number}">{who.name}</at>'
    entry = {
        "id": number,
        "mentionText": who.name,
        "mentioned": {
            "application": None,
            "device": None,
            "conversation": None,
            "tag": None,
            "user": {
                "@odata.type": "#microsoft.graph.teamworkUserIdentity",
                "id": who.aad_object_id,
                "displayName": who.name,
                "userIdentityType": "aadUser",
                "tenantId": TENANT,
            },
        },
    }
    return tag, entry


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


def _kind(path: str) -> Kind:
    if path.endswith(("/delta()", "/delta")):
        return "delta"
    if path.endswith("/replies"):
        return "replies"
    if path.endswith("/messages"):
        return "messages"
    return "other"


def _code(status: int) -> str:
    return {429: "TooManyRequests", 503: "ServiceUnavailable", 504: "GatewayTimeout"}.get(
        status, "Error"
    )


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    body = {
        "error": {
            "code": code,
            "message": message,
            "innerError": {"date": "2026-12-01T00:00:00", "request-id": "fake-request"},
        }
    }
    return web.Response(
        status=status, text=json.dumps(body), content_type="application/json", headers=headers
    )
