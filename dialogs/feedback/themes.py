"""The most requested themes for next time (次回やってみたいこと・話したいテーマ), for the weekly
digest and the next poll's creation card.

A plain first version: each answer is cut into items at line breaks and list punctuation,
items are normalised (NFKC, bullets, brackets and closing punctuation dropped, case and
spaces ignored when comparing) and counted once per person. The tokenizer-based version
(Sudachi, with 要約) can replace `count_themes` without changing `requested_themes`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.feedback.store import themes_since

DEFAULT_LIMIT = 10
# Longer than this is a sentence, not a theme: left to the tokenizer-based version.
MAX_THEME_LENGTH = 40

_SEPARATORS = re.compile(r"[\n、,;。]+")
_BULLET = re.compile(r"^(?:[・\-*•●○◎■□▪︎>]+|\(?\d{1,2}[.)]|[①-⑳])\s*")
_WRAPPERS = "「」『』\"'()[]【】"
_TRAILING = "。.!?！？…~〜 "
_NOTHING = frozenset(
    {
        "なし",
        "特になし",
        "とくになし",
        "特にない",
        "ない",
        "特にありません",
        "none",
        "n/a",
        "na",
        "-",
    }
)


async def requested_themes(
    session: AsyncSession, since: datetime, *, limit: int = DEFAULT_LIMIT
) -> list[tuple[str, int]]:
    """The themes asked for in answers given or changed since `since`, most requested first:
    (theme as first written, how many people asked for it)."""
    return count_themes(await themes_since(session, since), limit=limit)


def count_themes(
    answers: Iterable[tuple[str, str]], *, limit: int = DEFAULT_LIMIT
) -> list[tuple[str, int]]:
    """(person key, answer text) → the `limit` most named themes with how many people named
    them; ties keep the order in which themes first appeared."""
    shown: dict[str, str] = {}
    people: dict[str, set[str]] = {}
    for person, text in answers:
        for item in theme_items(text):
            key = _key(item)
            shown.setdefault(key, item)
            people.setdefault(key, set()).add(person)
    order = {key: index for index, key in enumerate(shown)}
    ranked = sorted(shown, key=lambda key: (-len(people[key]), order[key]))
    return [(shown[key], len(people[key])) for key in ranked[:limit]]


def theme_items(text: str) -> list[str]:
    """One answer cut into its themes, each normalised for display."""
    items: list[str] = []
    for part in _SEPARATORS.split(unicodedata.normalize("NFKC", text)):
        item = _BULLET.sub("", part.strip())
        item = item.strip(_WRAPPERS).rstrip(_TRAILING).strip(_WRAPPERS).strip()
        item = " ".join(item.split())
        if not item or len(item) > MAX_THEME_LENGTH or _key(item) in _NOTHING:
            continue
        items.append(item)
    return items


def _key(item: str) -> str:
    return "".join(item.split()).casefold()
