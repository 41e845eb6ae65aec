"""The Replies view with the scripted fake engine over a real history file: Regenerate asks for
new drafts, one conversation is one History entry however often it is drafted, a new paste
clears the last drafts, a conversation can be deleted from the view (asked first), an e-mail
is filed under the other person's name, and a draft not written as the user is never kept as
an example of the user's style."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.history import HistoryStore
from app.history.records import NewConversation
from app.paths import DataDir
from app.records import Turn

CHAT = "Anna: Are we still on for Friday?\nMe: I think so, let me check.\nAnna: Great, tell me soon!"
OTHER_CHAT = "Sam: Did the build pass?\nMe: Not yet.\nSam: Ping me when it does."
EMAIL = (
    "Hi Jordan,\n\nCould you send me the revised quote by Thursday?\n\nBest regards,\nKaren\n\n"
    "Karen Liu\nHead of Operations\nNorthwind Logistics\n\n"
    "On Mon, Jun 2, 2025 at 4:37 PM Jordan Lee <jordan.lee@example.com> wrote:\n"
    "> Hi Karen,\n> Here is the vendor shortlist.\n>\n> Thanks,\n> Jordan\n"
)


def store_of(data_dir):
    return HistoryStore.for_data_dir(DataDir(data_dir))


def conversations(data_dir):
    with store_of(data_dir) as store:
        return [store.get_item(item.id) for item in store.list_items("conversation")]


def drafted(view, qtbot, button=None):
    qtbot.mouseClick(button or view.draft_button, Qt.LeftButton)
    assert view.busy
    qtbot.waitUntil(lambda: not view.busy, timeout=5000)
    return [card.text() for card in view.cards]


@pytest.fixture
def view(window):
    window.show_view("replies")
    return window.replies_view


def test_regenerate_asks_for_new_drafts_and_keeps_one_history_entry(view, qtbot, fake_engine, data_dir):
    """Draft, Regenerate, then Draft again in another tone: the first is greedy, the others
    sampled afresh and told every draft shown so far; the cards show the new drafts; History
    holds one conversation with all nine drafts, and the view says so."""
    view.set_conversation(CHAT)
    first = drafted(view, qtbot)
    second = drafted(view, qtbot, view.regenerate_button)
    view.tone_group.buttons()[2].setChecked(True)  # formal
    third = drafted(view, qtbot)
    tasks = fake_engine.reply_tasks
    assert [t.fresh for t in tasks] == [False, True, True]
    assert tasks[1].shown == tuple(first) and tasks[2].shown == tuple(first + second)
    assert tasks[2].tone == "formal" and not set(second) & set(first) and not set(third) & set(first + second)
    [stored] = conversations(data_dir)
    assert [d.text for d in stored.drafts] == first + second + third
    assert view.saved.id == stored.id and "9 drafts" in view.saved_label.text()


def test_the_same_paste_after_a_restart_is_the_same_entry(make_window, fake_engine, qtbot, data_dir):
    """The window closed and opened again, the same conversation pasted: its drafts go to the
    stored entry, and the new ones avoid those drafted before the restart."""
    for _ in range(2):
        window = make_window(fake_engine.kit())
        window.show_view("replies")
        window.replies_view.set_conversation(CHAT)
        drafted(window.replies_view, qtbot)
        with qtbot.waitSignal(window.closed, timeout=6000):
            window.close()
    first, again = fake_engine.reply_tasks
    assert not first.fresh and again.fresh and len(again.shown) == 3
    [stored] = conversations(data_dir)
    assert len(stored.drafts) == 6


def test_a_new_paste_clears_the_last_drafts(view, qtbot, fake_engine, data_dir):
    """Drafts of one conversation are gone as soon as another is pasted (Regenerate and Delete
    too); its drafts then go to an entry of its own."""
    view.set_conversation(CHAT)
    drafted(view, qtbot)
    assert all(card.text() for card in view.cards) and view.delete_button.isEnabled()
    view.set_conversation(OTHER_CHAT)
    assert [card.text() for card in view.cards] == ["", "", ""] and view.drafts == []
    assert not view.regenerate_button.isEnabled() and not view.delete_button.isEnabled()
    assert view.saved_label.text() == ""
    drafted(view, qtbot)
    assert not fake_engine.reply_tasks[1].fresh and fake_engine.reply_tasks[1].shown == ()
    assert len(conversations(data_dir)) == 2


def test_a_paste_while_drafting_cancels_the_old_drafts(view, qtbot, fake_engine):
    """A new paste while the last conversation is still being drafted: that task is cancelled
    and none of its drafts lands on the cards."""
    fake_engine.step_s = 0.3
    view.set_conversation(CHAT)
    view.draft()
    old = view.handle
    view.set_conversation(OTHER_CHAT)
    qtbot.waitUntil(lambda: not old.active, timeout=5000)
    qtbot.wait(300)
    assert old.state == "cancelled" and [card.text() for card in view.cards] == ["", "", ""]


def test_deleting_a_conversation_from_replies_asks_first(view, qtbot, data_dir, monkeypatch):
    """Delete asks (Cancel keeps everything); confirmed, the entry leaves History and the view
    is empty again."""
    from ui.widgets import confirm

    view.set_conversation(CHAT)
    drafted(view, qtbot)
    answers = iter([False, True])
    asked = []
    monkeypatch.setattr(
        confirm, "ask", lambda parent, title, text, action: asked.append((title, text, action)) or next(answers)
    )
    qtbot.mouseClick(view.delete_button, Qt.LeftButton)
    assert len(conversations(data_dir)) == 1 and all(card.text() for card in view.cards)
    qtbot.mouseClick(view.delete_button, Qt.LeftButton)
    assert [a[2] for a in asked] == ["Delete", "Delete"] and "Conversation with Anna" in asked[0][1]
    assert conversations(data_dir) == []
    assert view.paste.toPlainText() == "" and view.saved is None and not view.delete_button.isEnabled()


def test_an_email_is_filed_under_the_other_persons_name(view, qtbot, data_dir):
    """Karen's e-mail to Jordan: Karen is a speaker (not "Them"), Jordan is me, and History
    files it as a conversation with Karen Liu."""
    view.set_conversation(EMAIL)
    assert [view.me_combo.itemText(i) for i in range(view.me_combo.count())] == ["Jordan Lee", "Karen Liu"]
    assert view.me() == "Jordan Lee" and view.turns_label.text().startswith("2 messages from")
    drafted(view, qtbot)
    [stored] = conversations(data_dir)
    assert stored.title == "Conversation with Karen Liu"


def test_one_message_is_counted_in_the_singular(view, qtbot):
    """ "1 message", "1 draft": never "1 messages"."""
    view.set_conversation("Lea: My flight got cancelled and I'm stuck in Lyon")
    assert view.turns_label.text().startswith("1 message from Lea.")
    from ui.format import counted

    assert counted(1, "line") == "1 line" and counted(2, "line") == "2 lines"


def test_a_draft_signed_by_someone_else_is_never_an_example_of_my_style(window, qtbot, data_dir, fake_engine):
    """Drafts stored before the fix, one signed by Karen: "Use this" on it copies it but does
    not remember it as the user's style; one picked back then is not given to new drafts as
    an example; a draft written as the user is remembered."""
    bad = "Hi Jordan,\n\nThanks for the update.\n\nBest regards,\nKaren Liu\nHead of Operations"
    good = "Hi Karen,\n\nI will send the revised quote on Thursday.\n\nThanks,\nJordan"
    with store_of(data_dir) as store:
        turns = (
            Turn("Jordan Lee", "Hi Karen,\nHere is the vendor shortlist."),
            Turn("Karen Liu", "Hi Jordan,\n\nCould you send me the revised quote by Thursday?"),
        )
        old = store.add_conversation(NewConversation("an older paste", turns, "Jordan Lee"))
        store.pick_draft(store.add_drafts(old, [bad])[0])
        conversation = store.add_conversation(NewConversation(EMAIL, turns, "Jordan Lee"))
        store.add_drafts(conversation, [bad, good, "I can do Thursday."])
    window.open_conversation(conversation)
    view = window.replies_view
    assert view.drafts[0] == bad and view.me() == "Jordan Lee"
    qtbot.mouseClick(view.cards[0].use_button, Qt.LeftButton)
    assert QGuiApplication.clipboard().text() == bad
    assert "not remembered" in view.banner.message() and not view.cards[0].chosen.isVisibleTo(view)
    with store_of(data_dir) as store:
        assert store.picked_replies(3) == [bad]  # only the old pick
    drafted(view, qtbot, view.regenerate_button)
    assert fake_engine.reply_tasks[-1].examples == ()
    assert set(fake_engine.reply_tasks[-1].shown) == {bad, good, "I can do Thursday."}
    window.open_conversation(conversation)
    qtbot.mouseClick(view.cards[1].use_button, Qt.LeftButton)
    assert view.cards[1].chosen.isVisibleTo(view)
    with store_of(data_dir) as store:
        assert store.picked_replies(3)[0] == view.drafts[1]


def test_real_model_email_drafts_then_regenerate(make_window, data_dir_with_models, qtbot):
    """The real model in the window: Karen's e-mail gets three drafts that greet Karen and are
    signed by Jordan (the name in Settings); Regenerate gives three others; History holds one
    entry, "Conversation with Karen Liu", with all six."""
    window = make_window(folder=data_dir_with_models)
    window.services.update_settings(user_name="Jordan")
    window.show_view("replies")
    view = window.replies_view
    view.set_conversation(EMAIL)
    assert view.me() == "Jordan Lee"
    rounds = []
    for button in (view.draft_button, view.regenerate_button):
        qtbot.mouseClick(button, Qt.LeftButton)
        qtbot.waitUntil(lambda: not view.busy, timeout=180_000)
        assert view.handle.state == "done", view.banner.message()
        texts = [card.text() for card in view.cards]
        assert all(t.startswith("Hi Karen,\n\n") and t.endswith("Thanks,\nJordan") for t in texts), texts
        assert not any("Karen Liu" in t or "Head of Operations" in t or "Hi Jordan" in t for t in texts)
        rounds.append(texts)
    assert not set(rounds[0]) & set(rounds[1])
    [stored] = conversations(data_dir_with_models)
    assert stored.title == "Conversation with Karen Liu" and [d.text for d in stored.drafts] == rounds[0] + rounds[1]


def test_a_one_line_transcript_says_1_line(window, qtbot, data_dir):
    """The meeting view's count reads "1 line" for a one-line transcript, not "1 lines"."""
    from models.types import Segment

    with store_of(data_dir) as store:
        recording = store.add_recording(None, duration=3.0)
        store.add_segments(recording, [Segment(0.0, 3.0, "Short and sweet.")])
        store.finish_recording(recording, duration=3.0)
    window.open_new_recording(recording)
    meta = window.recording_view.meta.text()
    assert "1 line" in meta and "1 lines" not in meta


