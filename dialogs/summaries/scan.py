"""One pass over a message's morphemes: where its sentences start and end, and its terms (runs of
nouns joined into compounds: 情報システム部門, 多要素認証, LGWAN接続系).

It runs once per morpheme (a fifth of summarising's time), so it stays plain and reads as
little as it can: each morpheme's part of speech is read once and looked up in a table of kinds
built from the dictionary at start-up; most words need nothing more (a flag says when one must
start a sentence or confirm an ending). A word's normalised form and surface are read only for
nouns that can make a term (the normalised form once per dictionary word); most runs are one
noun, read in the loop without a list or a call; a 。's text only when what follows depends on
it (". " ends a sentence, "3.5" does not), and a 、's never.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any, NamedTuple

# Kinds of morpheme, by Sudachi part of speech. Words first (nouns and what joins them into
# compounds, 0 to 6, then the rest), marks last, so that a comparison sorts them.
NOUN, PROPER, PERSON, PLACE, NUMBER, PREFIX, SUFFIX, VERB, ADJ, AUX, PARTICLE, OTHER = range(12)
PUNCT, COMMA, PERIOD, OPEN, CLOSE, SPACE = range(12, 18)  # ・…🎉 / 、, / 。?! / 「( / 」) / spaces
PUNCTS = frozenset((PUNCT, COMMA, PERIOD, OPEN, CLOSE))

_EDGE_END = frozenset((PREFIX, NUMBER))  # what a compound does not end with
_EDGE_START = frozenset((SUFFIX, NUMBER))  # and does not start with

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
        return {"句点": PERIOD, "読点": COMMA, "括弧開": OPEN, "括弧閉": CLOSE}.get(minor, PUNCT)
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
    noun: Any = None  # the first noun of the run being read (None: no run)
    more: list[Any] = []  # the nouns after it
    run_kind = NOUN  # the highest kind in the run (NOUN: plain nouns only)
    spaced: list[int] = []  # where in the run a space joins Latin words (Windows Update)
    previous_space = False  # the morpheme before was a space after a Latin noun
    first: Any = None  # the sentence's first morpheme
    last: Any = None  # and its last one (not a space)
    depth = 0
    # What ends the sentence when more words follow: "period" (a 。?!, `period`; its text is
    # read when it matters) or "emoji".
    ending = ""
    period: Any = None
    # Whether the next word or mark has more to do than extend the sentence: start it, confirm
    # an ending, or be kept.
    pending = True
    for morpheme in morphemes:
        kind = kinds[pos_id(morpheme)]
        if kind <= SUFFIX:  # a noun (or what joins nouns): a run starts or goes on
            if noun is None:
                noun, run_kind = morpheme, kind
            elif previous_space and not morpheme.surface().isascii():  # the run ends at the space
                previous_space = False
                _run(
                    noun, more, run_kind, spaced, terms, parts, kinds, pos_id, known, word_id, forms
                )
                noun, more, run_kind, spaced = morpheme, [], kind, []
            else:
                if previous_space:  # a Latin noun, a space and another one (Windows Update)
                    previous_space = False
                    spaced.append(len(more))
                more.append(morpheme)
                if kind > run_kind:
                    run_kind = kind
        else:
            if noun is not None:  # the run of nouns ends, unless a space joins Latin words
                if (
                    kind == SPACE
                    and not previous_space
                    and (more[-1] if more else noun).surface().isascii()
                    and "\n" not in morpheme.surface()
                ):
                    previous_space = True
                    continue
                previous_space = False
                if more:
                    _compound(
                        [noun, *more], run_kind, spaced, terms, parts, kinds, pos_id, known,
                        word_id, forms,
                    )  # fmt: skip
                    more, spaced = [], []
                elif run_kind <= PROPER:  # `_run`, inlined: most runs are one noun
                    word = word_id(noun)
                    key = forms.get(word) or _form(noun, word, forms)
                    meaningful = known.get(key)
                    if meaningful is None:
                        meaningful = known[key] = _meaningful(key)
                    # A meaningful key is not generic: a text equal to it need not be looked up.
                    if meaningful and ((shown := noun.surface()) == key or shown not in GENERIC):
                        terms.append((key, shown))
                noun = None
            if kind >= PUNCT:  # a mark or a space
                if kind == SPACE:
                    if "\n" in morpheme.surface():
                        depth = 0
                    elif ending != "period" or period.surface() != ".":
                        continue  # a space within a sentence, or after ?! or an emoji
                    ending = ""  # a line break, or ". " after a Latin word: the sentence ends
                    if first is not None:
                        out.append((first.begin(), last.end(), tuple(terms), tuple(parts), tokens))
                        terms, parts, tokens, first, pending = [], [], [], None, True
                    continue
                if pending:
                    if ending:
                        if kind in (PERIOD, CLOSE) or (
                            ending == "emoji" and kind in (PUNCT, COMMA)
                        ):
                            last = morpheme  # a run of them (?! / 😭🙏), or a stray 」
                            continue
                        if ending == "emoji" or period.surface() != ".":  # the sentence ends
                            out.append(
                                (first.begin(), last.end(), tuple(terms), tuple(parts), tokens)
                            )
                            terms, parts, tokens, first = [], [], [], None
                        ending = ""
                    if first is None:
                        first = morpheme
                    if keep:
                        tokens.append(morpheme)
                    pending = keep
                last = morpheme
                if kind == PERIOD:
                    if not depth:
                        ending, period, pending = "period", morpheme, True
                elif kind == OPEN:
                    depth += 1
                elif kind == CLOSE:
                    if depth:
                        depth -= 1
                elif kind == PUNCT and not depth and _is_emoji(morpheme.surface()[0]):
                    ending, pending = "emoji", True
                continue
        if pending:  # a word that starts a sentence, follows an ending or is kept
            if ending:
                if ending == "emoji" or period.surface() != ".":  # "3.5" goes on
                    out.append((first.begin(), last.end(), tuple(terms), tuple(parts), tokens))
                    terms, parts, tokens, first = [], [], [], None
                ending = ""
            if first is None:
                first = morpheme
            if keep:
                tokens.append(morpheme)
            pending = keep
        last = morpheme
    if noun is not None:
        _run(noun, more, run_kind, spaced, terms, parts, kinds, pos_id, known, word_id, forms)
    if first is not None:
        out.append((first.begin(), last.end(), tuple(terms), tuple(parts), tokens))
    return out


def _run(
    noun: Any,
    more: list[Any],
    run_kind: int,
    spaced: list[int],
    terms: list[TermPair],
    parts: list[str],
    kinds: list[int],
    pos_id: Callable[[Any], int],
    known: dict[str, bool],
    word_id: Callable[[Any], int],
    forms: dict[int, str],
) -> None:
    """The term of a run of nouns: `noun` and `more` after it (`run_kind` is the highest kind
    in it)."""
    if more:
        _compound(
            [noun, *more], run_kind, spaced, terms, parts, kinds, pos_id, known, word_id, forms
        )
    elif run_kind <= PROPER:  # a name alone is who or where
        word = word_id(noun)
        key = forms.get(word) or _form(noun, word, forms)
        meaningful = known.get(key)
        if meaningful is None:
            meaningful = known[key] = _meaningful(key)
        if meaningful and ((shown := noun.surface()) == key or shown not in GENERIC):
            terms.append((key, shown))


def _compound(
    run: list[Any],
    run_kind: int,
    spaced: list[int],
    terms: list[TermPair],
    parts: list[str],
    kinds: list[int],
    pos_id: Callable[[Any], int],
    known: dict[str, bool],
    word_id: Callable[[Any], int],
    forms: dict[int, str],
) -> None:
    """A run of several nouns (`run_kind`: the highest kind in it): the compound (neither
    ending in a prefix nor starting with a suffix or a number) and its content nouns as parts.
    Runs of names, numbers and affixes alone say nothing, and are not read."""
    if run_kind == NOUN and not spaced:  # plain nouns (most compounds): no edge, all content
        keys: list[str] = []
        texts: list[str] = []
        for noun in run:
            word = word_id(noun)
            keys.append(forms.get(word) or _form(noun, word, forms))
            texts.append(noun.surface())
        content = keys
    else:
        run_kinds = [kinds[pos_id(noun)] for noun in run]
        stop = len(run_kinds)
        while stop and run_kinds[stop - 1] in _EDGE_END:
            stop -= 1
        begin = 0
        while begin < stop and run_kinds[begin] in _EDGE_START:
            begin += 1
        if stop <= begin or min(run_kinds[begin:stop]) > PROPER:  # no content noun in it
            return
        keys = []
        texts = []
        content = []  # the keys of its nouns (not names, numbers or affixes)
        for at in range(begin, stop):
            noun = run[at]
            word = word_id(noun)
            key = forms.get(word) or _form(noun, word, forms)
            text = noun.surface()
            if spaced and at in spaced:  # a space after a Latin word stays (Windows Update)
                key += " "
                text += " "
            keys.append(key)
            texts.append(text)
            if run_kinds[at] < NUMBER:
                content.append(key)
    key, shown = "".join(keys).strip(), "".join(texts).strip()
    meaningful = known.get(key)
    if meaningful is None:
        meaningful = known[key] = _meaningful(key)
    if meaningful and shown not in GENERIC:
        terms.append((key, shown))
    if len(content) > 1:
        for part in content:
            part = part.strip()
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
