"""What the model writes is checked against the transcript before anyone sees it.

- A sentence is kept only when most of its content words occur in its source, and it names
  no person, number or date that its source does not.
- Each kept item points at the utterance that shares most words with it (its start time).
- An owner is a person of the transcript: a speaker label, the name a speaker gave ("I'm
  Priya"), or a name said in it; never a day, a month or a common noun.
- A rewrite that drops the source's negation ("a bad idea", "not") is refused.
- A due date is only ever a date phrase that was said in the item's source.
- Loops and repeats are cut: repeated sentences, and items close to ones already kept.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TypeVar

from app.assistant.chunking import Utterance
from app.assistant.text_tools import (
    STOPWORDS,
    content_set,
    date_phrases,
    similarity,
    split_sentences,
    stem,
    words,
)

# Words a summary uses to talk about a meeting; they need not occur in the transcript.
FRAMING = frozenset(
    stem(w)
    for w in """
team group meeting meetings discuss discussed discussion discussing talk talked talking mention mentioned
explain explained present presented presentation agree agreed decide decided decision suggest suggested
propose proposed plan planned idea ideas member members participant participants speaker speakers
also consider considered review reviewed point points topic topics note noted raise raised question
questions ask asked answer answered share shared describe described introduce introduced update updated
will would should could need needs needed want wanted start started continue continued end ended begin began
""".split()
)

MIN_COVER = 0.6

T = TypeVar("T")


# Capitalized words that name a time, never a person ("by Friday", "from October 3").
DATE_WORDS = frozenset(
    """
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec today tomorrow tonight yesterday weekend weekday
morning afternoon evening night noon midnight christmas easter
""".split()
)
# Capitalized at the start of a clause or for emphasis, never a person.
NOT_PEOPLE = frozenset(
    """
team everyone everybody anyone anybody someone somebody nobody people guys folks thanks hello hi hey
good great okay sure fine yes no agreed perfect cool right sorry please
""".split()
)
INTRODUCTION = re.compile(r"\b(?:I'm|I am|my name is|[Mm]y name's)\s+([A-Z][a-z]+)")


def is_person_word(token: str) -> bool:
    """False for words that can be capitalized but never name a person (days, months, 'Everyone')."""
    lower = token.lower()
    return lower not in DATE_WORDS and lower not in NOT_PEOPLE and lower not in STOPWORDS


def names_in(segments_or_text: Iterable[str]) -> set[str]:
    """Capitalized words that are used as names: not sentence-initial, not ordinary words, not
    days or months, and never also said in lower case (then it is a common noun: 'the Board'
    beside 'the board')."""
    found: Counter = Counter()
    lower_case: set[str] = set()
    introduced: set[str] = set()
    for text in segments_or_text:
        lower_case.update(t for t in re.findall(r"[A-Za-z][A-Za-z'\-]*", text) if t.islower())
        for sentence in split_sentences(text):
            tokens = re.findall(r"[A-Za-z][A-Za-z'\-]*", sentence)
            # "Leo, where are we?": a sentence that opens by calling someone is put to a person.
            addressed = bool(re.match(r"[A-Z][a-z]+,\s", sentence)) and (
                sentence.rstrip().endswith("?") or bool(ASKED.search(sentence))
            )
            for position, token in enumerate(tokens):
                if (
                    (position == 0 and not addressed)
                    or not token[0].isupper()
                    or token == "I"
                    or not is_person_word(token)
                    or (position == 0 and token.endswith("ly"))
                ):
                    continue
                if token.isupper() and len(token) > 1:
                    continue  # acronyms (LCD, TV) are things, not people
                found[token] += 1
        introduced.update(
            m.group(1)
            for m in re.finditer(r"\b(?:I'm|I am|my name is|this is|it's)\s+([A-Z][a-z]+)", text)
            if is_person_word(m.group(1))
        )
    return {name for name in found if name.lower() not in lower_case} | introduced


def introductions(said: Iterable[tuple[str | None, str]]) -> dict[str, str]:
    """{speaker label: the name that speaker gave} from 'I'm Priya' said under a label."""
    given: dict[str, str] = {}
    for speaker, text in said:
        if not speaker or speaker in given:
            continue
        for match in INTRODUCTION.finditer(text):
            if is_person_word(match.group(1)):
                given[speaker] = match.group(1)
                break
    return given


