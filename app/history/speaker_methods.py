"""The HistoryStore methods for who said what: a recording's speakers and the voices the user
chose to have recognised. Kept apart from store.py to keep each file short; the SQL is in
speakers.py and voices.py, and each edit here is one transaction."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from app.history import reading, writing

# Aliased: the methods speakers() and voices() read best under the modules' own names.
from app.history import speakers as speaker_rows
from app.history import voices as voice_rows
from app.history.guard import guarded
from app.history.records import SpeakerSummary, VoiceProfile


class SpeakerMethods:
    # Set by HistoryStore.__init__.
    _db: Any
    _lock: threading.RLock
    path: Path

    # --- a recording's speakers ------------------------------------------------------------------

    @guarded
    def speakers(self, recording_id: int) -> list[SpeakerSummary]:
        """The recording's speakers in order of number (first to speak first), with how many
        segments and seconds each has; empty when its speakers were not told apart."""
        recording_id = reading.require(self._db, recording_id, "recording")
        return speaker_rows.summaries(self._db, recording_id)

    @guarded
    def rename_speaker(self, recording_id: int, speaker: str | int, name: str) -> SpeakerSummary:
        """Names a speaker (given by the name it is shown by, or its number); every segment of
        theirs follows. A name another speaker of the recording has is refused (merge them
        instead); the speaker's own "Speaker N" takes the name away."""
        recording_id = reading.require(self._db, recording_id, "recording")
        with self._db.atomic():
            speaker_id = speaker_rows.find(self._db, recording_id, speaker)
            speaker_rows.rename(self._db, recording_id, speaker_id, name)
            writing.refresh_preview(self._db, recording_id)
        return speaker_rows.summary(self._db, recording_id, speaker_id)

    @guarded
    def merge_speakers(self, recording_id: int, source: str | int, into: str | int) -> SpeakerSummary:
        """Makes two speakers one: source's segments become into's, and source is no more.
        Returns into as it is now."""
        recording_id = reading.require(self._db, recording_id, "recording")
        with self._db.atomic():
            source_id = speaker_rows.find(self._db, recording_id, source)
            target_id = speaker_rows.find(self._db, recording_id, into)
            speaker_rows.merge(self._db, recording_id, source_id, target_id)
            writing.refresh_preview(self._db, recording_id)
        return speaker_rows.summary(self._db, recording_id, target_id)

    @guarded
    def move_segment(self, recording_id: int, segment: int, to: str | None = None) -> SpeakerSummary:
        """Gives one segment (its position in RecordingDetail.segments, from 0) to another
        speaker: one of the recording's (by name or number), a new one with a new name, or with
        to=None a new one nobody has named. A speaker left without segments is no more."""
        recording_id = reading.require(self._db, recording_id, "recording")
        with self._db.atomic():
            speaker_id = speaker_rows.move_segment(self._db, recording_id, int(segment), to)
            writing.refresh_preview(self._db, recording_id)
        return speaker_rows.summary(self._db, recording_id, speaker_id)

    # --- voice profiles (opt-in) -----------------------------------------------------------------

    @guarded
    def remember_voice(self, name: str, embedding) -> int:
        """Keeps a voice (a speaker encoder's 256 values) under a person's name, so that their
        speakers can be named in later recordings; returns its id. Only on the user's say-so."""
        with self._db.atomic():
            return voice_rows.remember(self._db, name, embedding)

    @guarded
    def voices(self) -> list[VoiceProfile]:
        """The remembered voices by name, each embedding checked (a damaged one is refused)."""
        return voice_rows.profiles(self._db)

    @guarded
    def forget_voice(self, voice: int | str) -> str:
        """Deletes one remembered voice, by id or by name; returns its name."""
        with self._db.atomic():
            return voice_rows.forget(self._db, voice)
