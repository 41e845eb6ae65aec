"""Word error rate: the word-level edit distance between a reference and a transcript,
divided by the number of reference words, after both are normalized the same way.

Used by the speech tests, bench/speech.py and the self-test, so all three measure alike.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def normalize_words(text: str) -> list[str]:
    """Lower case, accents and punctuation dropped, hyphenated words split: "Talk-back,"
    and "talk back" compare equal."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = folded.replace("’", "'").replace("-", " ")
    return _WORD.findall(folded)


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    """Substitutions + deletions + insertions turning reference into hypothesis.

    One row of the classic table per reference word, computed with numpy: the insertion
    chain current[j] = min(current[j], current[j-1] + 1) is j + the running minimum of
    (current[k] - k), so an hour-long transcript takes seconds, not minutes."""
    vocabulary: dict[str, int] = {}
    hyp = np.array([vocabulary.setdefault(word, len(vocabulary)) for word in hypothesis], dtype=np.int64)
    positions = np.arange(len(hypothesis) + 1, dtype=np.int64)
    previous = positions.copy()
    for i, word in enumerate(reference, start=1):
        word_id = vocabulary.get(word, -1)
        current = np.empty_like(previous)
        current[0] = i
        current[1:] = np.minimum(previous[1:] + 1, previous[:-1] + (hyp != word_id))
        current = positions + np.minimum.accumulate(current - positions)
        previous = current
    return int(previous[-1])


def word_error_rate(reference: str, hypothesis: str) -> float:
    """0.0 for a perfect transcript; can exceed 1.0 when the transcript adds many words.
    An empty reference gives 0.0 for an empty transcript and 1.0 otherwise."""
    ref, hyp = normalize_words(reference), normalize_words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)
