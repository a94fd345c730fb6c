"""One thread, read: who asked what, which answer sentences say the most, the status and the
keywords. Pure and deterministic for the same messages (so results are cached per thread).

- The question is the root's first asking sentence (？, か, ください, 教えて…), with the sentence
  before it when it is short or points back (この, その…); greetings and self-introductions
  never count. A subject, when the post has one, goes in front.
- Answer sentences come from replies by people other than the asker. Each is scored like
  TF-IDF within the thread (a word found in few of the thread's sentences weighs more): its
  likeness to the question and to the other answers, multiplied by the reply's weight (its
  reactions, and more when the asker's next words say it worked).
- Status: see `ThreadStatus`. The asker's replies are read in order; the last one that says
  something decides (「解決しました」「できました」「ありがとうございました」 resolve,
  「まだ解決していません」「直りません」「解決したと思ったのですが…」 undo). The button
  (`thread_resolution`) outranks words either way.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from operator import mul
from typing import NamedTuple

from dialogs.summaries.model import Answerer, ThreadStatus, ThreadSynopsis
from dialogs.summaries.store import LoadedThread
from dialogs.summaries.text import RESOLVED, UNRESOLVED, AnalysedText, Analyser, SentenceTerms
from dialogs.threads.capture import message_link
from dialogs.threads.store import StoredMessage

QUESTION_CHARS = 80
ANSWER_CHARS = 100
ANSWER_SENTENCES = 3
KEYWORDS = 5

_GREETINGS = (
    "お疲れ様", "お疲れさま", "おつかれさま", "お世話になって", "いつもお世話", "こんにちは",
    "おはよう", "こんばんは", "失礼(?:します|いたします)", "よろしく", "宜しく", "以上です",
    "ありがとうございま", "有難うございま", "了解(?:です|しました)",
    "承知(?:しました|いたしました)", "なるほど", "すみません", "助かりま", "お忙しい",
    "恐れ入りま", "取り急ぎ", "追記", "補足",
)  # fmt: skip
_FILLER = re.compile(
    r"^(?:@\S+(?:\s\S+)?\s*(?:さん|様)?[、,]?\s*)?(?:" + "|".join(_GREETINGS) + ")"
)
# How a greeting can start (an @mention, or a greeting's first character): other sentences
# are not tried against the pattern.
_FILLER_START = frozenset("@" + "".join(greeting[0] for greeting in _GREETINGS))
_INTRODUCTION = re.compile(
    r"^.{0,24}(?:都|道|府|県|市|区|町|村|役所|役場|センター)の.{0,24}(?:です|と申します|でございます)[。!]?$"
)
_INTRODUCTION_ENDS = tuple(f"{end}{mark}" for end in ("です", "ます") for mark in ("", "。", "!"))
_ASKING = re.compile(
    r"(?:[?？]|か[。!]?$|かね[。]?$|でしょうか|ますか|ですか|ください|下さい|教えて|ご存じ|ご存知|"
    r"いただけ|頂け|知りたい|困って|どうすれば|どうしたら|方法は|ありませんか|ないですか|"
    r"お願いできれば|助言|アドバイス)"
)
_SOLVED_MARK = re.compile(r"^\s*[【\[［(（]\s*(?:解決済み?|解決|済)\s*[】\]］)）]")
_ASKING_BACK = re.compile(r"(?:[?？]|か[。!]?$|でしょうか|ますか|ですか)")
_JAPANESE_END = re.compile(r"[。！？!?」』）)\U0001F300-\U0001FAFF\u2600-\u27BF]\ufe0f?$")
_HALF_PUNCT = re.compile(r"(?<=[^\x00-\x7f])([!?])")
_FULL = {"!": "！", "?": "？"}
_HALF_PARENS = re.compile(r"\(([^()\x00-\x7f][^()]*)\)")
_POINTING = re.compile(r"^(?:この|その|これ|それ|こちら|上記|そこ|そういった|同様の)")
_INSTRUCTING = re.compile(
    r"(?:てください|て下さい|てみて|すれば|したら|すると|できます|になります|で解決|設定|手順|"
    r"変更|有効|無効|インストール|再起動|削除|追加|確認して|おすすめ|オススメ|推奨)"
)


# A NamedTuple's own __new__ is Python code; thousands of sentences skip it.
_new_tuple = tuple.__new__


class SearchSentence(NamedTuple):
    text: str
    keys: frozenset[str]
    kind: str  # question | answer | other


class _Candidate(NamedTuple):
    score: float
    order: int
    text: str
    message: StoredMessage
    vector: dict[str, float]
    norm: float  # the vector's length


@dataclass(frozen=True)
class ThreadAnalysis:
    """A thread's synopsis and what search needs: weighted terms, and sentences for snippets."""

    synopsis: ThreadSynopsis
    terms: dict[str, float]
    display: dict[str, str]
    sentences: tuple[SearchSentence, ...]
    length: float


