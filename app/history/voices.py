"""Voice profiles: the voices the user chose to have recognised, by name (opt-in, one at a time;
`wipe` removes them with everything else).

An embedding is stored as 256 float32 values, little-endian (1024 bytes). The database file is
untrusted (it may be a backup restored from anywhere), so every embedding is checked again when
it is read: a profile of another length or holding NaN or infinity is refused by name, never
handed to the recogniser.
"""

from __future__ import annotations

import numpy as np

from app.errors import HistoryError
from app.history import inputs
from app.history.dates import to_stored
from app.history.records import VoiceProfile

EMBEDDING_VALUES = 256
STORED = np.dtype("<f4")
EMBEDDING_BYTES = EMBEDDING_VALUES * STORED.itemsize


def encode(embedding) -> bytes:
    """The bytes stored for an embedding (anything array-like of 256 finite numbers)."""
    try:
        values = np.asarray(embedding, dtype=np.float64)
    except (TypeError, ValueError):
        raise HistoryError("A voice embedding must be a list of numbers.") from None
    if values.shape != (EMBEDDING_VALUES,):
        raise HistoryError(
            f"A voice embedding has {EMBEDDING_VALUES} values, not {values.size}; it comes from another model."
        )
    with np.errstate(over="ignore"):  # a value past float32's range becomes inf, refused below
        stored = values.astype(STORED)
    if not np.all(np.isfinite(stored)):
        raise HistoryError("A voice embedding holds a value that is not a number; record the voice again.")
    return stored.tobytes()


def decode(blob, name: str) -> np.ndarray:
    """The embedding of a stored profile, checked: float32 in this machine's byte order."""
    if not isinstance(blob, bytes) or len(blob) != EMBEDDING_BYTES:
        size = len(blob) if isinstance(blob, bytes) else "no"
        raise HistoryError(
            f"The voice profile '{name}' in the history is damaged ({size} bytes, not {EMBEDDING_BYTES}); "
            "delete it and record the voice again."
        )
    values = np.frombuffer(blob, dtype=STORED).astype(np.float32)
    if not np.all(np.isfinite(values)):
        raise HistoryError(
            f"The voice profile '{name}' in the history is damaged (a value is not a number); "
            "delete it and record the voice again."
        )
    return values


def remember(db, name: str, embedding) -> int:
    """Stores a voice under a name no other voice has; returns its id."""
    name = inputs.voice_name(name)
    blob = encode(embedding)
    if db.execute("SELECT 1 FROM voices WHERE name = ? COLLATE NOCASE", [name]).fetchone():
        raise HistoryError(f"A voice called {name} is remembered already; forget it first to record it again.")
    return db.execute(
        "INSERT INTO voices (name, embedding, created) VALUES (?, ?, ?)", [name, blob, to_stored()]
    ).lastrowid


def profiles(db) -> list[VoiceProfile]:
    """Every remembered voice, by name, each embedding checked."""
    return [
        VoiceProfile(voice_id, name, created, decode(blob, name))
        for voice_id, name, created, blob in db.execute(
            "SELECT id, name, created, embedding FROM voices ORDER BY name COLLATE NOCASE, id"
        ).fetchall()
    ]


def forget(db, voice: int | str) -> str:
    """Deletes one voice, by id or by name; returns its name."""
    if isinstance(voice, int):
        row = db.execute("SELECT id, name FROM voices WHERE id = ?", [voice]).fetchone()
    else:
        row = db.execute(
            "SELECT id, name FROM voices WHERE name = ? COLLATE NOCASE ORDER BY id", [" ".join(voice.split())]
        ).fetchone()
    if row is None:
        raise HistoryError(f"No voice {voice if isinstance(voice, int) else repr(voice)} is remembered.")
    db.execute("DELETE FROM voices WHERE id = ?", [row[0]])
    return row[1]
