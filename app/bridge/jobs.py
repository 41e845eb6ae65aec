"""What the bridge hands to a worker: plain data, no Qt.

A Job pairs an immutable task with the function that runs it. The runner is a plain
generator function ``runner(task, engine, cancel) -> Iterator[Event]``: ``engine`` is the
worker's EngineSlot (the model session, loaded lazily on the worker's thread and kept),
``cancel`` the job's threading.Event, which the runner checks at every token or segment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from app.tasks.events import Event

Runner = Callable[[Any, "EngineSlot", threading.Event], Iterator[Event]]


@dataclass(frozen=True)
class Job:
    task: Any
    runner: Runner
    cancel: threading.Event = field(default_factory=threading.Event, compare=False)


class EngineSlot:
    """One engine's session (language model, speech model), owned by one worker thread.

    ``loader`` is called at most once per slot, on the first get(), in the worker's thread;
    the session is then reused by every later task of that worker. Replacing the loader
    (another model, another thread count) drops the session; the next get() loads anew.
    A task may call get() from a helper thread (a recording loads the speech model while it
    already captures audio); the lock makes a second caller wait for that load, not repeat it.
    """

    def __init__(self, name: str, loader: Callable[[], Any] | None):
        self.name = name
        self._loader = loader
        self._session: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def get(self) -> Any:
        with self._lock:
            if self._session is None:
                if self._loader is None:
                    raise RuntimeError(f"the {self.name} worker has no engine loader")
                self._session = self._loader()
            return self._session

    def replace(self, loader: Callable[[], Any] | None) -> None:
        with self._lock:
            self._loader = loader
            self._session = None
