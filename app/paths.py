"""Where Confide keeps the user's data: one private folder per user.

Resolution order: --data-dir, then CONFIDE_DATA_DIR, then the platform's user data folder.
"""

from __future__ import annotations

import os
import stat
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
    """explicit: --data-dir. An empty one is a mistake (an unset shell variable, say), not a
    request for the default folder: it is refused rather than silently replaced."""
    if explicit is not None:
        if not str(explicit).strip():
            raise DataDirError(
                "--data-dir is empty; give the folder to use, or leave the option out for the default one."
            )
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

    def ensure(self) -> DataDir:
        """Create the folder (mode 0700) if needed and check that it is usable. An existing
        folder of the user's that others may read (0755, say) is tightened to 0700: it holds
        recordings and the history."""
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise DataDirError(
                f"Cannot create the data folder {self.root} ({exc.strerror}); choose another with --data-dir."
            ) from exc
        if not self.root.is_dir():
            raise DataDirError(f"The data folder {self.root} is not a folder; choose another with --data-dir.")
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise DataDirError(
                f"The data folder {self.root} is not writable; fix its permissions or choose another with --data-dir."
            )
        self._make_private()
        return self

    def _make_private(self) -> None:
        info = self.root.stat()
        if stat.S_IMODE(info.st_mode) & 0o077 == 0:
            return
        if info.st_uid != os.getuid():
            # Not ours to change (a shared folder someone chose on purpose): say so.
            raise DataDirError(
                f"The data folder {self.root} belongs to another user and others may read it; "
                "choose a folder of your own with --data-dir."
            )
        try:
            os.chmod(self.root, stat.S_IMODE(info.st_mode) & 0o700)
        except OSError as exc:
            raise DataDirError(
                f"Cannot make the data folder {self.root} private ({exc.strerror}); "
                "run `chmod 700` on it or choose another with --data-dir."
            ) from exc


def open_data_dir(explicit: str | os.PathLike | None = None) -> DataDir:
    return DataDir(resolve_data_dir(explicit)).ensure()
