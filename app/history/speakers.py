"""Who said what in a recording: its speakers and the edits the user makes to them, each inside
the caller's transaction.

A recording's speakers are numbered 1.. in the order they first speak; a speaker the user has
not named is shown as "Speaker N" (name NULL), so one name is never stored in two forms. The
user points at a speaker by the name it is shown by (any case) or by its number. Every edit
rebuilds the recording's transcript passages in the search index ("Name: text"), so that
search finds the names as they are now; the caller refreshes the list's preview.
"""

from __future__ import annotations

from app.errors import HistoryError
from app.history import inputs, search_index
from app.history.records import SpeakerSummary, speaker_label

SHOWN_IN_A_MESSAGE = 6  # speakers listed in "it has no speaker X; its speakers are ..."


# --- writing a transcript ------------------------------------------------------------------------


def link(db, recording_id: int, names: list[str | None]) -> list[int | None]:
    """The speaker id of each new segment, from the names its transcriber gave (None: not told
    apart). A name not seen before becomes the recording's next speaker: "Speaker 3" one the
    user has not named (numbered by its own order of appearance, not by the 3), any other name
    one that has that name. A batch appended later finds the speakers stored before by the
    names they are shown by."""
    known = {label.casefold(): speaker_id for speaker_id, _number, label in _rows(db, recording_id)}
    top = _top_number(db, recording_id)
    ids: list[int | None] = []
    for name in names:
        if name is None:
            ids.append(None)
            continue
        key = name.casefold()
        if key not in known:
            top += 1
            known[key] = _insert(db, recording_id, top, None if inputs.unnamed_number(name) is not None else name)
        ids.append(known[key])
    return ids


def drop_all(db, recording_id: int) -> None:
    """A transcript that replaces another brings its own speakers: the old ones go (after their
    segments)."""
    db.execute("DELETE FROM speakers WHERE recording_id = ?", [recording_id])


# --- reading -------------------------------------------------------------------------------------


def summaries(db, recording_id: int) -> list[SpeakerSummary]:
    """The recording's speakers in order of number, with how many segments and seconds each has."""
    return [
        SpeakerSummary(number, name, count, seconds or 0.0)
        for number, name, count, seconds in db.execute(
            'SELECT s.number, s.name, count(g.idx), sum(max(0.0, g."end" - g.start)) FROM speakers s '
            "LEFT JOIN segments g ON g.speaker_id = s.id WHERE s.recording_id = ? "
            "GROUP BY s.id ORDER BY s.number",
            [recording_id],
        )
    ]


def summary(db, recording_id: int, speaker_id: int) -> SpeakerSummary:
    number = _number(db, speaker_id)
    return next(s for s in summaries(db, recording_id) if s.number == number)


def find(db, recording_id: int, speaker: str | int) -> int:
    """The id of the speaker the user means: the name it is shown by (any case), or its number."""
    rows = _rows(db, recording_id)
    if not rows:
        raise HistoryError(f"Recording {recording_id} has no speakers told apart.")
    wanted = " ".join(str(speaker).split())
    found = _shown_as(db, recording_id, wanted) or _numbered(db, recording_id, wanted)
    if found is None:
        shown = ", ".join(label for _, _, label in rows[:SHOWN_IN_A_MESSAGE])
        more = ", …" if len(rows) > SHOWN_IN_A_MESSAGE else ""
        raise HistoryError(f"Recording {recording_id} has no speaker '{wanted}'; its speakers are {shown}{more}.")
    return found


# --- the user's edits ----------------------------------------------------------------------------


def rename(db, recording_id: int, speaker_id: int, new_name: str) -> None:
    """Names a speaker; every segment of theirs follows, as it refers to the speaker. The
    speaker's own "Speaker N" takes the name away again."""
    name = inputs.person_name(new_name)
    number = _number(db, speaker_id)
    other = _shown_as(db, recording_id, name)
    if other is not None and other != speaker_id:
        # Two speakers shown by one name could not be told apart again: that is a merge.
        raise HistoryError(
            f"Recording {recording_id} already has a speaker called {name}; if they are one person, merge "
            f"them: `confide history merge-speakers {recording_id} {number} {_number(db, other)}`."
        )
    unnamed = inputs.unnamed_number(name)
    if unnamed is not None and unnamed != number:
        raise HistoryError(
            f"'{name}' is how Confide shows a speaker nobody has named; give a person's name "
            f"(or 'Speaker {number}' to take this speaker's name away)."
        )
    db.execute("UPDATE speakers SET name = ? WHERE id = ?", [None if unnamed is not None else name, speaker_id])
    search_index.reindex_transcript(db, recording_id)


