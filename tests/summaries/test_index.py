"""要約 reads a thread without building what search needs; the first 検索 builds it, once."""

from __future__ import annotations

from datetime import timedelta

from dialogs.summaries.search import search_threads
from dialogs.summaries.service import analysed_threads, summarise_channel
from storage.db import Database
from tests.summaries.corpus import CHANNEL, NOW


async def test_a_summary_builds_no_search_index_and_the_first_search_builds_it_once(
    channel: Database,
) -> None:
    async with channel.transaction() as session:
        week = await summarise_channel(session, CHANNEL, since=NOW - timedelta(days=7), until=NOW)
        threads = await analysed_threads(session, CHANNEL)
    assert week
    analyses = [t.analysis for t in threads]
    assert not any(a.indexed for a in analyses)

    [hit] = search_threads(analyses, "Windows Update")

    assert hit.snippet == "LGWAN接続系の端末で Windows Update が 0x80070005 で失敗します。"
    assert all(a.indexed for a in analyses)
    index = analyses[0].index
    search_threads(analyses, "マクロ")
    assert analyses[0].index is index  # kept, not built again
