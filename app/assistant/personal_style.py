"""The user's own way of writing, learned from up to three replies they picked or sent before.

The examples also go into the prompt; this is the part that does not depend on a small model
noticing them: the greeting they open with, an emoji they always use, all-lowercase writing,
a sign-off line they always add, and about how long their messages are. Only habits shared by
most of the examples count, so one odd message changes nothing.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.assistant.text_tools import split_sentences, words

EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2764]\ufe0f?|[:;]-?[)D(P]")
GREETING = re.compile(r"^(hey|hi|hello|hiya|yo|dear|morning|good morning|howdy)\b[!,.]?", re.IGNORECASE)


@dataclass(frozen=True)
class Style:
    greeting: str | None = None
    emoji: str | None = None
    lowercase: bool = False
    sign_off: str | None = None
    typical_words: int | None = None  # the median length of their messages

    @classmethod
    def learn(cls, examples: Sequence[str]) -> Style:
        examples = [e.strip() for e in examples if e and e.strip()][:3]
        if not examples:
            return cls()
        most = len(examples) // 2 + 1  # a habit is what most examples share

        def habit(counter: Counter, at_least: int = most):
            return next((item for item, n in counter.most_common() if n >= at_least), None)

        greetings = Counter(m.group(0) for m in (GREETING.match(e) for e in examples) if m)
        emoji = habit(Counter(e for example in examples for e in set(EMOJI.findall(example))))
        letters = "".join(ch for e in examples for ch in e if ch.isalpha())
        lowercase = len(examples) >= 2 and len(letters) >= 12 and letters == letters.lower()
        closings: Counter = Counter()
        for example in examples:
            lines = [line.strip() for line in example.split("\n") if line.strip()]
            if len(lines) >= 2 and len(words(lines[-1])) <= 4 and not lines[-1].endswith("?"):
                closings[lines[-1]] += 1
        typical = int(statistics.median(len(words(e)) for e in examples)) if len(examples) >= 2 else None
        return cls(habit(greetings, max(2, most)), emoji, lowercase, habit(closings, max(2, most)), typical)


def apply_style(text: str, style: Style, limits: tuple[int, int]) -> str:
    """The draft with the user's habits; never outside the length limits."""
    low, high = limits
    out = _about_their_length(text.strip(), style.typical_words, low)
    if style.greeting and not GREETING.match(out) and len(words(out)) + 1 <= high:
        joined = out[:1].lower() + out[1:] if style.greeting.endswith(",") and not out.startswith("I ") else out
        out = f"{style.greeting} {joined}"
    if (
        style.sign_off
        and style.sign_off.lower() not in out.lower()
        and len(words(out)) + len(words(style.sign_off)) <= high
    ):
        out = f"{out}\n{style.sign_off}"
    if style.emoji and style.emoji not in out:
        lines = out.split("\n")
        body = len(lines) - 2 if style.sign_off and len(lines) > 1 and lines[-1] == style.sign_off else len(lines) - 1
        lines[body] = f"{lines[body]} {style.emoji}"
        out = "\n".join(lines)
    if style.lowercase:
        out = out.lower()
    return out


def _about_their_length(text: str, typical: int | None, low: int) -> str:
    """Someone who writes eight words is not sent forty: whole sentences up to about twice
    their usual length (never fewer than the minimum, never a cut sentence)."""
    if not typical:
        return text
    room = max(low, 2 * typical, 8)
    if len(words(text)) <= room:
        return text
    kept: list[str] = []
    for sentence in split_sentences(text):
        if kept and len(words(" ".join(kept + [sentence]))) > room:
            break
        kept.append(sentence)
    return " ".join(kept)
