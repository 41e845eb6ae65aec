"""`history backup` writes only where a backup can live (app/history/backup_target.py): never onto
the live database's own files, never onto a device, pipe or socket."""

from __future__ import annotations

import os
import stat

import pytest
from support import run_confide

from app.errors import HistoryError
from app.history.records import NewConversation
from app.records import Turn


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_a_backup_onto_the_database_s_own_files_is_refused(store, data_dir, suffix):
    """history.db-wal / -shm / -journal: refused (a backup renamed onto the WAL said "Backed up"
    and vanished when the database closed), and the history is untouched."""
    store.add_conversation(NewConversation("Jo: hi", (Turn("Jo", "hi"),)))
    with pytest.raises(HistoryError, match=f"cannot overwrite the history database's own {suffix} file"):
        store.backup(data_dir / f"history.db{suffix}")
    assert [item.title for item in store.list_items()] and store.check_integrity() == "ok"


def test_links_to_the_database_are_refused(store, data_dir, tmp_path):
    """A symbolic or a hard link to the database is the database itself."""
    (tmp_path / "soft.db").symlink_to(data_dir / "history.db")
    os.link(data_dir / "history.db", tmp_path / "hard.db")
    for name in ("soft.db", "hard.db"):
        with pytest.raises(HistoryError, match="cannot overwrite the history database itself"):
            store.backup(tmp_path / name)


def test_a_device_node_is_refused_and_left_as_it_is(store, tmp_path):
    """A character device (a private copy of /dev/full's node, made in a temporary folder; the
    real one is never touched) and a named pipe are refused; both are still what they were."""
    nodes = tmp_path / "nodes"
    nodes.mkdir()
    device = nodes / "full"
    os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 7))
    pipe = nodes / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(HistoryError, match="is a character device, not a file"):
        store.backup(device)
    with pytest.raises(HistoryError, match="is a named pipe, not a file"):
        store.backup(pipe)
    assert stat.S_ISCHR(device.stat().st_mode) and os.major(device.stat().st_rdev) == 1
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert sorted(p.name for p in nodes.iterdir()) == ["full", "pipe"]  # no temporary copy left


def test_an_ordinary_existing_file_is_still_replaced(store, tmp_path):
    """An older backup (a regular file) is replaced by the new one, as before."""
    store.add_conversation(NewConversation("Jo: hi", (Turn("Jo", "hi"),)))
    old = tmp_path / "copy.db"
    old.write_bytes(b"an older copy")
    assert store.backup(old) == old and old.read_bytes().startswith(b"SQLite format 3")


def test_the_command_refuses_in_one_line(data_dir, tmp_path):
    """`confide history backup DEVICE` and `... history.db-wal`: exit 1, one sentence."""
    device = tmp_path / "full"
    os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 7))
    assert run_confide("history", "list", data_dir=data_dir).returncode == 0
    for target in (device, data_dir / "history.db-wal"):
        result = run_confide("history", "backup", str(target), data_dir=data_dir)
        assert result.returncode == 1 and "Backed up" not in result.stdout
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert stat.S_ISCHR(device.stat().st_mode)
