"""The data folder: where it is, that it is private, and that tests never use the real home."""

from __future__ import annotations

import os
import stat

from support import run_confide

from app.paths import DataDir, default_data_dir, resolve_data_dir


def test_data_dir_is_created_private(tmp_path):
    """A new data folder is created with mode 0700."""
    folder = DataDir(tmp_path / "new" / "confide").ensure()
    assert stat.S_IMODE(folder.root.stat().st_mode) == 0o700


def test_option_beats_environment_beats_default(tmp_path, monkeypatch):
    """--data-dir wins over CONFIDE_DATA_DIR, which wins over the platform default."""
    monkeypatch.setenv("CONFIDE_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "opt") == (tmp_path / "opt").resolve()
    assert resolve_data_dir(None) == (tmp_path / "env").resolve()
    monkeypatch.delenv("CONFIDE_DATA_DIR")
    assert resolve_data_dir(None) == default_data_dir()


def test_default_follows_the_platform(tmp_path, monkeypatch):
    """Without options the data lives in the user's data folder (XDG on Linux)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "Confide"


def test_the_cli_uses_the_environment_variable(tmp_path):
    """CONFIDE_DATA_DIR is honoured by the command line, and nothing is written to HOME."""
    home = tmp_path / "home"
    home.mkdir()
    target = tmp_path / "via-env"
    result = run_confide("models", "list", "--json", env={"CONFIDE_DATA_DIR": str(target), "HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert target.is_dir()
    assert list(home.iterdir()) == []


def test_an_unusable_data_dir_is_one_line(tmp_path):
    """A data folder that is a file is reported in one sentence (exit 1), not a traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_confide("--data-dir", str(blocker / "sub"), "models", "list")
    assert result.returncode == 1
    assert "Cannot create the data folder" in result.stderr and "Traceback" not in result.stderr
    assert os.path.isfile(blocker)


def test_an_existing_open_data_dir_is_made_private(tmp_path):
    """A data folder made earlier with mode 0755 (by hand, or by an older version) is tightened
    to 0700 on start: others on the machine cannot list the recordings."""
    folder = tmp_path / "shared-looking"
    folder.mkdir()
    os.chmod(folder, 0o755)
    DataDir(folder).ensure()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_the_cli_tightens_an_open_data_dir(tmp_path):
    """The same through the command line, whichever command runs first."""
    folder = tmp_path / "data"
    folder.mkdir()
    os.chmod(folder, 0o755)
    result = run_confide("--data-dir", str(folder), "history", "list")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_an_empty_data_dir_option_is_refused(tmp_path):
    """`--data-dir ''` (an unset shell variable, say) is one sentence and exit 1, not a silent
    switch to the default folder; nothing is created in HOME."""
    home = tmp_path / "home"
    home.mkdir()
    result = run_confide("--data-dir", "", "history", "list", env={"HOME": str(home), "XDG_DATA_HOME": ""})
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "confide: --data-dir is empty; give the folder to use, or leave the option out for the default one."
    )
    assert list(home.iterdir()) == []
