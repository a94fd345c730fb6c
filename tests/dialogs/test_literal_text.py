"""What people type is shown as they typed it in the bot's messages (Teams markdown): ordinary
titles and venues look the same; markup becomes look-alikes that Teams shows as characters."""

from __future__ import annotations

import pytest

from dialogs.replies import literal, literal_url


@pytest.mark.parametrize(
    "typed",
    [
        "第2回IYO WORK（松前町）",
        "第3回 IYO WORK in 八幡浜",
        "Power Automate 勉強会 2026年度",
        "松山市役所 本館 3F 第1会議室",
        "Copilot ハンズオン: 議事録をつくる",
    ],
)
def test_an_ordinary_title_or_venue_is_shown_unchanged(typed: str) -> None:
    assert literal(typed) == typed


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        (
            "[今すぐログイン](https://evil.example/login)",
            "［今すぐログイン］(https：//evil.example/login)",
        ),
        ("**重要** _至急_ ~~取消~~ `code`", "＊＊重要＊＊ ＿至急＿ ～～取消～～ ｀code｀"),
        ("<at>Evil Admin</at>", "＜at＞Evil Admin＜/at＞"),
        ("<img src=x onerror=alert(1)>", "＜img src=x onerror=alert(1)＞"),
        ("# 見出し | 表", "＃ 見出し ｜ 表"),
        ("研修\n> 引用\n- 箇条書き", "研修 ＞ 引用 - 箇条書き"),
    ],
)
def test_markup_in_a_title_is_shown_as_characters(typed: str, shown: str) -> None:
    assert literal(typed) == shown


def test_a_long_title_is_shown_whole() -> None:
    typed = "長" * 500

    assert literal(typed) == typed


@pytest.mark.parametrize(
    "url",
    [
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ%40thread.v2/0?context=%7b%22Tid%22%3a%22x%22%7d",
        "https://us02web.zoom.us/j/81234567890?pwd=abcDEF123",
        "https://example.jp/会議/2026_12?room=a~b#top",
    ],
)
def test_a_meeting_link_stays_the_same_link(url: str) -> None:
    assert literal_url(url) == url


def test_markup_in_a_meeting_link_cannot_make_a_link_or_mention() -> None:
    shown = literal_url("https://meet.example/[x](https://evil.example)<at>Evil</at>**b**")

    assert shown == (
        "https://meet.example/%5Bx%5D(https://evil.example)%3Cat%3EEvil%3C/at%3E%2A%2Ab%2A%2A"
    )