def test_drafts_after_the_entry_was_deleted_in_history_get_a_new_one(window, view, qtbot, data_dir):
    """The conversation on screen deleted from the History view: the next drafts are stored in
    a new entry instead of failing."""
    view.set_conversation(CHAT)
    drafted(view, qtbot)
    window.services.delete_item(view.saved.id)
    drafted(view, qtbot, view.regenerate_button)
    assert not view.banner.isVisible()
    [stored] = conversations(data_dir)
    assert len(stored.drafts) == 3 and view.saved.id == stored.id


def test_the_first_draft_shows_as_it_is_written_and_gives_way_to_the_checked_one(view):
    """While the model writes the first draft its card shows the words so far (not yet to copy
    or use); the checked draft replaces them; words still being written when drafting is
    cancelled are not left behind."""
    from app.tasks.events import DraftReady, DraftTyping, TaskState

    card = view.cards[0]
    view._on_partial(DraftTyping(0, "Sounds good"))
    assert card.text() == "Sounds good" and not card.copy_button.isEnabled()
    view._on_partial(DraftReady(0, "Sounds good, see you Friday!"))
    assert card.text() == "Sounds good, see you Friday!"
    view._on_partial(DraftTyping(1, "I will"))
    view._on_finished(TaskState.CANCELLED)
    assert card.text() == "Sounds good, see you Friday!" and view.cards[1].text() == ""