def analyse_thread(thread: LoadedThread, analyser: Analyser) -> ThreadAnalysis | None:
    """None for a thread whose root is not stored or was deleted (a withdrawn question)."""
    root = thread.root
    if root is None or root.deleted_at is not None:
        return None
    asker = _person_key(root)
    live = [m for m in thread.messages if m.deleted_at is None and m.text.strip()]
    if not any(m.is_root for m in live) and not root.subject:
        return None
    replies = [m for m in thread.messages[1:] if m.deleted_at is None]
    analysed = dict(
        zip(
            [m.message_id for m in live],
            analyser.analyse_all(
                [(m.text, not m.is_root and _person_key(m) == asker) for m in live]
            ),
            strict=True,
        )
    )
    all_sentences = [s for result in analysed.values() for s in result.sentences]

    # Greetings and self-introductions, found once (every step below skips them).
    fillers = {sentence.text for sentence in all_sentences if _filler(sentence.text)}

    # Status from words, then the button.
    signal = 0
    thanked: str | None = None
    quoted_thanks = False
    resolving: list[StoredMessage] = []
    last_other: StoredMessage | None = None
    for message in live[1:] if live and live[0].is_root else live:
        if _person_key(message) != asker:
            if _is_person(message):
                last_other = message
            continue
        said = analysed[message.message_id].resolution
        if said == RESOLVED:
            signal = RESOLVED
            resolving.append(message)
            quoted = _replied_to(message, live)
            if quoted is not None:
                thanked, quoted_thanks = quoted.message_id, True
            elif last_other is not None:
                thanked, quoted_thanks = last_other.message_id, False
        elif said == UNRESOLVED:
            signal = UNRESOLVED
    answered = any(_person_key(m) != asker and _is_person(m) for m in replies)
    solved = signal == RESOLVED or _marked_solved(root)
    by_button = False
    if thread.resolution is not None:
        solved, by_button = thread.resolution.resolved, thread.resolution.resolved
    status = (
        ThreadStatus.SOLVED
        if solved
        else ThreadStatus.ANSWERED
        if answered
        else ThreadStatus.UNANSWERED
    )

    # Sentences and the weights of their words within the thread.
    root_sentences = (
        [s for s in analysed[root.message_id].sentences if s.text not in fillers]
        if root.message_id in analysed
        else []
    )
    question_sentences = _question(root_sentences)
    question_text = _join_sentences([s.text for s in question_sentences])
    if root.subject and root.subject.strip():
        question_text = f"【{root.subject.strip()}】{question_text}"
    # In how many sentences each word is (the keys of a sentence are its words, each once).
    spread = Counter(chain.from_iterable(s.keys for s in all_sentences))
    total = max(len(all_sentences), 1)
    weight = {key: math.log(1 + total / count) for key, count in spread.items()}

    question_vector = _vector(question_sentences or root_sentences, weight)
    for key, value in _vector(root_sentences, weight).items():
        question_vector[key] = question_vector.get(key, 0.0) + 0.5 * value
    # What the asker said worked (「プロパティの『許可する』でできました」) points at the answer.
    worked: dict[str, float] = {}
    for message in resolving:
        for sentence in analysed[message.message_id].sentences:
            share = 1.0 if sentence.resolution == RESOLVED else 0.5
            for key, value in _vector([sentence], weight).items():
                worked[key] = worked.get(key, 0.0) + share * value
    candidates = _candidates(
        live, analysed, asker, status, thanked, quoted_thanks, fillers, weight,
        question_vector, worked,
    )  # fmt: skip
    chosen = _choose(candidates)
    one_line = {c.text: _one_line(c.text, ANSWER_CHARS) for c in chosen}
    key_answer = one_line[chosen[0].text] if chosen else None
    helpful = {c.message.message_id for c in chosen[:1]} | ({thanked} if thanked else set())

    keywords, terms, display, search_sentences = _words(
        live, analysed, root.message_id, question_sentences, {c.text for c in chosen}, fillers
    )
    synopsis = ThreadSynopsis(
        channel_id=thread.channel_id,
        root_id=thread.root_id,
        web_url=root.web_url
        or message_link(
            thread.channel_id, root.message_id, root.message_id, thread.team_aad_group_id
        ),
        question=_one_line(question_text, QUESTION_CHARS),
        key_answer=key_answer,
        status=status,
        reply_count=sum(1 for m in replies if m.text.strip()),
        created_at=root.created_at,
        last_activity_at=max(m.modified_at for m in thread.messages),
        asker_name=root.author_name or "",
        asker_municipality=root.author_municipality,
        participants=_participants(live),
        keywords=keywords,
        asker_key=asker,
        answer_sentences=tuple(one_line[c.text] for c in sorted(chosen, key=lambda c: c.order)),
        answerers=_answerers(live, asker, helpful),
        solved_by_button=by_button,
    )
    return ThreadAnalysis(synopsis, terms, display, tuple(search_sentences), sum(terms.values()))


