"""One thread, read: who asked what, which answer sentences say the most, the status and the
keywords. Pure and deterministic for the same messages (so results are cached per thread).

- The question is the root's first asking sentence (？, か, ください, 教えて…), with the sentence
  before it when it is short or points back (この, その…); greetings and self-introductions
  never count. A subject, when the post has one, goes in front; links written right after the
  question's sentences stay with them. A root without a sentence to read (only a link, code,
  a quote, a greeting) shows its first line as typed.
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
from datetime import datetime
from operator import attrgetter, itemgetter, mul
from typing import NamedTuple

from dialogs.summaries.index import IndexSource, SearchIndex, SearchSentence
from dialogs.summaries.model import Answerer, ThreadStatus, ThreadSynopsis
from dialogs.summaries.store import LoadedThread
from dialogs.summaries.text import (
    RESOLVED,
    UNRESOLVED,
    AnalysedText,
    Analyser,
    SentenceTerms,
    normalise,
)
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
# A Japanese sentence's end: a half-width ! ? ) only after a Japanese character (NFKC made
# 「？」 ASCII); after a Latin one it ends an English sentence, which a space follows.
_JAPANESE_END = re.compile(
    r"(?:[。！？」』）\U0001F300-\U0001FAFF\u2600-\u27BF]|(?<![\x00-\x7f])[!?)])\ufe0f?$"
)
# Links written right after a sentence, on its line: Sudachi never reads a link (text.py
# blanks them), so the sentence it finds ends before it.
_LINKS_AFTER = re.compile(r"(?:[ \t]*https?://[^\s<>()（）「」]+)+")
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
_term_key = itemgetter(0)
_modified_at = attrgetter("modified_at")
_order = attrgetter("order")
_score = itemgetter(0)  # of a (score, draft) pair
# What a word is worth by its length, up to 8 characters (longer words say more); as a
# keyword, the root's count double.
_WORD_WORTH = tuple(1.0 + 0.12 * length for length in range(9))
_ROOT_WORD_WORTH = tuple(2.0 * worth for worth in _WORD_WORTH)


# A reply, and its words as analysed.
_Reply = tuple[StoredMessage, AnalysedText]
# A candidate answer sentence, scored but not yet for its likeness to the others: (score,
# order, text, message, vector, norm). A plain tuple: thousands are made, few are chosen.
_Draft = tuple[float, int, str, StoredMessage, dict[str, float], float]


class _Candidate(NamedTuple):
    """A chosen answer sentence."""

    score: float
    order: int
    text: str
    message: StoredMessage
    vector: dict[str, float]
    norm: float  # the vector's length


class ThreadAnalysis:
    """A thread's synopsis, and what search needs of it (`index`: weighted terms, sentences for
    snippets), built at the first search that reads the thread and then kept."""

    __slots__ = ("_index", "_source", "synopsis")

    def __init__(self, synopsis: ThreadSynopsis, source: IndexSource) -> None:
        self.synopsis = synopsis
        self._source: IndexSource | None = source
        self._index: SearchIndex | None = None

    @property
    def index(self) -> SearchIndex:
        index = self._index
        if index is None:
            assert self._source is not None
            index = self._index = self._source.build()
            self._source = None  # what it was built from is not needed again
        return index

    @property
    def indexed(self) -> bool:
        """Whether a search has read the thread yet (and built its `index`)."""
        return self._index is not None

    @property
    def terms(self) -> dict[str, float]:
        return self.index.terms

    @property
    def display(self) -> dict[str, str]:
        return self.index.display

    @property
    def sentences(self) -> tuple[SearchSentence, ...]:
        return self.index.sentences

    @property
    def length(self) -> float:
        return self.index.length


def analyse_thread(thread: LoadedThread, analyser: Analyser) -> ThreadAnalysis | None:
    """None for a thread whose root is not stored or was deleted (a withdrawn question)."""
    root = thread.root
    if root is None or root.deleted_at is not None:
        return None
    asker = _person_key(root)
    live = [m for m in thread.messages if m.deleted_at is None and m.text.strip()]
    # Message ids are unique in a channel: the root, first of the messages, is live as live[0].
    root_live = bool(live) and live[0] is root
    if not root_live and not root.subject:
        return None
    results = analyser.analyse_all(
        [(m.text, m is not root and _person_key(m) == asker) for m in live]
    )
    words = _read_words(live, results, root)
    fillers = words.fillers

    # Status from words, then the button. Replies by people other than the asker (not apps)
    # are the answers, and who gave them.
    signal = 0
    thanked: str | None = None
    quoted_thanks = False
    resolving: list[AnalysedText] = []  # what the asker said when it worked
    from_others: list[_Reply] = []
    start = 1 if root_live else 0
    replies = list(zip(live[start:], results[start:], strict=True))
    for message, result in replies:
        person = message.author_aad_id  # (as `_person_key` and `_is_person` read it)
        if (person or message.author_name) != asker:
            if person:
                from_others.append((message, result))
            continue
        said = result.resolution
        if said == RESOLVED:
            signal = RESOLVED
            resolving.append(result)
            quoted = _replied_to(message, live)
            if quoted is not None:
                thanked, quoted_thanks = quoted.message_id, True
            elif from_others:
                thanked, quoted_thanks = from_others[-1][0].message_id, False
        elif said == UNRESOLVED:
            signal = UNRESOLVED
    # (Replies without words, not live, count too.)
    answered = bool(from_others) or any(
        m.deleted_at is None and _person_key(m) != asker and _is_person(m)
        for m in thread.messages[1:]
    )
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
    root_sentences = [s for s in results[0].sentences if s.text not in fillers] if root_live else []
    question_sentences = _question(root_sentences)
    question_parts = [s.text for s in question_sentences]
    if question_parts and "http" in root.text:
        question_parts = _with_links(question_parts, normalise(root.text))
    question_text = _join_sentences(question_parts) or _first_line(root.text)
    if root.subject and root.subject.strip():
        question_text = f"【{root.subject.strip()}】{question_text}"
    spread = words.spread
    total = max(len(words.sentences), 1)
    # A word's weight depends only on its count: each count's worked out once.
    most = max(spread.values(), default=0)
    logs = [0.0, *[math.log(1 + total / count) for count in range(1, most + 1)]]
    weight = {key: logs[count] for key, count in spread.items()}

    question_vector = _vector(question_sentences or root_sentences, weight)
    for key, value in _vector(root_sentences, weight).items():
        question_vector[key] = question_vector.get(key, 0.0) + 0.5 * value
    # What the asker said worked (「プロパティの『許可する』でできました」) points at the answer.
    worked: dict[str, float] = {}
    for result in resolving:
        for sentence in result.sentences:
            share = 1.0 if sentence.resolution == RESOLVED else 0.5
            for key, value in _vector([sentence], weight).items():
                worked[key] = worked.get(key, 0.0) + share * value
    # Solved alone: the asker's own replies say how.
    answering = replies if not from_others and status is ThreadStatus.SOLVED else from_others
    candidates = _candidates(
        answering, thanked, quoted_thanks, fillers, weight, question_vector, worked
    )
    chosen = _choose(candidates)
    one_line = {c.text: _one_line(c.text, ANSWER_CHARS) for c in chosen}
    key_answer = one_line[chosen[0].text] if chosen else None
    helpful = {chosen[0].message.message_id} if chosen else set()
    if thanked:
        helpful.add(thanked)

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
        reply_count=len(replies),
        created_at=root.created_at,
        last_activity_at=_last_activity(thread),
        asker_name=root.author_name or "",
        asker_municipality=root.author_municipality,
        participants=_participants(live),
        keywords=words.keywords,
        asker_key=asker,
        answer_sentences=tuple([one_line[c.text] for c in sorted(chosen, key=_order)]),
        answerers=_answerers(from_others, helpful),
        solved_by_button=by_button,
    )
    source = IndexSource(
        tuple(words.sentences),
        words.root,
        {s.text for s in question_sentences},
        {c.text for c in chosen},
        fillers,
    )
    return ThreadAnalysis(synopsis, source)


class _ThreadWords(NamedTuple):
    sentences: list[SentenceTerms]  # of the live messages, in order
    root: tuple[int, int]  # where the root's are: sentences[root[0] : root[1]]
    fillers: set[str]  # greetings and self-introductions
    spread: Counter[str]  # in how many sentences each word is
    keywords: tuple[str, ...]


def _read_words(
    live: list[StoredMessage], results: list[AnalysedText], root: StoredMessage
) -> _ThreadWords:
    """In one pass over the thread's sentences: the greetings and self-introductions (every
    step after skips them), in how many sentences each word is (a term's key or a compound's
    part), and the thread's keywords: its words (none from greetings) scored, the root's double
    and longer words more, the best few that do not contain one another."""
    sentences: list[SentenceTerms] = []
    root_at = (0, 0)
    fillers: set[str] = set()
    words: list[str] = []
    scores: dict[str, float] = {}
    shown: dict[str, str] = {}
    for message, result in zip(live, results, strict=True):
        if message is root:
            root_at = (len(sentences), len(sentences) + len(result.sentences))
            worth = _ROOT_WORD_WORTH
        else:
            worth = _WORD_WORTH
        sentences += result.sentences
        for text, terms, parts, _ in result.sentences:
            if parts or len(terms) > 1:
                words += {*map(_term_key, terms), *parts}  # each once
            elif terms:
                words.append(terms[0][0])
            # A sentence's text is stripped and not empty: only one that starts or ends as a
            # greeting can, or has what an introduction must, is tried against the pattern.
            if (text[0] in _FILLER_START and _FILLER.match(text)) or (
                len(text) <= 61  # (what the pattern allows)
                and "の" in text
                and text.endswith(_INTRODUCTION_ENDS)
                and _INTRODUCTION.match(text)
            ):
                fillers.add(text)
                continue
            for key, written in terms:
                size = len(key)
                score = worth[size if size < 8 else 8]
                if key in scores:
                    scores[key] += score
                else:
                    scores[key] = score
                    shown[key] = written
    # Stable: among equal scores, the word found first.
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    picked: list[str] = []
    for key in ranked:
        for other in picked:
            if key in other or other in key:
                break
        else:
            picked.append(key)
            if len(picked) == KEYWORDS:
                break
    keywords = tuple(shown[key] for key in picked)
    return _new_tuple(_ThreadWords, (sentences, root_at, fillers, Counter(words), keywords))


def _candidates(
    answering: list[_Reply],
    thanked: str | None,
    quoted_thanks: bool,
    fillers: set[str],
    weight: dict[str, float],
    question_vector: dict[str, float],
    worked: dict[str, float],
) -> list[tuple[float, _Draft]]:
    """Answer sentences from the `answering` replies, in order, scored: likeness to the
    question and to what worked, instructions up, asking back down, times the reply's weight;
    then times likeness to what the answers say together (a cheap stand-in for LexRank's
    centrality)."""
    # Each target's length, computed once (it is the same for every sentence compared).
    question_norm = _norm(question_vector)
    worked_norm = _norm(worked)
    sqrt = math.sqrt
    drafts: list[_Draft] = []
    centroid: dict[str, float] = {}
    order = 0
    for message, result in answering:
        boost = 1.0 + 0.25 * min(len(message.reactions), 8)
        if message.message_id == thanked:
            # The reply the asker quoted when saying it worked is the answer, most likely.
            boost = boost * 2.0 if quoted_thanks else boost + 0.5
        for text, terms, parts, _ in result.sentences:
            order += 1
            if text in fillers or (not terms and len(text) < 12):
                continue
            # TF-IDF within the thread (as `_vector`, for one sentence; every word of the
            # thread has a weight).
            vector: dict[str, float] = {}
            for key, _ in terms:
                if key in vector:
                    vector[key] += weight[key]
                else:
                    vector[key] = weight[key]
            for part in parts:
                if part in vector:
                    vector[part] += 0.5 * weight[part]
                else:
                    vector[part] = 0.5 * weight[part]
            # Relevance to the question and to what worked: like the cosine, but the sentence's
            # length only half held against it (a sentence that shares more words with the
            # target, while saying more, is the better summary line); nothing in common, or
            # nothing to compare with, is 0. The vector's length, both dot products and the
            # centroid's sums in one loop (a word not in a target adds nothing to its product).
            squares = dot = dot_worked = 0.0
            for key, value in vector.items():
                squares += value * value
                if key in question_vector:
                    dot += value * question_vector[key]
                if key in worked:
                    dot_worked += value * worked[key]
                if key in centroid:
                    centroid[key] += value
                else:
                    centroid[key] = value
            norm = sqrt(squares)
            score = 0.05
            if dot:
                score += 0.6 * (dot / (sqrt(norm) * question_norm))
            if dot_worked:
                score += 0.9 * (dot_worked / (sqrt(norm) * worked_norm))
            if _INSTRUCTING.search(text):
                score += 0.2
            if ("か" in text or "?" in text or "？" in text) and _ASKING_BACK.search(text):
                score *= 0.5  # asking back is not answering (each way of asking has か or ?)
            if len(text) < 10:
                score *= 0.5
            drafts.append((score * boost, order, text, message, vector, norm))
    centroid_norm = _norm(centroid)
    scored: list[tuple[float, _Draft]] = []
    for draft in drafts:
        score, _, _, _, vector, norm = draft
        # `_cosine` with the centroid (which holds every key of every vector), inline.
        dot = 0.0
        for key, value in vector.items():
            dot += value * centroid[key]
        if dot:  # (else times 1.0)
            score *= 1.0 + 0.3 * (dot / (norm * centroid_norm))
        scored.append((score, draft))
    return scored


def _last_activity(thread: LoadedThread) -> datetime:
    """The latest change to a message, or press of 解決済み (or 未解決に戻す)."""
    latest: datetime = max(map(_modified_at, thread.messages))
    resolution = thread.resolution
    if resolution is not None and resolution.at > latest:
        return resolution.at
    return latest


def _with_links(texts: list[str], normalised_root: str) -> list[str]:
    """The question's sentences, each with the links written right after it on its line (「この
    手順書を見てください https://…pdf」)."""
    found = []
    for text in texts:
        at = normalised_root.find(text)
        links = _LINKS_AFTER.match(normalised_root, at + len(text)) if at >= 0 else None
        found.append(f"{text} {links.group().strip()}" if links else text)
    return found


