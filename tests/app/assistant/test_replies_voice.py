"""Drafts are written as the user: an e-mail reply greets the other person and is signed by
the user; a draft that greets the user or carries another participant's sign-off is repaired
or refused (scripted model; the real model is in test_assistant_real_model.py)."""

from __future__ import annotations

from fakes import ScriptedModel, last_user_message, system_message

from app.assistant.conversation_parse import parse_conversation
from app.assistant.replies import ReplyTask, run_replies
from app.assistant.reply_voice import Voice, check, repair

AS_KAREN = (
    "Hi Jordan,\n\nThanks for the update, we will go ahead with Brightline.\n\n"
    "Best regards,\nKaren Liu\nHead of Operations"
)
KAREN = Voice("Jordan Lee", ("Karen Liu",), ("Karen Liu\nHead of Operations\nNorthwind Logistics",), "Jordan")


def test_email_drafts_greet_the_other_person_and_are_signed_by_the_user(karen_email):
    """A model that writes as Karen ("Hi Jordan", her signature): every draft greets Karen, is
    signed Jordan (the name from the settings), and holds nothing of Karen's signature."""
    model = ScriptedModel(lambda prompt: AS_KAREN)
    conversation = parse_conversation(karen_email, default_me="Jordan")
    replies = run_replies(model, ReplyTask(conversation, "friendly", "medium", user_name="Jordan"))
    assert len(replies.drafts) == 3
    for draft in replies.drafts:
        assert draft.text.startswith("Hi Karen,\n\n") and draft.text.endswith("\nJordan"), draft.text
        assert "Hi Jordan" not in draft.text and "Karen Liu" not in draft.text
        assert "Head of Operations" not in draft.text and check(draft.text, KAREN) is None
    # the model is asked for a body, and sees Karen's message without her contact block
    assert "no signature" in system_message(model.calls[0].prompt)
    assert "Head of Operations" not in model.calls[0].prompt
    assert "Brightline" in last_user_message(model.calls[0].prompt)


def test_the_sign_off_name_comes_from_the_paste_without_settings(karen_email):
    """No name in the settings: the drafts are signed with the user's name from the paste."""
    model = ScriptedModel(lambda prompt: " Sure, I will ask Brightline for the revised quote today.")
    replies = run_replies(model, ReplyTask(parse_conversation(karen_email), "formal", "short"))
    assert all(
        d.text.startswith("Dear Karen,") and d.text.endswith("Best regards,\nJordan Lee") for d in replies.drafts
    )


def test_the_check_refuses_drafts_not_written_as_the_user():
    """Greeting the user, another participant's sign-off (on its own lines or at the end of a
    line), a line of their signature, or the one person written to named in full (spoken of, not
    to) is refused; a draft written as the user passes."""
    assert check(AS_KAREN, KAREN) is not None
    assert check("Jordan, thanks for the update!", KAREN) is not None
    assert check("Sounds good, we go with Brightline. Best, Karen", KAREN) is not None
    assert check("Sounds good.\n\nNorthwind Logistics\nHead of Operations", KAREN) is not None
    assert check("Hi Karen,\n\nI will ask Brightline today.\n\nThanks,\nJordan", KAREN) is None
    assert check("Sure! Last month Karen Liu sent a quote to the firm.", KAREN) is not None
    group = Voice("Jordan Lee", ("Karen Liu", "Sam Park"))
    assert check("I told Karen Liu's team about the quote yesterday.", group) is None
    assert check("Great news. Thanks, Karen!", KAREN) is None  # said to Karen, not signed by her
    assert check("Karen, could you send the quote?", KAREN) is None
    assert check("Sounds good.\nBest regards, Karen", KAREN) is not None


def test_repair_takes_off_the_wrong_greeting_and_sign_off():
    """ "Hi Jordan" becomes "Hi Karen"; Karen's sign-off and title go, and the draft passes."""
    repaired = repair(AS_KAREN, KAREN)
    assert repaired == "Hi Karen,\n\nThanks for the update, we will go ahead with Brightline."
    assert check(repaired, KAREN) is None


