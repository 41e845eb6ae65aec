"""The worker side of the bridge: a QObject living in its own long-lived QThread."""

from __future__ import annotations

import logging
import os
import threading

from PySide6.QtCore import QObject, Signal, Slot

from app.bridge.jobs import EngineSlot, Job
from app.errors import AppError, CancelledError, bug_sentence
from app.tasks.events import Done, Failed

log = logging.getLogger(__name__)

# Workers run below the GUI thread's priority, so a busy engine (and the native compute threads
# it creates, which inherit the niceness) never starves the window on a machine with few cores.
WORKER_NICENESS = 5


def _lower_this_threads_priority() -> None:
    if not hasattr(os, "setpriority"):
        return
    try:
        current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), max(current, WORKER_NICENESS))
    except OSError:
        log.debug("could not lower the worker thread's priority", exc_info=True)


class EngineWorker(QObject):
    """Runs jobs for one engine, one at a time, in submission order (Qt's queued events)."""

    started = Signal(int)  # job id: the job left the queue and runs now
    task_event = Signal(int, object)  # job id, an app.tasks.events event (frozen dataclass)
    ended = Signal(int)  # job id: always the last signal of a job

    def __init__(self, name: str, loader=None):
        super().__init__()
        self.setObjectName(f"{name}-worker")
        self.slot = EngineSlot(name, loader)

    @Slot()
    def on_thread_started(self) -> None:
        _lower_this_threads_priority()

    @Slot(object)
    def replace_engine(self, loader) -> None:
        """Queued behind the jobs already submitted, so they finish with the old engine."""
        self.slot.replace(loader)

    @Slot(int, object)
    def run_job(self, job_id: int, job: Job) -> None:
        if job.cancel.is_set():
            self.ended.emit(job_id)
            return
        self.started.emit(job_id)
        events = None
        try:
            events = job.runner(job.task, self.slot, job.cancel)
            for item in events:
                if job.cancel.is_set():
                    break
                self.task_event.emit(job_id, item)
                if isinstance(item, (Done, Failed)):
                    break
        except CancelledError:
            pass
        except AppError as error:
            self.task_event.emit(job_id, Failed(str(error)))
        except MemoryError:
            log.exception("out of memory in %s", type(job.task).__name__)
            self.task_event.emit(
                job_id, Failed("The computer ran out of memory; close other programs or use a smaller model.")
            )
        except Exception as error:  # a bug: keep its traceback in the log, show one sentence
            log.exception("unexpected error in %s", type(job.task).__name__)
            self.task_event.emit(job_id, Failed(bug_sentence(error)))
        finally:
            if events is not None and hasattr(events, "close"):
                self._close_quietly(events)
            self.ended.emit(job_id)

    @staticmethod
    def _close_quietly(events) -> None:
        """Runs the generator's finally blocks now (files closed, streams stopped)."""
        try:
            events.close()
        except Exception:
            log.exception("error while closing a task")