def _candidates(
    live: list[StoredMessage],
    analysed: dict[str, AnalysedText],
    asker: str | None,
    status: ThreadStatus,
    thanked: str | None,
    quoted_thanks: bool,
    fillers: set[str],
    weight: dict[str, float],
    question_vector: dict[str, float],
    worked: dict[str, float],
) -> list[tuple[float, _Candidate]]:
    """Answer sentences from replies by people other than the asker, scored: likeness to the
    question and to what worked, instructions up, asking back down, times the reply's weight;
    then times likeness to what the answers say together (a cheap stand-in for LexRank's
    centrality)."""
    from_others = [m for m in live if not m.is_root and _person_key(m) != asker and _is_person(m)]
    if not from_others and status is ThreadStatus.SOLVED:
        from_others = [m for m in live if not m.is_root]  # solved alone: their own words
    # Each target's length, computed once (it is the same for every sentence compared).
    question_norm = _norm(question_vector)
    worked_norm = _norm(worked)
    candidates: list[_Candidate] = []
    centroid: dict[str, float] = {}
    order = 0
    for message in from_others:
        boost = 1.0 + 0.25 * min(len(message.reactions), 8)
        if message.message_id == thanked:
            # The reply the asker quoted when saying it worked is the answer, most likely.
            boost = boost * 2.0 if quoted_thanks else boost + 0.5
        for sentence in analysed[message.message_id].sentences:
            order += 1
            text = sentence.text
            if text in fillers or (not sentence.terms and len(text) < 12):
                continue
            # TF-IDF within the thread (as `_vector`, for one sentence).
            vector: dict[str, float] = {}
            for key, _ in sentence.terms:
                vector[key] = vector.get(key, 0.0) + weight.get(key, 1.0)
            for part in sentence.parts:
                vector[part] = vector.get(part, 0.0) + 0.5 * weight.get(part, 1.0)
            values = vector.values()
            norm = math.sqrt(sum(map(mul, values, values)))
            score = (
                0.05
                + 0.6 * _relevance(vector, norm, question_vector, question_norm)
                + 0.9 * _relevance(vector, norm, worked, worked_norm)
            )
            if _INSTRUCTING.search(text):
                score += 0.2
            if ("か" in text or "?" in text or "？" in text) and _ASKING_BACK.search(text):
                score *= 0.5  # asking back is not answering (each way of asking has か or ?)
            if len(text) < 10:
                score *= 0.5
            candidates.append(
                _new_tuple(_Candidate, (score * boost, order, text, message, vector, norm))
            )
            for key, value in vector.items():
                centroid[key] = centroid.get(key, 0.0) + value
    centroid_norm = _norm(centroid)
    return [
        (c.score * (1.0 + 0.3 * _cosine(c.vector, c.norm, centroid, centroid_norm)), c)
        for c in candidates
    ]


def _participants(live: list[StoredMessage]) -> tuple[str, ...]:
    participants: list[str] = []
    for message in live:
        name = message.author_name
        if name and name not in participants and _is_person(message):
            participants.append(name)
    return tuple(participants)


