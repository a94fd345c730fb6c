"""What search (検索, 誰に聞く, the similar solved thread) reads of a thread: its weighted terms
and its sentences with their words. Built from the thread's analysed messages at the first
search that reads the thread, not while summarising it (要約 never needs it), and kept.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from dialogs.summaries.text import SentenceTerms

_NO_KEYS: frozenset[str] = frozenset()
_term_key = itemgetter(0)
# A NamedTuple's own __new__ is Python code; thousands of sentences skip it.
_new_tuple = tuple.__new__


class SearchSentence(NamedTuple):
    text: str
    keys: frozenset[str]  # its terms' keys and its compounds' parts, each once
    kind: str  # question | answer | other


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """A thread's terms weighted for search (question words double, chosen answer words one
    and a half, parts of compounds half), how each is written, its sentences (greetings left
    out) and its length (the weights' sum, for BM25)."""

    terms: dict[str, float]
    display: dict[str, str]
    sentences: tuple[SearchSentence, ...]
    length: float


@dataclass(frozen=True, slots=True)
class IndexSource:
    """What a thread's `SearchIndex` is built from, as the analysis left it (few objects: it is
    kept until a search reads the thread): the sentences of its live messages in order, where
    the root's are among them, the question's and the chosen answers' sentence texts, and the
    greetings'."""

    sentences: tuple[SentenceTerms, ...]
    root: tuple[int, int]  # the root's sentences: sentences[root[0] : root[1]]
    question: Set[str]
    answers: Set[str]
    fillers: Set[str]

    def build(self) -> SearchIndex:
        terms: dict[str, float] = {}
        display: dict[str, str] = {}
        sentences: list[SearchSentence] = []
        question, answers, fillers = self.question, self.answers, self.fillers
        root_start, root_stop = self.root
        weigh = terms.get
        for at, sentence in enumerate(self.sentences):
            text = sentence.text
            if root_start <= at < root_stop and text in question:
                kind, factor = "question", 2.0
            elif text in answers:
                kind, factor = "answer", 1.5
            else:
                kind, factor = "other", 1.0
            for key, written in sentence.terms:
                terms[key] = weigh(key, 0.0) + factor
                display.setdefault(key, written)
            half = 0.5 * factor
            for part in sentence.parts:
                terms[part] = weigh(part, 0.0) + half
            if text not in fillers:
                sentences.append(_new_tuple(SearchSentence, (text, _keys(sentence), kind)))
        return SearchIndex(terms, display, tuple(sentences), sum(terms.values()))


def _keys(sentence: SentenceTerms) -> frozenset[str]:
    terms, parts = sentence.terms, sentence.parts
    if not terms and not parts:
        return _NO_KEYS
    # Built as search built it before (a set, then frozen): its order of iteration, which a
    # sum in the search snippet follows, stays the same.
    unique = set(map(_term_key, terms))
    unique.update(parts)
    return frozenset(unique)


__all__ = ["IndexSource", "SearchIndex", "SearchSentence"]
