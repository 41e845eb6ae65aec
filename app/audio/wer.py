"""Word error rate: jiwer's word-level edit distance over the number of reference words, after
both texts are normalized the same way (Confide's rule, below).

Used by `confide --self-test` (so it lives in app/, not in bench/ or tests/), the speech tests
and bench/speech.py, so all three measure alike.
"""

from __future__ import annotations

import re
import unicodedata

import jiwer

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def normalize_words(text: str) -> list[str]:
    """Lower case, accents and punctuation dropped, hyphenated words split: "Talk-back,"
    and "talk back" compare equal."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = folded.replace("’", "'").replace("-", " ")
    return _WORD.findall(folded)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """0.0 for a perfect transcript; can exceed 1.0 when the transcript adds many words.
    An empty reference gives 0.0 for an empty transcript and 1.0 otherwise (jiwer refuses it)."""
    ref, hyp = normalize_words(reference), normalize_words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.wer(" ".join(ref), " ".join(hyp)))
