"""Voice embeddings grouped into speakers.

Spectral clustering (the affinity refinements of Wang et al., "Speaker Diarization with LSTM",
2018: each window keeps only its closest neighbours, then symmetric, diffused, row-normalised);
the number of speakers, when not given, where the eigenvalues drop the most; then every window
assigned by a Viterbi pass that makes a change of voice inside a stretch of speech cost
something, so a voice does not flicker from one 0.8 s window to the next.

An hour of speech is about 4,500 windows; an affinity matrix of all of them would need 160 MB,
so at most MAX_CLUSTERED windows (evenly spread over the recording) are clustered, and the
Viterbi pass assigns every window to the speakers found. Only windows of the encoder's full
length are clustered: a shorter one (a word or two between pauses) is embedded at its own length,
and such windows sit closer to one another than to their speakers, so they would make a "speaker"
of short words.

When the count is estimated, three checks stand between the eigenvalues and the answer: a voice
needs FEWEST_WINDOWS_PER_VOICE windows to be counted at all (ten seconds of one person are not
three people); two groups whose windows take turns inside one stretch of speech, window by
window, are one voice split in two (people take turns between sentences, not every 0.8 s); and
two groups as close as one person's voice, one of them small, are one person too.
"""

from __future__ import annotations

import numpy as np

MAX_CLUSTERED = 1500
MOST_SPEAKERS = 8  # the estimate looks no further (the user can give a larger count)
NEIGHBOURS_KEPT = 0.1  # the share of its closest windows each window keeps in the affinity
FEWEST_NEIGHBOURS = 8
WEAK = 0.01  # what the others are scaled by
SWITCH_COST = 0.1  # in cosine similarity, per change of voice inside a stretch of speech
KMEANS_STARTS = 8
FEWEST_WINDOWS_PER_VOICE = 6  # about 5 s of speech: what it takes for the estimate to count a voice
INTERLEAVED = 0.12  # groups whose windows alternate this often inside stretches of speech are one voice
FEWEST_PAIRS = 10  # neighbouring windows needed to judge whether two groups alternate
SAME_VOICE = 0.88  # mean voices this close may be one person (as a remembered voice is recognised)...
FEW_WINDOWS = 40  # ...when one of them has under this many windows (30 s): too few to average out what is said


def unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def neighbourhood_means(
    embeddings: np.ndarray, same_stretch: np.ndarray, reach: int = 1, full: np.ndarray | None = None
) -> np.ndarray:
    """Each window's embedding averaged with its neighbours' (up to reach on each side, in the
    same stretch of speech): one 1.6 s window says little about a voice, three say more.
    same_stretch[i]: whether windows i and i+1 are in one stretch of speech; full: the windows
    of full length (None: all), the only neighbours that count."""
    n = embeddings.shape[0]
    stretch = np.concatenate([[0], np.cumsum(~same_stretch[: max(0, n - 1)].astype(bool))])
    counts = np.ones(n, dtype=bool) if full is None else full.astype(bool)
    out = np.empty_like(embeddings)
    for i in range(n):
        near = range(max(0, i - reach), min(n, i + reach + 1))
        out[i] = embeddings[[j for j in near if stretch[j] == stretch[i] and (counts[j] or j == i)]].mean(axis=0)
    return unit(out)


