"""Voice profiles: remembered by name on the user's say-so, each embedding checked when it is
written and again when it is read (the file is untrusted), forgotten one at a time or by wipe."""

from __future__ import annotations

import numpy as np
import pytest

from app.errors import HistoryError
from app.history import HistoryStore


def _voice(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(256).astype(np.float32)


def test_a_voice_is_remembered_listed_and_read_back_exactly(store):
    """The embedding comes back bit for bit (float32, in a reopened history), with its name and date."""
    voice_id = store.remember_voice("  Elena  ", _voice(1))
    store.remember_voice("Ada", _voice(2).tolist())  # a plain list of numbers is as good
    store.close()
    with HistoryStore.open(store.path, store.data_root) as again:
        profiles = again.voices()
    assert [(p.name, p.created[:2]) for p in profiles] == [("Ada", "20"), ("Elena", "20")]
    elena = profiles[1]
    assert elena.id == voice_id and elena.embedding.dtype == np.float32
    assert np.array_equal(elena.embedding, _voice(1))
    assert elena.to_json() == {"id": voice_id, "name": "Elena", "created": elena.created}


def test_forget_by_name_or_id(store):
    """One voice goes, by its name (any case) or its id; an unknown one is one sentence."""
    first = store.remember_voice("Elena", _voice(1))
    store.remember_voice("Ada", _voice(2))
    assert store.forget_voice("ada") == "Ada"
    assert store.forget_voice(first) == "Elena"
    assert store.voices() == []
    with pytest.raises(HistoryError, match="No voice 'Ola' is remembered"):
        store.forget_voice("Ola")


@pytest.mark.parametrize(
    ("name", "embedding", "message"),
    [
        ("Elena", np.zeros(255, np.float32), "256 values, not 255"),
        ("Elena", np.zeros((2, 256), np.float32), "256 values, not 512"),
        ("Elena", np.full(256, np.nan, np.float32), "not a number"),
        ("Elena", np.full(256, 1e39), "not a number"),  # past float32's range
        ("Elena", ["a"] * 256, "list of numbers"),
        ("", np.zeros(256, np.float32), "cannot be empty"),
        ("Speaker 2", np.zeros(256, np.float32), "speaker nobody has named"),
    ],
)
def test_a_bad_voice_is_refused_on_write(store, name, embedding, message):
    """Wrong size, non-numbers, no name or an unnamed speaker's label: one sentence, nothing stored."""
    with pytest.raises(HistoryError, match=message):
        store.remember_voice(name, embedding)
    assert store.db.execute("SELECT count(*) FROM voices").fetchone()[0] == 0


def test_a_second_voice_of_the_same_name_is_refused(store):
    """Names are unique (in any case): the second recording of Elena does not replace the first."""
    store.remember_voice("Elena", _voice(1))
    with pytest.raises(HistoryError, match="remembered already"):
        store.remember_voice("ELENA", _voice(2))
    assert np.array_equal(store.voices()[0].embedding, _voice(1))


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"\x00" * 1020, r"damaged \(1020 bytes, not 1024\)"),
        (np.full(256, np.inf, "<f4").tobytes(), r"damaged \(a value is not a number\)"),
    ],
)
def test_a_damaged_voice_in_the_file_is_refused_on_read(store, blob, message):
    """A profile written by something else (the table's CHECK switched off) is refused by name
    when read, never handed out; it can still be forgotten."""
    db = store.db
    db.execute("PRAGMA ignore_check_constraints = ON")
    db.execute("INSERT INTO voices (name, embedding, created) VALUES ('Mallory', ?, '2026-01-01T00:00:00Z')", [blob])
    db.execute("PRAGMA ignore_check_constraints = OFF")
    with pytest.raises(HistoryError, match=f"voice profile 'Mallory' in the history is {message}"):
        store.voices()
    assert store.forget_voice("Mallory") == "Mallory"
    assert store.voices() == []


def test_wipe_removes_the_voices(store, spoken):
    """wipe forgets every voice along with every item."""
    store.remember_voice("Elena", _voice(1))
    store.wipe()
    assert store.voices() == []
    assert store.db.execute("SELECT count(*) FROM voices").fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM speakers").fetchone()[0] == 0
