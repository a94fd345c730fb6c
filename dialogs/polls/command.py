"""Splitting the one-line creation command into title, candidate dates and options.

`第2回IYO WORK 12/10 12/15 13:00-17:00 会場:松前町役場 3階 定員:8` → title `第2回IYO WORK`,
dates `12/10` and `12/15 13:00-17:00`, options venue (`松前町役場 3階`) and capacity. A date
starts with something that can only be a date (`12/10`, `12月10日`, `2026-12-10`, `令和8年…`,
`Dec 10`) and takes the weekday and time-like words that follow it (`1pm-5pm`, and `午後` too:
reading the date then says what it could not read). The venue runs over the following words
up to the next `key:` word, date or time-like word, so it may contain spaces; a deadline takes
the words that continue its date (`締切:12/5 17:00`, `deadline:Dec 5`). Everything else is the
title, kept as typed (so `第2回` or the bot's own name stay in it); time-like words there are
reported in `stray_times`, never silently made part of the title.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

OptionName = Literal["venue", "capacity", "deadline", "results"]

_OPTION_KEYS: dict[str, OptionName] = {
    "会場": "venue", "場所": "venue", "venue": "venue", "place": "venue", "location": "venue",
    "定員": "capacity", "capacity": "capacity",
    "締切": "deadline", "締め切り": "deadline", "〆切": "deadline", "締切日": "deadline",
    "deadline": "deadline", "due": "deadline",
    "結果": "results", "results": "results", "result": "results",
}  # fmt: skip

# A whitespace-separated word; quoted parts ("…" or 「…」) may contain spaces.
_WORD = re.compile(r'(?:[^\s"「]+|"[^"]*"?|「[^」]*」?)+')
_SUBWORD = re.compile(r"[^,、，]+")
_OPTION = re.compile(r"^(?P<key>[^:：]+)[:：](?P<value>.*)$", re.DOTALL)
_ANY_OPTION = re.compile(r"^[^\d:][^:]*:")  # any `key:` word (ours, a URL's, a typo's)

_DATE_START = re.compile(
    r"""^(?:令和\s*(?:\d{1,2}|元)\s*年
        |\d{4}\s*年\s*\d{1,2}\s*月
        |\d{1,2}\s*月\s*\d{1,2}\s*日?(?![\d月])
        |\d{4}[-/.]\d{1,2}[-/.]\d{1,2}
        |\d{1,2}/\d{1,2}(?![\d/]))""",
    re.VERBOSE,
)
_DASH = r"[-‐‑‒–—―−〜~ー]"
_MERIDIEM = r"[ap]\.?m\.?"
# A word that is, or starts like, a time: `13:00-17:00`, `13時〜`, `1pm-5pm`, `1-5pm`, `午後`,
# `PM`. After a date it is part of the date; elsewhere it is a time without a date.
_TIME_WORD = re.compile(
    rf"""^(?:(?:午前|午後)?{_DASH}?\d{{1,2}}(?::\d{{2}}|時|{_MERIDIEM})\S*
        |\d{{1,2}}{_DASH}\d{{1,2}}(?::\d{{2}})?{_MERIDIEM}
        |午前|午後|正午|{_MERIDIEM}|noon)$""",
    re.VERBOSE | re.IGNORECASE,
)
_CONTINUATION = re.compile(rf"^(?:\([^()]*\)|{_DASH}+|から)$")
_EN_MONTH = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?$", re.I)
_EN_DAY = re.compile(r"^\d{1,2}(?:st|nd|rd|th)?,?$", re.I)
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class _Token:
    text: str  # NFKC-normalised, for recognising
    start: int
    end: int


@dataclass
class CommandParts:
    """The command's pieces, each exactly as typed (options without their key)."""

    title: str = ""
    dates: list[str] = field(default_factory=list)
    options: dict[OptionName, str] = field(default_factory=dict)
    repeated: list[OptionName] = field(default_factory=list)
    stray_times: list[str] = field(default_factory=list)  # time-like words in the title


