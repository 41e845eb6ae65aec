"""Where Confide keeps the user's data: one private folder per user.

Resolution order: --data-dir, then CONFIDE_DATA_DIR, then the platform's user data folder.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app.errors import DataDirError

APP_NAME = "Confide"
ENV_DATA_DIR = "CONFIDE_DATA_DIR"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(ENV_DATA_DIR)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return default_data_dir()


def bundled_models_dir() -> Path | None:
    """Models shipped inside a PyInstaller bundle, used read-only where they are."""
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root is None:
        return None
    folder = Path(bundle_root) / "bundled-models"
    return folder if folder.is_dir() else None


@dataclass(frozen=True)
class DataDir:
    """The layout of the data folder. Creating it is explicit: see ensure()."""

    root: Path

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def wheel_cache(self) -> Path:
        return self.root / "cache" / "wheels"

    @property
    def recordings(self) -> Path:
        return self.root / "recordings"

    @property
    def database(self) -> Path:
        return self.root / "history.db"

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.json"

    def model_search_path(self) -> list[Path]:
        """Folders that may hold installed models, the user's own first."""
        folders = [self.models]
        bundled = bundled_models_dir()
        if bundled is not None:
            folders.append(bundled)
        return folders

    def ensure(self) -> "DataDir":
        """Create the folder (mode 0700) if needed and check that it is usable."""
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise DataDirError(
                f"Cannot create the data folder {self.root} ({exc.strerror}); "
                "choose another with --data-dir."
            ) from exc
        if not self.root.is_dir():
            raise DataDirError(f"The data folder {self.root} is not a folder; choose another with --data-dir.")
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise DataDirError(
                f"The data folder {self.root} is not writable; fix its permissions or choose another with --data-dir."
            )
        return self


def open_data_dir(explicit: str | os.PathLike | None = None) -> DataDir:
    return DataDir(resolve_data_dir(explicit)).ensure()
