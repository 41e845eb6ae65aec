"""The personal history: recordings, transcripts, summaries, conversations and picked replies
in one SQLite file of the data folder, with full-text search, export, delete and backup.

Item ids are plain integers from one `items` table, unique across kinds, so `history show 12`
needs no prefix. See store.HistoryStore for the API.
"""

from app.errors import HistoryError
from app.history.records import (
    ConversationDetail,
    ItemSummary,
    PickedReply,
    RecordingDetail,
    SearchHit,
    StoredDraft,
)
from app.history.store import HistoryStore

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
