"""How much a summary says: the options of the summary pipeline and its detail levels."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SummaryOptions:
    chunk_tokens: int = 1024  # preferred; the model's context window may force less
    note_tokens: int = 90
    reduce_tokens: int = 1536  # preferred size of the notes one overview prompt reads
    overview_tokens: int = 120
    rewrite_tokens: int = 40
    title_tokens: int = 16
    max_key_points: int = 8
    max_decisions: int = 5
    max_actions: int = 8
    max_reduce_rounds: int = 4
    note_sentences: int = 4  # at most, per chunk (a short meeting's one chunk says this many)
    overview_sentences: int = 3
    min_chunks: int = 1  # read even a short meeting in this many parts (each gives its own notes)

    @classmethod
    def for_detail(cls, detail: str) -> SummaryOptions:
        """The options of a detail level: "shorter", "standard" or "more" (what "Summarize
        again" offers: decoding is greedy, so the same options give the same summary)."""
        if detail not in DETAIL_LEVELS:
            raise ValueError(f"unknown detail level {detail!r}")
        return cls(**DETAIL_LEVELS[detail])


# Shorter: fewer key points, a two-sentence overview. More: the meeting read in at least four
# parts (so more notes), more key points, decisions and action items, a four-sentence overview.
DETAIL_LEVELS = {
    "shorter": dict(
        max_key_points=3, note_sentences=2, overview_sentences=2, overview_tokens=80, max_decisions=3, max_actions=5
    ),
    "standard": {},
    "more": dict(
        min_chunks=4, max_key_points=12, overview_sentences=4, overview_tokens=180, max_decisions=8, max_actions=10
    ),
}
