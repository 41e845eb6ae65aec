"""Atomic writes: a file holds the old content or the new, never half, and no temporary is left."""

from __future__ import annotations

import stat

import pytest

from models.durable import replacing, write_atomically


def test_a_write_replaces_the_whole_file_with_the_mode_asked(tmp_path):
    """Text is written as UTF-8; the file is private unless another mode is asked for."""
    target = tmp_path / "settings.json"
    target.write_text("old")
    write_atomically(target, "nouveau ✓")
    assert target.read_text(encoding="utf-8") == "nouveau ✓"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    write_atomically(target, b"\x00\x01", mode=0o644)
    assert target.read_bytes() == b"\x00\x01"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    """An error half-way (a full disk, a bug) keeps what was there and cleans up after itself."""
    target = tmp_path / "confide-model.json"
    target.write_text("old")
    with pytest.raises(OSError), replacing(target) as temp:
        temp.write_text("half of the new")
        raise OSError(28, "No space left on device")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["confide-model.json"]


def test_the_temporary_is_beside_the_target(tmp_path):
    """Same folder, so the rename is atomic (never across file systems)."""
    with replacing(tmp_path / "a.txt") as temp:
        assert temp.parent == tmp_path
        temp.write_text("x")
    assert (tmp_path / "a.txt").read_text() == "x"
