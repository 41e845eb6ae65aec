"""An answer from the history, and what makes a sentence of one an answer at all (confide ask).

ask_history.py checks an answer against numbered passages, stretch_answer.py against a stretch
of talk; both keep a sentence only when it answers: not a question, not the question said back,
not a sentence left hanging, not speaker labels offered as the answer to a question about what.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.assistant.grounding import FRAMING
from app.assistant.summary_title import VAGUE
from app.assistant.text_tools import content_set, stem
from app.assistant.wording import says_no_verb
from app.records import Citation

NOT_FOUND = "I could not find that in your history."
CITATION = re.compile(r"\s*\[(\d{1,2})\]")
# "... on Thursday. [1]" cites the sentence before the marker: it moves inside ("Thursday [1].").
MARKER_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d{1,2}\])+)")
SAYS_NOT_FOUND = re.compile(r"\bnot found\b|\b(?:do(?:es)? not|don't|doesn't) (?:say|mention)\b", re.IGNORECASE)
BEGINS = re.compile(r"[\"“‘'(]?[A-Z0-9]")  # how a sentence of an answer begins
ASKING = frozenset(stem(w) for w in "think thought thinks say said says feel felt opinion".split())
SAYS_NOTHING = frozenset(stem(w) for w in "detail details detailed depth length importance".split())
DANGLING = frozenset("a an the of in on at to for with by from and or but into than".split())  # never last
LAST_WORD = re.compile(r"([\w']+)\W*$")
ASKS_WHO = re.compile(r"^\s*(?:who|whom|whose)\b|\bwhich (?:person|people|one of us)\b", re.IGNORECASE)
# What someone thought or said, reported: begun with a preposition, it needs a verb of its own
# ("that by adding rules, they could ..."; not "that by adding rules.").
REPORTED = re.compile(
    r"\b(?:thought|believed|said|felt|suggested|proposed|mentioned|reported|argued|noted|explained|agreed) "
    r"that\s+((?:by|with|for|in|on|to|from|about|through|without|such as)\b.*)",
    re.IGNORECASE,
)
LOOSE_END = re.compile(r"[\s,;:-]+(?:" + "|".join(sorted(DANGLING)) + r")\s*$", re.IGNORECASE)
# "PhD A: ...", "Grad D: ..." inside a passage: who spoke, not what they spoke of.
LABEL = re.compile(r"(?:^|(?<=\s))([A-Z][\w.'-]*(?: [A-Z0-9][\w.'-]*)?):(?=\s|$)", re.MULTILINE)


@dataclass(frozen=True)
class HistoryAnswer:
    question: str
    text: str
    citations: tuple[Citation, ...]
    quoted: bool = False  # the answer is what the history said, not the model's own words

    @property
    def found(self) -> bool:
        return bool(self.citations)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "found": self.found,
            "citations": [c.to_json() for c in self.citations],
        }


def label_words(texts: Iterable[str]) -> frozenset[str]:
    """The words of the speaker labels that texts of talk hold ("PhD A: ..." -> "phd")."""
    return frozenset(w for text in texts for label in LABEL.findall(text) for w in content_set(label))


def spoken_turns(quote: str) -> tuple[str | None, str]:
    """A quote of talk ("PhD A: the two levels ... Grad D: PhD A: and the other is ...") without
    the labels of turns that said nothing once cleaned (Grad D's "uh") nor a label that repeats
    the one before it; (the speaker, the words) when one person says all of it, else (None, the
    quote with its labels)."""
    turns: list[tuple[str | None, str]] = []
    labels = list(LABEL.finditer(quote))
    if not labels or quote[: labels[0].start()].strip():
        turns.append((None, quote[: labels[0].start() if labels else len(quote)].strip()))
    for n, label in enumerate(labels):
        said = quote[label.end() : labels[n + 1].start() if n + 1 < len(labels) else len(quote)].strip()
        if not said:
            continue
        if turns and turns[-1][0] == label.group(1):
            turns[-1] = (label.group(1), f"{turns[-1][1]} {said}")
        else:
            turns.append((label.group(1), said))
    if len(turns) == 1:
        who, said = turns[0]
        return who, said[:1].upper() + said[1:]
    return None, " ".join(f"{who}: {said}" if who else said for who, said in turns)


def without_loose_end(said: str) -> str:
    """A quote without the word its turn broke off after ("... a well-defined interface. and"):
    it reads as cut short, and says nothing."""
    return LOOSE_END.sub("", said) or said


def answers(sentence: str, question: str, labels: frozenset[str] = frozenset()) -> bool:
    """False for what is no answer: a question ("So where else could you store your data?"), the
    question said back ("The Professor thought about hiring Fey.", "The team discussed the parser
    interface in detail."), a sentence left hanging ("... the subject intention in.", "He believed
    that by adding rules."), or, unless the question asks who, speaker labels offered as the
    answer ("The SmartKom modules are Grad D and Grad B.", Qwen 0.5B)."""
    last = LAST_WORD.search(sentence)
    # Case kept: "... described by PhD A." ends on a label, "... the subject intention in." hangs.
    if sentence.rstrip().endswith("?") or (last is not None and last.group(1) in DANGLING):
        return False
    reported = REPORTED.search(sentence)
    if reported is not None and says_no_verb(reported.group(1)):
        return False  # "He believed that by adding rules.": what he believed was cut away
    new = content_set(sentence) - content_set(question) - FRAMING - ASKING - VAGUE - SAYS_NOTHING
    if not ASKS_WHO.search(question):
        new -= labels
    return bool(new)
