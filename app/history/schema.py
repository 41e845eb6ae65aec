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


ITEMS_WITH_QUESTIONS = """
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('recording', 'conversation', 'question')),
        title TEXT NOT NULL,
        title_is_auto INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL,
        preview TEXT NOT NULL DEFAULT ''
    )"""


@migrations(transactional=False)
def m006_saved_answers(db: Database) -> None:
    """Questions asked of the history, kept when the user saves them: a third kind of item
    ('question') with its answer and the passages it cites. SQLite cannot change a CHECK in
    place, so items is rebuilt, with foreign keys off (dropping the old table must not cascade
    to every recording) and in one transaction of its own; a crash before the step is noted
    leaves a rebuilt table, which a second run sees and keeps."""
    conn = db.conn
    conn.commit()
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        current = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'items'").fetchone()[0]
        if "'question'" not in current:
            conn.execute(ITEMS_WITH_QUESTIONS.replace("TABLE items", "TABLE items_rebuilt", 1))
            conn.execute("INSERT INTO items_rebuilt SELECT id, kind, title, title_is_auto, created, preview FROM items")
            conn.execute("DROP TABLE items")
            conn.execute("ALTER TABLE items_rebuilt RENAME TO items")
            conn.execute("CREATE INDEX items_by_created ON items (created)")
            conn.execute("CREATE INDEX items_by_kind_created ON items (kind, created)")
        for statement in SAVED_ANSWER_TABLES:
            conn.execute(statement)
        if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise HistoryError("The history database's links are broken; it was left as it was.")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


SAVED_ANSWER_TABLES = (
    """CREATE TABLE IF NOT EXISTS answers (
        item_id INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        found INTEGER NOT NULL,
        scope_id INTEGER REFERENCES items (id) ON DELETE SET NULL
    )""",
    # A cited item may be deleted later: its citation keeps the words but loses the link.
    """CREATE TABLE IF NOT EXISTS citations (
        answer_id INTEGER NOT NULL REFERENCES answers (item_id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        item_id INTEGER REFERENCES items (id) ON DELETE SET NULL,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        start REAL,
        text TEXT NOT NULL,
        PRIMARY KEY (answer_id, idx)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS citations_by_item ON citations (item_id)",
)


@migrations()
def m007_speakers(db: Database) -> None:
    """Who said what: a recording's speakers (numbered 1.. in order of first appearance; name:
    the user's, NULL shows as "Speaker N"), a segment's speaker, and the voices the user chose
    to have recognised (a speaker encoder's 256 float32 values, little-endian: 1024 bytes;
    app.history.voices checks them again on every read, as the file is untrusted). Existing
    transcripts keep no speaker: their segments' speaker_id is NULL. The index on speaker_id
    spares every deleted speaker (a merge, a recording deleted) a scan of all segments."""
    db.executescript("""
        CREATE TABLE speakers (
            id INTEGER PRIMARY KEY,
            recording_id INTEGER NOT NULL REFERENCES recordings (item_id) ON DELETE CASCADE,
            number INTEGER NOT NULL CHECK (number >= 1),
            name TEXT CHECK (name IS NULL OR trim(name) != ''),
            UNIQUE (recording_id, number)
        );
        ALTER TABLE segments ADD COLUMN speaker_id INTEGER REFERENCES speakers (id);
        CREATE INDEX segments_by_speaker ON segments (speaker_id);
        CREATE TABLE voices (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE CHECK (trim(name) != ''),
            embedding BLOB NOT NULL CHECK (typeof(embedding) = 'blob' AND length(embedding) = 1024),
            created TEXT NOT NULL
        );
    """)


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
