"""Structured logs, as production writes them (LOG_FORMAT=json, LOG_LEVEL=INFO): every line
of a turn says which activity, which conversation and which feature; no line carries what
people wrote, a secret or a link's token."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from core.logging import configure_logging, log_context
from core.settings import Settings
from tests.app.test_feedback import sent_matching
from tests.fakes.connector import FakeConnector
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, TARO, Activities

EXPORT_SECRET = "export-secret-5f1c9a7e2b"
APP_PASSWORD = "app-password-9d8c7b6a"
SECRET_WORDS = ("秘密の打ち合わせ", "内緒のコメント", "090-1234-5678", "ほげほげ")


@pytest.fixture
def bot_settings(database_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        DATABASE_URL=database_url,
        MicrosoftAppId="",
        MicrosoftAppPassword=APP_PASSWORD,
        COORDINATOR_IDS="",
        EXPORT_SECRET=EXPORT_SECRET,
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
    )


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    """What the bot logs, configured as `main()` does in production, for the test's length."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("INFO", "json", stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_turns_are_logged_with_their_ids_and_without_what_was_written(
    bot: RunningBot, activities: Activities, connector: FakeConnector, logged: io.StringIO
) -> None:
    poll = activities.channel_message("日程調整 秘密の打ち合わせ 12/10 12/11", from_=TARO)
    await bot.send(poll)
    [post] = await sent_matching(connector, lambda p: p.card is not None, 1)
    answer = activities.invoke_action(
        "poll.answer",
        {"poll_id": 1, "choice_1": "onsite", "comment": "内緒のコメント 090-1234-5678"},
        from_=HANAKO,
        card_activity_id=post.activity_id,
    )
    await bot.send(answer)
    await bot.send(activities.channel_message("ほげほげ 090-1234-5678", from_=HANAKO))
    await bot.send(activities.invoke_action("no.such.verb", {"comment": "内緒のコメント"}))
    export = activities.channel_message("日程調整 エクスポート", from_=TARO)
    await bot.send(export)
    [link] = await sent_matching(connector, lambda p: "/exports/" in (p.text or ""), 1)
    token = re.search(r"/exports/([^)\s]+)", link.text or "")
    assert token is not None
    await bot.get(f"/exports/{token.group(1)}")
    tampered = f"{token.group(1)[:-4]}AAAA"
    await bot.get(f"/exports/{tampered}")  # refused

    lines = records(logged)
    turns = [r for r in lines if r["message"].startswith("turn handled")]
    by_activity = {r["activity_id"]: r for r in turns}
    assert by_activity[poll["id"]]["feature"] == "polls"
    assert by_activity[poll["id"]]["action"] == "poll"
    assert by_activity[answer["id"]]["feature"] == "polls"
    assert by_activity[answer["id"]]["action"] == "poll.answer"
    assert by_activity[export["id"]]["action"] == "poll_export"
    for record in turns:
        assert record["level"] == "INFO"
        assert record["conversation_id"].startswith("19:")
        assert ";messageid=" not in record["conversation_id"]
    [unknown] = [r for r in lines if "unknown card verb" in r["message"]]
    assert unknown["activity_id"] and unknown["conversation_id"]

    everything = logged.getvalue()
    for secret in (*SECRET_WORDS, EXPORT_SECRET, APP_PASSWORD, token.group(1)):
        assert secret not in everything, secret
    # Not even a signature, a tampered one included.
    assert token.group(1).split(".")[-1] not in everything
    assert tampered.split(".")[-1] not in everything


def test_readable_lines_carry_the_ids_too(logged: io.StringIO) -> None:
    configure_logging("INFO", "text", stream=logged)
    log = logging.getLogger("dialogs.example")

    with log_context(activity_id="1716000000001", conversation_id="19:x", feature="polls"):
        log.info("turn handled in %d ms", 12)
    log.info("outside any turn")

    inside, outside = logged.getvalue().splitlines()
    assert inside.endswith(
        "turn handled in 12 ms [activity_id=1716000000001 conversation_id=19:x feature=polls]"
    )
    assert outside.endswith("dialogs.example: outside any turn")


def test_nested_contexts_add_to_each_other_and_end_with_their_block(logged: io.StringIO) -> None:
    log = logging.getLogger("dialogs.example")

    with log_context(activity_id="a1", conversation_id="c1"):
        with log_context(feature="mydata", action=None):
            log.info("inner")
        log.info("outer")
    log.info("after")

    inner, outer, after = records(logged)
    assert (inner["activity_id"], inner["feature"]) == ("a1", "mydata") and "action" not in inner
    assert outer["activity_id"] == "a1" and "feature" not in outer
    assert "activity_id" not in after


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_a_channel_message_that_cannot_be_stored_is_logged_with_its_ids_not_its_words(
    bot: RunningBot, activities: Activities, logged: io.StringIO
) -> None:
    """The live thread capture runs outside any command: its lines carry the same ids, and a
    database error shows the statement without its values (what people wrote)."""
    post = activities.channel_message("秘密の打ち合わせ 090-1234-5678", mention_bot=False)
    post["id"] = "1" * 80  # longer than a message id can be: PostgreSQL refuses the row

    assert (await bot.send(post)).status in (200, 201)

    [failed] = [r for r in records(logged) if r["message"].startswith("could not store")]
    assert failed["level"] == "ERROR"
    assert failed["activity_id"] == post["id"]
    assert failed["conversation_id"] == activities.team.general
    assert (failed["feature"], failed["action"]) == ("threads", "capture.message")
    assert "parameters hidden" in failed["exception"]
    everything = logged.getvalue()
    for secret in ("秘密の打ち合わせ", "090-1234-5678"):
        assert secret not in everything, secret
