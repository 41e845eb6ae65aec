"""Voice embeddings grouped into speakers: counted, or told how many."""

from __future__ import annotations

from itertools import permutations

import numpy as np

from app.speakers.clustering import cluster_voices, spherical_kmeans, unit, viterbi_voices


def _voices(counts: list[int], spread: float = 0.35, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Windows of len(counts) made-up voices in turns (a voice's windows scattered around its
    own direction, as an encoder's are), and who each window is."""
    rng = np.random.default_rng(seed)
    centres = unit(rng.standard_normal((len(counts), 256)))
    truth = np.concatenate([np.full(n, k) for k, n in enumerate(counts)])
    turns = np.array_split(np.arange(truth.size), 12)
    order = np.concatenate([turns[i] for i in rng.permutation(len(turns))])
    truth = truth[order]
    return unit(centres[truth] + spread * rng.standard_normal((truth.size, 256)) / 16), truth


def _agreement(labels: np.ndarray, truth: np.ndarray) -> float:
    """The share of windows right under the best one-to-one naming of the groups."""
    groups = int(max(labels.max(), truth.max())) + 1
    table = np.zeros((groups, groups))
    np.add.at(table, (labels, truth), 1)
    return max(sum(table[g, t] for g, t in enumerate(order)) for order in permutations(range(groups))) / truth.size


def test_three_voices_are_counted_and_told_apart():
    embeddings, truth = _voices([120, 80, 40])
    labels = cluster_voices(embeddings, np.zeros(truth.size, bool))
    assert len(np.unique(labels)) == 3
    assert _agreement(labels, truth) > 0.97


def test_a_quiet_voice_is_not_lost_when_the_count_is_given():
    embeddings, truth = _voices([300, 280, 12])
    labels = cluster_voices(embeddings, np.zeros(truth.size, bool), count=3)
    assert len(np.unique(labels)) == 3
    assert _agreement(labels, truth) > 0.97


def test_one_voice_is_one_speaker():
    embeddings, truth = _voices([200])
    assert len(np.unique(cluster_voices(embeddings, np.zeros(truth.size, bool)))) == 1


def test_a_voice_does_not_flicker_inside_a_stretch_of_speech():
    centres = np.eye(2, 4)
    vectors = unit(np.array([[1, 0.1, 0, 0]] * 5 + [[0.45, 0.55, 0, 0]] + [[1, 0.1, 0, 0]] * 5, dtype=float))
    one_stretch = np.ones(vectors.shape[0], bool)
    assert viterbi_voices(vectors, centres, one_stretch, switch=0.3).tolist() == [0] * 11
    assert viterbi_voices(vectors, centres, ~one_stretch, switch=0.3)[5] == 1  # between stretches it may change


def test_grouping_is_the_same_every_time():
    embeddings, _ = _voices([50, 50, 50])
    assert np.array_equal(spherical_kmeans(embeddings, 3), spherical_kmeans(embeddings.copy(), 3))


def test_ten_seconds_of_one_voice_are_one_speaker():
    """Nine windows say too little for the eigenvalues to count voices (a short recording of
    one person once came out as three speakers)."""
    embeddings, _ = _voices([9], spread=1.0)
    assert len(np.unique(cluster_voices(embeddings, np.ones(9, bool)))) == 1


def test_short_windows_are_not_a_speaker_of_their_own():
    """Windows shorter than the encoder's 1.6 s lean the same way whoever speaks: they are
    assigned to the voices found, not counted as one."""
    rng = np.random.default_rng(5)
    voice, lean = unit(rng.standard_normal((2, 256)))
    short = rng.random(150) < 0.3
    embeddings = unit(voice + 1.2 * lean * short[:, None] + 0.35 * rng.standard_normal((150, 256)) / 16)
    stretches = np.arange(150) % 5 != 4
    assert len(np.unique(cluster_voices(embeddings, stretches, full=~short))) == 1


def _halves(alternate_inside_stretches: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Windows of two close voices (or two sides of one voice, as its sounds vary): alternating
    every three windows inside stretches of speech, or one per stretch, turn by turn."""
    rng = np.random.default_rng(7)
    base, apart = unit(rng.standard_normal((2, 256)))
    which = (np.arange(240) // 3) % 2 if alternate_inside_stretches else (np.arange(240) // 10) % 2
    embeddings = unit(base + 0.6 * apart * (2 * which[:, None] - 1) + 0.35 * rng.standard_normal((240, 256)) / 16)
    same_stretch = np.arange(240) % 10 != 9
    return embeddings, same_stretch, which


def test_one_voice_that_the_eigenvalues_split_is_one_speaker():
    """Groups that take turns every few windows inside stretches of speech are one voice (before
    this check, these windows came out as four or five speakers)."""
    embeddings, same_stretch, _ = _halves(alternate_inside_stretches=True)
    assert len(np.unique(cluster_voices(embeddings, same_stretch))) == 1


def test_two_voices_taking_turns_stay_two_speakers():
    embeddings, same_stretch, truth = _halves(alternate_inside_stretches=False)
    labels = cluster_voices(embeddings, same_stretch)
    assert len(np.unique(labels)) == 2
    assert _agreement(labels, truth) > 0.97


def _sentences(cosine: float, voices: int, per_sentence: int = 6, sentences: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """A short recording: `sentences` stretches of speech per voice, in turns, each of
    per_sentence windows, the voices' directions `cosine` apart."""
    rng = np.random.default_rng(11)
    axes = unit(rng.standard_normal((voices + 1, 256)))
    spread = np.sqrt((1 - cosine) / cosine)  # unit(base + spread * axis_k): pairwise cosine == cosine
    directions = unit(axes[0] + spread * axes[1:])
    truth = np.repeat(np.tile(np.arange(voices), sentences), per_sentence)
    embeddings = unit(directions[truth] + 0.3 * rng.standard_normal((truth.size, 256)) / 16)
    return embeddings, np.arange(truth.size) % per_sentence != per_sentence - 1


def test_a_few_sentences_of_one_voice_are_one_speaker_and_of_three_voices_three():
    """Sentences of one person lean apart by what is said in them (two groups 0.925 apart in 25 s
    of one espeak voice); three people are further apart than that (0.81-0.83)."""
    alike, stretches = _sentences(0.93, voices=2)
    assert len(np.unique(cluster_voices(alike, stretches))) == 1
    apart, stretches = _sentences(0.8, voices=3)
    assert len(np.unique(cluster_voices(apart, stretches))) == 3
