"""'Summarize again' in the Recording view: the button offers More detail, Shorter and the
standard length (the model decodes greedily, so the same length gives the same summary), and a
run that changes nothing says so instead of silently storing the same summary."""

from __future__ import annotations

from dataclasses import replace

import pytest
from demo_history import SUMMARY, write_demo_history
from PySide6.QtCore import Qt, QTimer

from app.assistant.summarize import SummaryOptions
from app.history import HistoryStore
from app.paths import DataDir
from app.records import SummaryItem
from app.tasks.events import Done


@pytest.fixture
def summaries(make_window, fake_engine):
    """A window whose fake summarizer records each task and, like the real pipeline, writes a
    longer summary for "More detail" (one more key point) and a shorter one for "Shorter"."""
    tasks = []

    def summarize(task, slot, cancel):
        tasks.append(task)
        for event in fake_engine.summarize(task, slot, cancel):
            if isinstance(event, Done):
                summary, points = event.result, event.result.key_points
                if task.options.max_key_points > SummaryOptions().max_key_points:
                    summary = replace(
                        summary, key_points=points + (SummaryItem("The designers need two weeks.", 18.2),)
                    )
                elif task.options.max_key_points < SummaryOptions().max_key_points:
                    summary = replace(summary, key_points=points[:1])
                event = Done(summary)
            yield event

    window = make_window(replace(fake_engine.kit(), summarize=summarize))
    return window, tasks


def choose(view, qtbot, label: str) -> None:
    """Clicks Summarize again and picks `label` from its menu, as a user does."""
    shown = []

    def pick():  # while the menu is open (the click runs its event loop)
        menu = view.detail_menu
        shown.append(menu.isVisible())
        menu.hide()
        next(action for action in menu.actions() if action.text() == label).trigger()

    QTimer.singleShot(100, pick)
    qtbot.mouseClick(view.summarize_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == [True]
    qtbot.waitUntil(lambda: view.summary_handle is not None and not view.summary_handle.active, timeout=10_000)


def stored_summary(data_dir) -> dict:
    with HistoryStore.for_data_dir(DataDir(data_dir)) as store:
        [item] = store.list_items("recording")
        return store.get_item(item.id).summary


def test_more_detail_and_shorter_change_the_summary_and_the_same_length_says_nothing_changed(
    summaries, qtbot, data_dir
):
    """The menu offers More detail, Shorter and Standard length; each runs with its options.
    Standard replaces the demo summary; Standard again gives the same one, which is not stored
    again and the banner says nothing changed; More detail then gives one more key point (stored,
    the banner gone, More detail checked); Shorter gives fewer."""
    window, tasks = summaries
    ids = write_demo_history(data_dir)
    window.open_recording(ids["recording"])
    view = window.recording_view
    assert [a.text() for a in view.detail_menu.actions()] == ["More detail", "Shorter", "Standard length"]
    assert stored_summary(data_dir).title == SUMMARY.title

    choose(view, qtbot, "Standard length")
    first = stored_summary(data_dir)
    assert first.title != SUMMARY.title and not view.banner.isVisible()

    choose(view, qtbot, "Standard length")
    assert "Nothing changed" in view.banner.message() and "More detail" in view.banner.message()
    assert stored_summary(data_dir) == first

    choose(view, qtbot, "More detail")
    assert tasks[-1].options == SummaryOptions.for_detail("more")
    more = stored_summary(data_dir)
    assert len(more.key_points) == len(first.key_points) + 1
    assert not view.banner.isVisible() and "The designers need two weeks." in view.summary.toPlainText()
    assert view.detail_actions["more"].isChecked()

    choose(view, qtbot, "Shorter")
    assert tasks[-1].options == SummaryOptions.for_detail("shorter")
    assert len(stored_summary(data_dir).key_points) < len(first.key_points)
    assert [t.options for t in tasks[:2]] == [SummaryOptions(), SummaryOptions()]