def _answerers(
    live: list[StoredMessage], asker: str | None, helpful: set[str]
) -> tuple[Answerer, ...]:
    """Everyone but the asker who replied, in the order they first did: their name as first
    written, their municipality as first known, replies, reactions, and whether one of their
    replies holds the key answer or was thanked."""
    found: dict[str, _Replier] = {}
    for message in live:
        who = _person_key(message)
        if message.is_root or who == asker or not _is_person(message) or who is None:
            continue
        replier = found.get(who)
        if replier is None:
            replier = found[who] = _Replier(message.author_name or "", None)
        replier.municipality = replier.municipality or message.author_municipality
        replier.replies += 1
        replier.reactions += len(message.reactions)
        replier.helpful = replier.helpful or message.message_id in helpful
    return tuple(
        Answerer(who, r.name, r.municipality, r.replies, r.reactions, r.helpful)
        for who, r in found.items()
    )


@dataclass(slots=True)
class _Replier:
    name: str
    municipality: str | None
    replies: int = 0
    reactions: int = 0
    helpful: bool = False


def _marked_solved(root: StoredMessage) -> bool:
    """The asker edited the title or first line to say so (【解決済み】…)."""
    first_line = root.text.strip().split("\n", 1)[0] if root.deleted_at is None else ""
    return bool(_SOLVED_MARK.match(root.subject or "") or _SOLVED_MARK.match(first_line))


def _person_key(message: StoredMessage) -> str | None:
    return message.author_aad_id or message.author_name


def _is_person(message: StoredMessage) -> bool:
    """Apps (the bot's own cards, connectors) post without an Entra id."""
    return bool(message.author_aad_id)


def _replied_to(message: StoredMessage, live: list[StoredMessage]) -> StoredMessage | None:
    if message.reply_to_id and message.reply_to_id != message.root_id:
        for other in live:
            if other.message_id == message.reply_to_id and other.author_aad_id:
                return other
    return None


def _filler(text: str) -> bool:
    stripped = text.strip()
    if stripped and stripped[0] in _FILLER_START and _FILLER.match(stripped):
        return True
    # What an introduction must be (see the pattern) is checked first: at most 61 characters,
    # ending in です or ます. Other sentences are not tried.
    return (
        len(stripped) <= 61
        and stripped.endswith(_INTRODUCTION_ENDS)
        and _INTRODUCTION.match(stripped) is not None
    )


def _question(sentences: list[SentenceTerms]) -> list[SentenceTerms]:
    """One or two sentences that say what is asked: the most informative of the root's first
    sentences (an asking one counts more), with the sentence before it when it is short or
    points back (その…), or the short question after it (原因はわかりますか？)."""
    if not sentences:
        return []
    head = sentences[:6]
    asking = [_ASKING.search(s.text) is not None for s in head]

    def informative(at: int) -> float:
        sentence = head[at]
        content = sum(
            1.0 + 0.12 * min(len(t.key), 8) for t in {t.key: t for t in sentence.terms}.values()
        )
        return content * (1.3 if asking[at] else 1.0)

    scores = [informative(at) for at in range(len(head))]
    ranked = sorted(range(len(head)), key=lambda i: (-scores[i], i))
    index = ranked[0]
    chosen = head[index]
    if len(ranked) > 1:
        second = ranked[1]
        together = len(chosen.text) + len(head[second].text)
        if scores[second] >= 0.5 * scores[index] and together <= QUESTION_CHARS:
            return [head[min(index, second)], head[max(index, second)]]
    if asking[index]:
        if index > 0 and (len(chosen.text) < 25 or _POINTING.match(chosen.text)):
            return [head[index - 1], chosen]
        return [chosen]
    following = head[index + 1] if index + 1 < len(head) else None
    if following is not None and asking[index + 1] and len(following.text) <= 40:
        return [chosen, following]
    return [chosen]


def _vector(sentences: list[SentenceTerms], weight: dict[str, float]) -> dict[str, float]:
    """TF-IDF within the thread; the parts of a compound count half (画質 in 画質設定)."""
    vector: dict[str, float] = {}
    for sentence in sentences:
        for term in sentence.terms:
            vector[term.key] = vector.get(term.key, 0.0) + weight.get(term.key, 1.0)
        for part in sentence.parts:
            vector[part] = vector.get(part, 0.0) + 0.5 * weight.get(part, 1.0)
    return vector


def _relevance(
    sentence: dict[str, float], norm: float, target: dict[str, float], target_norm: float
) -> float:
    """Like the cosine, but a sentence's length is only half held against it: a sentence
    that shares more words with the target, while saying more, is the better summary line.
    (`norm` and `target_norm` are the vectors' lengths.)"""
    if not sentence or not target:
        return 0.0
    dot = _dot(sentence, target)
    if not dot:
        return 0.0
    return dot / (math.sqrt(norm) * target_norm)