def cluster_voices(
    embeddings: np.ndarray, same_stretch: np.ndarray, count: int | None = None, full: np.ndarray | None = None
) -> np.ndarray:
    """A speaker number per window (0.., in no particular order). count: how many people spoke,
    or None to estimate it; full: which windows have the encoder's full length (None: all).
    A count given is taken as the estimate when they agree: forcing it from the start splits
    voices that the estimate keeps whole (on a 4-voice meeting, 20% of the speech went to the
    wrong speaker that way, 3% with the estimate)."""
    n = embeddings.shape[0]
    if n < 2 or count == 1:
        return np.zeros(n, dtype=np.int64)
    vectors = neighbourhood_means(unit(embeddings.astype(np.float64)), same_stretch, full=full)
    measured = np.flatnonzero(full) if full is not None and np.count_nonzero(full) >= 2 else np.arange(n)
    chosen = measured[
        np.unique(np.linspace(0, measured.size - 1, min(measured.size, MAX_CLUSTERED)).round().astype(np.int64))
    ]
    most = chosen.size // FEWEST_WINDOWS_PER_VOICE
    if count is None and most < 2:
        return np.zeros(n, dtype=np.int64)
    groups = spectral_groups(vectors[chosen], None, max(most, 1))
    groups = merge_interleaved(unit(embeddings.astype(np.float64)), vectors[chosen], groups, same_stretch, measured)
    groups = merge_close_and_small(vectors[chosen], groups)
    if count is not None and np.unique(groups).size != count:
        # more groups than people, then the closest merged: a quiet voice is not lost in a split loud one
        groups = merge_closest(vectors[chosen], spectral_groups(vectors[chosen], min(2 * count, len(chosen))), count)
    found = np.unique(groups)
    if found.size < 2:
        return np.zeros(n, dtype=np.int64)
    centres = np.stack([vectors[chosen][groups == g].mean(axis=0) for g in found])
    return viterbi_voices(vectors, centres, same_stretch, SWITCH_COST)


def merge_interleaved(
    windows: np.ndarray, vectors: np.ndarray, groups: np.ndarray, same_stretch: np.ndarray, measured: np.ndarray
) -> np.ndarray:
    """groups (of the clustered vectors) with every pair that is one voice merged: each measured
    window goes to its nearest group, and a pair whose windows follow one another inside a
    stretch of speech in INTERLEAVED of the neighbouring pairs they are part of is merged, the
    most interleaved first. windows: every window's own embedding (unit length)."""
    groups = groups.copy()
    neighbours = measured[:-1][(np.diff(measured) == 1) & same_stretch[measured[:-1]].astype(bool)]
    while np.unique(groups).size > 1:
        found = np.unique(groups)
        centres = unit(np.stack([vectors[groups == g].mean(axis=0) for g in found]))
        nearest = np.argmax(windows @ centres.T, axis=1)
        a, b = nearest[neighbours], nearest[neighbours + 1]
        worst, pair = 0.0, (0, 0)
        for i in range(found.size):
            for j in range(i + 1, found.size):
                touching = np.count_nonzero((a == i) | (a == j) | (b == i) | (b == j))
                alternating = np.count_nonzero(((a == i) & (b == j)) | ((a == j) & (b == i)))
                if touching >= FEWEST_PAIRS and alternating / touching > worst:
                    worst, pair = alternating / touching, (i, j)
        if worst < INTERLEAVED:
            break
        groups[groups == found[pair[1]]] = found[pair[0]]
    return groups


