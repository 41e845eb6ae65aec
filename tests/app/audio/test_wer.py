"""The word error rate shared by the speech tests, the benchmark and the self-test (jiwer after
Confide's normalization)."""

from __future__ import annotations

import pytest

from app.audio.wer import normalize_words, word_error_rate


def test_normalizing_drops_case_punctuation_and_hyphens():
    """ "Talk-back, please!" and "talk back please" are the same words; apostrophes stay."""
    assert normalize_words("Talk-back, please! We'll see.") == ["talk", "back", "please", "we'll", "see"]
    assert normalize_words("Café déjà-vu") == ["cafe", "deja", "vu"]


@pytest.mark.parametrize(
    "hypothesis, errors",
    [
        ("the cat sat on the mat", 0),
        ("the cat sat on mat", 1),  # a deletion
        ("the cat sat on the red mat", 1),  # an insertion
        ("the dog sat on the mat", 1),  # a substitution
        ("one two three four five six", 6),
        ("", 6),
    ],
)
def test_word_error_rate_counts_edits_per_reference_word(hypothesis, errors):
    assert word_error_rate("The cat sat on the mat.", hypothesis) == pytest.approx(errors / 6)


def test_errors_match_the_textbook_table_on_random_inputs():
    """Words go to jiwer whole (apostrophes kept): its count is the plain dynamic program's."""
    import random

    def plain(ref, hyp):
        previous = list(range(len(hyp) + 1))
        for i, a in enumerate(ref, 1):
            current = [i] + [0] * len(hyp)
            for j, b in enumerate(hyp, 1):
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            previous = current
        return previous[-1]

    rng = random.Random(7)
    for _ in range(300):
        ref = [rng.choice(["a", "b", "we'll", "d"]) for _ in range(rng.randint(1, 15))]
        hyp = [rng.choice(["a", "b", "well", "e"]) for _ in range(rng.randint(0, 15))]
        assert word_error_rate(" ".join(ref), " ".join(hyp)) * len(ref) == pytest.approx(plain(ref, hyp))


def test_an_empty_reference_is_perfect_only_for_an_empty_transcript():
    assert word_error_rate("", "") == 0.0
    assert word_error_rate("...", "thank you") == 1.0