def merge(db, recording_id: int, source_id: int, target_id: int) -> None:
    """The source speaker's segments become the target's, and the source is no more."""
    if source_id == target_id:
        raise HistoryError("A speaker cannot be merged into themselves; name two different speakers.")
    db.execute("UPDATE segments SET speaker_id = ? WHERE speaker_id = ?", [target_id, source_id])
    db.execute("DELETE FROM speakers WHERE id = ?", [source_id])
    search_index.reindex_transcript(db, recording_id)


def move_segment(db, recording_id: int, position: int, to: str | None) -> int:
    """Gives one segment (its position in the transcript, from 0) to another speaker: one of
    the recording's, a new one with a new name, or (to=None) a new one nobody has named. A
    speaker left without segments is no more. Returns the id of the speaker it went to."""
    row = None
    if position >= 0:
        row = db.execute(
            "SELECT idx, speaker_id FROM segments WHERE recording_id = ? ORDER BY idx LIMIT 1 OFFSET ?",
            [recording_id, position],
        ).fetchone()
    if row is None:
        count = db.execute("SELECT count(*) FROM segments WHERE recording_id = ?", [recording_id]).fetchone()[0]
        if not count:
            raise HistoryError(f"Recording {recording_id} has no transcript yet; transcribe it first.")
        raise HistoryError(f"Recording {recording_id} has no segment {position}; they are numbered 0 to {count - 1}.")
    idx, before = row
    target = _target(db, recording_id, to)
    db.execute("UPDATE segments SET speaker_id = ? WHERE recording_id = ? AND idx = ?", [target, recording_id, idx])
    if before is not None and before != target:
        db.execute(
            "DELETE FROM speakers WHERE id = ? AND NOT EXISTS (SELECT 1 FROM segments WHERE speaker_id = ?)",
            [before, before],
        )
    search_index.reindex_transcript(db, recording_id)
    return target


# --- inside --------------------------------------------------------------------------------------


def _target(db, recording_id: int, to: str | None) -> int:
    """The speaker a segment moves to; a name nobody has yet makes a new speaker."""
    if to is None:
        return _insert(db, recording_id, _top_number(db, recording_id) + 1, None)
    wanted = " ".join(to.split())
    existing = _shown_as(db, recording_id, wanted)
    if existing is None:
        existing = _numbered(db, recording_id, wanted)
    if existing is not None:
        return existing
    if wanted.isdigit() or inputs.unnamed_number(wanted) is not None:
        raise HistoryError(
            f"Recording {recording_id} has no speaker '{wanted}'; name one of its speakers, give a new "
            "name, or give none for a new speaker."
        )
    return _insert(db, recording_id, _top_number(db, recording_id) + 1, inputs.person_name(wanted))


def _rows(db, recording_id: int) -> list[tuple[int, int, str]]:
    """(id, number, the name it is shown by) of each speaker, in order of number."""
    return [
        (speaker_id, number, speaker_label(number, name))
        for speaker_id, number, name in db.execute(
            "SELECT id, number, name FROM speakers WHERE recording_id = ? ORDER BY number", [recording_id]
        ).fetchall()
    ]


def _shown_as(db, recording_id: int, name: str) -> int | None:
    wanted = name.casefold()
    return next((speaker_id for speaker_id, _, label in _rows(db, recording_id) if label.casefold() == wanted), None)


def _numbered(db, recording_id: int, text: str) -> int | None:
    """The speaker whose number text is, if it is one (a number past SQLite's is nobody's)."""
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return None
    row = db.execute(
        "SELECT id FROM speakers WHERE recording_id = ? AND number = ?", [recording_id, int(text)]
    ).fetchone()
    return row[0] if row else None


def _number(db, speaker_id: int) -> int:
    return db.execute("SELECT number FROM speakers WHERE id = ?", [speaker_id]).fetchone()[0]


def _top_number(db, recording_id: int) -> int:
    top = db.execute("SELECT max(number) FROM speakers WHERE recording_id = ?", [recording_id]).fetchone()[0]
    return top or 0


def _insert(db, recording_id: int, number: int, name: str | None) -> int:
    return db.execute(
        "INSERT INTO speakers (recording_id, number, name) VALUES (?, ?, ?)", [recording_id, number, name]
    ).lastrowid
