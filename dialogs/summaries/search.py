"""検索 and 誰に聞く over the analysed threads.

Ranking is BM25 over each thread's terms (question words count double, chosen answer words
one and a half, parts of compounds half: マクロ finds Excelマクロ). A Latin word finds longer
words only where it stands alone in them (LGWAN finds LGWAN-ASP; "is" does not find
SoftwareDistribution), and English words that name no topic (is, on, the, who, expert…) are
not searched for. Among the threads at least a third as relevant as the best one, solved
threads with an answer come first, then answered ones, then open ones; so a barely related
solved thread never beats a relevant open one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from dialogs.summaries.analysis import ThreadAnalysis
from dialogs.summaries.model import ThreadStatus, ThreadSynopsis
from dialogs.summaries.text import analyser, error_codes, normalise

_K1 = 1.2
_B = 0.75
# Katakana and Latin names of the same product (Sudachi normalises spelling, not language).
_SYNONYMS = {
    "エクセル": "excel",
    "ワード": "word",
    "アウトルック": "outlook",
    "チームズ": "teams",
    "パワーポイント": "powerpoint",
    "パワポ": "powerpoint",
    "ウィンドウズ": "windows",
    "シェアポイント": "sharepoint",
    "ワンドライブ": "onedrive",
    "イントゥーン": "intune",
    "ブイピーエヌ": "vpn",
}


# Broad words people search with, and the narrower words threads use (a third of the weight).
_RELATED = {
    "ネットワーク": ("回線", "lan", "庁内lan", "wi-fi", "vpn", "通信", "ファイアウォール", "lgwan"),
    "セキュリティ": (
        "edr",
        "ウイルス対策ソフト",
        "情報セキュリティポリシー",
        "三層分離",
        "多要素認証",
    ),
    "認証": ("多要素認証", "パスワード", "entra id"),
    "メール": ("outlook", "共有メールボックス", "添付ファイル"),
    "印刷": ("プリンタ", "プリンター", "共有プリンタ", "ドライバー"),
    "プリンター": ("プリンタ", "共有プリンタ"),
    "プリンタ": ("プリンター", "共有プリンタ"),
    "excel": ("vba", "excel vba", "マクロ"),
    "vba": ("マクロ", "excel vba"),
    "標準化": ("標準準拠システム", "ガバメントクラウド", "移行"),
}


# English words that carry no topic ("who is the expert on teams" is about Teams), also as
# Sudachi normalises them (the → ザ, expert → エキスパート, how to → ハウツー).
_STOP_WORDS = frozenset({
    "a", "an", "the", "ザ", "is", "are", "was", "were", "be", "been", "am", "do", "does", "did",
    "can", "could", "will", "would", "should", "of", "to", "in", "on", "at", "by", "for", "from",
    "with", "about", "into", "and", "or", "not", "no", "this", "that", "these",
    "those", "there", "i", "me", "my", "we", "our", "you", "your", "he", "she", "they", "them",
    "who", "whom", "whose", "what", "which", "when", "where", "why", "how", "ハウツー", "anyone",
    "someone", "somebody", "anybody", "know", "knows", "knew", "expert", "experts", "エキスパート",
    "please",
})  # fmt: skip

# A Latin key inside a longer word must stand on its own there (lgwan in lgwan-asp, excel in
# excelマクロ), not be a few of its letters (is, on in softwaredistribution).
_LATIN_LETTER = r"[0-9a-z]"


@dataclass(frozen=True)
class SearchHit:
    synopsis: ThreadSynopsis
    score: float
    snippet: str


@dataclass(frozen=True)
class Suggestion:
    """Someone who answered threads like the query: their name, municipality and the threads."""

    key: str
    name: str
    municipality: str | None
    score: float
    threads: tuple[ThreadSynopsis, ...]  # the most relevant three
    answered: int  # similar threads they answered
    helpful: int  # of which their answer was chosen or thanked


def query_keys(query: str) -> list[str]:
    """The query's terms as search keys (a compound query also looks for its parts), read as
    message text is read: NFKC first, so full-width ０ｘ８００７０００５ or ＫＢ５０３４４４１ is
    the code a thread has."""
    query = normalise(query).strip()
    keys: list[str] = []
    for sentence in analyser().analyse(query).sentences:
        for key, _ in sentence.terms:
            keys.append(_SYNONYMS.get(key, key))
        keys.extend(_SYNONYMS.get(part, part) for part in sentence.parts)
    # Codes are blanked out for Sudachi: one alone or at either end of the query is in no
    # sentence's terms.
    keys.extend(error_codes(query))
    if not keys and query:
        keys.append(query.casefold())  # a word Sudachi sees no noun in
    return [key for key in dict.fromkeys(keys) if key not in _STOP_WORDS]


def _document(analysis: ThreadAnalysis) -> dict[str, float]:
    return {_SYNONYMS.get(key, key): value for key, value in analysis.terms.items()}


def expand(keys: Sequence[str], vocabulary: set[str]) -> dict[str, float]:
    """Each key with its weight, and the words it stands for: those containing it (½) and
    the narrower words of a broad one (⅓)."""
    expanded: dict[str, float] = {}
    for key in keys:
        expanded[key] = 1.0
    for key in keys:
        for related in _RELATED.get(key, ()):
            expanded.setdefault(related, 0.3)
        if len(key) < 2:
            continue
        alone = _standing_alone(key) if key.isascii() else None
        for word in vocabulary:
            if key in word and word != key and (alone is None or alone.search(word)):
                expanded[word] = max(expanded.get(word, 0.0), 0.5)
    return expanded


def _standing_alone(key: str) -> re.Pattern[str]:
    return re.compile(f"(?<!{_LATIN_LETTER}){re.escape(key)}(?!{_LATIN_LETTER})")


def rank(
    analyses: Sequence[ThreadAnalysis], keys: Sequence[str], *, boost: bool = True
) -> list[tuple[float, ThreadAnalysis]]:
    """The threads that contain a key (or a word containing it: LGWAN finds LGWAN-ASP, 認証
    finds 多要素認証, at half weight; a few broad words find their narrower ones at a third),
    best first. With `boost`, among the threads at least a third as relevant as the best,
    solved ones with an answer come first, then answered ones."""
    if not analyses or not keys:
        return []
    documents = [_document(a) for a in analyses]
    expanded = expand(keys, {key for document in documents for key in document})
    average = sum(a.length for a in analyses) / len(analyses) or 1.0
    count = len(analyses)
    frequency = {key: sum(1 for d in documents if key in d) for key in expanded}
    scored: list[tuple[float, ThreadAnalysis]] = []
    for analysis, document in zip(analyses, documents, strict=True):
        score = 0.0
        norm = _K1 * (1 - _B + _B * analysis.length / average)
        for key, share in expanded.items():
            tf = document.get(key)
            if not tf:
                continue
            idf = math.log(1 + (count - frequency[key] + 0.5) / (frequency[key] + 0.5))
            score += share * idf * tf * (_K1 + 1) / (tf + norm)
        if score > 0:
            scored.append((score, analysis))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].synopsis.last_activity_at.timestamp()))
    if not boost or not scored:
        return scored
    top = scored[0][0]
    relevant = [pair for pair in scored if pair[0] >= top / 3]
    rest = scored[len(relevant) :]
    relevant.sort(key=lambda pair: _tier(pair[1].synopsis))  # stable: by score within a tier
    return relevant + rest


def _tier(synopsis: ThreadSynopsis) -> int:
    if synopsis.status is ThreadStatus.SOLVED and synopsis.key_answer is not None:
        return 0
    if synopsis.status is not ThreadStatus.UNANSWERED:
        return 1
    return 2


@dataclass(frozen=True)
class SearchResults:
    hits: list[SearchHit]  # the most relevant, best first
    found: int  # how many threads matched in all (more than `hits` when they were cut)


def search(analyses: Sequence[ThreadAnalysis], query: str, *, limit: int = 5) -> SearchResults:
    """The most relevant threads for `query`, with the sentence that best shows why, and how
    many matched."""
    keys = query_keys(query)
    ranked = rank(analyses, keys)
    hits = []
    for score, analysis in ranked[:limit]:
        wanted = expand(keys, set(_document(analysis)))
        hits.append(SearchHit(analysis.synopsis, score, _snippet(analysis, wanted)))
    return SearchResults(hits, len(ranked))


def search_threads(
    analyses: Sequence[ThreadAnalysis], query: str, *, limit: int = 5
) -> list[SearchHit]:
    """The most relevant threads for `query`, with the sentence that best shows why."""
    return search(analyses, query, limit=limit).hits


def _snippet(analysis: ThreadAnalysis, wanted: dict[str, float]) -> str:
    """The answer sentence with most of the query's words, else the question's, else any."""
    best: tuple[float, int, str] | None = None
    for sentence in analysis.sentences:
        hits = sum(wanted.get(_SYNONYMS.get(k, k), 0.0) for k in sentence.keys)
        if not hits:
            continue
        preference = {"answer": 2, "question": 1}.get(sentence.kind, 0)
        candidate = (hits, preference, sentence.text)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    text = best[2] if best else analysis.synopsis.key_answer or analysis.synopsis.question
    line = " ".join(text.split())
    return line if len(line) <= 100 else line[:99] + "…"


def who_to_ask(
    analyses: Sequence[ThreadAnalysis],
    query: str,
    *,
    exclude: str | None = None,
    limit: int = 5,
) -> list[Suggestion]:
    """People who answered threads like `query`: each relevant thread gives its answerers its
    relevance, more for the one whose answer was chosen or thanked and for reactions; the
    person asking is left out."""
    keys = query_keys(query)
    ranked = rank(analyses, keys, boost=False)[:30]
    if not ranked:
        return []
    top = ranked[0][0]
    totals: dict[str, float] = {}
    people: dict[str, tuple[str, str | None]] = {}
    threads: dict[str, list[ThreadSynopsis]] = {}
    helped: dict[str, int] = {}
    for score, analysis in ranked:
        relevance = score / top
        if relevance < 0.2:
            continue
        solved = analysis.synopsis.status is ThreadStatus.SOLVED
        for answerer in analysis.synopsis.answerers:
            if answerer.key == exclude:
                continue
            credit = relevance * (1.0 + 0.1 * min(answerer.reactions, 5))
            if answerer.helpful:
                credit *= 2.0 if solved else 1.5
                helped[answerer.key] = helped.get(answerer.key, 0) + 1
            totals[answerer.key] = totals.get(answerer.key, 0.0) + credit
            name, municipality = people.get(answerer.key, (answerer.name, answerer.municipality))
            people[answerer.key] = (name or answerer.name, municipality or answerer.municipality)
            threads.setdefault(answerer.key, []).append(analysis.synopsis)
    order = sorted(totals, key=lambda key: (-totals[key], people[key][0]))
    return [
        Suggestion(
            key,
            people[key][0],
            people[key][1],
            totals[key],
            tuple(threads[key][:3]),
            len(threads[key]),
            helped.get(key, 0),
        )
        for key in order[:limit]
    ]


def most_similar(
    target: ThreadAnalysis, candidates: Sequence[ThreadAnalysis], *, threshold: float = 0.15
) -> ThreadAnalysis | None:
    """The candidate whose words are most like the target's question (cosine of TF-IDF
    vectors over the candidates), or None below `threshold`."""
    if not candidates:
        return None
    return _most_similar(target, _Candidates.read(candidates), range(len(candidates)), threshold)


def most_similar_each(
    targets: Sequence[ThreadAnalysis],
    candidates: Sequence[ThreadAnalysis],
    *,
    threshold: float = 0.15,
) -> list[ThreadAnalysis | None]:
    """`most_similar` for each target over the same candidates, each target's own thread left
    out of them (several open questions against the solved threads): the candidates' words
    are read once."""
    read = _Candidates.read(candidates)
    found: list[ThreadAnalysis | None] = []
    for target in targets:
        root_id = target.synopsis.root_id
        others = [i for i, c in enumerate(candidates) if c.synopsis.root_id != root_id]
        found.append(_most_similar(target, read, others, threshold) if others else None)
    return found


@dataclass(frozen=True)
class _Candidates:
    analyses: Sequence[ThreadAnalysis]
    documents: list[dict[str, float]]  # each one's terms (`_document`)
    spread: Counter[str]  # in how many of them each term is
    holding: dict[str, list[int]]  # which of them (indices) have each term

    @classmethod
    def read(cls, analyses: Sequence[ThreadAnalysis]) -> _Candidates:
        documents = [_document(a) for a in analyses]
        holding: dict[str, list[int]] = {}
        for index, document in enumerate(documents):
            for key in document:
                holding.setdefault(key, []).append(index)
        return cls(analyses, documents, Counter(chain.from_iterable(documents)), holding)


def _most_similar(
    target: ThreadAnalysis, read: _Candidates, among: Sequence[int], threshold: float
) -> ThreadAnalysis | None:
    """`most_similar` over the candidates at the indices `among` (ascending)."""
    documents = read.documents
    wanted_document = _document(target)
    count = len(among) + 1
    # In how many of (target, *candidates) each term is.
    frequency = Counter(read.spread)
    if len(among) < len(documents):
        for index in set(range(len(documents))) - set(among):
            frequency.subtract(documents[index].keys())
    frequency.update(wanted_document.keys())
    weights: dict[str, float] = {}

    def vector(document: dict[str, float]) -> dict[str, float]:
        out: dict[str, float] = {}
        for key, value in document.items():
            weight = weights.get(key)
            if weight is None:
                weight = weights[key] = math.log(1 + count / frequency[key])
            out[key] = value * weight
        return out

    compared: Iterable[int] = among
    if threshold > 0:  # a candidate without a word of the target's is not alike at all
        sharing = {i for key in wanted_document for i in read.holding.get(key, ())}
        compared = [i for i in among if i in sharing]
    wanted = vector(wanted_document)
    best: tuple[float, ThreadAnalysis] | None = None
    for index in compared:
        similarity = _cosine(wanted, vector(documents[index]))
        if similarity >= threshold and (best is None or similarity > best[0]):
            best = (similarity, read.analyses[index])
    return best[1] if best else None


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(value * b.get(key, 0.0) for key, value in a.items())
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


__all__ = [
    "SearchHit",
    "SearchResults",
    "Suggestion",
    "most_similar",
    "most_similar_each",
    "query_keys",
    "rank",
    "search",
    "search_threads",
    "who_to_ask",
]
