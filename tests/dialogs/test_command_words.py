"""How typed text finds its command: NFKC, full-width spaces, no space, longest word first."""

from __future__ import annotations

import pytest

from core.i18n import Catalog
from dialogs.replies import Reply
from dialogs.router import CommandMatcher, Router


def catalog_with(words: dict[str, list[str]]) -> Catalog:
    entries = {f"commands.{cid}.words": ws for cid, ws in words.items()}
    return Catalog({"ja": entries, "en": {}})


async def nothing(ctx: object) -> Reply:
    return Reply.nothing()


@pytest.fixture
def matcher() -> CommandMatcher:
    router = Router()
    for command_id in ("poll", "poll.export", "help", "event"):
        router.command(command_id)(nothing)
    catalog = catalog_with(
        {
            "poll": ["日程調整", "poll"],
            "poll.export": ["日程調整 エクスポート", "poll export"],
            "help": ["ヘルプ", "help"],
            "event": ["イベント作成", "event"],
        }
    )
    return CommandMatcher(router, catalog)


@pytest.mark.parametrize(
    ("typed", "command", "args"),
    [
        ("日程調整 第2回IYO WORK 12/10", "poll", "第2回IYO WORK 12/10"),
        ("日程調整　第2回IYO WORK　12/10", "poll", "第2回IYO WORK\u300012/10"),
        ("日程調整　第２回ＩＹＯ　ＷＯＲＫ", "poll", "第２回ＩＹＯ　ＷＯＲＫ"),
        ("日程調整第2回", "poll", "第2回"),
        ("日程調整 エクスポート", "poll.export", ""),
        ("日程調整　エクスポート", "poll.export", ""),
        ("日程調整エクスポート", "poll.export", ""),
        ("ＨＥＬＰ", "help", ""),
        ("  help  ", "help", ""),
        ("Poll Export", "poll.export", ""),
        ("poll 2nd IYO WORK 12/10", "poll", "2nd IYO WORK 12/10"),
        ("ヘルプ", "help", ""),
    ],
)
def test_typed_text_reaches_its_command(
    matcher: CommandMatcher, typed: str, command: str, args: str
) -> None:
    found = matcher.match(typed)
    assert found is not None
    assert (found.command.id, found.args) == (command, args)


@pytest.mark.parametrize("typed", ["helpful", "pollster 12/10", "こんにちは", ""])
def test_other_text_is_no_command(matcher: CommandMatcher, typed: str) -> None:
    assert matcher.match(typed) is None


def test_a_word_cannot_belong_to_two_commands() -> None:
    router = Router()
    router.command("a")(nothing)
    router.command("b")(nothing)
    with pytest.raises(ValueError, match="belongs to"):
        CommandMatcher(router, catalog_with({"a": ["同じ"], "b": ["同じ"]}))
