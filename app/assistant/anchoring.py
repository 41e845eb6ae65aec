"""A number or a day in a summary keeps the company it had when it was said. Grounding finds
every word, name and date of a note in the transcript, but not whether they belong together:
"the refund flow, which was confirmed to be October 17" is made of true words where October 17
was the launch's new date, said in a line with no refund flow in it."""

from __future__ import annotations

import re

from app.assistant.grounding import DATE_WORDS, FRAMING
from app.assistant.text_tools import content_set, split_sentences, stem, words

# Words that only say "a time" or "an amount": "the new date is March 3" needs no more company.
_PLAIN = frozenset(
    stem(w)
    for w in """
date dates day days week weeks month months year years time times deadline schedule new next last
number numbers amount total around about least most confirmed set fixed expected planned
""".split()
)
# Where a sentence breaks into clauses; a relative clause ("which was ...") belongs to the one before.
_CLAUSE = re.compile(r"[,;:]\s+|\s+(?=(?:which|who|where|while|because|but)\b)")
_RELATIVE = re.compile(r"^(?:which|who|that|where)\b", re.IGNORECASE)


def markers(text: str) -> set[str]:
    """The numbers, weekdays and months of a text, lower-cased."""
    return {w for w in words(text) if any(c.isdigit() for c in w) or w in DATE_WORDS}


def anchored(sentence: str, source: str) -> bool:
    """True when every number, weekday or month of sentence occurs in a sentence of source that
    shares a word with the clause it stands in (or says nothing more than "a time")."""
    wanted = markers(sentence)
    if not wanted:
        return True
    said = [(markers(s), content_set(s)) for line in source.splitlines() for s in split_sentences(line)]
    for clause in _clauses(sentence):
        for marker in markers(clause) & wanted:
            company = content_set(clause) - FRAMING - _PLAIN - {stem(w) for w in markers(clause)}
            homes = [words_said for found, words_said in said if marker in found]
            if company and homes and not any(company & words_said for words_said in homes):
                return False
    return True


def _clauses(sentence: str) -> list[str]:
    """The clauses of sentence, a relative clause joined to the one it describes."""
    joined: list[str] = []
    for part in (p.strip() for p in _CLAUSE.split(sentence)):
        if not part:
            continue
        if joined and _RELATIVE.match(part):
            joined[-1] = f"{joined[-1]} {part}"
        else:
            joined.append(part)
    return joined


# A span in quotation marks: straight or curly, of at most 12 words (a longer run between two
# marks is more likely two quotes' edges than one quote).
QUOTED = re.compile(r"[\"\u201c]\s*([^\"\u201c\u201d]{1,120}?)\s*[\"\u201d]")


def quotes_said(sentence: str, source: str) -> bool:
    """True when every span the sentence puts in quotation marks is said in source, word for
    word: "a new plan based on the idea of "creating a blueprint"" claims words that the meeting
    ("we already have sort of a nice blueprint") never said."""
    spans = [words(m.group(1)) for m in QUOTED.finditer(sentence)]
    spans = [span for span in spans if 0 < len(span) <= 12]
    if not spans:
        return True
    said = " " + " ".join(words(source)) + " "
    return all(f" {' '.join(span)} " in said for span in spans)
