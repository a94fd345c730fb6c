"""The IT staff channel as Graph shows it: a few real-looking threads and sixty small ones.

The clock of these tests stands at 2026-11-26 10:00 JST; RETENTION_MONTHS is 24, so the thread
from January 2024 is too old to keep.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tests.fakes.graph import Author, FakeChannel, FakeMessage, mention
from tests.fixtures.connector import APP_ID, GUEST, HANAKO, JIRO, TARO, TEAM, TeamsUser

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 10:00 JST
CHANNEL_ID = TEAM.general
TEAM_GROUP = TEAM.aad_group_id
SMALL_THREADS = 60


def author(user: TeamsUser) -> Author:
    return Author(user.name, user.aad_object_id)


BOT = Author("IYO WORK", APP_ID, kind="application")


@dataclass
class Community:
    macro: FakeMessage  # 「Excelのマクロ問題って…」 with replies, reactions, an edit and a deletion
    macro_edited: FakeMessage
    macro_deleted: FakeMessage
    rights: FakeMessage  # 「ユーザー権限って…」 with a quoted reply and a file
    long_thread: FakeMessage  # five replies: more than the fake inlines
    poll: FakeMessage  # the bot's poll card
    old: FakeMessage  # January 2024: older than the retention
    joined: FakeMessage  # a system event
    small: list[FakeMessage]

    @property
    def kept_roots(self) -> int:
        return 4 + len(self.small)


def build_community(channel: FakeChannel) -> Community:
    day = datetime(2026, 11, 10, 0, 30, tzinfo=UTC)
    macro = channel.post(
        author(TARO),
        "<div><p>Excelのマクロ問題って、どうやって解決してます？</p>"
        '<p>参考: <a href="https://learn.microsoft.com/ja-jp/office/vba/api/overview/excel" '
        'rel="noreferrer noopener" target="_blank">VBA リファレンス</a></p></div>',
        at=day,
        subject="Excelのマクロ",
        importance="high",
    )
    tag, entry = mention(0, author(TARO))
    channel.reply(
        macro,
        author(HANAKO),
        f'<div>{tag}&nbsp;うちはこう書いています <emoji id="1f600" alt="😀"></emoji></div>'
        '<codeblock class="VisualBasic"><code>Sub Macro1()<br>&nbsp;&nbsp;&nbsp; '
        "MsgBox &quot;こんにちは&quot;<br>End Sub</code></codeblock>",
        at=day + timedelta(hours=1),
        mentions=[entry],
    )
    macro_edited = channel.reply(
        macro, author(JIRO), "<p>マクロは無効にしています</p>", at=day + timedelta(hours=2)
    )
    channel.edit(
        macro_edited,
        "<p>マクロは<strong>署名付きのものだけ</strong>有効にしています</p>",
        at=day + timedelta(hours=3),
    )
    macro_deleted = channel.reply(
        macro, author(GUEST), "<p>弊社製品なら解決します</p>", at=day + timedelta(hours=4)
    )
    channel.delete(macro_deleted, at=day + timedelta(hours=5))
    channel.react(macro, author(HANAKO), "like", at=day + timedelta(hours=6))
    channel.react(macro, author(JIRO), "heart", at=day + timedelta(hours=6, minutes=1))

    later = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    rights = channel.post(
        author(HANAKO), "<p>ユーザー権限って、みなさんどうしてます？</p>", at=later
    )
    channel.reply(
        rights,
        author(TARO),
        f'<attachment id="{rights.id}"></attachment><p>県ではこの表で管理しています</p>'
        '<attachment id="file-1"></attachment>',
        at=later + timedelta(hours=1),
        attachments=[
            {
                "id": rights.id,
                "contentType": "messageReference",
                "content": json.dumps({"messageId": rights.id, "messagePreview": "ユーザー権限"}),
                "contentUrl": None,
                "name": None,
                "thumbnailUrl": None,
                "teamsAppId": None,
            },
            {
                "id": "file-1",
                "contentType": "reference",
                "contentUrl": "https://ehime.sharepoint.com/sites/it/Shared%20Documents/権限表.xlsx",
                "content": None,
                "name": "権限表.xlsx",
                "thumbnailUrl": None,
                "teamsAppId": None,
            },
        ],
    )

    long_thread = channel.post(author(JIRO), "<p>返信の多いスレッド</p>", at=later)
    for number in range(1, 6):
        channel.reply(
            long_thread,
            author(HANAKO if number % 2 else TARO),
            f"<p>返信{number}</p>",
            at=later + timedelta(minutes=number),
        )

    card = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": "日程調整: 第2回IYO WORK"},
            {"type": "FactSet", "facts": [{"title": "会場", "value": "松前町役場"}]},
        ],
        "actions": [{"type": "Action.Execute", "title": "回答する"}],
    }
    poll = channel.post(
        BOT,
        '<attachment id="card-1"></attachment>',
        at=later + timedelta(hours=2),
        attachments=[
            {
                "id": "card-1",
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": json.dumps(card, ensure_ascii=False),
                "contentUrl": None,
                "name": None,
                "thumbnailUrl": None,
                "teamsAppId": None,
            }
        ],
    )

    old = channel.post(
        author(TARO), "<p>2024年の古い話題</p>", at=datetime(2024, 1, 15, tzinfo=UTC)
    )
    channel.reply(old, author(HANAKO), "<p>古い返信</p>", at=datetime(2024, 1, 16, tzinfo=UTC))
    joined = channel.system_event(at=later + timedelta(hours=3))

    small = [
        channel.post(
            author(JIRO), f"<p>質問 {number}</p>", at=datetime(2026, 3, 1, tzinfo=UTC)
            + timedelta(hours=number),
        )
        for number in range(1, SMALL_THREADS + 1)
    ]  # fmt: skip
    return Community(
        macro, macro_edited, macro_deleted, rights, long_thread, poll, old, joined, small
    )