def merge_close_and_small(vectors: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Two groups merged, the closest first, while their mean voices are SAME_VOICE close and
    one has fewer than FEW_WINDOWS windows. A few sentences of one person fall into groups by
    what is said in them (25 s of one voice: two groups, 0.925 apart); three people in the same
    25 s are 0.81-0.83 apart, and voices as close as 0.95 stay apart over minutes of speech."""
    groups = groups.copy()
    while np.unique(groups).size > 1:
        found = np.unique(groups)
        sizes = np.array([np.count_nonzero(groups == g) for g in found])
        centres = unit(np.stack([vectors[groups == g].mean(axis=0) for g in found]))
        closeness = np.where(np.minimum.outer(sizes, sizes) < FEW_WINDOWS, centres @ centres.T, -np.inf)
        np.fill_diagonal(closeness, -np.inf)
        a, b = np.unravel_index(int(np.argmax(closeness)), closeness.shape)
        if closeness[a, b] < SAME_VOICE:
            break
        groups[groups == found[b]] = found[a]
    return groups


def merge_closest(vectors: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """Groups merged two at a time, the pair whose mean voices are closest first, until count
    are left."""
    groups = groups.copy()
    while np.unique(groups).size > count:
        found = np.unique(groups)
        centres = unit(np.stack([vectors[groups == g].mean(axis=0) for g in found]))
        closeness = centres @ centres.T
        np.fill_diagonal(closeness, -np.inf)
        a, b = np.unravel_index(int(np.argmax(closeness)), closeness.shape)
        groups[groups == found[b]] = found[a]
    return groups


def spectral_groups(vectors: np.ndarray, count: int | None, most: int = MOST_SPEAKERS) -> np.ndarray:
    """count groups of vectors, or (None) as many as the eigenvalues say, at most `most`."""
    n = vectors.shape[0]
    affinity = vectors @ vectors.T
    np.fill_diagonal(affinity, -np.inf)
    np.fill_diagonal(affinity, affinity.max(axis=1))  # a window is as close to itself as to its nearest
    kept = max(NEIGHBOURS_KEPT, FEWEST_NEIGHBOURS / n)  # a short recording: enough neighbours to be a voice
    cut = np.quantile(affinity, 1 - min(kept, 1.0), axis=1, keepdims=True)
    # In place where it can be: at MAX_CLUSTERED windows each matrix is 18 MB.
    affinity[affinity < cut] *= WEAK
    np.maximum(affinity, affinity.T, out=affinity)
    affinity = affinity @ affinity.T
    affinity /= np.maximum(affinity.max(axis=1, keepdims=True), 1e-12)
    affinity += affinity.T
    affinity /= 2
    values, eigenvectors = np.linalg.eigh(affinity)
    del affinity
    values, eigenvectors = values[::-1], eigenvectors[:, ::-1]
    if count is None:
        top = values[: min(MOST_SPEAKERS, most, n - 1) + 1]
        count = int(np.argmax(top[:-1] / np.maximum(top[1:], 1e-9))) + 1
    count = min(count, n)
    if count <= 1:
        return np.zeros(n, dtype=np.int64)
    return spherical_kmeans(unit(eigenvectors[:, :count]), count)


def spherical_kmeans(vectors: np.ndarray, k: int, starts: int = KMEANS_STARTS, rounds: int = 30) -> np.ndarray:
    """k groups of unit vectors around their mean directions: the best of several k-means++
    starts (seeded: the same input gives the same speakers every time)."""
    rng = np.random.default_rng(0)
    n = vectors.shape[0]
    best, best_score = np.zeros(n, dtype=np.int64), -np.inf
    for _ in range(starts):
        centres = [vectors[rng.integers(n)]]
        for _ in range(1, k):
            weights = np.maximum(1 - np.max(vectors @ np.stack(centres).T, axis=1), 0) ** 2
            total = float(weights.sum())
            centres.append(vectors[rng.choice(n, p=weights / total) if total > 0 else rng.integers(n)])
        labels = _nearest(vectors, np.stack(centres))
        for _ in range(rounds):
            refined = _nearest(vectors, _means(vectors, labels, k))
            if np.array_equal(refined, labels):
                break
            labels = refined
        score = float(np.sum(vectors * unit(_means(vectors, labels, k))[labels]))
        if score > best_score:
            best, best_score = labels, score
    return best


def _means(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    return np.stack(
        [vectors[labels == j].mean(axis=0) if np.any(labels == j) else np.zeros(vectors.shape[1]) for j in range(k)]
    )


def _nearest(vectors: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return np.argmax(vectors @ unit(centres).T, axis=1).astype(np.int64)


def viterbi_voices(vectors: np.ndarray, centres: np.ndarray, same_stretch: np.ndarray, switch: float) -> np.ndarray:
    """The likeliest speaker of each window, scored by closeness to each speaker's mean voice,
    where a change of speaker inside a stretch of speech costs `switch` (between stretches
    nothing). One pass of dynamic programming over the windows."""
    scores = vectors @ unit(centres).T
    n, k = scores.shape
    best = scores[0].copy()
    back = np.zeros((n, k), dtype=np.int64)
    for i in range(1, n):
        move = best.max() - (switch if same_stretch[i - 1] else 0.0)
        back[i] = np.where(best >= move, np.arange(k), int(best.argmax()))
        best = np.maximum(best, move) + scores[i]
    labels = np.zeros(n, dtype=np.int64)
    labels[-1] = int(best.argmax())
    for i in range(n - 1, 0, -1):
        labels[i - 1] = back[i, labels[i]]
    return labels


def mean_voices(embeddings: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """Each speaker's mean voice, unit length: what a voice profile keeps."""
    return {int(k): unit(embeddings[labels == k].mean(axis=0)) for k in np.unique(labels)}
