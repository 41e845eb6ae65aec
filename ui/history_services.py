"""The window's way into the history (the GUI thread only): the store, opened on first use,
and what the views read and write there, as ui.records. Services (ui.services) is one of these;
the writes that the command line makes too go through app.flows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import AppError
from app.history.dates import local_label
from ui.records import ConversationDetails, Hit, ParsedConversation, RecordingDetails, Speaker, Voice

if TYPE_CHECKING:
    from app.history import HistoryStore
    from app.paths import DataDir
    from ui.engine_kit import EngineKit


class HistoryServices:
    data_dir: DataDir
    kit: EngineKit  # its recover_recordings, at start
    _history: HistoryStore | None  # open, or None until first used

    @property
    def history(self) -> HistoryStore:
        """The store, opened on first use; a HistoryError (damaged, newer version, read-only)
        is raised again on every use so each view can say it."""
        if self._history is None:
            from app.history import HistoryStore

            self._history = HistoryStore.for_data_dir(self.data_dir)
        return self._history

    def close_history(self) -> None:
        if self._history is not None:
            self._history.close()
            self._history = None

    def recover_interrupted(self) -> list[int]:
        """Recordings cut short by a crash, a kill or a cancel are kept: their audio files are
        repaired and listed as 'recovered' (without a transcript yet); returns their ids. What a
        killed process left behind is cleared first (deletions cut short, copies of a killed
        save, staging folders of a killed model import), and a finished recording whose save
        was killed is listed as recovered too."""
        from app.flows import store_recovered
        from app.startup_cleanup import clean_up_data_folder

        store = self.history
        ids = clean_up_data_folder(self.data_dir, store)
        ids += store.recover_interrupted()
        return ids + store_recovered(store, self.kit.recover_recordings(self.data_dir.recordings))

    def add_transcript(self, recording_id, result) -> None:
        """The transcript of a stored recording (made after the fact) replaces what it had, in
        one transaction."""
        self.history.replace_transcript(
            recording_id, result.segments, duration=result.duration, language=result.language
        )

    def save_recording(self, result) -> int:
        """Stores a finished recording or import (a SpeechResult) with its transcript, in one
        transaction; returns its id. No title of its own: the summary names it."""
        from app.flows import save_speech_result

        return save_speech_result(self.history, result)

    def recording(self, recording_id) -> RecordingDetails:
        item = self.history.get_item(recording_id)
        if item.kind != "recording":
            raise AppError(f"Item {recording_id} is a conversation, not a recording.")
        return RecordingDetails(
            item.id,
            item.title,
            local_label(item.created),
            item.duration,
            item.audio_path,
            tuple(item.segments),
            item.summary,
            tuple(self.speakers(item.id)) if any(s.speaker for s in item.segments) else (),
        )

    # --- who said what ----------------------------------------------------------------------
    def speakers(self, recording_id) -> list[Speaker]:
        return [Speaker(s.number, s.label, s.name is not None, s.segments) for s in self.history.speakers(recording_id)]

    def rename_speaker(self, recording_id, speaker: str, name: str) -> None:
        """Every line of theirs follows, and search finds the new name (the store re-indexes)."""
        self.history.rename_speaker(recording_id, speaker, name)

    def merge_speakers(self, recording_id, source: str, into: str) -> None:
        self.history.merge_speakers(recording_id, source, into)

    def move_line(self, recording_id, segment_index: int, to: str | None) -> None:
        """Gives one segment (its index in RecordingDetails.segments) to another speaker, or to
        a new one when ``to`` is None."""
        self.history.move_segment(recording_id, segment_index, to)

    def voices(self) -> list[Voice]:
        return [Voice(v.id, v.name, local_label(v.created)) for v in self.history.voices()]

    def keep_voice(self, name: str, embedding) -> int:
        """Stores a measured voice (services.measure_voice's result), on the user's word only."""
        return self.history.remember_voice(name, embedding)

    def forget_voice(self, voice_id) -> str:
        return self.history.forget_voice(voice_id)

    def newest_recording_id(self):
        items = self.history.list_items("recording", limit=1)
        return items[0].id if items else None

    def save_summary(self, recording_id, summary) -> None:
        self.history.save_summary(recording_id, summary)

    def rename(self, item_id, title: str) -> None:
        self.history.rename(item_id, title)

    def delete_item(self, item_id) -> None:
        self.history.delete(item_id)

    def export_text(self, item_id, fmt: str) -> str:
        return self.history.export(item_id, fmt)

    def export_to_file(self, item_id, fmt: str, path: str) -> None:
        self.history.export_to(item_id, fmt, Path(path))

    def search(self, query: str, kind: str | None) -> list[Hit]:
        return [
            Hit(h.id, h.kind, h.title, local_label(h.created), h.snippet, h.start)
            for h in self.history.search(query, kind)
        ]

    def passages(self, task) -> list:
        """The passages an AskTask is answered from (app.tasks.ask.passages_for), best first."""
        from app.tasks.ask import passages_for

        return passages_for(self.history, task)

    def save_answer(self, answer, scope_id) -> int:
        """Keeps an answer (app.assistant HistoryAnswer) in the history, at the user's word."""
        return self.history.save_answer(answer, scope_id)

    def saved_answer(self, item_id):
        """A saved question as the Ask panel shows an answer (a HistoryAnswer); a citation of
        an item deleted since has no id, so no link."""
        from app.assistant.ask_history import HistoryAnswer

        item = self.history.get_item(item_id)
        if item.kind != "question":
            raise AppError(f"Item {item_id} is a {item.kind}, not a saved question.")
        return HistoryAnswer(item.question, item.answer, item.citations)

    def list_items(self, kind: str | None) -> list[Hit]:
        return [
            Hit(i.id, i.kind, i.title, local_label(i.created), i.snippet, None)
            for i in self.history.list_items(kind, limit=200)
        ]

    def conversation(self, conversation_id) -> ConversationDetails:
        item = self.history.get_item(conversation_id)
        if item.kind != "conversation":
            raise AppError(f"Item {conversation_id} is a recording, not a conversation.")
        drafts = item.drafts[-3:]  # the latest three drafted
        picked = next((i for i, d in enumerate(drafts) if d.picked), None)
        return ConversationDetails(
            item.id,
            item.raw,
            item.me,
            tuple(d.text for d in drafts),
            picked,
            tuple(d.id for d in drafts),
            tuple(d.text for d in item.drafts),
            item.title,
        )

    def find_conversation(self, raw: str) -> ConversationDetails | None:
        """The stored conversation pasted as exactly this text (drafted before, maybe before a
        restart), so that drafting it again adds to it and avoids its drafts."""
        found = self.history.find_conversation(raw)
        return self.conversation(found) if found is not None else None

    def save_conversation(
        self,
        parsed: ParsedConversation,
        me: str | None,
        result,
        tone: str | None = None,
        length: str | None = None,
        conversation_id=None,
    ) -> ConversationDetails:
        """Stores the drafts of a pasted conversation: under its entry (conversation_id) when it
        has one, so that one conversation stays one entry however often it is drafted; else in
        a new entry with its turns, in one go once the drafts exist (app.flows)."""
        from app.flows import save_conversation
        from app.history.records import NewConversation

        conversation = NewConversation(
            parsed.raw, parsed.turns, me, drafts=tuple(self.draft_texts(result)), tone=tone, length=length
        )
        return self.conversation(save_conversation(self.history, conversation, into=conversation_id))

    def pick_draft(self, draft_id) -> None:
        self.history.pick_draft(draft_id)

    def wipe_all(self) -> None:
        self.history.wipe()

    @staticmethod
    def draft_texts(result) -> list[str]:
        return [draft.text for draft in getattr(result, "drafts", ())]
