"""What a killed process left in the data folder, cleared on the next start (every command of
the command line that uses the data folder, and the window before it recovers recordings):
deletions a crash cut short, copies of a killed save in recordings/ (app.history.cleanup), and
the staging folders of killed model installs and imports (models.provision, which skips them
while any install or import is running)."""

from __future__ import annotations

import logging

from app.errors import AppError
from app.paths import DataDir

log = logging.getLogger(__name__)


def clean_up_data_folder(data_dir: DataDir, store=None) -> list[int]:
    """Returns the ids of recordings listed as recovered (finished, but their save was killed).
    store: the history, already open (the window's); without it the history is opened for the
    clean-up, never created, and one that cannot be opened is left to the command that uses it
    to report."""
    from models.provision import clean_stale_staging

    clean_stale_staging(data_dir.models)
    if store is not None:
        return store.clean_up_after_crash().recovered
    if not data_dir.database.is_file():
        return []
    from app.history import HistoryStore

    try:
        with HistoryStore.for_data_dir(data_dir) as store:
            return store.clean_up_after_crash().recovered
    except AppError as error:
        log.debug("no clean-up of the history at start: %s", error)
        return []
