"""Several language models on the one language worker: one per job (the summary model, the
reply model), each loaded once and kept, so that a reply after a summary after a reply loads
nothing again. No Qt.

The language worker's EngineSlot holds a ModelShelf (its loader makes an empty one, at no cost);
a task is submitted with for_model(model_id, runner, keep), which hands the runner a ModelSlot:
the same get() / loaded as an EngineSlot, for that one model. `keep` names the models the jobs
use now (plain data, taken when the task is submitted): loading a model puts away the others, so
after the user picks another reply model the summary model stays loaded and the old reply model
goes. Replacing the worker's loader (new threads) drops the shelf and every model on it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

KEPT_MODELS = 2  # the summary model and the reply model


class ModelShelf:
    """Models by id, loaded on first use by load(model_id) and kept, at most `keep` of them (the
    one used longest ago leaves first)."""

    def __init__(self, load: Callable[[str], Any], keep: int = KEPT_MODELS):
        self._load = load
        self._keep = max(1, keep)
        self._models: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def loaded(self, model_id: str) -> bool:
        return model_id in self._models

    def loaded_ids(self) -> list[str]:
        return list(self._models)

    def get(self, model_id: str, keep: tuple[str, ...] | None = None) -> Any:
        """The model, loaded now if it is not on the shelf; models not in keep (when given)
        leave the shelf before a load, and the oldest ones beyond the shelf's size."""
        with self._lock:
            if model_id not in self._models:
                if keep is not None:
                    for stale in [known for known in self._models if known not in keep]:
                        del self._models[stale]
                while len(self._models) >= self._keep:
                    self._models.popitem(last=False)
                self._models[model_id] = self._load(model_id)
            self._models.move_to_end(model_id)
            return self._models[model_id]


class ModelSlot:
    """One model of the worker's shelf, seen as an engine slot (get(), loaded) by a runner."""

    def __init__(self, slot, model_id: str, keep: tuple[str, ...] | None = None):
        self._slot = slot  # the worker's EngineSlot, whose session is a ModelShelf
        self.model_id = model_id
        self.keep = keep
        self.name = f"{slot.name}:{model_id}"

    @property
    def loaded(self) -> bool:
        return self._slot.loaded and self._slot.get().loaded(self.model_id)

    def get(self) -> Any:
        return self._slot.get().get(self.model_id, self.keep)


def for_model(model_id: str, runner: Callable, keep: tuple[str, ...] | None = None) -> Callable:
    """runner(task, slot, cancel), run with the shelf's model_id as its slot."""

    def run(task, slot, cancel):
        return runner(task, ModelSlot(slot, model_id, keep), cancel)

    return run
