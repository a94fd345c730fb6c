"""One pass over a message's morphemes: where its sentences start and end, and its terms (runs of
nouns joined into compounds: 情報システム部門, 多要素認証, LGWAN接続系).

It runs once per morpheme (a fifth of summarising's time), so it stays plain: each
morpheme's part of speech is read once and looked up in a table of kinds built from the
dictionary at start-up; a word's normalised form and surface are read only for nouns that can
make a term (the normalised form once per dictionary word); most runs are one noun, read without
the compound joiner.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any, NamedTuple

# Kinds of morpheme, by Sudachi part of speech. Words first (nouns and what joins them into
# compounds, 0 to 6, then the rest), marks last, so that a comparison sorts them.
NOUN, PROPER, PERSON, PLACE, NUMBER, PREFIX, SUFFIX, VERB, ADJ, AUX, PARTICLE, OTHER = range(12)
PUNCT, PERIOD, OPEN, CLOSE, SPACE = 12, 13, 14, 15, 16  # 、… / 。?! / 「( / 」) / spaces
PUNCTS = frozenset((PUNCT, PERIOD, OPEN, CLOSE))

_NAMES = frozenset((PERSON, PLACE))
_EDGE_END = frozenset((PREFIX, NUMBER))
_EDGE_START = frozenset((SUFFIX, NUMBER))

# Nouns too general to say what a thread is about.
_GENERIC_WORDS = """
か月 ヶ月 カ月 解決済み 解決 質問者 回答者
こと もの 物 事 ため 為 よう 様 方 かた 件 方法 場合 確認 対応 質問 回答
返信 連絡 相談 皆様 皆さん みなさん 今回 現在 状況 問題 可能 必要 以下 以上
下記 上記 何 なに 時 とき 際 等 など 他 後 前 中 内 内容 感じ 自分 私
わたし 当方 本市 本町 当市 当町 弊市 弊町 弊社 教示 助言 お疲れ様 お疲れさま
おつかれさま お世話 世話 お願い 願い ありがとう 有り難う 宜しく よろしく 失礼
すみません 了解 承知 参考 情報 共有 担当 担当者 皆 みんな 一つ 一 二 三 今
今日 明日 昨日 本日 先日 先週 今週 来週 今月 先月 来月 今年 昨年 来年 年 月
日 週 分 秒 ところ ここ そこ あそこ これ それ あれ どれ 別 全部 全て すべて
一部 部分 原因 理由 結果 方向 予定 作業 手順 設定 利用 使用 実施 記載 ご存じ
存じ 存知 ご存知 はず 通り とおり 上 下 的 化 系 用 済み 済 名 課 係 市 町
村 県 様子 やり方 手 点 辺り 辺 ほう 頂き 致し 旨 たち 達 さん 様方 皆々様
方々 お手数 手数 お忙しい 恐縮 一点 一件 何卒 ok ng はい いいえ 了解です
大丈夫 ありがとうございます うち 内 うちら 我々 こちら そちら あちら どちら 弊所
当課 本課 団体 各団体 各市町 市町 職員さん 業者 業者さん ベンダーさん 誰 だれ
どなた
"""
GENERIC = frozenset(_GENERIC_WORDS.split())


class Term(NamedTuple):
    """A content word or compound: `key` for matching (Sudachi's normalised form,
    case-folded), `text` as written."""

    key: str
    text: str


# A term as the sentences hold it: (key, text), a plain tuple. Tens of thousands are made and
# kept until search has read them; the garbage collector stops tracking plain tuples of
# strings, not named ones, and a plain one is quicker to make.
TermPair = tuple[str, str]


# One sentence of a piece: where it starts and ends in the piece (characters), its terms, the
# parts of its compounds and (when asked for) its morphemes, spaces and marks that only extend
# an ending (the second ! of !!) left out.
Scanned = tuple[int, int, tuple[TermPair, ...], tuple[str, ...], list[Any]]

# Word ids from here up are Sudachi's unknown words: their id does not say which word.
_UNKNOWN_WORDS = 0xF000_0000


def kind_of(pos: tuple[str, ...]) -> int:
    major, minor = pos[0], pos[1]
    if major == "名詞":
        if minor == "固有名詞":
            return PERSON if pos[2] == "人名" else PLACE if pos[2] == "地名" else PROPER
        if minor == "数詞":
            return NUMBER
        if minor == "代名詞":
            return OTHER
        return NOUN
    if major == "接頭辞":
        return PREFIX
    if major == "接尾辞":
        return SUFFIX if minor == "名詞的" else OTHER
    if major == "動詞":
        return VERB
    if major in ("形容詞", "形状詞"):
        return ADJ
    if major == "助動詞":
        return AUX
    if major == "助詞":
        return PARTICLE
    if major == "補助記号":
        return {"句点": PERIOD, "括弧開": OPEN, "括弧閉": CLOSE}.get(minor, PUNCT)
    if major == "空白":
        return SPACE
    return OTHER


def scan(
    morphemes: Any,
    keep: bool,
    kinds: list[int],
    pos_id: Callable[[Any], int],
    known: dict[str, bool],
    word_id: Callable[[Any], int],
    forms: dict[int, str],
) -> list[Scanned]:
    """The piece's sentences (see `text.Analyser.analyse` for the rules) with their terms.
    `kinds` is the kind of each part of speech (by id, `pos_id` reads a morpheme's), `known`
    remembers which words mean something, `forms` the key of each dictionary word (by id,
    `word_id` reads a morpheme's)."""
    out: list[Scanned] = []
    terms: list[TermPair] = []
    parts: list[str] = []
    tokens: list[Any] = []
    run: list[Any] = []  # the run of nouns being read
    run_kinds: list[int] = []
    spaced: list[int] = []  # where in the run a space joins Latin words (Windows Update)
    previous_space = False
    first: Any = None  # the sentence's first morpheme
    last: Any = None  # and its last one (not a space)
    depth = 0
    ending = ""  # the 。?! or emoji that ends the sentence when more words follow

    def close() -> None:
        if len(run_kinds) == 1:  # most runs: one noun
            if run_kinds[0] <= PROPER:  # a name alone is who or where
                morpheme = run[0]
                word = word_id(morpheme)
                key = forms.get(word) or _form(morpheme, word, forms)
                meaningful = known.get(key)
                if meaningful is None:
                    meaningful = known[key] = _meaningful(key)
                if meaningful and (shown := morpheme.surface()) not in GENERIC:
                    terms.append((key, shown))
        else:
            _compound(run, run_kinds, spaced, terms, parts, known, word_id, forms)
            spaced.clear()
        run.clear()
        run_kinds.clear()

    def finish() -> None:
        nonlocal terms, parts, tokens, first, last
        if run:
            close()
        if first is not None:
            out.append((first.begin(), last.end(), tuple(terms), tuple(parts), tokens))
        terms, parts, tokens, first, last = [], [], [], None, None

    for morpheme in morphemes:
        kind = kinds[pos_id(morpheme)]
        if kind < PUNCT:  # a word
            if ending:
                if ending != ".":  # ". " ends a sentence, "3.5" does not
                    finish()
                ending = ""
            if first is None:
                first = morpheme
            if keep:
                tokens.append(morpheme)
            if kind <= SUFFIX:
                if previous_space:  # after a Latin noun and one space
                    if morpheme.surface().isascii():
                        spaced.append(len(run) - 1)
                    else:
                        close()
                    previous_space = False
                run.append(morpheme)
                run_kinds.append(kind)
            else:
                previous_space = False
                if run:
                    close()
            last = morpheme
            continue
        if kind == SPACE:
            if "\n" in morpheme.surface():
                finish()
                previous_space, ending, depth = False, "", 0
                continue
            if ending == ".":
                finish()  # ". " after a Latin word
                ending = ""
            if run and not previous_space and run[-1].surface().isascii():
                previous_space = True
            else:
                previous_space = False
                if run:
                    close()
            continue
        if ending:
            if kind in (PERIOD, CLOSE) or (ending == "emoji" and kind == PUNCT):
                last = morpheme  # a run of them (?! / 😭🙏), or a stray 」
                continue
            if ending != ".":
                finish()
            ending = ""
        if first is None:
            first = morpheme
        if keep:
            tokens.append(morpheme)
        previous_space = False
        if run:
            close()
        last = morpheme
        if kind == PERIOD:
            if not depth:
                ending = morpheme.surface()
                if ending != ".":
                    ending = "!"
        elif kind == OPEN:
            depth += 1
        elif kind == CLOSE:
            if depth:
                depth -= 1
        elif not depth and _is_emoji(morpheme.surface()[0]):
            ending = "emoji"
    finish()
    return out


def _compound(
    run: list[Any],
    run_kinds: list[int],
    spaced: list[int],
    terms: list[TermPair],
    parts: list[str],
    known: dict[str, bool],
    word_id: Callable[[Any], int],
    forms: dict[int, str],
) -> None:
    """A run of several nouns: the compound (neither ending in a prefix nor starting with a
    suffix or a number) and its content nouns as parts. Runs of names, numbers and affixes
    alone say nothing, and are not read."""
    stop = len(run_kinds)
    while stop and run_kinds[stop - 1] in _EDGE_END:
        stop -= 1
    begin = 0
    while begin < stop and run_kinds[begin] in _EDGE_START:
        begin += 1
    if stop <= begin or min(run_kinds[begin:stop]) > PROPER:  # no content noun in it
        return
    keys: list[str] = []
    texts: list[str] = []
    content: list[str] = []  # the keys of its nouns (not names, numbers or affixes)
    for at in range(begin, stop):
        morpheme = run[at]
        word = word_id(morpheme)
        key = forms.get(word) or _form(morpheme, word, forms)
        text = morpheme.surface()
        if spaced and at in spaced:  # a space after a Latin word stays (Windows Update)
            key += " "
            text += " "
        keys.append(key)
        texts.append(text)
        if run_kinds[at] < NUMBER:
            content.append(key.strip())
    if stop - begin == 1:
        key, shown = keys[0].strip(), texts[0].strip()
    else:
        key, shown = "".join(keys).strip(), "".join(texts).strip()
    meaningful = known.get(key)
    if meaningful is None:
        meaningful = known[key] = _meaningful(key)
    if meaningful and shown not in GENERIC:
        terms.append((key, shown))
    if len(content) > 1:
        for part in content:
            meaningful = known.get(part)
            if meaningful is None:
                meaningful = known[part] = _meaningful(part)
            if meaningful:
                parts.append(part)


def _form(morpheme: Any, word: int, forms: dict[int, str]) -> str:
    """A noun's key (its normalised form, case-folded), remembered by its word id for the
    dictionary's words (an unknown word's id is not the word's)."""
    key: str = morpheme.normalized_form().casefold()
    if word < _UNKNOWN_WORDS:
        forms[word] = key
    return key


def _is_emoji(char: str) -> bool:
    return "\u2600" <= char <= "\u27bf" or char >= "\U0001f300"


def _meaningful(key: str) -> bool:
    """Whether a word can say what a thread is about (a term also needs its text as written
    not to be in GENERIC)."""
    if key in GENERIC or (len(key) < 2 and not key.isascii()):
        return False
    if key.isascii() and (len(key) < 2 or key.replace(".", "").isdigit()):
        return False
    return not all(unicodedata.category(c)[0] in "PSNZ" for c in key)


__all__ = [
    "ADJ",
    "AUX",
    "GENERIC",
    "NOUN",
    "OTHER",
    "PUNCTS",
    "VERB",
    "Scanned",
    "Term",
    "TermPair",
    "kind_of",
    "scan",
]
