"""The history's schema as sqlite-utils Migrations: each change is a named step, applied once.

A database made by an older Confide opens and is upgraded step by step. A database that holds
a step this version does not know was written by a newer Confide: it is refused untouched.
Never edit a step that has shipped; add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from app.errors import HistoryError
from app.history import search_index

MIGRATION_SET = "confide-history"
migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_core_tables(db: Database) -> None:
    """Items (one id space for every kind), recordings and their transcripts and summaries,
    conversations with their turns and reply drafts."""
    db.executescript("""
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('recording', 'conversation')),
            title TEXT NOT NULL,
            title_is_auto INTEGER NOT NULL DEFAULT 1,
            created TEXT NOT NULL,
            preview TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX items_by_created ON items (created);
        CREATE INDEX items_by_kind_created ON items (kind, created);

        CREATE TABLE recordings (
            item_id INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
            audio_file TEXT,
            duration REAL,
            language TEXT,
            status TEXT NOT NULL CHECK (status IN ('recording', 'recovered', 'done'))
        );
        CREATE TABLE segments (
            recording_id INTEGER NOT NULL REFERENCES recordings (item_id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start REAL NOT NULL,
            "end" REAL NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (recording_id, idx)
        ) WITHOUT ROWID;
        CREATE TABLE summaries (
            recording_id INTEGER PRIMARY KEY REFERENCES recordings (item_id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            overview TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE TABLE summary_items (
            id INTEGER PRIMARY KEY,
            recording_id INTEGER NOT NULL REFERENCES summaries (recording_id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('key_point', 'decision', 'action_item')),
            idx INTEGER NOT NULL,
            text TEXT NOT NULL,
            owner TEXT,
            due TEXT,
            start REAL
        );
        CREATE INDEX summary_items_by_recording ON summary_items (recording_id, kind, idx);

        CREATE TABLE conversations (
            item_id INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
            me TEXT,
            raw TEXT NOT NULL
        );
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations (item_id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            speaker TEXT,
            text TEXT NOT NULL,
            UNIQUE (conversation_id, idx)
        );
        CREATE TABLE drafts (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations (item_id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            text TEXT NOT NULL,
            tone TEXT,
            length TEXT,
            created TEXT NOT NULL,
            picked_at TEXT,
            final_text TEXT
        );
        CREATE INDEX drafts_by_conversation ON drafts (conversation_id, idx);
        CREATE INDEX drafts_picked ON drafts (picked_at) WHERE picked_at IS NOT NULL;
    """)


@migrations()
def m002_search_index(db: Database) -> None:
    """Full-text search: one row per searchable passage, FTS5 kept in step by triggers, and
    everything already stored indexed."""
    search_index.create_tables(db)
    search_index.index_everything(db)


@migrations()
def m003_settings(db: Database) -> None:
    """A key-value table for settings and the user's profile (values are JSON)."""
    db.executescript("""
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated TEXT NOT NULL
        );
    """)


@migrations()
def m004_pending_deletions(db: Database) -> None:
    """What a delete or wipe has committed but not yet finished outside its transaction: the
    audio files to remove and the rewrite that leaves no trace of the words ('purge': merge
    the search index, 'vacuum': rewrite the whole file). The row goes in with the delete and
    out once that is done, by the same call or, after a crash, by the next start."""
    db.executescript("""
        CREATE TABLE pending_deletions (
            id INTEGER PRIMARY KEY,
            audio_file TEXT,
            rewrite TEXT NOT NULL CHECK (rewrite IN ('none', 'purge', 'vacuum'))
        );
    """)


@migrations()
def m005_drop_settings(db: Database) -> None:
    """The settings table of m003 goes: settings live in settings.json (app.settings), and
    nothing but tests ever wrote this second store. Whatever an older Confide kept in it goes
    with it."""
    db.execute("DROP TABLE IF EXISTS settings")


# Every step this version knows, in order (pending() on an empty database lists them all).
KNOWN_STEPS = [step.name for step in migrations.pending(Database(memory=True))]


def refuse_unknown(db: Database, db_path) -> None:
    """Before anything is written: a database from a newer Confide or from another program is
    refused with one sentence."""
    applied = [step.name for step in migrations.applied(db)]
    unknown = [name for name in applied if name not in KNOWN_STEPS]
    if unknown:
        raise HistoryError(
            f"The history database {db_path} was written by a newer version of Confide "
            f"(step {unknown[-1]}); update Confide to open it."
        )
    if not applied:
        other_tables = [
            name for name in db.table_names() if not name.startswith("sqlite_") and name != migrations.migrations_table
        ]
        if other_tables:
            raise HistoryError(
                f"{db_path} is an SQLite database of another program, not Confide's history; "
                "move it away or choose another data folder with --data-dir."
            )


def upgrade(db: Database) -> None:
    """Applies the steps this database does not have yet, each in its own transaction."""
    if migrations.pending(db):
        migrations.apply(db)
