"""The user's preferences, kept in DATA/settings.json (written with write-then-rename).

Unknown keys are kept as they are, so a newer or older Confide never loses what the other
wrote; a missing or unreadable file means the defaults.

Summaries and replies may use different language models (a reply must be quick, a summary must
be right): summary_model and reply_model. A file from before that split names one
`language_model`; it is read as the choice for both jobs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from app.errors import DataDirError
from models.durable import write_atomically

# The language model each job uses when the user has not chosen one. SmolLM2 for both until
# the assistant's quality is measured on the bigger models (issue 12 picks them by quality per second).
DEFAULT_SUMMARY_MODEL = "smollm2-135m-instruct"
DEFAULT_REPLY_MODEL = "smollm2-135m-instruct"
OLD_LANGUAGE_MODEL_KEY = "language_model"  # one model for every job, before summary_model / reply_model


@dataclass(frozen=True)
class Settings:
    summary_model: str | None = None  # an installed language model id for summaries; None: the default
    reply_model: str | None = None  # an installed language model id for reply drafts; None: the default
    speech_model: str | None = None
    threads: int | None = None  # None: the number of physical cores
    input_device: str | None = None  # a device name; None: the system's default input
    user_name: str | None = None  # who "me" is in pasted conversations
    last_folder: str | None = None  # where a file was last opened or saved: file dialogs start there
    speakers: int | None = None  # how many people speak in a recording: None estimated, 0 voices not told apart
    extra: dict = field(default_factory=dict, compare=False)

    def with_changes(self, **changes) -> Settings:
        return replace(self, **changes)

    def summary_model_id(self) -> str:
        return self.summary_model or DEFAULT_SUMMARY_MODEL

    def reply_model_id(self) -> str:
        return self.reply_model or DEFAULT_REPLY_MODEL


_KNOWN = tuple(f.name for f in fields(Settings) if f.name != "extra")


def load_settings(path: Path) -> Settings:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    known = {key: raw[key] for key in _KNOWN if key in raw}
    old_choice = raw.get(OLD_LANGUAGE_MODEL_KEY)
    if isinstance(old_choice, str) and old_choice:  # migrated: the one model stays the choice for both jobs
        known.setdefault("summary_model", old_choice)
        known.setdefault("reply_model", old_choice)
    for key in ("summary_model", "reply_model"):
        if known.get(key) is not None and not isinstance(known[key], str):
            known[key] = None
    if known.get("threads") is not None and not isinstance(known["threads"], int):
        known["threads"] = None
    speakers = known.get("speakers")
    if speakers is not None and (not isinstance(speakers, int) or isinstance(speakers, bool) or speakers < 0):
        known["speakers"] = None
    extra = {key: value for key, value in raw.items() if key not in _KNOWN and key != OLD_LANGUAGE_MODEL_KEY}
    return Settings(**known, extra=extra)


def save_settings(path: Path, settings: Settings) -> None:
    path = Path(path)
    data = dict(settings.extra)
    data.update({key: value for key, value in asdict(settings).items() if key != "extra"})
    try:
        write_atomically(path, json.dumps(data, indent=1, ensure_ascii=False))
    except OSError as exc:
        raise DataDirError(
            f"Cannot save the settings in {path.parent} ({exc.strerror}); check that the data folder is writable."
        ) from exc
