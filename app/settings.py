"""The user's preferences, kept in DATA/settings.json (written with write-then-rename).

Unknown keys are kept as they are, so a newer or older Confide never loses what the other
wrote; a missing or unreadable file means the defaults.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from app.errors import DataDirError


@dataclass(frozen=True)
class Settings:
    language_model: str | None = None  # an installed model id; None: the default one
    speech_model: str | None = None
    threads: int | None = None  # None: the number of physical cores
    input_device: str | None = None  # a device name; None: the system's default input
    user_name: str | None = None  # who "me" is in pasted conversations
    last_folder: str | None = None  # where a file was last opened or saved: file dialogs start there
    extra: dict = field(default_factory=dict, compare=False)

    def with_changes(self, **changes) -> "Settings":
        return replace(self, **changes)


_KNOWN = tuple(f.name for f in fields(Settings) if f.name != "extra")


def load_settings(path: Path) -> Settings:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    known = {key: raw[key] for key in _KNOWN if key in raw}
    if known.get("threads") is not None and not isinstance(known["threads"], int):
        known["threads"] = None
    extra = {key: value for key, value in raw.items() if key not in _KNOWN}
    return Settings(**known, extra=extra)


def save_settings(path: Path, settings: Settings) -> None:
    path = Path(path)
    data = dict(settings.extra)
    data.update({key: value for key, value in asdict(settings).items() if key != "extra"})
    try:
        handle, temp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise DataDirError(f"Cannot save the settings in {path.parent} ({exc.strerror}); check that the data folder is writable.") from exc
