"""The GUI side of the bridge: a QObject owned by the window.

It keeps one EngineWorker per engine, each in its own long-lived QThread. The GUI submits a
job through a queued signal and gets a TaskHandle whose signals carry the job's events in
the GUI thread. Cancel only sets the job's token: the handle reports "cancelled" at once and
ignores whatever the worker still emits; the worker stops at its next check. The GUI thread
never waits on, blocks on or terminates a thread: shutdown() asks, and reports later.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal

from app.bridge.jobs import Job, Runner
from app.bridge.worker import EngineWorker
from app.tasks.events import Done, Failed, Partial, Progress, TaskState

SPEECH = "speech"
LANGUAGE = "language"


class TaskHandle(QObject):
    """One submitted job, seen from the GUI thread. ``finished`` is always its last signal."""

    started = Signal()
    progress = Signal(object)  # Progress
    partial = Signal(object)  # a piece of the result (app.tasks.events.Partial)
    succeeded = Signal(object)  # the Done event's result
    failed_with = Signal(str)  # a message meant for the user
    was_cancelled = Signal()
    finished = Signal(str)  # the final TaskState: done, failed or cancelled

    def __init__(self, bridge: Bridge, job_id: int, engine: str, job: Job):
        super().__init__(bridge)
        self._bridge = bridge
        self.job_id = job_id
        self.engine = engine
        self.job = job
        self.state: TaskState = TaskState.QUEUED
        self.result = None
        self.error: str | None = None
        self.submitted_at = time.monotonic()

    @property
    def task(self):
        return self.job.task

    @property
    def active(self) -> bool:
        return self.state in (TaskState.QUEUED, TaskState.RUNNING)

    def cancel(self) -> None:
        """Sets the token and reports "cancelled" now; the worker notices at its next check."""
        if not self.active:
            return
        self.job.cancel.set()
        self.state = TaskState.CANCELLED
        self.was_cancelled.emit()
        self.finished.emit(self.state)

    # called by the bridge, in the GUI thread
    def _on_started(self) -> None:
        if self.state == TaskState.QUEUED:
            self.state = TaskState.RUNNING
            self.started.emit()

    def _on_event(self, event) -> None:
        if not self.active:
            return  # cancelled: whatever the worker still says is dropped
        if isinstance(event, Progress):
            self.progress.emit(event)
        elif isinstance(event, Partial):
            self.partial.emit(event)
        elif isinstance(event, Done):
            self._succeed(event.result)
        elif isinstance(event, Failed):
            self.state, self.error = TaskState.FAILED, event.message
            self.failed_with.emit(event.message)
            self.finished.emit(self.state)

    def _on_ended(self) -> None:
        if self.active:  # the generator stopped without a final event: it is done
            self._succeed(None)
        self._bridge._forget(self.job_id)

    def _succeed(self, result) -> None:
        self.state, self.result = TaskState.DONE, result
        self.succeeded.emit(result)
        self.finished.emit(self.state)


class _Outbox(QObject):
    """Lives in the GUI thread; its signals are queued into one worker's thread."""

    submit = Signal(int, object)
    replace_engine = Signal(object)


