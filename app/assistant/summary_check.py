"""Which sentences of a model's answer hold up against the text they sum up: the one check that
notes, overview sentences and rewritten decisions and action items all pass (summarize.py)."""

from __future__ import annotations

import re

from app.assistant import prompts
from app.assistant.anchoring import anchored, quotes_said
from app.assistant.grounding import FRAMING, MIN_COVER, NameBook, copied, item_similarity, strip_repetition, supported
from app.assistant.text_tools import content_set, split_sentences, stem
from app.assistant.wording import CLAUSE_BREAK, done_but_promised, shorter_versions, tidy

# The prompt said back ("Notes on a meeting: ...") is no note about the meeting.
ECHO = re.compile(
    r"\b(?:in order:|notes on a (?:meeting|conversation)|transcript:|summarize what|"
    r"write a short overview)",
    re.I,
)

# "The team emphasized that while they're not completely disagreeing about what's best for
# teamwork." (SmolLM2, AMI ES2002d): a concession whose main clause never came says nothing.
HANGING_CONCESSION = re.compile(r"\bthat (?:while|although|though|whereas|even though)\b[^,;]*$", re.IGNORECASE)

# A clause a small model adds to a true one is where it invents ("The team discussed the idea of a
# remote control for television, which is now available on demand."): past the first clause, each
# must hold this share of its own words.
TAIL_COVER = 0.85
LINKING = frozenset(stem(w) for w in "including included emphasizing emphasized focusing focused highlighting".split())


def tails_hold(sentence: str, source_words: set[str]) -> bool:
    """True when every clause after the first says (almost) only what the source does."""
    cuts = [m.start() for m in CLAUSE_BREAK.finditer(sentence)]
    for begin, end in zip(cuts, [*cuts[1:], len(sentence)], strict=False):  # no cut: one clause, nothing to check
        own = content_set(sentence[begin:end]) - FRAMING - LINKING
        if own and len(own & source_words) / len(own) < TAIL_COVER:
            return False
    return True


def checked_sentences(
    answer: str, source: str, names: NameBook, min_cover: float = MIN_COVER, copy_check: bool = False
) -> list[str]:
    """The sentences of a model's answer that hold up against source; echoes of the prompt,
    copies of its worked examples and (with copy_check) lines copied from the transcript
    are not notes about this meeting."""
    answer = re.sub(r"(?:^|\s)[-*\u2022]\s+", "\n", answer)  # bullets the model wrote inline
    source_words = content_set(source)
    kept = []
    for sentence in split_sentences(strip_repetition(answer)):
        sentence = tidy(sentence)
        if not sentence or ECHO.search(sentence):
            continue
        if any(item_similarity(sentence, example) >= 0.5 for example in prompts.EXAMPLE_ANSWERS):
            continue
        if copy_check and copied(sentence, source):
            continue
        for version in shorter_versions(sentence):  # the whole sentence, else its leading clauses
            if (
                done_but_promised(version, source)
                or not anchored(version, source)
                or not quotes_said(version, source)
                or HANGING_CONCESSION.search(version)
            ):
                continue
            if supported(version, source, names, source_words, min_cover=min_cover) and tails_hold(
                version, source_words
            ):
                kept.append(version)
                break
    return kept
