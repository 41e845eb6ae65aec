"""Extractive steps, where a tiny model is weak: finding decisions and action items by what
people say when they decide or commit ("let's go with", "I'll send"), picking salient lines,
and a title from the words the meeting used most. Deterministic, and grounded by construction.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.assistant.chunking import Utterance
from app.assistant.grounding import ASKED, SELF_COMMIT, dedupe, item_similarity
from app.assistant.text_tools import (
    ANSWER_NO,
    MONTH_NAMES,
    STOPWORDS,
    WEEKDAY_NAMES,
    content_words,
    date_phrases,
    split_sentences,
    stem,
    words,
)

NAMED_TIMES = "|".join(w.capitalize() for w in (*WEEKDAY_NAMES, *MONTH_NAMES))

DECISION_CUES = (
    (re.compile(r"\b(?:we|we've|we have|we all)\s+(?:just\s+)?(?:decided|agreed|settled|chose|chosen)\b", re.I), 3.0),
    (re.compile(r"\b(?:decided|decision|agreed|agreement|settled on|conclusion|consensus)\b", re.I), 2.0),
    (re.compile(r"\blet's\s+(?:go with|go for|use|keep|stick with|make|have|choose|take|do)\b", re.I), 2.0),
    (
        re.compile(
            r"\b(?:we'll|we will|we're going to|we are going to|we should|we must)\s+"
            r"(?:go with|go for|use|have|keep|make|stick with|choose|take|include|drop|need)\b",
            re.I,
        ),
        1.5,
    ),
    (
        re.compile(
            r"\b(?:we're|we are)\s+(?:not\s+)?(?:gonna|going to)\s+(?:have|use|go|make|keep|need|put|"
            r"include|drop|stick)\b",
            re.I,
        ),
        1.5,
    ),
    (re.compile(r"\b(?:it|that|this|the \w+)\s+(?:will|should|has to|must|needs to)\s+(?:be|have)\b", re.I), 1.0),
    (re.compile(r"\b(?:it's|it is|it'll|that's)\s+(?:gonna|going to)\s+be\b", re.I), 0.8),
    (re.compile(r"\b(?:so|then|okay),?\s+(?:we|that's)\b.*\b(?:it|then)\b", re.I), 0.3),
)
ACTION_CUES = (
    (SELF_COMMIT, 2.0),
    (ASKED, 1.5),
    (re.compile(r"\b(?:action item|to-?do|homework|assignment|responsible for|in charge of)\b", re.I), 2.0),
    (
        re.compile(
            r"\b(?:will|'ll|going to|gonna|has to|have to|needs? to)\s+(?:send|prepare|check|make|write|"
            r"look(?!\s+like)|work|call|email|mail|finish|bring|find|set up|organi[sz]e|draft|update|share|ask|present|"
            r"design|research|investigate|contact|book|schedule|review|test|build|fix|buy|order|bring|pick up|"
            r"pay|plan|clean|print|collect|arrange|invite|remind|finish)\b",
            re.I,
        ),
        1.5,
    ),
    (re.compile(r"\bnext (?:meeting|time|session)\b", re.I), 1.0),
    # "Maria will buy the drinks": someone named, then what they will do ("October will be
    # busy" names no one).
    (
        re.compile(
            r"\b(?!(?:It|This|That|There|The|We|They|He|She|You|I|What|Which|Who|So|And|But|If|Everyone|"
            r"Everybody|Someone|Somebody|Nobody|Today|Tomorrow|Tonight|Next|" + NAMED_TIMES + r")\b)"
            r"[A-Z][a-z]+(?: [A-Z][a-z]+)? (?:will|is going to|has to|needs to|should)\s+\w+"
        ),
        2.0,
    ),
)

# Saying what one is about to do in the meeting itself is not an action item ("I'll tell you
# about the setting"; "I will tell the board on Monday" is one).
MEETING_TALK = re.compile(
    # "..., some of which you will hear about today" (QMSum, introducing the people) is no task of the listeners'.
    r"\byou(?:'ll| will)\s+(?:hear|see|notice)\b|"
    r"\b(?:I'll|I will|I'm going to|I'm gonna|let me|I can|we'll|let's)\s+(?:just\s+|now\s+|first\s+)?"
    r"(?:tell (?:you|us|everyone|everybody)|show|explain|introduce|start|begin|go through|go on|talk|say|"
    r"pass|hand|sit|try|read|see|think|give you|draw|move on|switch|open|close|sum up|summari[sz]e|repeat|"
    r"ask you|continue|stop|wait|check the time|(?:direct|guide|take|walk|lead) (?:you|us|everyone|everybody) "
    r"through)\b",
    re.I,
)
# Saying when one is free is no task: "I can do earlier in the day on Thursday, or most of the
# time on Friday" (a scheduling turn of QMSum's meeting) was an action item; "I can do the slides
# by Thursday" still is one.
AVAILABILITY = re.compile(
    r"\bI (?:can|could) (?:do|make) (?:it\s+)?(?:earlier|later|any ?time|most|mornings?|afternoons?|evenings?|"
    r"(?:on )?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?|tomorrow|today|next|this (?:week|month))\b",
    re.I,
)
# What everyone must mind, not who does what: "The only thing we have to look after is that we use
# different colours" (TS3003a's drawing exercise) was an action item.
WHAT_MATTERS = re.compile(
    r"\bthe (?:only|main|one|important) thing (?:we|you)(?:'ve| have| need| got)? (?:got )?to\b[^.!?]{0,40}?"
    r"\bis that\b",
    re.I,
)
# Wondering whether one has to do something asks, it commits no one: "Okay, just wondering if I
# need to include it in the minutes" (ES2002d) became "B will include the minutes ...".
WONDERING = re.compile(r"\b(?:wondering|wondered|wonder|not sure|unsure) (?:if|whether)\b", re.I)
# What the meeting is for, not what it decided: "The end result of this meeting has to be a decision".
MEETING_PURPOSE = re.compile(
    r"\b(?:end result|outcome|goal|purpose|aim|point|result|objective) of (?:this|the|today's) (?:meeting|session)\b",
    re.I,
)
# A sentence that opens on a condition weighs a case, it decides nothing: "If it's a discourse
# initial phrase, we will have nothing in the discourse history" became the decision "The team
# will have nothing in the discourse history."; "So if we want to build it with Bluetooth, then
# the TV should have Bluetooth too". (An action item may be conditional: "If it rains, I'll call";
# "I suppose we decided on blue" is no condition.)
HYPOTHETICAL = re.compile(
    r"^\W*(?:(?:and|so|but|well|okay|ok|then|now|I|um|uh)\W+)*(?:if|unless|in case|supposing|assuming)\b",
    re.I,
)
MEETING_THINGS = re.compile(
    r"\b(?:pen|slides?|presentation|powerpoint|microphones?|whiteboard|agenda|"
    r"camera|laptop|screen)\b",
    re.I,
)


VAGUE = re.compile(r"\b(?:do (?:it|that|this)|will do|that one|this one|it then|on it)\b", re.I)
NEIGHBOURS = 2  # candidates this close are one item said in several turns


@dataclass(frozen=True)
class Candidate:
    utterance: Utterance
    text: str  # the sentence(s) that carry the cue
    score: float
    following: tuple[Utterance, ...]  # what was said right after (who agreed to a request)
    before: Utterance | None = None  # what was said right before (what "I'll do it" refers to)

    @property
    def line(self) -> str:
        """The candidate as the rewrite prompt shows it: who said it, with what it answers when
        it is vague ('I'll do it'), and the reply when it is a request ('can you...?' 'sure')."""

        def said(u: Utterance, text: str | None = None) -> str:
            return f"{u.speaker}: {text or u.text}" if u.speaker else (text or u.text)

        parts = [said(self.utterance, self.text)]
        if self.before is not None and VAGUE.search(self.text):
            parts.insert(0, said(self.before))
        reply = self.following[0] if self.following else None
        if (
            reply
            and reply.speaker
            and reply.speaker != self.utterance.speaker
            and ASKED.search(self.text)
            and len(reply.text.split()) <= 12
        ):
            parts.append(said(reply))
        return " ".join(parts)

    @property
    def context(self) -> str:
        """Everything the candidate's wording may draw on."""
        near = [self.before] if self.before is not None else []
        return " ".join([self.line] + [u.text for u in near + list(self.following)])


# Where one run-on sentence goes on to the next thing someone will do: "..., and we'll update the
# budget by Friday and then we'll write the press release" is two items, not one. Or to what
# someone can do then: "I'll put the minutes in the project folder, and then we can all work" is
# the one item, its clause without a cue dropped.
CLAUSE_BREAK = re.compile(
    r"(?:,?\s+and(?:\s+then)?|,\s+then)\s+(?=(?:I|we|you|he|she|they)(?:'ll|'re going to| will| are going to|"
    r" can| could)\s|"
    r"(?!(?:It|This|That|There|The)\b)[A-Z][a-z]+ will\s)"
)
SHORTEST_CLAUSE = 4  # words
RUN_ON_BONUS = 0.75


def _clauses(sentence: str) -> list[str]:
    """The sentence cut where it goes on to another commitment, at the breaks that leave a clause
    of its own (SHORTEST_CLAUSE words or more) on each side: "Okay, then I'll put the minutes in
    the folder, and then we can all work" is cut once, after "folder"."""
    parts: list[str] = []
    begin = 0
    for brk in CLAUSE_BREAK.finditer(sentence):
        before, after = sentence[begin : brk.start()], sentence[brk.end() :]
        if len(before.split()) >= SHORTEST_CLAUSE and len(after.split()) >= SHORTEST_CLAUSE:
            parts.append(before.strip(" ,"))
            begin = brk.end()
    if not parts:
        return [sentence]
    return [*parts, sentence[begin:].strip(" ,")]


# Words in quotation marks are someone's words reported, not said to the meeting: "this module
# comes along and says "hey, right now we need to ask a question"" commits no one.
QUOTED = re.compile(r'"[^"]*"|\u201c[^\u201d]*\u201d')


def _cue_score(text: str, cues) -> float:
    unquoted = QUOTED.sub(" ", text)
    return sum(weight for pattern, weight in cues if pattern.search(unquoted))


def _cue_sentences(text: str, cues) -> list[tuple[str, float]]:
    """Each sentence of text that carries a cue, with its score (and with the sentence after it
    when it is short); a sentence that runs on from one commitment to the next counts as its
    clauses. Every one counts: a long turn, or a transcript without speaker labels whose turns
    run together, can hold several commitments."""
    sentences = split_sentences(text) or [text]
    found: list[tuple[str, float]] = []
    for index, sentence in enumerate(sentences):
        clauses = _clauses(sentence)
        if len(clauses) > 1:
            scores = [_cue_score(clause, cues) for clause in clauses]
            # Commitments said one after another ("we'll update the budget by Friday and then we'll
            # write the press release") are a list: each counts more than it would alone.
            listed = RUN_ON_BONUS if sum(score > 0 for score in scores) >= 2 else 0.0
            found.extend((clause, score + listed) for clause, score in zip(clauses, scores, strict=True) if score > 0)
            continue
        score = _cue_score(sentence, cues)
        if score > 0:
            if len(sentence.split()) < 8 and index + 1 < len(sentences):
                sentence = f"{sentence} {sentences[index + 1]}"
            found.append((sentence, score))
    return found


def _candidates(utterances: Sequence[Utterance], cues, kind: str) -> list[Candidate]:
    out = []
    for position, utterance in enumerate(utterances):
        for sentence, score in _cue_sentences(utterance.text, cues):
            sentence = ANSWER_NO.sub("", sentence)
            candidate = _candidate(utterances, position, sentence, score, kind)
            if candidate is not None:
                out.append(candidate)
    return out


def _candidate(
    utterances: Sequence[Utterance], position: int, sentence: str, score: float, kind: str
) -> Candidate | None:
    n_words = len(sentence.split())
    informative = len(set(content_words(sentence)))
    if n_words < 5 or informative < 2 or MEETING_TALK.search(sentence) or MEETING_PURPOSE.search(sentence):
        return None
    if kind == "action" and any(p.search(sentence) for p in (AVAILABILITY, WHAT_MATTERS, WONDERING)):
        return None
    if kind == "decision" and HYPOTHETICAL.match(sentence):
        return None
    if MEETING_THINGS.search(sentence):
        score -= 1.5
    if sentence.rstrip().endswith("?") and not (kind == "action" and ASKED.search(sentence)):
        score -= 1.5
    if n_words > 45:
        score -= 1.0
    if kind == "action" and date_phrases(sentence):
        score += 1.5
    score += min(informative, 8) / 4
    following = tuple(utterances[position + 1 : position + 3])
    before = utterances[position - 1] if position > 0 else None
    return Candidate(utterances[position], sentence, score, following, before)


def find_decisions(utterances: Sequence[Utterance], limit: int) -> list[Candidate]:
    return _best(_candidates(utterances, DECISION_CUES, "decision"), limit, minimum=3.0)


def find_actions(utterances: Sequence[Utterance], limit: int) -> list[Candidate]:
    return _best(_candidates(utterances, ACTION_CUES, "action"), limit, minimum=3.0)


def _best(candidates: list[Candidate], limit: int, minimum: float) -> list[Candidate]:
    strong = sorted((c for c in candidates if c.score >= minimum), key=lambda c: -c.score)
    chosen: list[Candidate] = []
    for candidate in dedupe(strong, lambda c: c.text, threshold=0.5):
        if any(_same_item(candidate, other) for other in chosen):
            continue  # the same item, asked for and agreed to over a few turns: keep its best turn
        chosen.append(candidate)
        if len(chosen) == limit:
            break
    return sorted(chosen, key=lambda c: c.utterance.index)


def _same_item(a: Candidate, b: Candidate) -> bool:
    if abs(a.utterance.index - b.utterance.index) > NEIGHBOURS or a.utterance.index == b.utterance.index:
        return False  # far apart, or two sentences of one turn (dedupe() already dropped repeats)
    if VAGUE.search(a.text) or VAGUE.search(b.text):
        return True
    # A request and its acceptance share a few words; two people's own commitments share more.
    asked = ASKED.search(a.text) or ASKED.search(b.text)
    return item_similarity(a.text, b.text) >= (0.3 if asked else 0.5)


def word_weights(utterances: Sequence[Utterance]) -> dict[str, float]:
    """Content words weighted by how many utterances use them (log-damped)."""
    counts: Counter = Counter()
    for utterance in utterances:
        counts.update(set(content_words(utterance.text)))
    return {word: math.log1p(n) for word, n in counts.items() if n > 1}


def salience(text: str, weights: dict[str, float]) -> float:
    tokens = content_words(text)
    if not tokens:
        return 0.0
    return sum(weights.get(t, 0.0) for t in set(tokens)) / math.sqrt(len(words(text)) + 4)


def salient_sentences(utterances: Sequence[Utterance], weights: dict[str, float]) -> list[tuple[str, Utterance]]:
    """The sentences of some utterances, most informative first (8-40 words rank above others)."""
    scored: list[tuple[float, int, str, Utterance]] = []
    for utterance in utterances:
        for sentence in split_sentences(utterance.text) or [utterance.text]:
            n = len(sentence.split())
            score = salience(sentence, weights) * (1.0 if 8 <= n <= 40 else 0.2)
            if sentence.rstrip().endswith("?"):
                score *= 0.6
            scored.append((-score, len(scored), sentence, utterance))
    return [(sentence, utterance) for _, _, sentence, utterance in sorted(scored, key=lambda s: s[:2])]


# Words people say a lot in any meeting that name no topic.
GENERIC = frozenset(
    """
good great morning afternoon evening everyone everybody today time people question questions idea ideas
point fine nice little much many first next last need want make take look give come work done thanks
thank meeting team guys anyway course whole bunch hello welcome talk talking said says start part
whether whatever problem problems something anything everything nothing somebody someone able sure mean
means better best different important interesting possible probably basically exactly obviously
certain really pretty quite enough else kinds sorts times ways lots case cases example examples fact
""".split()
)


GENERIC_STEMS = frozenset(GENERIC | {stem(w) for w in GENERIC})


def names_a_topic(text: str) -> bool:
    """False for a sentence made only of words any meeting says: "Some work needs to be done."
    (QMSum's note and first overview sentence) tells a reader nothing about this one."""
    return any(w not in GENERIC_STEMS for w in content_words(text))


def keyword_title(utterances: Sequence[Utterance], limit: int = 3) -> str:
    """'Remote, design and buttons': the meeting's most used topic words, as a last-resort title."""
    counts: Counter = Counter()
    surface: dict[str, str] = {}
    for utterance in utterances:
        for token in re.findall(r"[A-Za-z][A-Za-z\-]{3,}", utterance.text):
            lower = token.lower()
            if lower in STOPWORDS or lower in GENERIC:
                continue
            counts[lower] += 1
            surface.setdefault(lower, token if token.isupper() else lower)
    top = [surface[w] for w, _ in counts.most_common(limit)]
    if not top:
        return "Conversation"
    if len(top) == 1:
        return top[0].capitalize()
    return (", ".join(top[:-1]) + " and " + top[-1]).capitalize()
