"""What /api/messages refuses before botbuilder sees it, and the health endpoints."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp

from bot.adapter import build_adapter
from core.settings import load_settings
from tests.bot.conftest import RecordingBot, running_bot
from tests.fixtures.connector import OTHER_TENANT_ID, TENANT_ID, Activities


async def raw_post(
    url: str, data: bytes, content_type: str = "application/json"
) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{url}/api/messages", data=data, headers={"Content-Type": content_type}
        ) as response,
    ):
        return response.status, await response.text()


async def test_an_activity_over_256_kb_is_refused_with_413_naming_the_limit(
    activities: Activities,
) -> None:
    bot = RecordingBot()
    huge = activities.channel_message("x" * (300 * 1024))
    async with running_bot(build_adapter(load_settings()), bot) as url:
        status, text = await raw_post(url, json.dumps(huge).encode())

    assert status == 413
    assert "256 KB" in text
    assert bot.received == []


async def test_a_chunked_body_over_the_limit_is_refused_too(activities: Activities) -> None:
    bot = RecordingBot()
    huge = json.dumps(activities.channel_message("y" * (300 * 1024))).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(huge), 32 * 1024):
            yield huge[start : start + 32 * 1024]

    async with (
        running_bot(build_adapter(load_settings()), bot) as url,
        aiohttp.ClientSession() as http,
        http.post(
            f"{url}/api/messages", data=chunks(), headers={"Content-Type": "application/json"}
        ) as response,
    ):
        status = response.status

    assert status == 413
    assert bot.received == []


async def test_a_body_that_is_not_json_is_400() -> None:
    bot = RecordingBot()
    async with running_bot(build_adapter(load_settings()), bot) as url:
        malformed = await raw_post(url, b'{"type": "message", ')
        not_json = await raw_post(url, "こんにちは".encode(), "text/plain")
        a_list = await raw_post(url, b'[{"type": "message"}]')

    assert [status for status, _ in (malformed, not_json, a_list)] == [400, 400, 400]
    assert bot.received == []


async def test_json_without_a_type_is_400(activities: Activities) -> None:
    bot = RecordingBot()
    untyped = activities.channel_message("こんにちは")
    del untyped["type"]
    async with running_bot(build_adapter(load_settings()), bot) as url:
        status, text = await raw_post(url, json.dumps(untyped).encode())

    assert (status, text) == (400, "the activity has no type")
    assert bot.received == []


async def test_an_activity_from_another_organisation_is_403_and_never_handled(
    activities: Activities,
) -> None:
    bot = RecordingBot()
    outsider = Activities(service_url=activities.service_url, tenant_id=OTHER_TENANT_ID)
    half_forged = activities.channel_message("投票")
    half_forged["channelData"]["tenant"]["id"] = OTHER_TENANT_ID
    spelled_like_botbuilder = activities.channel_message("投票")
    spelled_like_botbuilder["conversation"]["tenantID"] = OTHER_TENANT_ID
    adapter = build_adapter(load_settings())
    async with running_bot(adapter, bot, allowed_tenant_ids=[TENANT_ID]) as url:
        foreign = await raw_post(url, json.dumps(outsider.channel_message("投票")).encode())
        mixed = await raw_post(url, json.dumps(half_forged).encode())
        respelled = await raw_post(url, json.dumps(spelled_like_botbuilder).encode())
        ours = await raw_post(url, json.dumps(activities.channel_message("投票")).encode())

    assert [foreign[0], mixed[0], respelled[0], ours[0]] == [403, 403, 403, 201]
    assert len(bot.received) == 1


async def test_without_an_allow_list_every_tenant_is_served(activities: Activities) -> None:
    bot = RecordingBot()
    outsider = Activities(service_url=activities.service_url, tenant_id=OTHER_TENANT_ID)
    async with running_bot(build_adapter(load_settings()), bot) as url:
        status, _ = await raw_post(url, json.dumps(outsider.personal_message("help")).encode())

    assert status == 201
    assert len(bot.received) == 1


async def test_healthz_and_readyz() -> None:
    ready = False

    async def readiness() -> bool:
        return ready

    async with (
        running_bot(build_adapter(load_settings()), RecordingBot(), readiness=readiness) as url,
        aiohttp.ClientSession() as http,
    ):
        async with http.get(f"{url}/healthz") as health:
            assert (health.status, await health.text()) == (200, "ok")
        async with http.get(f"{url}/readyz") as starting:
            assert starting.status == 503
        ready = True
        async with http.get(f"{url}/readyz") as started:
            assert started.status == 200