class Bridge(QObject):
    """Owned by the GUI. ``loaders`` maps an engine name to a function that loads its session
    (called lazily in that engine's worker thread); every engine named gets its own thread."""

    stopped = Signal(bool)  # after shutdown(): True when every thread finished in time

    def __init__(self, loaders: dict[str, Callable | None] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._handles: dict[int, TaskHandle] = {}
        self._threads: dict[str, QThread] = {}
        self._workers: dict[str, EngineWorker] = {}
        self._outboxes: dict[str, _Outbox] = {}
        self._shutting_down = False
        self._running: dict[str, int | None] = {}  # engine -> the job its worker runs now
        for name, loader in (loaders or {SPEECH: None, LANGUAGE: None}).items():
            self._add_engine(name, loader)

    def _add_engine(self, name: str, loader) -> None:
        thread = QThread(self)
        thread.setObjectName(f"confide-{name}")
        worker = EngineWorker(name, loader)
        worker.moveToThread(thread)
        thread.started.connect(worker.on_thread_started)
        # No worker.deleteLater on thread.finished: deleting a Python-owned QObject inside the
        # finishing thread takes the GIL there and deadlocked once against PySide's own clean-up
        # at exit. The worker stays referenced here and is destroyed with the bridge, in the
        # GUI thread, after its thread has finished.
        outbox = _Outbox(self)
        outbox.submit.connect(worker.run_job, Qt.ConnectionType.QueuedConnection)
        outbox.replace_engine.connect(worker.replace_engine, Qt.ConnectionType.QueuedConnection)
        worker.started.connect(self._on_started, Qt.ConnectionType.QueuedConnection)
        worker.task_event.connect(self._on_event, Qt.ConnectionType.QueuedConnection)
        worker.ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)
        self._threads[name], self._workers[name], self._outboxes[name] = thread, worker, outbox
        self._running[name] = None
        thread.start()

    @property
    def engines(self) -> tuple[str, ...]:
        return tuple(self._threads)

    def submit(self, engine: str, task, runner: Runner) -> TaskHandle:
        """Queues ``runner(task, engine_slot, cancel)`` on the engine's worker."""
        if engine not in self._outboxes:
            raise KeyError(f"no worker for engine {engine!r}")
        job = Job(task=task, runner=runner, cancel=threading.Event())
        job_id = next(self._ids)
        handle = TaskHandle(self, job_id, engine, job)
        self._handles[job_id] = handle
        if self._shutting_down:
            QTimer.singleShot(0, handle, handle.cancel)
        else:
            self._outboxes[engine].submit.emit(job_id, job)
        return handle

    def replace_engine(self, engine: str, loader: Callable | None) -> None:
        """A new loader (another model, another thread count), applied after the queued jobs."""
        self._outboxes[engine].replace_engine.emit(loader)

    def active_handles(self, engine: str | None = None) -> list[TaskHandle]:
        return [h for h in self._handles.values() if h.active and (engine is None or h.engine == engine)]

    # --- events from the workers, delivered in the GUI thread ------------------------------
    def worker_busy(self, engine: str) -> bool:
        """True while the engine's worker is inside a job, a cancelled one included."""
        return self._running.get(engine) is not None

    def _on_started(self, job_id: int) -> None:
        handle = self._handles.get(job_id)
        if handle is not None:
            self._running[handle.engine] = job_id
            handle._on_started()

    def _on_event(self, job_id: int, event) -> None:
        handle = self._handles.get(job_id)
        if handle is not None:
            handle._on_event(event)

    def _on_ended(self, job_id: int) -> None:
        handle = self._handles.get(job_id)
        if handle is not None:
            if self._running.get(handle.engine) == job_id:
                self._running[handle.engine] = None
            handle._on_ended()

    def _forget(self, job_id: int) -> None:
        handle = self._handles.pop(job_id, None)
        if handle is not None:
            handle.setParent(None)  # now it lives as long as the GUI keeps a reference

    # --- quitting -----------------------------------------------------------------------
    def shutdown(self, timeout_s: float = 4.0) -> None:
        """Sets every token, asks every thread to finish, and emits ``stopped`` once they all
        have (True) or once ``timeout_s`` has passed (False). Never blocks the caller."""
        if self._shutting_down:
            return
        self._shutting_down = True
        for handle in list(self._handles.values()):
            handle.job.cancel.set()
        for thread in self._threads.values():
            thread.quit()
        deadline = time.monotonic() + timeout_s
        poll = QTimer(self)
        poll.setInterval(20)

        def check() -> None:
            if self.all_stopped():
                poll.stop()
                self.stopped.emit(True)
            elif time.monotonic() >= deadline:
                poll.stop()
                self.stopped.emit(False)

        poll.timeout.connect(check)
        poll.start()
        check()

    def all_stopped(self) -> bool:
        return all(thread.isFinished() for thread in self._threads.values())
