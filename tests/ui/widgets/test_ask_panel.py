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


def test_an_answer_cites_the_moment_and_the_link_plays_it(make_window, fake_engine, data_dir, qtbot):
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
