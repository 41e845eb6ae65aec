"""The schema's migrations: an old database upgrades; a newer or foreign one is left untouched."""

from __future__ import annotations

import hashlib

import pytest
import sqlite_utils

from app.errors import HistoryError
from app.history import HistoryStore, search_index
from app.history.records import NewConversation
from app.history.schema import KNOWN_STEPS, MIGRATION_SET, m006_saved_answers, migrations
from app.records import Turn
from models.types import Segment


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_first_schema_database_opens_and_upgrades(data_dir):
    """A database made with the first schema (before search existed) keeps its data, gains
    every later step, and its old contents become searchable."""
    path = data_dir / "history.db"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before=KNOWN_STEPS[1])
    assert [step.name for step in migrations.applied(old)] == KNOWN_STEPS[:1]
    old.executescript("""
        INSERT INTO items (id, kind, title, created, preview) VALUES
            (1, 'recording', 'Old standup', '2023-01-02T09:00:00Z', 'We met.'),
            (2, 'conversation', 'Old chat', '2023-01-03T09:00:00Z', '');
        INSERT INTO recordings (item_id, audio_file, duration, status) VALUES (1, 'recordings/1.wav', 60, 'done');
        INSERT INTO segments (recording_id, idx, start, "end", text) VALUES
            (1, 0, 0, 30, 'We met about the lighthouse.'), (1, 1, 30, 60, 'Then we left.');
        INSERT INTO summaries (recording_id, title, overview, created) VALUES
            (1, 'Standup', 'A short talk about the harbour.', '2023-01-02T09:05:00Z');
        INSERT INTO summary_items (recording_id, kind, idx, text, owner, due, start) VALUES
            (1, 'action_item', 0, 'Paint the lighthouse', 'Ola', 'Monday', 30.0);
        INSERT INTO conversations (item_id, me, raw) VALUES (2, 'Kim', 'Ada: seen the walrus?');
        INSERT INTO turns (conversation_id, idx, speaker, text) VALUES (2, 0, 'Ada', 'Seen the walrus?');
        INSERT INTO drafts (conversation_id, idx, text, created, picked_at) VALUES
            (2, 0, 'Yes, at the zoo!', '2023-01-03T09:01:00Z', '2023-01-03T09:02:00Z');
    """)
    old.close()

    with HistoryStore.open(path, data_dir) as store:
        assert [step.name for step in migrations.applied(store.db)] == KNOWN_STEPS
        assert [item.id for item in store.list_items()] == [2, 1]
        assert store.get_item(1).summary.action_items[0].owner == "Ola"
        hits = {word: store.search(word) for word in ("lighthouse", "harbour", "walrus", "zoo")}
        assert {word: [h.id for h in found] for word, found in hits.items()} == {
            "lighthouse": [1],
            "harbour": [1],
            "walrus": [2],
            "zoo": [2],
        }
        assert store.picked_replies() == ["Yes, at the zoo!"]
        assert "settings" not in store.db.table_names()  # m003 made it, the last step dropped it
    with HistoryStore.open(path, data_dir) as again:  # opening again applies nothing twice
        assert len(migrations.applied(again.db)) == len(KNOWN_STEPS)


def test_a_database_with_the_old_settings_table_opens_without_it(data_dir):
    """A history from before m005 kept a settings table (only tests wrote it): it opens, its
    items stay, and the table is dropped."""
    path = data_dir / "history.db"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m005_drop_settings")
    old.executescript("""
        INSERT INTO items (id, kind, title, created, preview) VALUES
            (1, 'conversation', 'Old chat', '2023-01-03T09:00:00Z', '');
        INSERT INTO conversations (item_id, me, raw) VALUES (1, 'Kim', 'Ada: hi');
        INSERT INTO settings (key, value, updated) VALUES ('theme', '"dark"', '2023-01-03T09:00:00Z');
    """)
    old.close()
    with HistoryStore.open(path, data_dir) as store:
        assert [item.id for item in store.list_items()] == [1]
        assert "settings" not in store.db.table_names()


def test_database_from_a_newer_version_is_refused_untouched(data_dir):
    """A step this version does not know means a newer Confide wrote the file: one sentence, no change."""
    path = data_dir / "history.db"
    with HistoryStore.open(path, data_dir) as store:
        store.add_conversation(NewConversation("a: b", (Turn("a", "b"),)))
        store.db["_sqlite_migrations"].insert(
            {"migration_set": MIGRATION_SET, "name": "m999_from_the_future", "applied_at": "2099-01-01"}
        )
    before = _digest(path)
    with pytest.raises(HistoryError, match="newer version of Confide"):
        HistoryStore.open(path, data_dir)
    assert _digest(path) == before


def test_database_of_another_program_is_refused_untouched(data_dir):
    """An SQLite file that is not Confide's history is not adopted (no tables added to it)."""
    path = data_dir / "history.db"
    other = sqlite_utils.Database(path)
    other["notes"].insert({"text": "someone else's"})
    other.close()
    before = _digest(path)
    with pytest.raises(HistoryError, match="another program"):
        HistoryStore.open(path, data_dir)
    assert _digest(path) == before
    assert sqlite_utils.Database(path).table_names() == ["notes"]


