"""The personal history: recordings, transcripts, summaries, conversations and picked replies
in one SQLite file of the data folder, with full-text search, export, delete and backup.

Item ids are plain integers from one `items` table, unique across kinds, so `history show 12`
needs no prefix. See store.HistoryStore for the API.
"""

from typing import TYPE_CHECKING

from app.errors import HistoryError
from app.history.records import (
    ConversationDetail,
    ItemSummary,
    PickedReply,
    RecordingDetail,
    SearchHit,
    StoredDraft,
)

if TYPE_CHECKING:
    from app.history.store import HistoryStore


def __getattr__(name: str):
    # The store (and sqlite-utils under it) loads on first use: a command that only reads the
    # transcript formats, or `--help`, starts a fifth of a second sooner without it.
    if name == "HistoryStore":
        from app.history.store import HistoryStore

        return HistoryStore
    raise AttributeError(f"module 'app.history' has no attribute {name!r}")


__all__ = [
    "ConversationDetail",
    "HistoryError",
    "HistoryStore",
    "ItemSummary",
    "PickedReply",
    "RecordingDetail",
    "SearchHit",
    "StoredDraft",
]
