"""Who may change anything: only the Bot Connector, only for the allowed tenants, and only through
`POST /api/messages`; the two GET routes that hand out files answer only to their own unforgeable
tokens. Every refusal leaves every table as it was.

tests/bot/test_auth.py proves the token check on a recording bot; here the same bad tokens go to
the real app (auth on, every kind of activity), and the row counts of every table are compared.
"""

from __future__ import annotations

import copy
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given
from hypothesis import strategies as st
from itsdangerous import BadData, URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode
from sqlalchemy import select

from app import build_app
from core.settings import Settings, load_settings
from dialogs.exports import LINK_LIFETIME, SALT
from storage.db import Database
from storage.models import AuditEntry, EventRow
from tests.bot.test_auth import BAD_TOKENS
from tests.fakes.connector import FakeConnector
from tests.fakes.openid import OpenIdServer, openid_server
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import APP_ID, OTHER_TENANT_ID, TARO, TENANT_ID, Activities
from tests.reliability.conftest import HOSTILE
from tests.reliability.world import World, invoke_answer, outbox_settled, row_counts

# Routes that may change state. Anything else the app serves must be a GET that changes
# nothing but the audit log; a new route has to be placed in one list or the other.
STATE_CHANGING = {("POST", "/api/messages")}
READ_ONLY = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/exports/{token}"),  # signed, 15 minutes, audited (dialogs/exports.py)
    ("GET", "/events/{token}.ics"),  # 32 random bytes (dialogs/events/store.py)
}


def every_kind(activities: Activities) -> dict[str, dict[str, Any]]:
    """One activity of every kind the bot acts on."""
    return {
        "command in a channel": activities.channel_message("日程調整 忘年会 12/10 12/11"),
        "command in a personal chat": activities.personal_message("ヘルプ"),
        "channel post (RSC)": activities.channel_message("おはようございます", mention_bot=False),
        "card action (invoke)": activities.invoke_action(
            "poll.answer", {"poll_id": 1, "choice_1": "onsite"}
        ),
        "card action (submit)": activities.submit_action(
            {"verb": "event.register", "event_id": 1, "mode": "onsite"}
        ),
        "app installed": activities.installation_update("add"),
        "bot added to a team": activities.conversation_update_bot_added(),
        "message edited": activities.message_update("1716000000001", "書き直し"),
        "message deleted": activities.message_delete("1716000000001"),
    }


def test_only_the_messaging_endpoint_changes_state(bot_settings: Settings) -> None:
    app = build_app(bot_settings)
    routes = {
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.method not in ("HEAD", "OPTIONS") and route.resource is not None
    }

    assert {r for r in routes if r[0] != "GET"} == STATE_CHANGING
    unknown = {r for r in routes if r[0] == "GET"} - READ_ONLY
    assert not unknown, f"classify these routes in {__file__}: {sorted(unknown)}"


# --- tokens ---------------------------------------------------------------------------------


@pytest.fixture
def openid() -> Iterator[OpenIdServer]:
    with openid_server() as server:
        yield server


@pytest.fixture
async def secured(
    database_url: str, openid: OpenIdServer, connector: FakeConnector
) -> AsyncIterator[TestClient[Any, Any]]:
    """The real app with an app id: every activity needs the Bot Connector's token."""
    settings = load_settings(
        DATABASE_URL=database_url,
        MicrosoftAppId=APP_ID,
        MicrosoftAppPassword="not-a-real-secret",
        MicrosoftAppType="SingleTenant",
        MicrosoftAppTenantId=TENANT_ID,
        GRAPH_BASE_URL="http://127.0.0.1:9/v1.0",  # never reached: nothing asks for a sync
    )
    client: TestClient[Any, Any] = TestClient(TestServer(build_app(settings), host="127.0.0.1"))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_every_bad_token_on_every_kind_of_activity_is_401_and_stores_nothing(
    secured: TestClient[Any, Any],
    openid: OpenIdServer,
    activities: Activities,
    database: Database,
) -> None:
    before = await row_counts(database)
    refused: dict[str, int] = {}
    for case, token_of in BAD_TOKENS.items():
        for kind, activity in every_kind(activities).items():
            authorization = token_of(openid, activities.service_url)
            headers = {"Authorization": authorization} if authorization is not None else {}
            async with secured.post("/api/messages", json=activity, headers=headers) as answer:
                refused[f"{case} / {kind}"] = answer.status

    assert {where: status for where, status in refused.items() if status != 401} == {}
    assert await row_counts(database) == before

    # The same app takes a card action carrying the connector's real token.
    good = openid.token(app_id=APP_ID, service_url=activities.service_url)
    view = activities.invoke_action("event.view", {"event_id": 1})
    async with secured.post(
        "/api/messages", json=view, headers={"Authorization": f"Bearer {good}"}
    ) as answer:
        assert answer.status == 200
    assert (await row_counts(database))["processed_activities"] == 1


