"""A pasted conversation is one History entry: found again by its text, re-titled when the user
says who they are, and never titled after a speaker the paste could not name."""

from __future__ import annotations

from app.history.records import NewConversation
from app.records import Turn


def test_the_same_paste_is_found_again(store):
    """find_conversation gives the newest entry pasted as exactly this text, else None."""
    raw = "Anna: Lunch?\nBen: Sure"
    first = store.add_conversation(NewConversation(raw, (Turn("Anna", "Lunch?"), Turn("Ben", "Sure")), "Ben"))
    assert store.find_conversation(raw) == first
    assert store.find_conversation(raw + "!") is None


def test_who_i_am_can_change_and_the_title_follows(store):
    """Changing "me" re-titles an entry the user never named; a name the user gave stays."""
    turns = (Turn("Anna", "Lunch?"), Turn("Ben", "Sure"))
    auto = store.add_conversation(NewConversation("a", turns, "Ben"))
    named = store.add_conversation(NewConversation("b", turns, "Ben", title="Lunch plans"))
    assert store.get_item(auto).title == "Conversation with Anna"
    for item in (auto, named):
        store.set_conversation_me(item, "Anna")
    assert store.get_item(auto).me == "Anna" and store.get_item(auto).title == "Conversation with Ben"
    assert store.get_item(named).title == "Lunch plans"


def test_an_unnamed_speaker_is_not_a_title(store):
    """A paste whose other side could not be named is titled by its words, not "Conversation with Them"."""
    turns = (Turn("Them", "Are you coming tonight?"), Turn("Me", "Maybe"))
    item = store.add_conversation(NewConversation("Are you coming tonight?\nMaybe", turns, "Me"))
    assert store.get_item(item).title == "Are you coming tonight? Maybe"
