"""The digest's thread sections read the week as people lived it: a question solved with the
button this week is this week's news, however old the question."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from dialogs.digest.links import ChannelPlace
from dialogs.digest.settings import DigestSettings
from dialogs.digest.threads import gather_threads
from dialogs.summaries.service import clear_cache
from storage.db import Database
from tests.summaries import corpus
from tests.summaries.corpus import CHANNEL, NOW, P, Thread

JST = ZoneInfo("Asia/Tokyo")


async def test_a_two_week_old_question_solved_with_the_button_today_is_in_the_weeks_digest(
    database: Database,
) -> None:
    printers = Thread(
        "printer-driver",
        14,
        (P("kikuchi", "プリンタのドライバを一斉に配布する方法はありますか？"),),
        button=(True, "kikuchi"),  # pressed an hour ago (see corpus.load)
    )
    clear_cache()
    async with database.transaction() as session:
        await corpus.load(session, (printers,))
        content = await gather_threads(
            session,
            ChannelPlace(conversation_id=CHANNEL, channel_id=CHANNEL),
            DigestSettings(conversation_id=CHANNEL),
            since=NOW - timedelta(days=7),
            until=NOW,
            zone=JST,
        )
    clear_cache()

    assert content.solved_count == 1
    assert [item.question for item in content.solved] == [
        "プリンタのドライバを一斉に配布する方法はありますか？"
    ]
    assert [item.question for item in content.most_active] == [
        "プリンタのドライバを一斉に配布する方法はありますか？"
    ]