def test_a_chat_draft_that_greets_the_user_is_repaired():
    """In a chat too: replying as Ben, "Hey Ben!" is turned to the other person."""
    model = ScriptedModel(lambda prompt: "Hey Ben! Sure, I can book it for four.")
    chat = "Anna: Are we still on for dinner?\nBen: Yes! 7pm\nAnna: Can you book a table for four?"
    replies = run_replies(model, ReplyTask(parse_conversation(chat, me="Ben")))
    assert replies.drafts[0].text == "Hey Anna! Sure, I can book it for four."
    assert all("Ben" not in d.text for d in replies.drafts)


def test_in_a_group_a_greeting_to_the_user_loses_the_name():
    """Replying as Ben to Anna and Sam, "Hey Ben, ..." cannot be turned to one of them: "Hey, ..."."""
    group = Voice("Ben", ("Anna", "Sam"))
    assert repair("Hey Ben, sure, count me in.", group) == "Hey, sure, count me in."
    assert repair("Hey Ben, sure.", Voice("Ben", ("Anna Lee",))) == "Hey Anna, sure."


def test_a_draft_that_speaks_to_the_user_inside_a_sentence_is_turned_or_refused():
    """SmolLM2, replying as Ben, writes "Sounds good, Ben!": turned to Anna in a chat of two,
    to nobody in a group; check() refuses what is left unrepaired. A sign-off is no address."""
    pair, group = Voice("Ben", ("Anna",)), Voice("Ben", ("Anna", "Sam"))
    assert repair("Sure! Sounds good, Ben.", pair) == "Sure! Sounds good, Anna."
    assert repair("Thanks, Ben! I'll be there.", group) == "Thanks! I'll be there."
    assert repair("Great, ben, see you then.", group) == "Great, see you then."
    assert check("Sure! Sounds good, Ben.", pair) is not None
    assert check("Thank you Ben! See you at 7.", pair) is not None
    assert check("Sounds good, see you at 7.\nThanks,\nBen", pair) is None  # signed by Ben
    assert check("Thanks, Anna! See you at 7.", pair) is None
    assert check("Benjamin says hi, see you at 7.", pair) is None


def test_a_chat_draft_that_speaks_of_the_one_person_it_is_written_to_is_refused():
    """SmolLM2, replying as Sam to Naomi, wrote "I'm glad you're enjoying the conversation with
    Naomi!": Naomi spoken of as someone else. Said to her, or a name that is also a word or a
    month ("in May"), or a group (who is written to is unknown), passes."""
    pair = Voice("Sam", ("Naomi",))
    for onlooker in (
        "I'm glad you're enjoying the conversation with Naomi!",
        "Naomi's idea sounds fun.",
        "Naomi is right, let's go.",
        "I told Naomi already.",
    ):
        assert check(onlooker, pair) is not None, onlooker
    for said_to in (
        "Thanks, Naomi! See you.",
        "Hey Naomi! How are you?",
        "Sounds good, Naomi.",
        "Naomi, that sounds fun.",
    ):
        assert check(said_to, pair) is None, said_to
    assert check("Sure, see you in May.", Voice("Sam", ("May",))) is None
    assert check("I talked to Naomi about it.", Voice("Sam", ("Naomi", "Ben"))) is None


def test_a_draft_that_opens_with_the_other_persons_name_is_no_sign_off():
    """ "Naomi, that sounds fun." speaks to Naomi: neither refused nor cut as her signature, while
    "Best, Naomi" and a name line under a body still are her sign-off."""
    pair = Voice("Sam", ("Naomi",))
    assert repair("Naomi, that sounds fun.", pair) == "Naomi, that sounds fun."
    assert check("Best, Naomi", pair) is not None
    assert repair("Sounds fun.\nNaomi", pair) == "Sounds fun."