def split_command(args: str) -> CommandParts:
    """Split what followed the command word. Never fails: judging the parts is validation's job."""
    parts = CommandParts()
    segments: list[list[_Token]] = [[]]  # runs of non-option words; a date never spans an option
    words = list(_WORD.finditer(args))
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        option = _option(word.group())
        if option is None:
            segments[-1].extend(_subtokens(args, word.start(), word.end()))
            continue
        name, value = option
        if name == "venue" and value.strip()[:1] not in ('"', "「"):
            # `会場: 松前町役場 3階 大会議室`: up to the next option, date or time.
            end = index
            while end < len(words) and not _ends_free_text(words, end):
                end += 1
                if not value.strip() and words[end - 1].group()[:1] in ('"', "「"):
                    break  # `会場: "松前町役場 3階"`: quoted, the value is that word
            if end > index:
                value = args[word.end() - len(value) : words[end - 1].end()]
            index = end
        elif not value.strip() and index < len(words):
            value = words[index].group()  # `締切: 12/5`: the value is the next word
            index += 1
        if name == "deadline":
            # `締切:12/5 17:00`, `deadline:Dec 5`: the words that continue its date.
            while index < len(words) and _continues_date(value, words[index].group()):
                value = f"{value} {words[index].group()}"
                index += 1
        if name in parts.options:
            parts.repeated.append(name)
        parts.options[name] = _unquote(value.strip())
        segments.append([])

    title_runs: list[tuple[int, int]] = []
    for tokens in segments:
        index = 0
        while index < len(tokens):
            length = _date_length(tokens, index)
            if length:
                last = tokens[index + length - 1]
                parts.dates.append(args[tokens[index].start : last.end].strip())
                index += length
                continue
            token = tokens[index]
            if _TIME_WORD.match(token.text):
                parts.stray_times.append(args[token.start : token.end])
            if title_runs and _only_separators(args[title_runs[-1][1] : token.start]):
                title_runs[-1] = (title_runs[-1][0], token.end)
            else:
                title_runs.append((token.start, token.end))
            index += 1
    parts.title = " ".join(args[start:end] for start, end in title_runs).strip()
    return parts


def split_dates(text: str) -> list[str]:
    """Candidate dates written in one field: one per line, or separated by spaces or commas.

    Words that do not start a date come back on their own (validation reports them).
    """
    found: list[str] = []
    for line in text.splitlines():
        tokens = [t for w in _WORD.finditer(line) for t in _subtokens(line, w.start(), w.end())]
        index = 0
        while index < len(tokens):
            length = _date_length(tokens, index) or 1
            found.append(line[tokens[index].start : tokens[index + length - 1].end].strip())
            index += length
    return found


def _ends_free_text(words: list[re.Match[str]], index: int) -> bool:
    """Whether `words[index]` ends a free-text value: an option, a time or the start of a date
    (two words, for `Dec 10`)."""
    text = words[index].group()
    if _ANY_OPTION.match(_nfkc(text)) or _TIME_WORD.match(_nfkc(text)):
        return True
    tokens = [t for w in words[index : index + 2] for t in _subtokens(w.string, *w.span())]
    return bool(tokens) and _date_length(tokens, 0) > 0


def _continues_date(value: str, word: str) -> bool:
    """Whether `value word` is still one date expression (`Dec` + `5`, `12/5` + `17:00`)."""
    text = f"{value} {word}"
    tokens = [t for w in _WORD.finditer(text) for t in _subtokens(text, *w.span())]
    return _date_length(tokens, 0) == len(tokens)


def _option(word: str) -> tuple[OptionName, str] | None:
    matched = _OPTION.match(word)
    if matched is None:
        return None
    key = _nfkc(matched["key"]).strip().lower()
    name = _OPTION_KEYS.get(key)
    return None if name is None else (name, matched["value"])


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _unquote(value: str) -> str:
    for left, right in (('"', '"'), ("「", "」")):
        if value.startswith(left):
            return value[1:].removesuffix(right).strip()
    return value


def _subtokens(text: str, start: int, end: int) -> list[_Token]:
    return [
        _Token(_nfkc(m.group()), start + m.start(), start + m.end())
        for m in _SUBWORD.finditer(text[start:end])
    ]


def _date_length(tokens: list[_Token], index: int) -> int:
    """How many tokens from `index` make one date expression (0: not a date)."""
    first = tokens[index].text
    if _DATE_START.match(first):
        length = 1
    elif _english_date(tokens, index):
        length = 3 if _next_matches(tokens, index + 1, _YEAR) else 2
    else:
        return 0
    while index + length < len(tokens) and _continues(tokens[index + length].text):
        length += 1
    return length


def _continues(text: str) -> bool:
    return bool(_CONTINUATION.match(text) or _TIME_WORD.match(text))


def _english_date(tokens: list[_Token], index: int) -> bool:
    """`Dec 10` or `10 Dec` (a year may follow)."""
    first = tokens[index].text
    if _EN_MONTH.match(first):
        return _next_matches(tokens, index, _EN_DAY)
    return _EN_DAY.match(first) is not None and _next_matches(tokens, index, _EN_MONTH)


def _next_matches(tokens: list[_Token], index: int, pattern: re.Pattern[str]) -> bool:
    return index + 1 < len(tokens) and pattern.match(tokens[index + 1].text) is not None


def _only_separators(text: str) -> bool:
    return all(ch.isspace() or ch in ",、，" for ch in text)
