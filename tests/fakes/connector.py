"""A fake Bot Connector (REST API v3) on 127.0.0.1: the far side of every message the bot sends.

It answers botbuilder's ConnectorClient the way Teams does, records what arrived (`sent`,
`updated`, `deleted`, `created`), serves a roster you configure, and can be told to fail."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
Failure = int | Literal["hang"]  # an HTTP status, or never answer


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    """Run `app` on 127.0.0.1 (a free port) and yield its base URL."""
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@dataclass(frozen=True)
class RosterMember:
    """One person as the connector lists them (TeamsChannelAccount)."""

    name: str
    role: Literal["owner", "user", "guest"] = "user"
    id: str = field(default_factory=lambda: f"29:1{uuid.uuid4().hex}")
    aad_object_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    upn: str | None = None
    # Someone of another organisation (in a shared channel) has their own tenant.
    tenant_id: str | None = None

    def to_json(self, tenant_id: str) -> dict[str, Any]:
        given, _, surname = self.name.partition(" ")
        return {
            "id": self.id,
            "name": self.name,
            "aadObjectId": self.aad_object_id,
            "givenName": given,
            "surname": surname,
            "email": self.upn,
            "userPrincipalName": self.upn,
            "tenantId": self.tenant_id or tenant_id,
            "userRole": self.role,
        }


@dataclass(frozen=True)
class Posted:
    """A message that reached the fake Teams (a send, a reply, a thread root or an update)."""

    conversation_id: str
    activity_id: str
    reply_to_id: str | None
    activity: dict[str, Any]

    @property
    def text(self) -> str | None:
        return self.activity.get("text")

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return list(self.activity.get("attachments") or [])

    @property
    def entities(self) -> list[dict[str, Any]]:
        return list(self.activity.get("entities") or [])

    @property
    def card(self) -> dict[str, Any] | None:
        """The first Adaptive Card attached, or None."""
        for attachment in self.attachments:
            if attachment.get("contentType") == ADAPTIVE_CARD:
                return attachment.get("content")
        return None

    @property
    def mentioned_ids(self) -> list[str]:
        return [
            entity["mentioned"]["id"]
            for entity in self.entities
            if entity.get("type") == "mention" and "mentioned" in entity
        ]


@dataclass(frozen=True)
class Created:
    """A `POST /v3/conversations`: a new channel thread (`is_group`) or a 1:1 chat."""

    conversation_id: str
    activity_id: str | None
    is_group: bool
    members: list[dict[str, Any]]
    channel_data: dict[str, Any]
    tenant_id: str | None
    bot: dict[str, Any] | None


@dataclass(frozen=True)
class Deleted:
    conversation_id: str
    activity_id: str


@dataclass
class FakeTeam:
    id: str
    name: str
    aad_group_id: str
    channels: list[tuple[str, str]] = field(default_factory=list)  # (id, name); General = id


class FakeConnector:
    """Use as `async with FakeConnector() as connector:`; `connector.url` is the serviceUrl."""

    def __init__(self, *, tenant_id: str = "tenant") -> None:
        self.tenant_id = tenant_id
        self.url = ""
        self.sent: list[Posted] = []
        self.updated: list[Posted] = []
        self.deleted: list[Deleted] = []
        self.created: list[Created] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every /v3 call
        self.auth_headers: list[str | None] = []
        self.rosters: dict[str, list[RosterMember]] = {}
        self.teams: dict[str, FakeTeam] = {}
        self.page_size = 50  # Teams' minimum; a test lowers it to see paging
        # Teams ids the bot may not open a 1:1 chat with (a guest or someone from another
        # organisation in a shared channel): Teams answers 403.
        self.unreachable: set[str] = set()
        self.refused: list[str] = []  # those of them the bot asked for a 1:1 chat anyway
        self._failures: list[tuple[Failure, float | None]] = []
        self._roster_failures: dict[str, tuple[int, int | None]] = {}
        self._ids = itertools.count(1_717_000_000_001)
        self._personal: dict[str, str] = {}
        self._changed = asyncio.Condition()
        self._release = asyncio.Event()
        self._serving: Any = None

    # --- set up ---------------------------------------------------------------------------

    def set_roster(self, conversation_id: str, members: Iterable[RosterMember]) -> None:
        """Who `GET …/{conversation_id}/(paged)members` lists (a team id or a chat id)."""
        self.rosters[conversation_id] = list(members)

    def set_channel_members(self, channel_id: str, members: Iterable[RosterMember]) -> None:
        """The own members of a private or shared channel, as Teams lists them for
        `GET …/{channel_id}/(paged)members` (a thread's id names its channel): some of the team,
        and in a shared channel people of other organisations with their own `tenantId`. The
        team's id keeps answering the team's roster, which does not list those people."""
        self.rosters[channel_id] = list(members)

    def fail_roster(self, conversation_id: str, status: int, *, times: int | None = None) -> None:
        """Answer `status` to reads of `conversation_id`'s roster (a team, chat or channel id):
        the next `times` reads, or every one from now on when None; other calls go on as usual.
        Teams answers 403 or 404 once the bot is out of a private channel or the team is gone,
        429 or 503 while it is unwell."""
        self._roster_failures[conversation_id] = (status, times)

    def add_team(self, team: FakeTeam) -> None:
        self.teams[team.id] = team

    def fail_next(self, times: int, status: Failure, *, retry_after: float | None = None) -> None:
        """Make the next `times` calls fail with `status` (429/503 carry Retry-After when
        given) or, for "hang", never answer (until the connector stops)."""
        self._failures.extend([(status, retry_after)] * times)

    # --- wait -----------------------------------------------------------------------------

    async def wait_for_sent(self, count: int, *, within: float = 5.0) -> list[Posted]:
        """Wait until at least `count` messages were posted; fail after `within` seconds."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.sent) >= count), within)
        return list(self.sent)

    async def wait_for_updated(self, count: int, *, within: float = 5.0) -> list[Posted]:
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.updated) >= count), within
            )
        return list(self.updated)

    # --- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> FakeConnector:
        self._serving = serve(self._app())
        self.url = await self._serving.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._release.set()  # let hanging handlers finish so the server can stop
        await self._serving.__aexit__(None, None, None)

    def _app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        r.add_post("/v3/conversations", self._create_conversation)
        r.add_post("/v3/conversations/{conversation}/activities", self._send)
        r.add_post("/v3/conversations/{conversation}/activities/{activity}", self._send)
        r.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        r.add_delete("/v3/conversations/{conversation}/activities/{activity}", self._delete)
        r.add_get("/v3/conversations/{conversation}/members", self._members)
        r.add_get("/v3/conversations/{conversation}/pagedmembers", self._paged_members)
        r.add_get("/v3/teams/{team}", self._team)
        r.add_get("/v3/teams/{team}/conversations", self._channels)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append((request.method, request.path))
        self.auth_headers.append(request.headers.get("Authorization"))
        if self._failures:
            status, retry_after = self._failures.pop(0)
            if status == "hang":
                await self._release.wait()
                return web.Response(status=504)
            headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
            return web.json_response(
                {"error": {"code": "Failure", "message": f"told to fail with {status}"}},
                status=status,
                headers=headers,
            )
        response: web.StreamResponse = await handler(request)
        return response

    # --- endpoints ------------------------------------------------------------------------

    def _new_id(self) -> str:
        return str(next(self._ids))

    async def _record(self, target: list[Posted], posted: Posted) -> None:
        async with self._changed:
            target.append(posted)
            self._changed.notify_all()

    async def _create_conversation(self, request: web.Request) -> web.Response:
        body = await request.json()
        channel_data = body.get("channelData") or {}
        members = body.get("members") or []
        activity = body.get("activity")
        # botbuilder writes "tenantID"; Teams reads it case-insensitively.
        tenant = (
            body.get("tenantId")
            or body.get("tenantID")
            or (channel_data.get("tenant") or {}).get("id")
        )
        activity_id: str | None = None
        if body.get("isGroup") and (channel_data.get("channel") or {}).get("id"):
            if not activity:
                return _error(400, "BadArgument", "a new channel thread needs an activity")
            activity_id = self._new_id()
            channel_id = channel_data["channel"]["id"]
            conversation_id = f"{channel_id};messageid={activity_id}"
        elif len(members) == 1 and not body.get("isGroup"):
            member_id = members[0].get("id", "")
            if member_id in self.unreachable:
                self.refused.append(member_id)
                return _error(403, "Forbidden", "the bot cannot start a chat with this user")
            conversation_id = self._personal.setdefault(member_id, f"a:1{uuid.uuid4().hex}")
        else:
            return _error(400, "BadArgument", "unsupported conversation parameters")
        self.created.append(
            Created(
                conversation_id=conversation_id,
                activity_id=activity_id,
                is_group=bool(body.get("isGroup")),
                members=members,
                channel_data=channel_data,
                tenant_id=tenant,
                bot=body.get("bot"),
            )
        )
        if activity and activity_id is None:
            activity_id = self._new_id()
        if activity and activity_id:
            await self._record(self.sent, Posted(conversation_id, activity_id, None, activity))
        answer: dict[str, Any] = {"id": conversation_id, "serviceUrl": self.url}
        if activity_id:
            answer["activityId"] = activity_id
        return web.json_response(answer, status=201)

    async def _send(self, request: web.Request) -> web.Response:
        activity = await request.json()
        conversation_id = request.match_info["conversation"]
        reply_to = request.match_info.get("activity") or activity.get("replyToId")
        activity_id = self._new_id()
        await self._record(self.sent, Posted(conversation_id, activity_id, reply_to, activity))
        return web.json_response({"id": activity_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        activity = await request.json()
        conversation_id = request.match_info["conversation"]
        activity_id = request.match_info["activity"]
        await self._record(self.updated, Posted(conversation_id, activity_id, None, activity))
        return web.json_response({"id": activity_id})

    async def _delete(self, request: web.Request) -> web.Response:
        self.deleted.append(
            Deleted(request.match_info["conversation"], request.match_info["activity"])
        )
        return web.Response(status=200)

    def _roster(self, conversation_id: str) -> list[RosterMember] | None:
        return self.rosters.get(conversation_id.split(";messageid=", 1)[0])

    def _roster_failure(self, conversation_id: str) -> web.Response | None:
        channel = conversation_id.split(";messageid=", 1)[0]
        failure = self._roster_failures.get(channel)
        if failure is None:
            return None
        status, times = failure
        if times is not None and times <= 1:
            del self._roster_failures[channel]
        elif times is not None:
            self._roster_failures[channel] = (status, times - 1)
        return _error(status, "Failure", f"told to fail the roster with {status}")

    async def _members(self, request: web.Request) -> web.Response:
        if (failed := self._roster_failure(request.match_info["conversation"])) is not None:
            return failed
        roster = self._roster(request.match_info["conversation"])
        if roster is None:
            return _error(404, "ConversationNotFound", "no such conversation")
        return web.json_response([m.to_json(self.tenant_id) for m in roster])

    async def _paged_members(self, request: web.Request) -> web.Response:
        if (failed := self._roster_failure(request.match_info["conversation"])) is not None:
            return failed
        roster = self._roster(request.match_info["conversation"])
        if roster is None:
            return _error(404, "ConversationNotFound", "no such conversation")
        size = min(int(request.query.get("pageSize") or self.page_size), self.page_size)
        start = int(request.query.get("continuationToken", "page-0").removeprefix("page-"))
        page = roster[start : start + size]
        answer: dict[str, Any] = {"members": [m.to_json(self.tenant_id) for m in page]}
        if start + size < len(roster):
            answer["continuationToken"] = f"page-{start + size}"
        return web.json_response(answer)

    async def _team(self, request: web.Request) -> web.Response:
        team = self.teams.get(request.match_info["team"])
        if team is None:
            return _error(404, "NotFound", "no such team")
        return web.json_response(
            {"id": team.id, "name": team.name, "aadGroupId": team.aad_group_id}
        )

    async def _channels(self, request: web.Request) -> web.Response:
        team = self.teams.get(request.match_info["team"])
        if team is None:
            return _error(404, "NotFound", "no such team")
        channels = [{"id": team.id, "name": None}] + [
            {"id": channel_id, "name": name} for channel_id, name in team.channels
        ]
        return web.json_response({"conversations": channels})


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)
