"""kill -9 during a burst of writes loses nothing that was committed and breaks nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from support import ROOT

from app.history import HistoryStore

WRITER = Path(__file__).with_name("burst_writer.py")


def _write_then_kill(data_dir: Path, round_name: str, after_lines: int, extra_delay: float) -> list[str]:
    """Starts the writer, lets it commit at least after_lines times, kills it with SIGKILL."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(data_dir), round_name],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines = []
    deadline = time.monotonic() + 60
    while len(lines) < after_lines:
        line = writer.stdout.readline()
        assert line, f"the writer stopped early: {writer.stderr.read()}"
        lines.append(line.strip())
        assert time.monotonic() < deadline, "the writer is too slow"
    time.sleep(extra_delay)
    writer.send_signal(signal.SIGKILL)
    rest, _ = writer.communicate(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    # Lines already in the pipe when the writer died were committed too.
    return lines + [line.strip() for line in rest.splitlines() if line.strip()]


def test_kill_9_during_writes_keeps_every_committed_row(data_dir):
    """Three rounds of writing killed at random moments: integrity_check is ok, the search index
    agrees with its table, and every transaction the writer saw commit is there in full."""
    chance = random.Random(11)
    committed = []
    for round_number in range(3):
        committed += _write_then_kill(
            data_dir, f"round{round_number}", chance.randint(20, 60), chance.uniform(0.0, 0.05)
        )

    with HistoryStore.open(data_dir / "history.db", data_dir) as store:
        db = store.db
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.execute("INSERT INTO search_docs_fts (search_docs_fts) VALUES ('integrity-check')")
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        for line in committed:
            what, item_id, *rest = line.split()
            item = store.get_item(int(item_id))  # raises if the item is missing
            if what == "segments":
                assert len(item.segments) == 25, line
            elif what == "finished":
                assert item.status == "done" and item.duration == 25.0, line
            elif what == "drafts":
                assert len(item.drafts) >= int(rest[0]), line
            elif what == "picked":
                assert [d.id for d in item.drafts if d.picked] == [int(rest[0])], line
        finished = [line for line in committed if line.startswith("finished")]
        assert len(finished) >= 3
        # Search still works on what survived: every finished recording is found.
        found = {hit.id for hit in store.search("walrus", limit=10_000)}
        assert {int(line.split()[1]) for line in finished} <= found
