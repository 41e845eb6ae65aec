"""A summary's title: the model's, when it holds up against the overview and the transcript;
else the first of the overview's sentences (then of the key points) that does, cut to a phrase;
else the meeting's own keywords. In a long meeting a title also names something talked about in
more than one part of it: the small talk a meeting opens with ("We're having a tiramisu tasting
contest this weekend", QMSum's Bayes-net meeting) is often the overview's first note, and never
its subject."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

from app.assistant import prompts
from app.assistant.chunking import Utterance
from app.assistant.extract import keyword_title
from app.assistant.generation import ask, fits, guarded
from app.assistant.grounding import (
    FRAMING,
    NameBook,
    capitalized_names,
    critical_words,
    item_similarity,
    keeps_negation,
    numbers_in,
)
from app.assistant.summary_options import SummaryOptions
from app.assistant.text_tools import content_set, split_sentences, stem
from app.assistant.wording import TITLE_WORDS, short_title, tidy
from models.slm.api import LanguageModel

LONG_MEETING = 40  # utterances: below this, a meeting has no parts to tell its subject by
PARTS = 4
# "Emphasized that while they're not completely disagreeing" cut to a title: half a clause.
SUBORDINATE = re.compile(r"(?:that|while|although|though|because|since|if|whether|so)\b", re.IGNORECASE)
# Words that name no subject: "A range of topics" (SmolLM2's title for AMI TS3007b) says nothing
# a reader could find the meeting by.
VAGUE = frozenset(
    stem(w)
    for w in """
range variety various number several lot lots kind kinds sort sorts thing things stuff issue issues matter
matters aspect aspects area areas general different overview summary important key main
""".split()
)


def summary_title(
    model: LanguageModel,
    overview: str,
    utterances: Sequence[Utterance],
    names: NameBook,
    options: SummaryOptions,
    cancel: threading.Event | None,
    key_points: Sequence[str] = (),
) -> str | None:
    """The title of the summary with this overview; None when cancelled. The key points are
    tried after the overview's sentences, before the keywords: QMSum's Bayes-net overview of one
    sentence, about a parser said in one part only, gave "Three, system and decision"."""
    if not fits(model, prompts.title(overview), options.title_tokens):
        return keyword_title(utterances)
    answer = ask(model, prompts.title(overview), guarded(options.title_tokens, stop_strings=("\n",)), cancel)
    if answer.cancelled:
        return None
    title = short_title(tidy(answer.text.removeprefix("Title:")))
    parts = _parts_saying(utterances)
    if _holds_up(title, overview, utterances, names) and _spread(title, parts):
        return title
    for sentence in [*split_sentences(overview), *key_points]:
        phrase = short_title(sentence)
        if (
            2 <= len(phrase.split()) <= TITLE_WORDS
            and len(content_set(phrase) - FRAMING - VAGUE) >= 2
            and _spread(phrase, parts)
            and not SUBORDINATE.match(phrase)
        ):
            return phrase
    return keyword_title(utterances)


def _parts_saying(utterances: Sequence[Utterance]) -> dict[str, set[int]] | None:
    """For each word said in a long meeting, the parts of it (quarters, by utterance) it is said
    in; None for a short meeting."""
    if len(utterances) < LONG_MEETING:
        return None
    parts: dict[str, set[int]] = {}
    for index, utterance in enumerate(utterances):
        for word in content_set(utterance.text):
            parts.setdefault(word, set()).add(index * PARTS // len(utterances))
    return parts


def _spread(title: str, parts: dict[str, set[int]] | None) -> bool:
    """Whether the title names something said in more than one part of the meeting (always, in a
    short meeting)."""
    if parts is None:
        return True
    return any(len(parts.get(word, ())) > 1 for word in content_set(title) - FRAMING - VAGUE)


def _holds_up(title: str, overview: str, utterances: Sequence[Utterance], names: NameBook) -> bool:
    own = content_set(title) - FRAMING
    if not 2 <= len(title.split()) <= TITLE_WORDS or not own - VAGUE:
        return False
    invented = [n for n in capitalized_names(title) if not names.is_known(n) and n.lower() not in overview.lower()]
    transcript_words = set().union(*(content_set(u.text) for u in utterances))
    # "M3L API meeting" for a meeting that said "M three L": a number is one the meeting said.
    said_numbers = numbers_in(overview).union(*(numbers_in(u.text) for u in utterances))
    closest = max(split_sentences(overview) or [""], key=lambda s: item_similarity(title, s))
    return (
        not invented
        and not numbers_in(title) - said_numbers
        and not critical_words(title) - critical_words(overview)
        and item_similarity(title, prompts.TITLE_EXAMPLE_ANSWER) < 0.3  # the prompt's example, copied
        and len(own & transcript_words) / len(own) >= 0.75
        # "Launch on October 3" for "the team should not launch on October 3"
        and all(keeps_negation(title, clause) for clause in _clauses(closest) if own & content_set(clause))
    )


def _clauses(sentence: str) -> list[str]:
    """A sentence's clauses, so that a 'not' in one of them binds only a title about that one:
    "...testing needs another week, which led to a decision not to launch on October 3" keeps
    the title "Payment provider refund flow testing"."""
    return [c for c in re.split(r"[,;]|\b(?:which|but|while|whereas|although)\b", sentence) if c.strip()]
