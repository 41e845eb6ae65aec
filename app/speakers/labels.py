"""Speakers laid onto a transcript: each segment gets the voice that spoke it, and a segment
that runs across a change of voice is split at the word where the voice changes."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from models.types import Segment, Word

SHORTEST_RUN_SECONDS = 0.3  # fewer words than this under another voice are the window's blur


@dataclass(frozen=True)
class SpeakerTurn:
    """start..end (seconds) spoken by speaker (0.., in order of first appearance)."""

    start: float
    end: float
    speaker: int


def unnamed(speaker: int) -> str:
    return f"Speaker {speaker + 1}"


class TurnIndex:
    """Who spoke at a given moment: the turn around it, or the nearest one."""

    def __init__(self, turns: Sequence[SpeakerTurn]):
        self.turns = sorted(turns, key=lambda t: t.start)
        self._starts = [t.start for t in self.turns]

    def speaker_at(self, moment: float) -> int | None:
        if not self.turns:
            return None
        i = bisect_right(self._starts, moment) - 1
        candidates = [self.turns[j] for j in (i, i + 1) if 0 <= j < len(self.turns)]
        return min(candidates, key=lambda t: _distance(t, moment)).speaker

    def speaker_over(self, start: float, end: float) -> int | None:
        """The speaker who spoke most of start..end (the nearest one if nobody did)."""
        spoken: dict[int, float] = {}
        i = max(0, bisect_right(self._starts, start) - 1)
        while i < len(self.turns) and self.turns[i].start < end:
            turn = self.turns[i]
            overlap = min(end, turn.end) - max(start, turn.start)
            if overlap > 0:
                spoken[turn.speaker] = spoken.get(turn.speaker, 0.0) + overlap
            i += 1
        if spoken:
            return max(spoken, key=lambda s: spoken[s])
        return self.speaker_at((start + end) / 2)


def _distance(turn: SpeakerTurn, moment: float) -> float:
    if turn.start <= moment <= turn.end:
        return 0.0
    return min(abs(turn.start - moment), abs(turn.end - moment))


def label_segments(
    segments: Sequence[Segment], turns: Sequence[SpeakerTurn], names: dict[int, str] | None = None
) -> tuple[Segment, ...]:
    """The segments with speaker set (names[speaker], or "Speaker N"); split where the voice
    changes inside one, when it has word times."""
    index = TurnIndex(turns)
    names = names or {}
    pieces = [piece for segment in segments for piece in _pieces(segment, index)]
    # numbered by first appearance in the transcript, as the history numbers them
    order: dict[int, int] = {}
    for _piece, speaker in pieces:
        if speaker is not None:
            order.setdefault(speaker, len(order))
    return tuple(
        replace(piece, speaker=None if speaker is None else names.get(speaker, unnamed(order[speaker])))
        for piece, speaker in pieces
    )


def _pieces(segment: Segment, index: TurnIndex) -> list[tuple[Segment, int | None]]:
    if not segment.words:
        return [(segment, index.speaker_over(segment.start, segment.end))]
    runs: list[tuple[int | None, list[Word]]] = []
    for word in segment.words:
        speaker = index.speaker_at((word.start + word.end) / 2)
        if runs and runs[-1][0] == speaker:
            runs[-1][1].append(word)
        else:
            runs.append((speaker, [word]))
    runs = _absorb_short_runs(runs)
    if len(runs) == 1:
        return [(segment, runs[0][0])]
    pieces = []
    for n, (speaker, words) in enumerate(runs):
        start = segment.start if n == 0 else words[0].start
        end = segment.end if n == len(runs) - 1 else words[-1].end
        text = " ".join(word.text.strip() for word in words if word.text.strip())  # the transcriber strips its words
        pieces.append((Segment(start, end, text, tuple(words)), speaker))
    return pieces


def _absorb_short_runs(runs: list[tuple[int | None, list[Word]]]) -> list[tuple[int | None, list[Word]]]:
    """A run of words too short to be a voice of its own joins the run before it (or after it,
    at the start); runs of one speaker that then touch become one."""
    changed = True
    while changed and len(runs) > 1:
        changed = False
        for i, (_speaker, words) in enumerate(runs):
            if words[-1].end - words[0].start < SHORTEST_RUN_SECONDS:
                target = i - 1 if i > 0 else i + 1
                merged = runs[target][1] + words if target < i else words + runs[target][1]
                runs[target] = (runs[target][0], merged)
                del runs[i]
                changed = True
                break
    joined: list[tuple[int | None, list[Word]]] = []
    for speaker, words in runs:
        if joined and joined[-1][0] == speaker:
            joined[-1][1].extend(words)
        else:
            joined.append((speaker, list(words)))
    return joined
