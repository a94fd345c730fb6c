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
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

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
_SPACE_RUN = re.compile(r"[ \t\u3000]+")


def normalise(text: str) -> str:
    """NFKC, without zero-width characters, spaces collapsed (line breaks kept)."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    return _SPACE_RUN.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def split_sentences(text: str) -> list[str]:
    """Chat text as sentences (see `Analyser.analyse`): each line on its own, 。！？ ending a
    sentence outside 「」 and (), list marks dropped, quoted lines and code blocks left out, URLs
    never cut."""
    return [sentence.text for sentence in analyser().analyse(text).sentences]


def _is_emoji(char: str) -> bool:
    return "\u2600" <= char <= "\u27bf" or char >= "\U0001f300"


def _blank(found: re.Match[str]) -> str:
    return " " * len(found.group(0))


# --- tokens ---------------------------------------------------------------------------------

# Kinds of morpheme, by Sudachi part of speech.
NOUN, PROPER, PERSON, PLACE, NUMBER, PREFIX, SUFFIX, VERB, ADJ, AUX, PARTICLE, PUNCT = range(12)
SPACE, OTHER, PERIOD, OPEN, CLOSE = 12, 13, 14, 15, 16  # 。?! / 「( / 」)
_PUNCTS = frozenset((PUNCT, PERIOD, OPEN, CLOSE))

_NOUNISH = frozenset((NOUN, PROPER, PERSON, PLACE, PREFIX, SUFFIX, NUMBER))
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

# Resolution verbs (by Sudachi normalised form) and what undoes them.
_RESOLVE_NOUNS = frozenset(["解決", "解消", "復旧", "改善", "成功", "完了", "対処", "修正"])
_RESOLVE_VERBS = frozenset(["直る", "治る", "動く", "繋がる", "通る", "出来る"])
_NEGATORS = frozenset(["ない", "ず", "ぬ", "無い"])


class Term(NamedTuple):
    """A content word or compound: `key` for matching (Sudachi's normalised form,
    case-folded), `text` as written."""

    key: str
    text: str


class SentenceTerms(NamedTuple):
    text: str
    terms: tuple[Term, ...]
    # Parts of compounds too (マクロ inside Excelマクロ), for search.
    parts: tuple[str, ...]
    # RESOLVED / UNRESOLVED / NEUTRAL, read only when asked for (the asker's replies).
    resolution: int = 0


class AnalysedText(NamedTuple):
    sentences: tuple[SentenceTerms, ...]
    # What this text says about the problem being solved (see `resolution_signal`).
    resolution: int = 0


RESOLVED, UNRESOLVED, NEUTRAL = 1, -1, 0


class Analyser:
    """Sudachi bound to our dictionary: one per process (`analyser()`), not thread-safe."""

    def __init__(self, user_dictionary: Path | None) -> None:
        from sudachipy import Config, Dictionary, SplitMode

        config = Config(user=[str(user_dictionary)]) if user_dictionary else None
        self._dictionary: Any = Dictionary(dict="core", config=config)
        self._tokenizer: Any = self._dictionary.tokenizer(
            mode=SplitMode.C, fields={"surface", "pos", "normalized_form"}
        )
        self._kinds: dict[int, int] = {}
        self._pos: dict[int, tuple[str, ...]] = {}
        self._meaning: dict[str, bool] = {}

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
        are), so a URL's ? or . ends nothing and sentence texts still show them."""
        text = normalise(text)
        if "```" in text:
            text = _FENCE.sub(_blank, text)
        if ">" in text:
            text = _QUOTED.sub(_blank, text)
        plain = _URL.sub(_blank, text) if "http" in text else text
        has_codes = _CODE.search(plain) is not None
        if has_codes:
            plain = _CODE.sub(_blank, plain)
        out: list[SentenceTerms] = []
        signal = NEUTRAL
        for offset, piece in _pieces(plain):
            for start, end, terms, parts, tokens in self._scan(
                self._tokenizer.tokenize(piece), resolution
            ):
                sentence = text[offset + start : offset + end].strip()
                if sentence and sentence[0] in _LIST_START:
                    sentence = _LIST_MARK.sub("", sentence, count=1)
                if not sentence:
                    continue
                if has_codes and (codes := _CODE.findall(sentence)):
                    terms = (*terms, *(Term(code.casefold(), code) for code in codes))
                said = self._resolution(tokens, sentence) if resolution else NEUTRAL
                out.append(SentenceTerms(sentence, terms, parts, said))
                if said == UNRESOLVED or (said == RESOLVED and signal == NEUTRAL):
                    signal = said
        return AnalysedText(tuple(out), signal)

    def terms(self, text: str) -> list[Term]:
        """The content terms of a short text (a search query)."""
        found: list[Term] = []
        for sentence in self.analyse(text).sentences:
            found.extend(sentence.terms)
        return found

    def _kind(self, pos_id: int, morpheme: Any) -> int:
        kind = self._kinds.get(pos_id)
        if kind is None:
            pos = tuple(morpheme.part_of_speech())
            self._pos[pos_id] = pos
            kind = self._kinds[pos_id] = _kind_of(pos)
        return kind

    def _scan(
        self, morphemes: Any, keep: bool
    ) -> list[tuple[int, int, tuple[Term, ...], tuple[str, ...], list[Any]]]:
        """One pass over the morphemes: the sentences as (start, end) offsets, each with its
        terms (runs of nouns joined), the parts of its compounds and (with `keep`) its
        morphemes. This loop is most of the time spent beyond Sudachi's, so it stays plain."""
        kinds = self._kinds
        known = self._meaning
        out: list[tuple[int, int, tuple[Term, ...], tuple[str, ...], list[Any]]] = []
        terms: list[Term] = []
        parts: list[str] = []
        tokens: list[Any] = []
        run_keys: list[str] = []
        run_text: list[str] = []
        run_kinds: list[int] = []
        previous_space = False
        first: Any = None  # the sentence's first morpheme
        last: Any = None  # and its last one (not a space)
        depth = 0
        ending = ""  # the 。?! or emoji that ends the sentence when more words follow

        def close() -> None:
            if len(run_kinds) == 1:  # most runs: one noun
                kind = run_kinds[0]
                if kind < NUMBER and kind not in _NAMES:  # a name alone is who or where
                    key, shown = run_keys[0], run_text[0]
                    meaningful = known.get(key)
                    if meaningful is None:
                        meaningful = known[key] = _meaningful(key)
                    if meaningful and shown not in GENERIC:
                        terms.append(Term(key, shown))
                run_keys.clear()
                run_text.clear()
                run_kinds.clear()
                return
            # A compound neither ends in a prefix nor starts with a suffix or a number.
            stop = len(run_kinds)
            while stop and run_kinds[stop - 1] in _EDGE_END:
                stop -= 1
            begin = 0
            while begin < stop and run_kinds[begin] in _EDGE_START:
                begin += 1
            if stop - begin == 1:
                kind = run_kinds[begin]
                if kind < NUMBER and kind not in _NAMES:
                    key, shown = run_keys[begin].strip(), run_text[begin].strip()
                    meaningful = known.get(key)
                    if meaningful is None:
                        meaningful = known[key] = _meaningful(key)
                    if meaningful and shown not in GENERIC:
                        terms.append(Term(key, shown))
            elif stop - begin > 1:
                keys = run_keys[begin:stop]
                inside = run_kinds[begin:stop]
                content = [k.strip() for k, kind in zip(keys, inside, strict=True)
                           if kind < NUMBER]  # fmt: skip
                if content and not all(kind in _NAMES or kind >= NUMBER for kind in inside):
                    key, shown = "".join(keys).strip(), "".join(run_text[begin:stop]).strip()
                    if _meaningful(key, shown):
                        terms.append(Term(key, shown))
                    if len(content) > 1:
                        for part in content:
                            meaningful = known.get(part)
                            if meaningful is None:
                                meaningful = known[part] = _meaningful(part)
                            if meaningful:
                                parts.append(part)
            run_keys.clear()
            run_text.clear()
            run_kinds.clear()

        def finish() -> None:
            nonlocal terms, parts, tokens, first, last
            if run_kinds:
                close()
            if first is not None:
                out.append((first.begin(), last.end(), tuple(terms), tuple(parts), tokens))
            terms, parts, tokens, first, last = [], [], [], None, None

        for morpheme in morphemes:
            pos_id = morpheme.part_of_speech_id()
            kind = kinds.get(pos_id)
            if kind is None:
                kind = self._kind(pos_id, morpheme)
            if kind == SPACE:
                surface = morpheme.surface()
                if "\n" in surface:
                    finish()
                    previous_space, ending, depth = False, "", 0
                    continue
                if ending == ".":
                    finish()  # ". " after a Latin word
                    ending = ""
                if run_text and run_text[-1].isascii() and not previous_space:
                    previous_space = True
                else:
                    previous_space = False
                    if run_kinds:
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
            if kind in _NOUNISH:
                surface = morpheme.surface()
                if previous_space:
                    # Latin words joined by one space are one name (Windows Update).
                    if surface.isascii() and run_text[-1].isascii():
                        run_text[-1] += " "
                        run_keys[-1] += " "
                    else:
                        close()
                    previous_space = False
                run_keys.append(morpheme.normalized_form().casefold())
                run_text.append(surface)
                run_kinds.append(kind)
                last = morpheme
                continue
            previous_space = False
            if run_kinds:
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
                depth = max(depth - 1, 0)
            elif kind == PUNCT and not depth and _is_emoji(morpheme.surface()[0]):
                ending = "emoji"
        finish()
        return out

    def _resolution(self, morphemes: Sequence[Any], sentence: str) -> int:
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
        kinds = [self._kind(m.part_of_speech_id(), m) for m in morphemes]
        said = NEUTRAL
        for index, lemma in enumerate(lemmas):
            predicate = None
            if lemma in _RESOLVE_NOUNS and index + 1 < len(lemmas):
                if lemmas[index + 1] in ("為る", "出来る", "致す", "済み", "済む"):
                    predicate = index + 1
            elif lemma in _RESOLVE_VERBS and kinds[index] in (VERB, NOUN):
                predicate = index
            elif (
                lemma in ("上手い", "旨い")
                and index + 1 < len(lemmas)
                and lemmas[index + 1] == "行く"
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
        if kind in _PUNCTS or lemma in ("が", "けど", "けれど", "ので", "から", "し"):
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


def _kind_of(pos: tuple[str, ...]) -> int:
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


def _meaningful(key: str, text: str = "") -> bool:
    if key in GENERIC or text in GENERIC or (len(key) < 2 and not key.isascii()):
        return False
    if key.isascii() and (len(key) < 2 or key.replace(".", "").isdigit()):
        return False
    return not all(unicodedata.category(c)[0] in "PSNZ" for c in key)


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
    "normalise",
    "split_sentences",
]