class NameBook:
    """The people a transcript can name: its speaker labels, the names speakers gave ('I'm
    Priya') and the names said in it. Days, months and common nouns are never people."""

    def __init__(self, speakers: Iterable[str | None], texts: Iterable[str], given: dict[str, str] | None = None):
        texts = list(texts)
        self.speakers = {s for s in speakers if s}
        self.given = dict(given or {})
        self.said = names_in(texts) | set(self.given.values())
        self._lower = {n.lower(): n for n in self.speakers | self.said}
        self._text = "\n".join(texts)

    @classmethod
    def of(cls, said: Sequence[tuple[str | None, str]]) -> NameBook:
        """The book of a transcript given as (speaker, text) pairs."""
        return cls((s for s, _ in said), (t for _, t in said), introductions(said))

    def person(self, speaker: str | None) -> str | None:
        """Who a speaker label is: the name they gave, else the label itself."""
        if not speaker:
            return None
        return self.given.get(speaker) or self.find(speaker)

    def find(self, candidate: str | None) -> str | None:
        """The transcript's own spelling of candidate, or None when it does not occur there.
        Several capitalized words ('Industrial Designer') count when each is a name word of the
        transcript and the transcript says them together."""
        if not candidate:
            return None
        candidate = candidate.strip()
        found = self._lower.get(candidate.lower())
        if found or " " not in candidate:
            return found
        parts = candidate.split()
        if all(p.lower() in self._lower for p in parts) and re.search(rf"\b{re.escape(candidate)}\b", self._text):
            return candidate
        if self._is_title(parts, candidate):
            return candidate
        return None

    def _is_title(self, parts: list[str], candidate: str) -> bool:
        """'our User Interface Designer': a capitalized phrase the transcript says after 'the',
        'our', ..., ending in one of its names. Its other words may be said in lower case too
        ('user friendly'): the phrase as a whole is the person's title, and cutting it to
        'Designer' would name nobody when a meeting has two designers."""
        if parts[-1].lower() not in self._lower or not all(p[0].isupper() and is_person_word(p) for p in parts):
            return False
        determiner = r"\b(?:[Tt]he|[Oo]ur|[Yy]our|[Tt]heir|[Mm]y|[Hh]is|[Hh]er)\s+"
        return re.search(determiner + re.escape(candidate) + r"\b", self._text) is not None

    def is_known(self, token: str) -> bool:
        return token.lower() in self._lower


def capitalized_names(sentence: str) -> list[str]:
    """Capitalized words that a model's sentence presents as names (the first word too, unless
    it is an ordinary word that any sentence may start with)."""
    tokens = re.findall(r"[A-Za-z][A-Za-z'\-]*", sentence)
    return [
        t
        for i, t in enumerate(tokens)
        if t[0].isupper() and t != "I" and t.lower() not in STOPWORDS and (i > 0 or stem(t.lower()) not in FRAMING)
    ]


def numbers_in(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:[.,]\d+)?", text))


# Words a summary must never get wrong: amounts, currencies, days and months. Each one a
# sentence uses has to occur in its source, whatever the share of other words.
CRITICAL = frozenset(
    """
zero one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty
seventy eighty ninety hundred thousand million billion half quarter double twice triple percent
dollar dollars euro euros pound pounds yen cent cents
monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday tonight
january february march april june july august september october november december
""".split()
)


def critical_words(text: str) -> set[str]:
    return {w for w in words(text) if w in CRITICAL}


def supported(
    sentence: str,
    source: str,
    names: NameBook | None = None,
    source_set: set[str] | None = None,
    min_cover: float = MIN_COVER,
) -> bool:
    """True when sentence says nothing its source does not: content words, names, numbers, dates."""
    source_set = source_set if source_set is not None else content_set(source)
    own = content_set(sentence) - FRAMING
    if len(own) < 2:
        return False
    if len(own & source_set) / len(own) < min_cover:
        return False
    lowered = source.lower()
    for name in capitalized_names(sentence):
        if name.lower() not in lowered and not (names and names.is_known(name)):
            return False
    if not numbers_in(sentence) <= numbers_in(source) or not critical_words(sentence) <= critical_words(source):
        return False
    return all(phrase.lower() in lowered for phrase in date_phrases(sentence))


