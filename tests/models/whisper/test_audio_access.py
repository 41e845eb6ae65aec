"""A file the user may not reach is one sentence (models/whisper/audio_io.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.errors import AudioError
from models.whisper.audio_io import check_readable


def test_an_audio_file_behind_a_closed_folder_is_one_sentence(tmp_path, monkeypatch):
    """exists() and is_dir() raise PermissionError when a folder on the way may not be entered
    (a traceback, found by bench/hostile.py as the user nobody); now: one AudioError."""

    def closed(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "stat", closed)
    with pytest.raises(AudioError, match=r"meeting.wav cannot be read \(Permission denied\); check its permissions"):
        check_readable(tmp_path / "closed" / "meeting.wav")
