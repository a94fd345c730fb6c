"""`python -m dialogs.threads sync`: a coordinator backfills the channel from a terminal, sees
progress, and can run it again after an interruption."""

from __future__ import annotations

from typing import Any

import pytest

from core.clock import FrozenClock
from core.i18n import default_catalog
from core.settings import Settings
from dialogs.threads.__main__ import main, status, sync
from storage.db import Database
from tests.fakes.graph import FakeChannel, FakeGraph
from tests.threads.scenario import CHANNEL_ID, NOW, TEAM_GROUP, Community

JA = default_catalog().translator("ja")


def cli_settings(database: Database) -> Settings:
    return Settings(DATABASE_URL=database.url, RETENTION_MONTHS=24)  # type: ignore[call-arg]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_backfill_from_the_terminal_shows_progress_and_what_it_stored(
    database: Database, client: Any, community: Community, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await sync(
        cli_settings(database), TEAM_GROUP, CHANNEL_ID, restart=False, t=JA, client=client,
        clock=FrozenClock(NOW),
    )  # fmt: skip

    assert code == 0
    out, err = capsys.readouterr()
    assert "過去の投稿を取得中: 2 ページ・58 件" in err  # the first page and a replies link
    assert "変更を確認中" in err
    assert "完了: 73 件を保存しました（Graph へのリクエスト 4 回" in out
    assert "保存期間（24 か月）より古いスレッド 1 件は保存していません。" in out

    await status(cli_settings(database), JA)
    assert f"{CHANNEL_ID}: 同期済み・保存 73 件" in capsys.readouterr().out


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_an_interrupted_backfill_says_so_and_the_next_run_finishes_it(
    database: Database,
    graph: FakeGraph,
    client: Any,
    community: Community,
    capsys: pytest.CaptureFixture[str],
) -> None:
    graph.fail_from(3, 502)
    settings = cli_settings(database)

    first = await sync(settings, TEAM_GROUP, CHANNEL_ID, restart=False, t=JA, client=client)
    assert first == 1
    assert "同期が途中で止まりました" in capsys.readouterr().out
    await status(settings, JA)
    assert "取得途中" in capsys.readouterr().out

    graph.heal()
    assert await sync(settings, TEAM_GROUP, CHANNEL_ID, restart=False, t=JA, client=client) == 0
    assert "完了:" in capsys.readouterr().out


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_refused_channel_exits_with_its_own_status(
    database: Database,
    graph: FakeGraph,
    channel: FakeChannel,
    client: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    graph.refuse(channel, 403)

    code = await sync(
        cli_settings(database), TEAM_GROUP, CHANNEL_ID, restart=False, t=JA, client=client
    )

    assert code == 3
    assert "Graph がこのチャネルの履歴を拒否しました（Graph answered 403" in capsys.readouterr().out


def test_without_an_app_registration_the_cli_says_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    for name in ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppTenantId"):
        monkeypatch.delenv(name, raising=False)

    code = main(["sync", "--team", TEAM_GROUP, "--channel", CHANNEL_ID])

    assert code == 2
    assert "Graph に接続する設定がありません" in capsys.readouterr().err
