"""The language worker's shelf of models (app/bridge/model_slots.py): one model per job, each
loaded once; switching jobs loads nothing; a model no job uses any more is put away."""

from __future__ import annotations

from app.bridge.jobs import EngineSlot
from app.bridge.model_slots import ModelShelf, ModelSlot, for_model


def shelf_slot(loads: list):
    """The worker's slot as Services builds it: its session is a shelf whose loads are noted."""
    return EngineSlot("language", lambda: ModelShelf(lambda model_id: loads.append(model_id) or f"model {model_id}"))


def test_switching_between_the_summary_and_the_reply_model_loads_each_once():
    """summary, reply, summary, reply on two models: two loads in all, each job gets its own."""
    loads: list[str] = []
    slot = shelf_slot(loads)
    keep = ("qwen-1.5b", "smollm")
    got = [ModelSlot(slot, model_id, keep).get() for model_id in ("qwen-1.5b", "smollm") * 2]
    assert got == ["model qwen-1.5b", "model smollm"] * 2
    assert loads == ["qwen-1.5b", "smollm"]


def test_a_runner_sees_its_model_as_its_slot_and_whether_it_is_loaded():
    """for_model hands the runner a slot for that model: loaded is False before its first
    get() (so the runner can say it is loading) and True after."""
    loads: list[str] = []
    slot = shelf_slot(loads)
    seen = []

    def runner(task, model_slot, cancel):
        seen.append(model_slot.loaded)
        seen.append(model_slot.get())
        seen.append(model_slot.loaded)
        yield task

    assert list(for_model("smollm", runner, ("smollm",))("t", slot, None)) == ["t"]
    assert seen == [False, "model smollm", True] and loads == ["smollm"]


def test_a_model_no_job_uses_leaves_when_another_is_loaded():
    """The user picks another reply model: the next reply loads it and the old reply model
    leaves the shelf, while the summary model stays loaded."""
    loads: list[str] = []
    shelf = ModelShelf(lambda model_id: loads.append(model_id) or model_id)
    shelf.get("summary-model", ("summary-model", "old-reply"))
    shelf.get("old-reply", ("summary-model", "old-reply"))
    shelf.get("new-reply", ("summary-model", "new-reply"))
    assert shelf.loaded_ids() == ["summary-model", "new-reply"]
    shelf.get("summary-model", ("summary-model", "new-reply"))
    assert loads == ["summary-model", "old-reply", "new-reply"]


def test_the_shelf_holds_at_most_two_models():
    """Without a list of models to keep, the one used longest ago leaves first."""
    shelf = ModelShelf(lambda model_id: model_id)
    for model_id in ("a", "b", "a", "c"):
        shelf.get(model_id)
    assert shelf.loaded_ids() == ["a", "c"]
