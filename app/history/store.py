"""HistoryStore: everything Confide keeps for the user, in one SQLite file of the data folder.

Plain and synchronous: every call is a short query or one short transaction, meant for one
thread at a time (the GUI thread; a lock guards against accidents). Every failure a user can
act on comes out as one HistoryError sentence; the file is never replaced by a new one.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from app.audio.wavfile import stored_in_history
from app.errors import HistoryError
from app.history import cleanup, exports, files, inputs, reading, retrieval, schema, search, search_index, writing
from app.history.connection import configure, make_private, open_database, translate
from app.history.dates import to_stored
from app.history.guard import guarded as _guarded
from app.history.records import (
    AnswerDetail,
    ConversationDetail,
    ItemSummary,
    NewConversation,
    NewRecording,
    PickedReply,
    RecordingDetail,
    SearchHit,
)
from app.history.speaker_methods import SpeakerMethods
from app.records import Summary


class HistoryStore(SpeakerMethods):
    def __init__(self, db, db_path: Path, data_root: Path):
        self._db = db
        self._lock = threading.RLock()
        self.path = Path(db_path)
        self.data_root = Path(data_root)

    # --- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, db_path: Path, data_root: Path) -> HistoryStore:
        """Opens the history (creating it only where no file exists) and upgrades its schema."""
        db_path = Path(db_path)
        db = open_database(db_path)
        try:
            with translate(db_path):
                schema.refuse_unknown(db, db_path)
                configure(db, db_path)
                schema.upgrade(db)
        except BaseException:
            db.close()
            raise
        make_private(db_path)
        return cls(db, db_path, data_root)

    @classmethod
    def for_data_dir(cls, data_dir) -> HistoryStore:
        """The history of an app.paths.DataDir."""
        return cls.open(data_dir.database, data_dir.root)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def db(self):
        """The sqlite_utils.Database (for tests and tools; the app uses the methods)."""
        return self._db

    # --- recordings ----------------------------------------------------------------------

    @_guarded
    def add_recording(
        self,
        title: str | None = None,
        *,
        audio_file: str | Path | None = None,
        created: datetime | None = None,
        duration: float | None = None,
        language: str | None = None,
        status: str = "recording",
    ) -> int:
        """A new recording (status 'recording' while it is being made); returns its item id."""
        inputs.check_status(status)
        relative = files.relative_audio(self.data_root, audio_file)
        with self._db.atomic():
            item_id = writing.insert_recording(self._db, title, relative, created, duration, language, status)
        self._stored(relative)
        return item_id

    @_guarded
    def save_recording(self, recording: NewRecording) -> int:
        """A whole recording in one transaction: its row, its transcript and (optionally) its
        summary are stored together or not at all, so a crash never leaves an item listed as
        done without them. An import_from file is copied in first (the copy is removed again if
        the transaction fails, and kept locked until it has committed)."""
        inputs.check_status(recording.status)
        rows = [inputs.segment_row(segment) for segment in recording.segments]
        data = inputs.summary_dict(recording.summary) if recording.summary is not None else None
        audio_file = recording.audio_file
        with contextlib.ExitStack() as copy_lock:
            if recording.import_from is not None:
                audio_file = files.import_audio(self.data_root, Path(recording.import_from), hold_lock_in=copy_lock)
            relative = files.relative_audio(self.data_root, audio_file)
            try:
                with self._db.atomic():
                    item_id = writing.insert_recording(
                        self._db,
                        recording.title,
                        relative,
                        recording.created,
                        recording.duration,
                        recording.language,
                        recording.status,
                    )
                    writing.append_segments(self._db, item_id, rows, replace=False)
                    if data is not None:
                        writing.write_summary(self._db, item_id, data, retitle=True)
                    writing.refresh_preview(self._db, item_id)
            except BaseException:
                if recording.import_from is not None:
                    files.remove_audio(self.data_root, relative)
                raise
        self._stored(relative)
        return item_id

    @_guarded
    def import_audio(self, source: Path) -> str:
        """Copies an audio file from outside into the data folder; returns the relative path."""
        return files.import_audio(self.data_root, source)

    @_guarded
    def add_segments(self, recording_id: int, segments: Iterable, *, replace: bool = False) -> None:
        """Appends transcript segments (models.types.Segment, or dicts with start/end/text and
        optionally speaker); replace=True drops the old transcript, and its speakers, first."""
        rows = [inputs.segment_row(segment) for segment in segments]
        recording_id = reading.require(self._db, recording_id, "recording")
        with self._db.atomic():
            writing.append_segments(self._db, recording_id, rows, replace=replace)
            writing.refresh_preview(self._db, recording_id)

    @_guarded
    def replace_transcript(
        self, recording_id: int, segments: Iterable, *, duration: float | None = None, language: str | None = None
    ) -> None:
        """A transcript made after the fact replaces the old one, and the recording counts as
        done ('recovered' stays), in one transaction."""
        rows = [inputs.segment_row(segment) for segment in segments]
        recording_id = reading.require(self._db, recording_id, "recording")
        with self._db.atomic():
            writing.append_segments(self._db, recording_id, rows, replace=True)
            writing.mark_transcribed(self._db, recording_id, duration, language)
            writing.refresh_preview(self._db, recording_id)

    @_guarded
    def finish_recording(
        self,
        recording_id: int,
        *,
        duration: float | None = None,
        status: str = "done",
        audio_file: str | Path | None = None,
        language: str | None = None,
    ) -> None:
        inputs.check_status(status)
        recording_id = reading.require(self._db, recording_id, "recording")
        relative = files.relative_audio(self.data_root, audio_file) if audio_file is not None else None
        with self._db.atomic():
            stored = writing.finish_recording(self._db, recording_id, status, duration, relative, language)
        files.make_audio_private(self.data_root, stored)

    @_guarded
    def recover_interrupted(self) -> list[int]:
        """Marks recordings left in 'recording' by a crash as 'recovered' (call at start-up,
        before a new recording begins); returns their ids."""
        with self._db.atomic():
            return writing.mark_recovered(self._db)

    @_guarded
    def save_summary(self, recording_id: int, summary: Summary, *, retitle: bool = True) -> None:
        """Stores (replacing) a recording's summary. With retitle, a recording whose title the
        user never set takes the summary's title."""
        data = inputs.summary_dict(summary)
        recording_id = reading.require(self._db, recording_id, "recording")
        with self._db.atomic():
            writing.write_summary(self._db, recording_id, data, retitle=retitle)
            writing.refresh_preview(self._db, recording_id)

    # --- conversations -------------------------------------------------------------------

    @_guarded
    def add_conversation(self, conversation: NewConversation) -> int:
        """A pasted conversation with its turns and first drafts, in one transaction."""
        turn_rows = [inputs.turn_row(turn) for turn in conversation.turns]
        draft_rows = [inputs.draft_row(draft, conversation.tone, conversation.length) for draft in conversation.drafts]
        if not (conversation.raw or "").strip() and not turn_rows:
            raise HistoryError("The conversation is empty; paste some messages first.")
        title = (conversation.title or "").strip()
        with self._db.atomic():
            return writing.insert_conversation(
                self._db,
                conversation.raw,
                turn_rows,
                conversation.me,
                title,
                to_stored(conversation.created),
                draft_rows,
            )

    @_guarded
    def find_conversation(self, raw: str) -> int | None:
        """The newest stored conversation pasted as exactly this text, if any (a paste drafted
        again, also after a restart, is the same conversation: one entry)."""
        row = self._db.execute(
            "SELECT item_id FROM conversations WHERE raw = ? ORDER BY item_id DESC LIMIT 1", [raw or ""]
        ).fetchone()
        return row[0] if row else None

    @_guarded
    def set_conversation_me(self, conversation_id: int, me: str | None) -> None:
        """Who the user is in a stored conversation; a title the user never set follows."""
        conversation_id = reading.require(self._db, conversation_id, "conversation")
        with self._db.atomic():
            writing.set_conversation_me(self._db, conversation_id, me)

    @_guarded
    def add_drafts(
        self, conversation_id: int, drafts: Iterable, *, tone: str | None = None, length: str | None = None
    ) -> list[int]:
        """Reply drafts (strings, {text, tone?, length?} dicts or objects with .text); returns their ids."""
        conversation_id = reading.require(self._db, conversation_id, "conversation")
        rows = [inputs.draft_row(draft, tone, length) for draft in drafts]
        with self._db.atomic():
            return writing.insert_drafts(self._db, conversation_id, rows)

    @_guarded
    def pick_draft(self, draft_id: int, final_text: str | None = None) -> None:
        """The user chose this draft (final_text: what they sent, if they edited it); any
        earlier pick in the same conversation is undone."""
        row = self._db.execute("SELECT conversation_id FROM drafts WHERE id = ?", [int(draft_id)]).fetchone()
        if row is None:
            raise HistoryError(f"There is no reply draft {draft_id} in the history.")
        final_text = final_text.strip() if final_text and final_text.strip() else None
        with self._db.atomic():
            writing.pick_draft(self._db, row[0], int(draft_id), final_text)

    @_guarded
    def picked_replies(self, limit: int = 3) -> list[str]:
        """The user's own picked replies, newest first: style examples for new drafts."""
        return [example.text for example in reading.picked_examples(self._db, limit)]

    @_guarded
    def picked_examples(self, limit: int = 3) -> list[PickedReply]:
        return reading.picked_examples(self._db, limit)

    # --- saved answers ---------------------------------------------------------------------

    @_guarded
    def save_answer(self, answer, scope_id: int | None = None) -> int:
        """Keeps a question asked of the history and its answer (an app.assistant HistoryAnswer)
        as an item of its own, found by search; scope_id: the item it was asked of, if one.
        Nothing is kept unless this is called: the user chooses."""
        if not answer.question.strip():
            raise HistoryError("There is no question to save; ask one first.")
        rows = [(c.item_id, str(c.kind), c.title, c.start, c.text) for c in answer.citations]
        with self._db.atomic():
            return writing.insert_answer(self._db, answer.question, answer.text, answer.found, scope_id, rows)

    # --- every item ----------------------------------------------------------------------

    @_guarded
    def list_items(
        self, kind: str | None = None, since=None, limit: int | None = None, offset: int = 0
    ) -> list[ItemSummary]:
        """Newest first; kind: 'recording', 'conversation' or 'question'; since: a date or datetime."""
        return reading.list_items(self._db, kind, since, limit, offset)

    @_guarded
    def search(self, query: str, kind: str | None = None, since=None, limit: int = 50) -> list[SearchHit]:
        return search.search(self._db, query, kind, since, limit)

    @_guarded
    def passages(
        self, question: str, item_id: int | None = None, since=None, limit: int = 6
    ) -> list[retrieval.Passage]:
        """What the history says that may answer question (confide ask), best first."""
        return retrieval.find_passages(self._db, question, item_id, since, limit)

    @_guarded
    def get_item(self, item_id: int) -> RecordingDetail | ConversationDetail | AnswerDetail:
        return reading.get_item(self._db, self.data_root, item_id)

    @_guarded
    def rename(self, item_id: int, title: str) -> None:
        reading.item_kind(self._db, item_id)
        title = " ".join((title or "").split())
        if not title:
            raise HistoryError("A title cannot be empty; give some words.")
        with self._db.atomic():
            writing.set_title(self._db, int(item_id), title, auto=False)

    @_guarded
    def delete(self, item_id: int, *, purge: bool = True) -> None:
        """Deletes the item's rows, its search entries and its audio file. purge merges the
        search index so no trace of the words stays in it (costs more on a large history).
        Crash-safe: the rows go in one transaction that also notes the audio file and the purge
        as pending; a crash before they are done leaves them to the next start."""
        reading.item_kind(self._db, item_id)  # "There is no item N" when it is not there
        with self._db.atomic():
            audio = writing.delete_item(self._db, int(item_id))
            cleanup.note_deletions(self._db, [audio], "purge" if purge else "none")
        cleanup.finish_pending(self._db, self.data_root)

    @_guarded
    def purge(self) -> None:
        """Merges the search index so that deleted items leave no trace in it (delete() does
        this unless purge=False; it rewrites the index, about a second on a 2,000-hour history)."""
        self._purge()

    @_guarded
    def wipe(self) -> None:
        """Deletes every item, audio file and remembered voice of the history. Crash-safe as
        delete(): every audio file is noted as pending in the wipe's own transaction."""
        with self._db.atomic():
            audio = writing.delete_everything(self._db)
            cleanup.note_deletions(self._db, audio, "vacuum")
        cleanup.finish_pending(self._db, self.data_root)

    @_guarded
    def clean_up_after_crash(self) -> cleanup.Swept:
        """At start-up: finishes deletions a crash cut short, removes what a killed save left in
        recordings/ and lists a finished recording whose save was killed as recovered
        (app.history.cleanup)."""
        cleanup.finish_pending(self._db, self.data_root)
        return cleanup.sweep_recordings(self._db, self.data_root)

    @_guarded
    def backup(self, path: Path) -> Path:
        """A consistent copy of the whole history in one file (SQLite's backup API)."""
        return files.backup_database(self._db.conn, self.path, Path(path))

    @_guarded
    def export(self, item_id: int, fmt: str = "md") -> str:
        """A recording as md/json (transcript and summary) or txt/srt/vtt (transcript);
        a conversation with its drafts as md/json."""
        return exports.export_item(reading.get_item(self._db, self.data_root, item_id), fmt)

    def export_to(self, item_id: int, fmt: str, path: Path) -> Path:
        """Writes an export where the user said (write-then-rename, 0600)."""
        return files.write_private_text(Path(path), self.export(item_id, fmt))

    @_guarded
    def check_integrity(self) -> str:
        """'ok', or what SQLite's quick_check found (for `doctor`); reads the whole file."""
        rows = [row[0] for row in self._db.execute("PRAGMA quick_check").fetchall()]
        return "ok" if rows == ["ok"] else "; ".join(rows[:3])

    # --- inside ------------------------------------------------------------------------------

    def _stored(self, relative: str | None) -> None:
        """A recording's audio is in the history now: private, and no longer held by the recorder."""
        files.make_audio_private(self.data_root, relative)
        path = files.absolute_audio(self.data_root, relative)
        if path is not None:
            stored_in_history(path)

    def _purge(self) -> None:
        search_index.purge_deleted(self._db)
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
