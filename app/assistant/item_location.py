"""Where an item of a model's answer was said: the utterance its quote was copied from, else
the one that says most of its own words (structured_grounding.py checks the item against it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.assistant.chunking import Utterance
from app.assistant.grounding import FRAMING, best_utterance
from app.assistant.text_tools import content_set, split_label, split_sentences, words

MIN_QUOTE_COVER = 0.6  # share of a quote's content words that its utterance must hold
MIN_TEXT_COVER = 0.5  # share of a text's content words that its source must hold


@dataclass(frozen=True)
class Quoted:
    """Where an item was said: the utterance, the sentence of it, and its neighbours."""

    utterance: Utterance
    sentence: str
    before: Utterance | None
    after: tuple[Utterance, ...]

    @property
    def context(self) -> str:
        around = [self.before] if self.before else []
        return "\n".join(u.line for u in [*around, self.utterance, *self.after[:1]])


def locate(quote: str, text: str, utterances: Sequence[Utterance]) -> Quoted | None:
    """The utterance an item comes from: the one its quote was copied from (its words in order,
    else most of its content words), else the one that says most of the item's own words; None
    when no utterance of the chunk says it."""
    if not utterances:
        return None
    position = _quoted_at(quote, utterances)
    if position is None:
        own = content_set(text) - FRAMING
        best = best_utterance(text, utterances) if own else None
        if best is None or len(own & content_set(best.line)) / len(own) < MIN_TEXT_COVER:
            return None
        position = utterances.index(best)
    utterance = utterances[position]
    wanted = content_set(quote) or content_set(text)
    sentences = split_sentences(utterance.text) or [utterance.text]
    sentence = max(sentences, key=lambda s: len(content_set(s) & wanted))
    return Quoted(
        utterance,
        sentence,
        utterances[position - 1] if position else None,
        tuple(utterances[position + 1 : position + 3]),
    )


def _quoted_at(quote: str, utterances: Sequence[Utterance]) -> int | None:
    _, said = split_label(quote or "")
    said = said.strip().strip('"\u201c\u201d')
    if len(words(said)) < 2:
        return None
    wanted = " ".join(words(said))
    for position, utterance in enumerate(utterances):
        if wanted in " ".join(words(utterance.text)):
            return position
    best = best_utterance(said, utterances)
    own = content_set(said)
    if best is None or not own or len(own & content_set(best.text)) / len(own) < MIN_QUOTE_COVER:
        return None
    return utterances.index(best)
