"""Japanese text for summaries and search: NFKC, chat-style sentences, Sudachi (split mode C)
with runs of nouns joined into compounds (情報システム部門, 多要素認証, LGWAN接続系).

The dictionary is loaded once per process, at first use (about 0.1 s, plus a few seconds the
very first time to compile the user dictionary of local-government IT terms into
var/cache/sudachi). Sudachi refuses inputs over 49,149 bytes, so text is tokenised one
message at a time, in pieces of at most `MAX_INPUT_BYTES`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from dialogs.summaries.scan import (
    ADJ,
    AUX,
    NOUN,
    OTHER,
    PUNCTS,
    VERB,
    Scanned,
    Term,
    TermPair,
    kind_of,
    scan,
)

log = logging.getLogger(__name__)

# Sudachi's limit is 49,149 bytes (a UTF-8 kana is 3); stay well under it.
MAX_INPUT_BYTES = 30_000
USER_DICTIONARY_CSV = Path(__file__).with_name("userdict.csv")
_REPO = Path(__file__).resolve().parents[2]

# --- sentences ------------------------------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_URL = re.compile(r"https?://[^\s<>()（）「」]+")
_FENCE = re.compile(r"```.*?(?:```|$)", re.S)
_QUOTED = re.compile(r"^[ \t]*>.*$", re.M)
_LIST_MARK = re.compile(r"^(?:[-*・●○■□◆◇※]+|\d{1,2}[.)、]|[①-⑳])\s*")
_LIST_START = frozenset("-*・●○■□◆◇※0123456789①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")
_CODE = re.compile(
    r"(?<![0-9A-Za-z])(?:0x[0-9A-Fa-f]{4,}|[A-Za-z]{1,4}\d{4,}|\d{3,}-\d{3,})(?![0-9A-Za-z])"
)
# Every code has "0x" or three digits in a row: this finds texts without any ten times faster
# (_CODE's look-behind makes it try every position).
_CODE_HINT = re.compile(r"\d{3}|0x")
_SPACE_RUN = re.compile(r"[ \t\u3000]+")


def normalise(text: str) -> str:
    """NFKC, without zero-width characters, spaces collapsed (line breaks kept)."""
    text = unicodedata.normalize("NFKC", text)
    # Each step only when there is something to do: looking costs a fraction of rewriting
    # (translate alone cost more than NFKC). NFKC leaves no \u3000: a text without two spaces
    # or a tab in a row has no run to collapse.
    if (
        "\u200b" in text
        or "\u200c" in text
        or "\u200d" in text
        or "\u2060" in text
        or "\ufeff" in text
    ):
        text = text.translate(_ZERO_WIDTH)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "  " in text or "\t" in text:
        text = _SPACE_RUN.sub(" ", text)
    return text


def split_sentences(text: str) -> list[str]:
    """Chat text as sentences (see `Analyser.analyse`): each line on its own, 。！？ ending a
    sentence outside 「」 and (), list marks dropped, quoted lines and code blocks left out, URLs
    never cut."""
    return [sentence.text for sentence in analyser().analyse(text).sentences]


def _blank(found: re.Match[str]) -> str:
    return " " * len(found.group(0))


# --- tokens ---------------------------------------------------------------------------------

# Resolution verbs (by Sudachi normalised form) and what undoes them.
_RESOLVE_NOUNS = frozenset(["解決", "解消", "復旧", "改善", "成功", "完了", "対処", "修正"])
_RESOLVE_VERBS = frozenset(["直る", "治る", "動く", "繋がる", "通る", "出来る"])
_NEGATORS = frozenset(["ない", "ず", "ぬ", "無い"])


class SentenceTerms(NamedTuple):
    text: str
    # (key, text): `Term`s from `Analyser.analyse`, plain pairs from `analyse_all`.
    terms: tuple[TermPair, ...]
    # Parts of compounds too (マクロ inside Excelマクロ), for search.
    parts: tuple[str, ...]
    # RESOLVED / UNRESOLVED / NEUTRAL, read only when asked for (the asker's replies).
    resolution: int = 0


class AnalysedText(NamedTuple):
    sentences: tuple[SentenceTerms, ...]
    # What this text says about the problem being solved (see `resolution_signal`).
    resolution: int = 0


RESOLVED, UNRESOLVED, NEUTRAL = 1, -1, 0
# A NamedTuple's own __new__ is Python code; tens of thousands of sentences (and each
# message's result) skip it.
_new_tuple = tuple.__new__


class Analyser:
    """Sudachi bound to our dictionary: one per process (`analyser()`), not thread-safe."""

    def __init__(self, user_dictionary: Path | None) -> None:
        from sudachipy import Config, Dictionary, Morpheme, SplitMode

        config = Config(user=[str(user_dictionary)]) if user_dictionary else None
        self._dictionary: Any = Dictionary(dict="core", config=config)
        self._tokenizer: Any = self._dictionary.tokenizer(
            mode=SplitMode.C, fields={"surface", "pos", "normalized_form"}
        )
        self._part_of_speech_id: Callable[[Any], int] = Morpheme.part_of_speech_id
        self._word_id: Callable[[Any], int] = Morpheme.word_id
        # The key (normalised form, case-folded) of each dictionary word met, by word id.
        self._forms: dict[int, str] = {}
        # The kind of each part of speech, by id (`scan.kind_of`), for the whole dictionary.
        self._kinds: list[int] = []
        self._learn_parts_of_speech(0)
        self._meaning: dict[str, bool] = {}

    def _learn_parts_of_speech(self, at_least: int) -> None:
        """The kinds of the dictionary's parts of speech not yet in the table, up to id
        `at_least` at least (an id the dictionary does not know is OTHER)."""
        kinds = self._kinds
        while (pos := self._dictionary.pos_of(len(kinds))) is not None or len(kinds) <= at_least:
            kinds.append(kind_of(tuple(pos)) if pos is not None else OTHER)

    def tokenize_read(self, text: str) -> int:
        """Sudachi's work plus reading every morpheme out (surface, part of speech, normalised
        form), as any program that uses the tokens must (bench): how many morphemes."""
        count = 0
        for _, piece in _pieces(text):
            for morpheme in self._tokenizer.tokenize(piece):
                morpheme.surface()
                morpheme.part_of_speech_id()
                morpheme.normalized_form()
                count += 1
        return count

    def tokenize_raw(self, text: str) -> int:
        """Only Sudachi's work on the text as it is (in pieces under the input limit), for
        comparison (bench): how many morphemes."""
        count = 0
        for _, piece in _pieces(text):
            count += len(self._tokenizer.tokenize(piece))
        return count

    def analyse(self, text: str, *, resolution: bool = False) -> AnalysedText:
        """The text's sentences with their terms; with `resolution`, also whether it says the
        problem is solved or not (for the asker's replies).

        Chat text: each line is a sentence of its own (chat lines often end without 。), and
        。?! end one outside 「」 and (), as does an emoji followed by more words; list marks
        are dropped, quoted lines (> …) and code blocks left out. URLs and error codes are
        blanked out before Sudachi reads the text (URLs say nothing, codes are terms as they
        are), so a URL's ? or . ends nothing and sentence texts still show them. Its terms are
        `Term`s."""
        found = self.analyse_all([(text, resolution)])[0]
        return found._replace(
            sentences=tuple(
                s._replace(terms=tuple(map(Term._make, s.terms))) for s in found.sentences
            )
        )

    def analyse_all(self, texts: Sequence[tuple[str, bool]]) -> list[AnalysedText]:
        """Several texts (a thread's messages, each with `resolution`), each read as `analyse`
        reads it, except that their terms are plain (key, text) pairs, not `Term`s (see
        `scan.TermPair`). Sudachi reads them all before Python reads its morphemes: it runs
        faster when nothing runs between its calls."""
        prepared = [_prepare(text) for text, _ in texts]
        tokenize = self._tokenizer.tokenize
        morphemes = [
            [(0, tokenize(plain))]
            if len(plain) * 3 <= MAX_INPUT_BYTES  # one piece (as `_pieces` would say)
            else [(offset, tokenize(piece)) for offset, piece in _pieces(plain)]
            for _, plain, _ in prepared
        ]
        return [
            self._read(text, has_codes, pieces, resolution)
            for (text, _, has_codes), pieces, (_, resolution) in zip(
                prepared, morphemes, texts, strict=True
            )
        ]

    def _read(
        self, text: str, has_codes: bool, pieces: list[tuple[int, Any]], resolution: bool
    ) -> AnalysedText:
        """The sentences of `text` from its pieces' morphemes (where each piece starts)."""
        out: list[SentenceTerms] = []
        signal = NEUTRAL
        for offset, morphemes in pieces:
            for start, end, terms, parts, tokens in self._scan(morphemes, resolution):
                sentence = text[offset + start : offset + end].strip()
                if sentence and sentence[0] in _LIST_START:
                    sentence = _LIST_MARK.sub("", sentence, count=1)
                if not sentence:
                    continue
                if has_codes and (codes := _CODE.findall(sentence)):
                    terms = (*terms, *((code.casefold(), code) for code in codes))
                said = NEUTRAL
                if resolution:
                    kinds = [self._kinds[self._part_of_speech_id(m)] for m in tokens]
                    said = _resolution(tokens, kinds, sentence)
                    if said == UNRESOLVED or (said == RESOLVED and signal == NEUTRAL):
                        signal = said
                out.append(_new_tuple(SentenceTerms, (sentence, terms, parts, said)))
        return _new_tuple(AnalysedText, (tuple(out), signal))

    def _scan(self, morphemes: Any, keep: bool) -> list[Scanned]:
        try:
            return scan(
                morphemes, keep, self._kinds, self._part_of_speech_id, self._meaning,
                self._word_id, self._forms,
            )  # fmt: skip
        except IndexError:  # a part of speech the table built at start-up lacks (none should)
            self._learn_parts_of_speech(max(map(self._part_of_speech_id, morphemes)))
            return scan(
                morphemes, keep, self._kinds, self._part_of_speech_id, self._meaning,
                self._word_id, self._forms,
            )  # fmt: skip

    def terms(self, text: str) -> list[Term]:
        """The content terms of a short text (a search query)."""
        found: list[Term] = []
        for sentence in self.analyse_all([(text, False)])[0].sentences:
            found.extend(map(Term._make, sentence.terms))
        return found


def error_codes(text: str) -> list[str]:
    """The error codes and KB numbers in `text` (0x80070005, KB5034441), as search keys:
    normalised (NFKC: full-width ０ｘ… is 0x…) and case-folded."""
    text = normalise(text)
    if _CODE_HINT.search(text) is None:
        return []
    return [code.casefold() for code in _CODE.findall(text)]


def _prepare(text: str) -> tuple[str, str, bool]:
    """The text normalised with code blocks and quoted lines blanked out; the same with URLs
    and error codes blanked out too, for Sudachi; and whether it has codes."""
    text = normalise(text)
    if "```" in text:
        text = _FENCE.sub(_blank, text)
    if ">" in text:
        text = _QUOTED.sub(_blank, text)
    plain = _URL.sub(_blank, text) if "http" in text else text
    has_codes = _CODE_HINT.search(plain) is not None and _CODE.search(plain) is not None
    if has_codes:
        plain = _CODE.sub(_blank, plain)
    return text, plain, has_codes


def _resolution(morphemes: Sequence[Any], kinds: list[int], sentence: str) -> int:
    """RESOLVED for 「解決しました」「直りました」「できました」「ありがとうございました」,
    UNRESOLVED for 「まだ解決していません」「直りません」「解決したと思ったのですが…」 and
    the like, NEUTRAL otherwise (questions and conditionals say nothing)."""
    thanked = RESOLVED if _THANKS_RE.search(sentence) else NEUTRAL
    if _UNRESOLVED_RE.search(sentence):
        return UNRESOLVED
    lemmas = [m.normalized_form() for m in morphemes]
    # 「解決したら」: た in its conditional form says nothing has happened yet.
    lemmas = [
        "たら" if lemma == "た" and m.surface() in ("たら", "だら") else lemma
        for lemma, m in zip(lemmas, morphemes, strict=True)
    ]
    said = NEUTRAL
    for index, lemma in enumerate(lemmas):
        predicate = None
        if lemma in _RESOLVE_NOUNS and index + 1 < len(lemmas):
            if lemmas[index + 1] in ("為る", "出来る", "致す", "済み", "済む"):
                predicate = index + 1
        elif lemma in _RESOLVE_VERBS and kinds[index] in (VERB, NOUN):
            predicate = index
        elif (
            lemma in ("上手い", "旨い") and index + 1 < len(lemmas) and lemmas[index + 1] == "行く"
        ):
            predicate = index + 1
        if predicate is None:
            continue
        verdict = _predicate_verdict(lemmas, kinds, index, predicate)
        if verdict == UNRESOLVED:
            return UNRESOLVED
        if verdict == RESOLVED:
            said = RESOLVED
    return said if said != NEUTRAL else thanked


def _predicate_verdict(lemmas: list[str], kinds: list[int], start: int, predicate: int) -> int:
    """Reads what follows a resolution word up to the end of its clause."""
    before = lemmas[max(0, start - 3) : start]
    still = "未だ" in before or "まだ" in before
    past = False
    for index in range(predicate + 1, min(len(lemmas), predicate + 9)):
        lemma, kind = lemmas[index], kinds[index]
        if lemma in _NEGATORS and kind in (AUX, ADJ):
            return UNRESOLVED
        if lemma == "た" and kind == AUX:
            past = True
        if lemma in ("たら", "ば", "なら", "か", "かしら", "でしょう") or lemma == "?":
            return NEUTRAL  # a condition or a question
        if lemma == "と" and index + 1 < len(lemmas) and lemmas[index + 1] == "思う":
            return UNRESOLVED if past else NEUTRAL  # 解決したと思ったのですが…
        if kind in PUNCTS or lemma in ("が", "けど", "けれど", "ので", "から", "し"):
            break
    if still:
        return NEUTRAL
    return RESOLVED if past else NEUTRAL


_THANKS_RE = re.compile(
    r"(ありがとうございました|有難うございました|有り難うございました|助かりました|"
    r"おかげさまで|お陰様で|おかげで(?:解決|直り|でき)|感謝(?:します|いたします|申し上げます)|"
    r"解決済み|クローズします|[【\[]\s*解決\s*[】\]])"
)
_UNRESOLVED_RE = re.compile(
    r"(再発|相変わらず|変わらず|変わりません|同じエラー|同じ症状|同じ現象|ダメでした|駄目でした|"
    r"だめでした|解決せず|改善せず|直らず|未解決|まだ(?:です|の状態)|と思いきや|"
    r"(?:たの|た)ですが[、,]?\s*(?:また|やはり|再び)|まだ[^。!?]{0,20}(?:エラー|出ます|出る|発生|起き|ません|ない))"
)


def _sentence_end(line: str, start: int, limit: int) -> int:
    """Where to cut an overlong line: after the last 。!? before `limit`, else at it."""
    cut = max(line.rfind(mark, start, limit) for mark in "。!?") + 1
    return cut if cut > start else limit


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    """The text in pieces Sudachi accepts, cut at line breaks where it can (and a line too
    long for one piece in several): (where the piece starts, the piece)."""
    if len(text) * 3 <= MAX_INPUT_BYTES or len(text.encode("utf-8")) <= MAX_INPUT_BYTES:
        yield 0, text
        return
    offset = 0
    piece: list[str] = []
    size = 0
    for line in text.split("\n"):
        encoded = len(line.encode("utf-8")) + 1
        if piece and size + encoded > MAX_INPUT_BYTES:
            joined = "\n".join(piece)
            yield offset, joined
            offset += len(joined) + 1
            piece, size = [], 0
        if encoded > MAX_INPUT_BYTES:
            if piece:
                joined = "\n".join(piece)
                yield offset, joined
                offset += len(joined) + 1
                piece, size = [], 0
            step = MAX_INPUT_BYTES // 4  # characters: at most 4 bytes each
            at = 0
            while at < len(line):
                cut = len(line) if at + step >= len(line) else _sentence_end(line, at, at + step)
                yield offset + at, line[at:cut]
                at = cut
            offset += len(line) + 1
            continue
        piece.append(line)
        size += encoded
    if piece:
        yield offset, "\n".join(piece)


# --- the dictionary -------------------------------------------------------------------------


@cache
def analyser() -> Analyser:
    """The process's analyser (Sudachi loaded at first call)."""
    return Analyser(user_dictionary())


def user_dictionary() -> Path | None:
    """Our user dictionary, compiled against the installed system dictionary at first use and
    kept in var/cache/sudachi (or the temp directory when var/ is read-only). None, with a
    warning, when it cannot be built: analysis still works, with fewer compounds."""
    import sudachipy

    system = Path(sudachipy._find_dict_path("core"))
    source = USER_DICTIONARY_CSV.read_bytes()
    stamp = hashlib.sha256(
        source + str(system.stat().st_size).encode() + sudachipy.__version__.encode()
    ).hexdigest()[:16]
    for folder in (_REPO / "var" / "cache" / "sudachi", Path(tempfile.gettempdir()) / "sudachi"):
        target = folder / f"iyowork-user-{stamp}.dic"
        if target.exists():
            return target
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return _build(system, target)
        except OSError:
            continue
        except BaseException:  # the Rust builder panics on a bad line
            log.warning("could not build the Sudachi user dictionary", exc_info=True)
            return None
    return None


def _build(system: Path, target: Path) -> Path:
    from sudachipy.sudachipy import build_user_dic

    # Built beside the target and moved into place, so a concurrent reader never sees half.
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(handle)
    try:
        build_user_dic(str(system), [str(USER_DICTIONARY_CSV)], partial, "IYO WORK terms")
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target


__all__ = [
    "MAX_INPUT_BYTES",
    "RESOLVED",
    "UNRESOLVED",
    "AnalysedText",
    "Analyser",
    "SentenceTerms",
    "Term",
    "analyser",
    "error_codes",
    "normalise",
    "split_sentences",
]