def _first_line(text: str) -> str:
    """For a root without a sentence to read (only a link, a code block, a quote, an error code,
    a greeting): its first line with words as typed, so the question is never blank."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("```"):
            return line
    return ""


def _participants(live: list[StoredMessage]) -> tuple[str, ...]:
    participants: list[str] = []
    for message in live:
        name = message.author_name
        if name and message.author_aad_id and name not in participants:  # people, not apps
            participants.append(name)
    return tuple(participants)


def _answerers(from_others: list[_Reply], helpful: set[str]) -> tuple[Answerer, ...]:
    """Everyone but the asker who replied (`from_others`), in the order they first did: their
    name as first written, their municipality as first known, replies, reactions, and whether
    one of their replies holds the key answer or was thanked."""
    by_replier: dict[str, list[StoredMessage]] = {}
    for message, _ in from_others:
        who = message.author_aad_id
        assert who  # a person's reply
        if who in by_replier:
            by_replier[who].append(message)
        else:
            by_replier[who] = [message]
    answerers: list[Answerer] = []
    for who, messages in by_replier.items():
        first = messages[0]
        municipality = first.author_municipality
        reactions = len(first.reactions)
        wrote_helpful = first.message_id in helpful
        for message in messages[1:]:
            municipality = municipality or message.author_municipality
            reactions += len(message.reactions)
            wrote_helpful = wrote_helpful or message.message_id in helpful
        answerers.append(
            Answerer(
                who, first.author_name or "", municipality, len(messages), reactions, wrote_helpful
            )
        )
    return tuple(answerers)


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


def _question(sentences: list[SentenceTerms]) -> list[SentenceTerms]:
    """One or two sentences that say what is asked: the most informative of the root's first
    sentences (an asking one counts more), with the sentence before it when it is short or
    points back (その…), or the short question after it (原因はわかりますか？)."""
    if not sentences:
        return []
    head = sentences[:6]
    asking = [_ASKING.search(s.text) is not None for s in head]
    scores: list[float] = []
    for sentence, asks in zip(head, asking, strict=True):
        content = 0.0  # its words, each once, longer ones more
        for key in dict.fromkeys(map(_term_key, sentence.terms)):
            size = len(key)
            content += _WORD_WORTH[size if size < 8 else 8]
        scores.append(content * 1.3 if asks else content)
    # Most informative first; among equal scores, the earlier (the sort is stable).
    ranked = sorted(range(len(head)), key=scores.__getitem__, reverse=True)
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
        for key, _ in sentence.terms:
            vector[key] = vector.get(key, 0.0) + weight.get(key, 1.0)
        for part in sentence.parts:
            vector[part] = vector.get(part, 0.0) + 0.5 * weight.get(part, 1.0)
    return vector


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


def _choose(scored: list[tuple[float, _Draft]]) -> list[_Candidate]:
    """The best sentences, best first (among equal scores, the one written first: the sort is
    stable), without repeating one another."""
    chosen: list[_Candidate] = []
    for score, draft in sorted(scored, key=_score, reverse=True):
        _, order, text, message, vector, norm = draft
        for other in chosen:
            if other.vector and _cosine(vector, norm, other.vector, other.norm) > 0.9:
                break
        else:
            chosen.append(_new_tuple(_Candidate, (score, order, text, message, vector, norm)))
            if len(chosen) == ANSWER_SENTENCES:
                break
    return chosen


def _join_sentences(texts: list[str]) -> str:
    """Japanese sentences follow one another without a space; others get one."""
    joined = ""
    for text in texts:
        if joined and not _JAPANESE_END.search(joined[-3:]):  # (what the pattern can match)
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


def activity_in(synopsis: ThreadSynopsis, since: datetime, until: datetime) -> bool:
    return since <= synopsis.last_activity_at < until or since <= synopsis.created_at < until


__all__ = ["SearchSentence", "ThreadAnalysis", "activity_in", "analyse_thread"]
