"""Only the Bot Connector may talk to the bot when it has an app id: every token that does not
prove that is answered 401 and the activity is never handled.

The bot here has an app id, so any reply would first ask Entra ID for an app token (network).
These tests therefore send plain messages the recording bot only records: authentication and
the turn run fully, nothing calls out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import pytest

from bot.adapter import build_adapter
from core.settings import load_settings
from tests.bot.conftest import RecordingBot, running_bot
from tests.fakes.openid import OpenIdServer, openid_server
from tests.fixtures.connector import APP_ID, TENANT_ID, Activities


@pytest.fixture
def openid() -> Iterator[OpenIdServer]:
    with openid_server() as server:
        yield server


def secured_adapter() -> Any:
    return build_adapter(
        load_settings(
            app_id=APP_ID,
            app_password="not-a-real-secret",
            app_type="SingleTenant",
            app_tenant_id=TENANT_ID,
        )
    )


async def post(url: str, body: dict[str, Any], authorization: str | None) -> int:
    headers = {"Authorization": authorization} if authorization is not None else {}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{url}/api/messages", json=body, headers=headers) as response,
    ):
        return response.status


async def test_a_message_signed_by_the_connector_is_handled(
    openid: OpenIdServer, activities: Activities
) -> None:
    bot = RecordingBot()
    message = activities.channel_message("投票 忘年会")
    token = openid.token(app_id=APP_ID, service_url=activities.service_url)
    async with running_bot(secured_adapter(), bot) as url:
        status = await post(url, message, f"Bearer {token}")

    assert status == 201
    assert [a.id for a in bot.received] == [message["id"]]
    assert openid.fetches == 2  # metadata and keys, fetched from the local server


BAD_TOKENS: dict[str, Callable[[OpenIdServer, str], str | None]] = {
    "missing": lambda o, s: None,
    "empty": lambda o, s: "",
    "garbage": lambda o, s: "Bearer not.a.jwt",
    "not bearer": lambda o, s: f"Basic {o.token(app_id=APP_ID, service_url=s)}",
    "expired": lambda o, s: f"Bearer {o.token(app_id=APP_ID, service_url=s, expires_in=-3600)}",
    "forged": lambda o, s: f"Bearer {o.token(app_id=APP_ID, service_url=s, key=o.other_key)}",
    "unknown kid": lambda o, s: f"Bearer {o.token(app_id=APP_ID, service_url=s, kid='nope')}",
    "wrong audience": lambda o, s: (
        f"Bearer {o.token(app_id=APP_ID, service_url=s, audience='other-bot')}"
    ),
    "wrong issuer": lambda o, s: (
        f"Bearer {o.token(app_id=APP_ID, service_url=s, issuer='https://evil.example')}"
    ),
    "serviceurl mismatch": lambda o, s: (
        f"Bearer {o.token(app_id=APP_ID, service_url='https://smba.evil.example/')}"
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_a_bad_token_is_401_and_the_activity_is_never_handled(
    case: str, openid: OpenIdServer, activities: Activities
) -> None:
    bot = RecordingBot()
    authorization = BAD_TOKENS[case](openid, activities.service_url)
    async with running_bot(secured_adapter(), bot) as url:
        status = await post(url, activities.channel_message("投票"), authorization)

    assert status == 401
    assert bot.received == []


async def test_a_card_action_needs_a_token_too(
    openid: OpenIdServer, activities: Activities
) -> None:
    bot = RecordingBot()
    invoke = activities.invoke_action("attend", {"event": 7})
    token = openid.token(app_id=APP_ID, service_url=activities.service_url)
    async with running_bot(secured_adapter(), bot) as url:
        refused = await post(url, invoke, None)
        accepted = await post(url, invoke, f"Bearer {token}")

    assert (refused, accepted) == (401, 200)
    assert len(bot.received) == 1


async def test_without_an_app_id_auth_is_off_even_with_the_default_app_type(
    activities: Activities,
) -> None:
    settings = load_settings(app_id="", app_password="", app_type="SingleTenant")
    bot = RecordingBot()
    async with running_bot(build_adapter(settings), bot) as url:
        status = await post(url, activities.personal_message("help"), None)

    assert status == 201
    assert len(bot.received) == 1
