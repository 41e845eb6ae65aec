"""Ask in the window (a scripted model behind the real retrieval and checks): the answer and
its citations appear, a citation opens the recording at that moment and plays it, a question
on a recording's page asks that recording only, a follow-up carries the one before it, and a
question nothing answers says so without loading a model."""

from __future__ import annotations

from demo_history import write_demo_history
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.assistant.ask_history import NOT_FOUND


def _ask(qtbot, panel, question: str) -> None:
    panel.question.setText(question)
    QTest.keyClick(panel.question, Qt.Key_Return)
    qtbot.waitUntil(lambda: not panel.busy and panel.answer is not None, timeout=10_000)


def test_an_answer_cites_the_moment_and_the_link_plays_it(make_window, fake_engine, data_dir, qtbot, sound_output):
    ids = write_demo_history(data_dir)
    window = make_window(fake_engine.kit())
    window.show_view("history")
    panel = window.history_view.ask
    _ask(qtbot, panel, "Who will update the budget?")
    answer = panel.answer
    assert answer.found and "update the budget" in answer.text.lower()
    assert [(c.item_id, c.start) for c in answer.citations] == [(ids["recording"], 24.0)]
    assert "cite:0" in panel.reply.text() and panel.reply.isVisible()
    assert fake_engine.ask_jobs[-1].task.item_id is None  # the whole history

    panel.reply.linkActivated.emit("cite:0")
    assert window.current_view() == "recording" and window.recording_view.recording.id == ids["recording"]
    qtbot.waitUntil(lambda: window.recording_view.player.playing, timeout=10_000)
    qtbot.waitUntil(lambda: window.recording_view.player.player.position() >= 24_000, timeout=10_000)
    window.recording_view.player.stop()


def test_the_answer_shows_as_it_is_checked_before_it_is_done(make_window, fake_engine, data_dir, qtbot):
    """The checked sentences so far appear while the model still writes (marked as going on);
    Save waits for the whole answer."""
    write_demo_history(data_dir)
    fake_engine.step_s = 0.5
    window = make_window(fake_engine.kit())
    window.show_view("history")
    panel = window.history_view.ask
    panel.question.setText("Who will update the budget?")
    QTest.keyClick(panel.question, Qt.Key_Return)
    qtbot.waitUntil(lambda: bool(fake_engine.ask_partials) and panel.reply.isVisible(), timeout=10_000)
    assert panel.busy and "update the budget" in panel.reply.text().lower() and "…" in panel.reply.text()
    assert not panel.save_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.busy and panel.answer is not None, timeout=10_000)
    assert "…" not in panel.reply.text() and panel.save_button.isEnabled()


def test_a_follow_up_carries_the_question_before_it_and_clear_forgets(make_window, fake_engine, data_dir, qtbot):
    write_demo_history(data_dir)
    window = make_window(fake_engine.kit())
    panel = window.history_view.ask
    _ask(qtbot, panel, "When does the launch move?")
    first = panel.answer
    _ask(qtbot, panel, "And after that?")  # no words of its own: found with the question before it
    assert fake_engine.ask_jobs[-1].task.previous == ((first.question, first.text),)
    assert fake_engine.ask_jobs[-1].passages and panel.answer.found
    panel.clear_button.click()
    assert panel.previous == [] and not panel.reply.isVisible()


def test_on_a_recording_page_only_that_recording_is_asked(make_window, fake_engine, data_dir, qtbot):
    ids = write_demo_history(data_dir)
    window = make_window(fake_engine.kit())
    window.open_recording(ids["recording"])
    panel = window.recording_view.ask
    assert panel.isVisible()
    _ask(qtbot, panel, "Who writes the press release?")
    assert fake_engine.ask_jobs[-1].task.item_id == ids["recording"]
    assert panel.answer.citations and all(c.item_id == ids["recording"] for c in panel.answer.citations)


def test_a_question_nothing_answers_says_so_without_a_model(make_window, fake_engine, data_dir, qtbot):
    write_demo_history(data_dir)
    window = make_window(fake_engine.kit())
    panel = window.history_view.ask
    _ask(qtbot, panel, "What did we decide about the office dog?")
    assert panel.answer.text == NOT_FOUND and not panel.answer.citations
    assert NOT_FOUND in panel.reply.text()
    assert not [load for load in fake_engine.loads if load[0] == "language"]


def test_nothing_is_kept_until_saved_and_a_saved_question_opens_from_the_list(
    make_window, fake_engine, data_dir, qtbot
):
    """Asking keeps nothing; Save makes the question an item (listed under Questions, found by
    search, Save then off); activating it in the list shows the question and answer again with
    their citations, and the citation of a recording deleted since is no longer a link."""
    from app.history import HistoryStore

    ids = write_demo_history(data_dir)
    window = make_window(fake_engine.kit())
    window.show_view("history")
    view = window.history_view
    panel = view.ask
    assert not panel.save_button.isEnabled()
    _ask(qtbot, panel, "Who will update the budget?")
    asked = panel.answer
    assert not window.services.list_items("question")
    assert panel.save_button.isEnabled()
    panel.save_button.click()
    (saved,) = window.services.list_items("question")
    assert saved.title == "Who will update the budget?" and saved.snippet == asked.text
    assert not panel.save_button.isEnabled() and panel.save_button.text() == "Saved"
    assert "Saved in your history" in view.banner.message()

    panel.clear_button.click()
    view.kind.setCurrentIndex(view.kind.findText("Questions"))
    assert view.results.count() == 1
    view.results.itemActivated.emit(view.results.item(0))
    assert panel.answer == asked and panel.question.text() == asked.question and "cite:0" in panel.reply.text()
    assert not panel.save_button.isEnabled()  # it is saved already

    window.services.close_history()
    with HistoryStore.for_data_dir(window.services.data_dir) as store:
        store.delete(ids["recording"])
    panel.show_saved(saved.id)
    assert "cite:0" not in panel.reply.text() and "deleted since" in panel.reply.text()
