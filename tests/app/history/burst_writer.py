"""Run as a script by test_crash.py: writes to a history as fast as it can, forever, and prints
one line per call that returned (so the line means "this transaction committed")."""

from __future__ import annotations

import sys
from pathlib import Path

from app.history import HistoryStore
from app.history.records import NewConversation
from app.records import Turn
from models.types import Segment


def main(folder: str, round_name: str) -> None:
    store = HistoryStore.open(Path(folder) / "history.db", Path(folder))
    n = 0
    while True:
        recording = store.add_recording(f"{round_name}-{n}")
        print(f"recording {recording}", flush=True)
        store.add_segments(recording, [Segment(i, i + 1, f"{round_name} segment {n} {i} walrus") for i in range(25)])
        print(f"segments {recording}", flush=True)
        store.finish_recording(recording, duration=25.0)
        print(f"finished {recording}", flush=True)
        chat = store.add_conversation(NewConversation(f"A: hi {n}", (Turn("A", f"hi {n}"), Turn("B", "hello")), me="B"))
        drafts = store.add_drafts(chat, ["one", "two", "three"])
        print(f"drafts {chat} {len(drafts)}", flush=True)
        store.pick_draft(drafts[n % 3])
        print(f"picked {chat} {drafts[n % 3]}", flush=True)
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
