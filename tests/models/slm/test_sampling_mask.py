"""The optional token mask of GenerationConfig: the sampler chooses only among allowed tokens."""

from __future__ import annotations

import numpy as np

from models.slm.api import GenerationConfig
from models.slm.sampling import Sampler


def test_greedy_choice_keeps_to_the_mask():
    """The best token is refused when the mask does not allow it; the best allowed one is chosen,
    and the mask sees the tokens generated so far."""
    seen = []

    def only_odd(generated):
        seen.append(list(generated))
        return np.arange(6) % 2 == 1

    logits = np.array([9.0, 1.0, 8.0, 3.0, 7.0, 2.0], dtype=np.float32)
    sampler = Sampler(GenerationConfig(token_mask=only_odd))
    assert sampler.choose(logits, [4, 2]) == 3
    assert seen == [[4, 2]]
    assert Sampler(GenerationConfig()).choose(logits, []) == 0  # no mask, no change


def test_sampling_keeps_to_the_mask_and_the_mask_wins_over_the_ngram_ban():
    """With temperature every draw is an allowed token; when the n-gram ban would leave nothing
    the mask allows (a JSON key said again), the mask's token is still chosen."""
    allowed = np.array([False, False, True, True, False])
    config = GenerationConfig(temperature=1.0, seed=3, token_mask=lambda generated: allowed)
    sampler = Sampler(config)
    draws = {sampler.choose(np.zeros(5, dtype=np.float32), []) for _ in range(50)}
    assert draws <= {2, 3} and draws

    only_two = np.array([False, False, True, False, False])
    banned = GenerationConfig(no_repeat_ngram_size=2, token_mask=lambda generated: only_two)
    # "2 2" again would repeat the bigram (2, 2): the ban alone would refuse token 2.
    assert Sampler(banned).choose(np.array([5, 4, 1, 0, 0], dtype=np.float32), [2, 2, 2]) == 2


def test_a_mask_shorter_than_the_logits_refuses_the_rest():
    """Logits past the mask's vocabulary (a padded output layer) are never chosen."""
    config = GenerationConfig(token_mask=lambda generated: np.array([True, True]))
    assert Sampler(config).choose(np.array([1.0, 2.0, 50.0], dtype=np.float32), []) == 1
