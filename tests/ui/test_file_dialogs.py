"""Every file dialog of the window starts in the user's home, then in the folder last used (kept
in the settings across restarts), never in the program's own folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_history import write_demo_history
from fake_engine import _write_tone
from PySide6.QtWidgets import QFileDialog

from app.settings import load_settings


class DialogSpy:
    """Stands in for QFileDialog's static functions: records where each dialog would start and
    answers with the path the test chose."""

    def __init__(self, monkeypatch):
        self.starts: list[tuple[str, str]] = []
        self.answer = ""
        for name in ("getOpenFileName", "getSaveFileName", "getExistingDirectory"):
            monkeypatch.setattr(QFileDialog, name, self._fake(name))

    def _fake(self, name):
        def dialog(parent, caption="", directory="", *rest, **options):
            self.starts.append((caption, directory))
            return self.answer if name == "getExistingDirectory" else (self.answer, "")

        return staticmethod(dialog)

    def last_start(self) -> str:
        return self.starts[-1][1]


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


def test_dialogs_start_at_home_then_where_the_last_file_was(window, qtbot, home, tmp_path, monkeypatch, data_dir):
    """Import (Ctrl+O), the model import and the export dialog start at home at first; once a
    file was imported from a folder, every dialog starts there, also after a restart."""
    spy = DialogSpy(monkeypatch)
    window.record_view.choose_file()
    window.settings_view._choose_import("gguf")
    window.settings_view._choose_import("folder")
    assert [start for _, start in spy.starts] == [str(home)] * 3
    media = tmp_path / "media"
    media.mkdir()
    talk = media / "talk.wav"
    _write_tone(talk, 0.5)
    spy.answer = str(talk)
    window.record_view.choose_file()
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=5000)
    spy.answer = ""
    window.record_view.choose_file()
    window.settings_view._choose_import("gguf")
    window.settings_view._choose_import("folder")
    assert [start for _, start in spy.starts[-3:]] == [str(media)] * 3
    window.recording_view.export("md")
    assert Path(spy.last_start()).parent == media and spy.last_start().endswith(".md")
    assert load_settings(data_dir / "settings.json").last_folder == str(media)


def test_an_export_is_suggested_in_the_last_folder_and_remembered(window, home, tmp_path, monkeypatch, data_dir):
    """The export dialog suggests "<title>.srt" in the last folder (not a bare name, which Qt
    puts in the program's folder); the folder saved to becomes the next start."""
    ids = write_demo_history(data_dir)
    window.open_recording(ids["recording"])
    spy = DialogSpy(monkeypatch)
    window.recording_view.export("srt")
    assert spy.last_start() == str(home / "Website launch moves to March.srt")
    exports = tmp_path / "exports"
    exports.mkdir()
    spy.answer = str(exports / "launch.srt")
    window.recording_view.export("srt")
    assert (exports / "launch.srt").is_file()
    window.record_view.choose_file()
    assert spy.last_start() == str(exports)


def test_a_vanished_last_folder_starts_at_home(window, home, tmp_path, monkeypatch):
    """A remembered folder that was deleted since is not offered; home is."""
    window.services.update_settings(last_folder=str(tmp_path / "gone"))
    spy = DialogSpy(monkeypatch)
    window.record_view.choose_file()
    assert spy.last_start() == str(home)