NEGATIONS = frozenset("not no never nobody nothing cannot without bad wrong against instead".split())


def negations(text: str) -> set[str]:
    return {w for w in words(text) if w in NEGATIONS or w.endswith("n't")}


def keeps_negation(sentence: str, source: str) -> bool:
    """False when the source says 'not', 'never' or 'a bad idea' and the sentence says none of
    it: 'launching with a broken flow is a bad idea' is not 'agreed to launch with a broken flow'."""
    return not negations(source) or bool(negations(sentence))


def copied(sentence: str, source: str, n: int = 4, share: float = 0.6) -> bool:
    """True when most of the sentence's word n-grams are in the source: a quote, not a note."""
    tokens = words(sentence)
    if len(tokens) < n:
        return " ".join(tokens) in " ".join(words(source))
    grams = {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}
    source_tokens = words(source)
    source_grams = {tuple(source_tokens[i : i + n]) for i in range(len(source_tokens) - n + 1)}
    return len(grams & source_grams) / len(grams) >= share


def best_utterance(sentence: str, utterances: Sequence[Utterance]) -> Utterance | None:
    """The utterance sharing most content words with sentence (rarer words weigh more)."""
    wanted = content_set(sentence)
    if not utterances:
        return None
    document_freq: Counter = Counter()
    sets = []
    for utterance in utterances:
        words_here = content_set(utterance.text)
        sets.append(words_here)
        document_freq.update(words_here)
    best, best_score = utterances[0], 0.0
    for utterance, words_here in zip(utterances, sets, strict=True):
        score = sum(1.0 / document_freq[w] for w in wanted & words_here)
        if score > best_score:
            best, best_score = utterance, score
    return best


def strip_repetition(text: str) -> str:
    """Drops repeated sentences and cuts a sentence where it starts looping on itself."""
    kept: list[str] = []
    for sentence in split_sentences(text.replace("\n", " ")):
        sentence = _cut_loop(sentence)
        if not sentence:
            continue
        if any(similarity(sentence, earlier) >= 0.8 for earlier in kept):
            continue
        kept.append(sentence)
    return " ".join(kept)


def _cut_loop(sentence: str, n: int = 3) -> str:
    tokens = sentence.split()
    seen: dict[tuple, int] = {}
    for i in range(len(tokens) - n + 1):
        gram = tuple(t.lower().strip(",.;") for t in tokens[i : i + n])
        if gram in seen:
            return " ".join(tokens[:i]).rstrip(",;: ") + ("." if i else "")
        seen[gram] = i
    return sentence


def item_similarity(a: str, b: str) -> float:
    """Dice over content words, leaving out the words every summary line uses ('team discussed')."""
    sa, sb = content_set(a) - FRAMING, content_set(b) - FRAMING
    if not sa or not sb:
        return similarity(a, b)
    return 2 * len(sa & sb) / (len(sa) + len(sb))


def dedupe(items: Sequence[T], text_of=lambda item: item, threshold: float = 0.6) -> list[T]:
    """Items in order, without those too close to one already kept."""
    kept: list[T] = []
    for item in items:
        text = text_of(item)
        if not text.strip():
            continue
        if any(item_similarity(text, text_of(other)) >= threshold for other in kept):
            continue
        kept.append(item)
    return kept


def due_phrase(source_text: str) -> str | None:
    """The first date phrase said in source_text, as it was said."""
    phrases = date_phrases(source_text)
    return phrases[0] if phrases else None


# Someone taking a task on ("I'll ...") or giving it to someone ("can you ...").
# "I can" but not "I can't" (a word boundary falls before the apostrophe): "I can't remember
# which version we used" is no commitment.
SELF_COMMIT = re.compile(
    r"\b(?:I'll|I will|I'm going to|I am going to|I'm gonna|I can(?!['\u2019]t)|I have to|I need to|"
    r"let me|I'd like to|I shall)\b",
    re.IGNORECASE,
)
ASKED = re.compile(
    r"\b(?:you'll|you will|can you|could you|would you|you should|you're going to|"
    r"you are going to|please)\b",
    re.IGNORECASE,
)