# --- tenants --------------------------------------------------------------------------------


@pytest.fixture
def bot_settings(database_url: str) -> Settings:
    """The bot of these tests serves one tenant only."""
    return load_settings(
        DATABASE_URL=database_url,
        MicrosoftAppId="",
        COORDINATOR_IDS="",
        ALLOWED_TENANT_IDS=TENANT_ID,
    )


def _forged(activity: dict[str, Any], how: str) -> dict[str, Any]:
    forged = copy.deepcopy(activity)
    conversation, channel_data = forged["conversation"], forged.setdefault("channelData", {})
    if how == "another tenant":
        conversation["tenantId"] = OTHER_TENANT_ID
        channel_data["tenant"] = {"id": OTHER_TENANT_ID}
    elif how == "another tenant in channelData only":
        channel_data["tenant"] = {"id": OTHER_TENANT_ID}
    elif how == "another tenant in the conversation only":
        conversation["tenantId"] = OTHER_TENANT_ID
    elif how == "no tenant at all":
        conversation.pop("tenantId", None)
        channel_data.pop("tenant", None)
    return forged


FORGERIES = (
    "another tenant",
    "another tenant in channelData only",
    "another tenant in the conversation only",
    "no tenant at all",
)


async def test_activities_from_outside_the_allowed_tenants_are_403_and_store_nothing(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    before = await row_counts(database)
    answers = {
        f"{how} / {kind}": (await bot.send(_forged(activity, how))).status
        for how in FORGERIES
        for kind, activity in every_kind(activities).items()
    }

    assert {where: status for where, status in answers.items() if status != 403} == {}
    assert await row_counts(database) == before
    assert connector.requests == []  # nothing was said, no roster was asked for

    # The allowed tenant is served by the same bot.
    assert (await bot.send(activities.channel_message("ヘルプ"))).status == 201
    assert (await row_counts(database))["processed_activities"] == 1


# --- download tokens ------------------------------------------------------------------------


async def _export_link(world: World) -> str:
    """TARO asks for the poll's CSV; the path of the link that reaches his personal chat."""
    sent = len(world.connector.sent)
    await world.bot.send(world.activities.channel_message("日程調整 エクスポート", from_=TARO))
    await outbox_settled(world.database, world.bot.clock.now())
    for posted in world.connector.sent[sent:]:
        found = re.search(r"\((https?://[^)\s]+/exports/[^)\s]+)\)", posted.text or "")
        if found:
            return urlsplit(found.group(1)).path
    raise AssertionError("no export link was sent")


async def _downloads(database: Database) -> int:
    async with database.transaction() as session:
        rows = await session.scalars(
            select(AuditEntry.id).where(AuditEntry.action == "export.download")
        )
        return len(rows.all())


def _tamper(token: str, how: str) -> str:
    body, _, signature = token.rpartition(".")
    flip = {"A": "B", "B": "A"}
    swapped = "".join(flip.get(c, c) for c in token[:12]) + token[12:]
    return {
        # In the signature's middle: its last letter also carries padding bits.
        "a letter changed": token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:],
        "payload changed": swapped if swapped != token else "x" + token[1:],
        "signature cut": f"{body}.{signature[:-4]}",
        "signature removed": body,
        "appended": token + "A",
        "doubled": token + "." + token,
        "empty-ish": "e30",
        "traversal": "..%2F..%2Fetc%2Fpasswd",
    }[how]


