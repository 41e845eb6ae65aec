"""The kinds and states that are stored as words (in the database, settings and JSON), as
StrEnums: a member is its word, so it compares equal to the string read back and is written as it.
A module of its own, light to import, so that the window can use them without loading the
history or the assistant at start. ModelKind belongs to models/ and is passed on from here (the
window reaches models/ only through app/)."""

from __future__ import annotations

from enum import StrEnum

from models.types import ModelKind

__all__ = ["ItemKind", "ModelKind", "RecordingStatus"]


class ItemKind(StrEnum):
    """What a history item is; the value is what the database and the JSON hold."""

    RECORDING = "recording"
    CONVERSATION = "conversation"
    QUESTION = "question"  # a question asked of the history, with its answer, saved by the user


class RecordingStatus(StrEnum):
    """How far a recording got; the value is what the database and the JSON hold."""

    RECORDING = "recording"  # still being recorded, or cut off by a crash
    RECOVERED = "recovered"  # its audio kept after a crash, without a transcript
    DONE = "done"
