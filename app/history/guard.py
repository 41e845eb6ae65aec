"""The one wrapper of every HistoryStore method (store.py and the methods it takes in)."""

from __future__ import annotations

import functools

from app.errors import HistoryError
from app.history.connection import translate


def guarded(method):
    """Serialises calls and turns SQLite failures into one HistoryError sentence."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            if self._db is None:
                raise HistoryError("The history is closed; open it again.")
            with translate(self.path):
                return method(self, *args, **kwargs)

    return wrapper
