"""`python -m dialogs.digest preview --channel …`: a coordinator reads what the channel's digest
would say, as Markdown in the terminal; nothing is posted or stored."""

from __future__ import annotations

import datetime as dt

import pytest

from core.settings import Settings
from dialogs.digest.__main__ import channels, preview
from dialogs.threads.store import MessageVersion, upsert_messages
from storage.db import Database
from tests.digest.community import digest_rows
from tests.digest.test_content import GENERAL, JA, NOW, channel, event

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def cli_settings(database: Database) -> Settings:
    return Settings(DATABASE_URL=database.url)  # type: ignore[call-arg]


async def test_the_preview_prints_the_digest_as_markdown(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    await channel(database, GENERAL, "team-ehime")
    await event(database, GENERAL, "第3回IYO WORK", dt.date(2027, 1, 20))
    asked = NOW - dt.timedelta(days=2)
    async with database.transaction() as session:
        await upsert_messages(
            session,
            [
                MessageVersion(
                    channel_id=GENERAL, message_id="1", root_id="1", created_at=asked,
                    modified_at=asked, source="graph", author_name="今治 花子",
                    text="Windows 11 への移行、進んでいますか？",
                )
            ],
            NOW,
        )  # fmt: skip

    code = await preview(cli_settings(database), GENERAL, at=NOW, locale=None)

    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("# 週次ダイジェスト\n\n12/14(月)〜12/21(月)\n")
    assert "## 今週の新着スレッド（1件）" in out
    assert (
        "- **未回答** [Windows 11 への移行、進んでいますか？](https://teams.microsoft.com/l/message/"
        in out
    )
    assert "## 次回のIYO WORK" in out and "第3回IYO WORK" in out
    assert await digest_rows(database.url) == []

    assert await preview(cli_settings(database), "19:nowhere", at=NOW, locale=None) == 3
    assert "見つかりません" in capsys.readouterr().err


async def test_channels_lists_each_channel_with_its_digest(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    await channel(database, GENERAL, "team-ehime")
    assert await channels(cli_settings(database), JA) == 0
    assert f"{GENERAL}（-）: オフ・次回 なし・最後のダイジェスト なし" in capsys.readouterr().out