def test_a_history_from_before_saved_questions_keeps_its_rows_and_links(data_dir):
    """m006 rebuilds items (a CHECK cannot change in place): every row stays, the tables that
    point at items still cascade from the new one, and the step can run twice (a crash after it
    and before it was noted)."""
    path = data_dir / "history.db"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m006_saved_answers")
    old.executescript("""
        INSERT INTO items (id, kind, title, created, preview) VALUES
            (1, 'recording', 'Old standup', '2023-01-02T09:00:00Z', 'We met.'),
            (2, 'conversation', 'Old chat', '2023-01-03T09:00:00Z', '');
        INSERT INTO recordings (item_id, audio_file, duration, status) VALUES (1, NULL, 60, 'done');
        INSERT INTO segments (recording_id, idx, start, "end", text) VALUES (1, 0, 0, 30, 'We met.');
        INSERT INTO conversations (item_id, me, raw) VALUES (2, 'Kim', 'Ada: hi');
    """)
    old.close()
    with HistoryStore.open(path, data_dir) as store:
        db = store.db
        assert [step.name for step in migrations.applied(db)] == KNOWN_STEPS
        assert [(item.id, item.kind) for item in store.list_items()] == [(2, "conversation"), (1, "recording")]
        assert "'question'" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'items'").fetchone()[0]
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        m006_saved_answers(db)  # again, as after a crash before the step was noted
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert [item.id for item in store.list_items()] == [2, 1]
        store.delete(1)
        assert db.execute("SELECT count(*) FROM segments").fetchone()[0] == 0  # still cascades
        assert db.execute("SELECT count(*) FROM recordings").fetchone()[0] == 0
        assert store.check_integrity() == "ok"


def test_a_history_from_before_speakers_keeps_everything(data_dir):
    """m007 adds speakers and voices to a history at m006: every recording, transcript,
    summary, conversation and saved answer stays, found by search as before; the old
    segments have no speaker; and speakers work on the upgraded file."""
    path = data_dir / "history.db"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m007_speakers")
    assert [step.name for step in migrations.applied(old)][-1] == "m006_saved_answers"
    old.conn.execute("PRAGMA foreign_keys = ON")
    old.executescript("""
        INSERT INTO items (id, kind, title, created, preview) VALUES
            (1, 'recording', 'Old standup', '2023-01-02T09:00:00Z', 'We met.'),
            (2, 'conversation', 'Old chat', '2023-01-03T09:00:00Z', ''),
            (3, 'question', 'Who paints?', '2023-01-04T09:00:00Z', 'Ola.');
        INSERT INTO recordings (item_id, audio_file, duration, status) VALUES (1, NULL, 60, 'done');
        INSERT INTO segments (recording_id, idx, start, "end", text) VALUES
            (1, 0, 0, 30, 'We met about the lighthouse.'), (1, 1, 30, 60, 'Ola paints it.');
        INSERT INTO summaries (recording_id, title, overview, created) VALUES
            (1, 'Standup', 'A short talk about the harbour.', '2023-01-02T09:05:00Z');
        INSERT INTO conversations (item_id, me, raw) VALUES (2, 'Kim', 'Ada: seen the walrus?');
        INSERT INTO turns (conversation_id, idx, speaker, text) VALUES (2, 0, 'Ada', 'Seen the walrus?');
        INSERT INTO answers (item_id, question, answer, found, scope_id) VALUES (3, 'Who paints?', 'Ola.', 1, 1);
        INSERT INTO citations (answer_id, idx, item_id, kind, title, start, text) VALUES
            (3, 0, 1, 'recording', 'Old standup', 30.0, 'Ola paints it.');
    """)
    # indexed as Confide up to m006 did it
    for item_id, kind, title in old.execute("SELECT id, kind, title FROM items").fetchall():
        search_index.index_title(old, item_id, title, kind)
    search_index.extend_transcript(old, 1, 0, speakers=False)
    search_index.index_summary(old, 1)
    search_index.index_conversation(old, 2)
    search_index.index_answer(old, 3)
    old.close()

    with HistoryStore.open(path, data_dir) as store:
        db = store.db
        assert [step.name for step in migrations.applied(db)] == KNOWN_STEPS
        assert [item.id for item in store.list_items()] == [3, 2, 1]
        recording = store.get_item(1)
        assert [(s.start, s.text, s.speaker) for s in recording.segments] == [
            (0.0, "We met about the lighthouse.", None),
            (30.0, "Ola paints it.", None),
        ]
        assert recording.summary.overview == "A short talk about the harbour."
        assert store.get_item(3).citations[0].item_id == 1
        assert {word: [h.id for h in store.search(word)] for word in ("lighthouse", "harbour", "walrus")} == {
            "lighthouse": [1],
            "harbour": [1],
            "walrus": [2],
        }
        assert store.speakers(1) == [] and store.voices() == []
        store.replace_transcript(1, [Segment(0, 30, "We met.", speaker="Speaker 1")])
        store.rename_speaker(1, 1, "Ola")
        assert sorted(h.id for h in store.search("Ola")) == [1, 3]  # the speaker, and the saved answer
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.check_integrity() == "ok"