def _other_key(token: str) -> str:
    """The same grant, signed with a key that is not the bot's (a link is signed, not
    encrypted: anyone can read what it carries)."""
    forger = URLSafeTimedSerializer(secrets.token_urlsafe(32), salt=SALT)
    _, payload = forger.loads_unsafe(token)
    return forger.dumps(payload)


TAMPERINGS = (
    "a letter changed",
    "payload changed",
    "signature cut",
    "signature removed",
    "appended",
    "doubled",
    "empty-ish",
    "traversal",
)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_tampered_or_expired_export_link_downloads_nothing(shared_world: World) -> None:
    world = shared_world
    bot, database = world.bot, world.database
    path = await _export_link(world)
    token = path.removeprefix("/exports/")
    downloads = await _downloads(database)
    assert (await bot.get(path)).status == 200
    assert await _downloads(database) == downloads + 1

    refused = {how: (await bot.get(f"/exports/{_tamper(token, how)}")).status for how in TAMPERINGS}
    refused["signed with another key"] = (await bot.get(f"/exports/{_other_key(token)}")).status
    issued_at = bot.clock.now()
    bot.clock.advance(LINK_LIFETIME + timedelta(seconds=1))
    expired = await bot.get(path)
    bot.clock.set(issued_at)

    assert {how: s for how, s in refused.items() if s != 404} == {}
    assert expired.status == 410
    assert await _downloads(database) == downloads + 1  # only the genuine download is audited


@pytest.mark.asyncio(loop_scope="module")
async def test_a_calendar_file_answers_only_to_its_own_token(shared_world: World) -> None:
    bot = shared_world.bot
    async with shared_world.database.transaction() as session:
        token = (await session.scalars(select(EventRow.token))).first()
    assert token is not None
    assert (await bot.get(f"/events/{token}.ics")).status == 200

    near_misses = {
        "one letter changed": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "cut short": token[:16],
        "longer": token + "A",
        "upper case": token.upper(),
        "wildcard": "%25",
        "sql": "'%20OR%20'1'='1",
        "traversal": "..%2F..%2Fetc%2Fpasswd",
        "empty": "",
    }
    answers = {how: (await bot.get(f"/events/{t}.ics")).status for how, t in near_misses.items()}

    assert {how: status for how, status in answers.items() if status != 404} == {}


# --- property: any change to a signed link ----------------------------------------------------

TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."


def same_link(one: str, other: str) -> bool:
    """Whether two tokens carry the same bytes (base64 letters differing only in padding bits
    at the end of a part are the same link, not a forged one)."""
    parts, others = one.split("."), other.split(".")
    if len(parts) != len(others):
        return False
    try:
        return all(base64_decode(a) == base64_decode(b) for a, b in zip(parts, others, strict=True))
    except (BadData, ValueError):
        return False


def mutations(token: str) -> st.SearchStrategy[str]:
    """The token with one character replaced, cut short, or with more appended."""
    return st.one_of(
        st.tuples(st.integers(0, len(token) - 1), st.characters(codec="ascii")).map(
            lambda pair: token[: pair[0]] + pair[1] + token[pair[0] + 1 :]
        ),
        st.integers(1, len(token) - 1).map(lambda n: token[:n]),
        st.text(alphabet=TOKEN_ALPHABET, min_size=1, max_size=8).map(lambda more: token + more),
    )


@pytest.mark.asyncio(loop_scope="module")
@HOSTILE
@given(draw=st.data())
async def test_no_change_to_a_signed_export_link_is_accepted(
    shared_world: World, draw: st.DataObject
) -> None:
    world = shared_world
    path = _LINKS.get("path") or await _export_link(world)
    _LINKS["path"] = path
    token = path.removeprefix("/exports/")
    changed = draw.draw(mutations(token).filter(lambda t: not same_link(t, token)), label="token")
    downloads = await _downloads(world.database)

    async with aiohttp.ClientSession() as http:
        base = str(world.bot.client.make_url("/"))
        async with http.get(f"{base}exports/{_url_safe(changed)}") as answer:
            status = answer.status

    assert status in (404, 410), changed
    assert await _downloads(world.database) == downloads


_LINKS: dict[str, str] = {}


def _url_safe(token: str) -> str:
    from urllib.parse import quote

    return quote(token, safe="")


__all__ = ["every_kind", "invoke_answer"]