def _cosine(a: dict[str, float], a_norm: float, b: dict[str, float], b_norm: float) -> float:
    if not a or not b:
        return 0.0
    dot = _dot(a, b) if len(a) <= len(b) else _dot(b, a)
    if not dot:
        return 0.0
    return dot / (a_norm * b_norm)


def _norm(vector: dict[str, float]) -> float:
    values = vector.values()
    return math.sqrt(sum(map(mul, values, values)))  # in C, the same products in order


def _dot(small: dict[str, float], large: dict[str, float]) -> float:
    """The dot product, over the keys of `small` (a sentence's few words: a plain loop)."""
    dot = 0.0
    for key, value in small.items():
        dot += value * large.get(key, 0.0)
    return dot


def _choose(scored: list[tuple[float, _Candidate]]) -> list[_Candidate]:
    """The best sentences, best first, without repeating one another."""
    chosen: list[_Candidate] = []
    for _, candidate in sorted(scored, key=lambda pair: (-pair[0], pair[1].order)):
        if len(chosen) == ANSWER_SENTENCES:
            break
        if any(
            _cosine(candidate.vector, candidate.norm, other.vector, other.norm) > 0.9
            for other in chosen
            if other.vector
        ):
            continue
        chosen.append(candidate)
    return chosen


def _join_sentences(texts: list[str]) -> str:
    """Japanese sentences follow one another without a space; others get one."""
    joined = ""
    for text in texts:
        if joined and not _JAPANESE_END.search(joined):
            joined += " "
        joined += text
    return joined


def _one_line(text: str, limit: int) -> str:
    """One line for a card: spaces collapsed, Japanese punctuation back to full width (NFKC
    made it ASCII), cut with … at `limit` characters."""
    line = " ".join(text.split())
    if "!" in line or "?" in line:  # (the pattern's look-behind makes it try every position)
        line = _HALF_PUNCT.sub(lambda m: _FULL[m.group(1)], line)
    if "(" in line:
        line = _HALF_PARENS.sub(r"（\1）", line)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _words(
    live: list[StoredMessage],
    analysed: dict[str, AnalysedText],
    root_id: str,
    question: list[SentenceTerms],
    answers: set[str],
    fillers: set[str],
) -> tuple[tuple[str, ...], dict[str, float], dict[str, str], list[SearchSentence]]:
    """In one pass over the thread's words: its keywords (the root's words count double, longer
    words more; none from greetings), and for search its weighted terms (question words
    double, chosen answer words one and a half, parts of compounds half), how each is
    written and its sentences (greetings left out)."""
    scores: dict[str, float] = {}
    shown: dict[str, str] = {}
    terms: dict[str, float] = {}
    display: dict[str, str] = {}
    sentences: list[SearchSentence] = []
    question_texts = {s.text for s in question}
    weigh = terms.get
    for message in live:
        in_root = message.message_id == root_id
        keyword_factor = 2.0 if in_root else 1.0
        for sentence in analysed[message.message_id].sentences:
            text = sentence.text
            if in_root and text in question_texts:
                kind, factor = "question", 2.0
            elif text in answers:
                kind, factor = "answer", 1.5
            else:
                kind, factor = "other", 1.0
            if text in fillers:
                for key, written in sentence.terms:
                    terms[key] = weigh(key, 0.0) + factor
                    display.setdefault(key, written)
            else:
                for key, written in sentence.terms:
                    terms[key] = weigh(key, 0.0) + factor
                    score = keyword_factor * (1.0 + 0.12 * min(len(key), 8))
                    if key in scores:
                        scores[key] += score
                    else:
                        scores[key] = score
                        shown[key] = written
                        display.setdefault(key, written)
                sentences.append(_new_tuple(SearchSentence, (text, sentence.keys, kind)))
            half = 0.5 * factor
            for part in sentence.parts:
                terms[part] = weigh(part, 0.0) + half
    # Stable: among equal scores, the word found first.
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    picked: list[str] = []
    for key in ranked:
        if len(picked) == KEYWORDS:
            break
        if any(key in other or other in key for other in picked):
            continue
        picked.append(key)
    return tuple(shown[key] for key in picked), terms, display, sentences


def activity_in(synopsis: ThreadSynopsis, since: datetime, until: datetime) -> bool:
    return since <= synopsis.last_activity_at < until or since <= synopsis.created_at < until


__all__ = ["SearchSentence", "ThreadAnalysis", "activity_in", "analyse_thread"]
