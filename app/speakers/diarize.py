"""Telling voices apart: windows of speech embedded by the speaker encoder, clustered into
speakers, and turned into who-spoke-when.

    result = yield from diarize_blocks(blocks, regions, encoder, count=None, cancel=cancel)

yields the fraction of windows done (for progress) and checks cancel between batches; the
audio arrives as blocks, so memory stays bounded whatever the length of the recording.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field

import numpy as np

from app.speakers.clustering import cluster_voices, mean_voices
from app.speakers.labels import SpeakerTurn
from app.speakers.windows import WINDOW_SECONDS, Window, merge_regions, plan_windows, window_samples
from models.speaker.encoder import BATCH, EMBEDDING_SIZE, level_volume
from models.speaker.mel import HOP, mel_frames

BLOCK_SECONDS = 30.0


@dataclass(frozen=True)
class Diarization:
    """turns in time order; voices: each speaker's mean voice (unit length), by speaker."""

    turns: tuple[SpeakerTurn, ...]
    voices: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.voices)


class MeasuredVoices:
    """The windows of speech measured so far and their embeddings, in time order: measured in
    one go after a transcription, or a stretch at a time while a recording goes on."""

    def __init__(self) -> None:
        self.regions: list[tuple[float, float]] = []  # merged stretches of speech, in order
        self.windows: list[Window] = []
        self._embeddings: list[np.ndarray] = []

    @property
    def until(self) -> float:
        """Where the speech measured so far ends (seconds)."""
        return self.regions[-1][1] if self.regions else 0.0

    def measure(
        self,
        blocks: Iterable[np.ndarray],
        regions: Iterable[tuple[float, float]],
        encoder,
        cancel: threading.Event | None = None,
        first_sample: int = 0,
    ) -> Generator[float, None, bool]:
        """Embeds the windows of regions (all after `until`), reading blocks that begin at
        first_sample; yields the share done; returns False when cancelled."""
        merged = merge_regions(regions)
        windows = plan_windows(merged)
        embeddings = np.empty((len(windows), EMBEDDING_SIZE), dtype=np.float32)
        done = 0
        batch: list[tuple[Window, np.ndarray]] = []
        for window, samples in window_samples(blocks, windows, first_sample):
            batch.append((window, samples))
            if len(batch) == BATCH:
                _embed(batch, encoder, embeddings, done)
                done, batch = done + len(batch), []
                if cancel is not None and cancel.is_set():
                    return False
                yield done / max(1, len(windows))
        if batch:
            _embed(batch, encoder, embeddings, done)
            done += len(batch)
        if cancel is not None and cancel.is_set():
            return False
        self.regions += merged
        self.windows += windows[:done]
        self._embeddings.append(embeddings[:done])
        return True

    def conclude(self, count: int | None = None) -> Diarization:
        """Who spoke when, from every window measured."""
        if not self.windows:
            return Diarization((), {})
        embeddings = np.concatenate(self._embeddings)
        regions_of = [_region_of(w, self.regions) for w in self.windows]
        same_stretch = np.array([a == b for a, b in zip(regions_of, regions_of[1:], strict=False)] + [False])
        full = np.array([w.end - w.start >= WINDOW_SECONDS - 1e-6 for w in self.windows])
        labels = _in_order_of_appearance(cluster_voices(embeddings, same_stretch, count, full))
        return Diarization(_turns(self.windows, labels, self.regions), mean_voices(embeddings, labels))


def diarize_blocks(
    blocks: Iterable[np.ndarray],
    regions: Iterable[tuple[float, float]],
    encoder,
    *,
    count: int | None = None,
    cancel: threading.Event | None = None,
) -> Generator[float, None, Diarization | None]:
    """regions: where speech is (seconds). Returns None when cancelled."""
    voices = MeasuredVoices()
    if not (yield from voices.measure(blocks, regions, encoder, cancel)):
        return None
    yield 1.0
    return voices.conclude(count)


def _embed(batch: list[tuple[Window, np.ndarray]], encoder, out: np.ndarray, at: int) -> None:
    """Windows of the full length go through the encoder together; shorter ones (short
    stretches of speech) one by one, at their own length."""
    frames = [mel_frames(level_volume(samples))[: max(1, samples.size // HOP)] for _, samples in batch]
    full = max(f.shape[0] for f in frames)
    together = [i for i, f in enumerate(frames) if f.shape[0] == full]
    if together:
        out[[at + i for i in together]] = encoder.embed_mels(np.stack([frames[i] for i in together]))
    for i, f in enumerate(frames):
        if f.shape[0] != full:
            out[at + i] = encoder.embed_mels(f[None])[0]


def _region_of(window: Window, regions: list[tuple[float, float]]) -> int:
    for n, (start, end) in enumerate(regions):
        if start - 1e-6 <= window.centre <= end + 1e-6:
            return n
    return -1


def _in_order_of_appearance(labels: np.ndarray) -> np.ndarray:
    order: dict[int, int] = {}
    for label in labels.tolist():
        order.setdefault(label, len(order))
    return np.array([order[label] for label in labels.tolist()], dtype=np.int64)


def _turns(windows: list[Window], labels: np.ndarray, regions: list[tuple[float, float]]) -> tuple[SpeakerTurn, ...]:
    """Each stretch of speech cut where the voice changes, halfway between the centres of the
    two windows that differ."""
    turns: list[SpeakerTurn] = []
    by_region: dict[int, list[int]] = {}
    for i, window in enumerate(windows):
        by_region.setdefault(_region_of(window, regions), []).append(i)
    for region, members in sorted(by_region.items()):
        start, end = regions[region] if region >= 0 else (windows[members[0]].start, windows[members[-1]].end)
        cut = start
        for a, b in zip(members, members[1:], strict=False):
            if labels[a] != labels[b]:
                middle = (windows[a].centre + windows[b].centre) / 2
                turns.append(SpeakerTurn(cut, middle, int(labels[a])))
                cut = middle
        turns.append(SpeakerTurn(cut, end, int(labels[members[-1]])))
    return tuple(sorted(turns, key=lambda t: t.start))


def diarize_audio(
    samples: np.ndarray, encoder, *, num_speakers: int | None = None, cancel: threading.Event | None = None
) -> list[tuple[float, float, int]]:
    """Who spoke when in audio held in memory (16 kHz mono float32), with the speech detector
    finding where speech is: (start, end, speaker) in time order. For tests and benchmarks; the
    app reads files block by block and takes speech regions from the transcript."""
    from models.whisper.speech_regions import speech_regions

    samples = np.asarray(samples, dtype=np.float32)
    step = int(BLOCK_SECONDS * 16_000)
    blocks = (samples[i : i + step] for i in range(0, samples.size, step))
    run = diarize_blocks(blocks, speech_regions(samples), encoder, count=num_speakers, cancel=cancel)
    try:
        while True:
            next(run)
    except StopIteration as finished:
        result = finished.value
    if result is None:
        return []
    return [(turn.start, turn.end, turn.speaker) for turn in result.turns]
