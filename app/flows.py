"""What the command line and the window both store in the history, one way each: a speech
result with its transcript, recordings recovered after a crash, a transcript with its summary,
and a pasted conversation with its drafts.

Each function takes the open HistoryStore (the window keeps one open on its GUI thread; a
command opens one for the call) and writes in one transaction, so a kill leaves all of it or
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from app.assistant.transcript_input import TranscriptSegment
from app.audio.recovery import RecoveredRecording
from app.errors import AppError
from app.history.records import NewConversation, NewRecording
from app.kinds import RecordingStatus
from app.records import Summary
from app.tasks.transcribe import SpeechResult
from models.types import Segment

if TYPE_CHECKING:
    from app.history import HistoryStore


def save_speech_result(store: HistoryStore, result: SpeechResult, *, title: str | None = None) -> int:
    """A finished recording or imported file with its transcript; returns its item id. An
    imported file is copied into the data folder first, so the history owns its audio.
    title: None names it by its date until a summary names it."""
    imported = Path(result.audio_path) if result.imported_from and result.audio_path else None
    return store.save_recording(
        NewRecording(
            title,
            audio_file=None if imported else result.audio_path,
            import_from=imported,
            segments=tuple(result.segments),
            duration=result.duration,
            language=result.language,
            status=RecordingStatus(result.status),
        )
    )


def store_recovered(store: HistoryStore, recovered: Iterable[RecoveredRecording]) -> list[int]:
    """Recordings cut short (repaired by app.audio.recovery), listed as 'recovered' without a
    transcript yet; returns their ids in the order given."""
    return [
        store.save_recording(
            NewRecording(audio_file=found.path, duration=found.duration, status=RecordingStatus.RECOVERED)
        )
        for found in recovered
    ]


def save_summarized_transcript(
    store: HistoryStore, title: str, segments: Iterable[TranscriptSegment], summary: Summary, audio: Path | None = None
) -> int:
    """A transcript from outside the history (a file, stdin, or an audio file's) becomes a
    recording with its summary, and its audio copied in when there is one. Text without times
    is stored at 0 s: a stored segment has a start and an end."""
    stored = tuple(Segment(s.start or 0.0, s.end or s.start or 0.0, s.text, speaker=s.speaker) for s in segments)
    duration = max((s.end for s in stored), default=None) if audio is not None else None
    return store.save_recording(
        NewRecording(summary.title or title, import_from=audio, segments=stored, summary=summary, duration=duration)
    )


def save_conversation(store: HistoryStore, conversation: NewConversation, *, into: int | None = None) -> int:
    """Drafts of a pasted conversation: under its stored entry `into` when it has one (one
    conversation stays one entry however often it is drafted; who the user is follows the
    latest choice), else as a new entry with its turns; returns the entry's id."""
    try:
        entry = store.get_item(into) if into is not None else None
    except AppError:  # deleted from the history meanwhile: the drafts go to a new entry
        entry = None
    if entry is None:
        return store.add_conversation(conversation)
    if entry.me != conversation.me:
        store.set_conversation_me(entry.id, conversation.me)
    store.add_drafts(entry.id, conversation.drafts, tone=conversation.tone, length=conversation.length)
    return entry.id
