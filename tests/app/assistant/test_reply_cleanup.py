"""The checks a draft passes before it is shown: it promises no number, day or amount the thread
never mentioned, and holds no broken word (drafts seen from SmolLM2 on real chats)."""

from __future__ import annotations

import pytest

from app.assistant.reply_cleanup import broken_word, clean_draft, invented_detail

COOKIES = ["I baked cookies. Do you want some?", "Sure!", "I'll bring you tomorrow :-)"]
DINNER = ["Are we still on for dinner tonight?", "Yes! 7pm at Luigi's", "Great. Can you book a table for four?"]


@pytest.mark.parametrize(
    "draft, thread, detail",
    [
        ("What a wonderful treat! I'll be back in 20 minutes.", COOKIES, "20"),
        ("Sure! I'll be back in two hours.", COOKIES, "2"),
        ("Let's do it on Saturday then.", COOKIES, "saturday"),
        ("It cost me ten euros.", COOKIES, "10"),
        ("Okay, see you at seven tonight.", DINNER, None),  # "seven" is the thread's 7pm
        ("Booked a table for 4 at Luigi's.", DINNER, None),
        ("Thanks, see you tomorrow!", COOKIES, None),
        ("No one told me, but that one is fine.", COOKIES, None),  # "one" is no detail
    ],
)
def test_a_draft_may_not_promise_a_detail_nobody_said(draft, thread, detail):
    assert invented_detail(draft, thread) == detail


@pytest.mark.parametrize(
    "draft, thread, broken",
    [
        ("How dy there.", COOKIES, "dy"),
        ("Thx, I'll be in by sx.", DINNER, "sx"),
        ("I'm so glad you're enjoying them :D", COOKIES, None),  # an emoticon, a contraction
        ("ok u r right, see you there xx", DINNER, None),  # chat shorthand
        ("Ja, ich bin um acht da, bis dann", ["Kommst du morgen zum Essen?", "Ja, wir sind zu dritt"], None),
    ],
)
def test_a_draft_with_a_broken_word_is_caught_in_english_only(draft, thread, broken):
    assert broken_word(draft, thread) == broken


def test_such_drafts_are_not_shown_and_good_ones_are():
    """A draft whose first sentence promises a detail nobody said is refused; a later sentence
    that does is left out, and what is before it is shown when it is long enough."""

    def cleaned(draft):
        return clean_draft(draft, me="Ben", others=["Anna"], thread=COOKIES, limits=(3, 40))

    assert cleaned("I'll be back in 20 minutes. What a wonderful treat!") == ""
    assert cleaned("What a wonderful treat! I'll be back in 20 minutes.") == "What a wonderful treat!"
    assert cleaned("Yum! I'll be back in 20 minutes.") == ""  # one word is left: too short
    assert cleaned("How dy there, friend.") == ""
    assert cleaned("Yes please, I love cookies!") == "Yes please, I love cookies!"


def test_the_first_draft_as_it_is_written_is_shown_without_its_label_from_its_second_word():
    from app.assistant.reply_cleanup import typed_so_far

    assert typed_so_far("Ben:", ["Anna", "Ben"]) == ""
    assert typed_so_far("Ben: Sure", ["Anna", "Ben"]) == ""
    assert typed_so_far("Ben: Sure thing", ["Anna", "Ben"]) == "Sure thing"
    assert typed_so_far('1. "Sounds good, see', []) == "Sounds good, see"
    assert typed_so_far("Sounds good.\n\nAnna: see you", ["Anna"]) == "Sounds good."


def test_a_contraction_split_from_its_word_is_joined():
    """SmolLM2 drafted "What 's the problem?" and "What 's up?" for eval chats, as tokenized
    corpora write it; a contraction already whole stays as it is."""

    def clean(text):
        return clean_draft(text, me="Edward", others=["Rachel"], thread=COOKIES, limits=(1, 40))

    assert clean("What 's the problem?") == "What's the problem?"
    assert clean("I do n't know, we 're late.") == "I don't know, we're late."
    assert clean("It's fine, I'll check.") == "It's fine, I'll check."


@pytest.mark.parametrize(
    ("draft", "last_message", "shown"),
    [
        ("You're welcome! I'm glad you found the cookies delicious.", "I'll bring you tomorrow :-)", False),
        ("You're welcome. I'm glad you found them.", "You're welcome.", False),  # the other one's line back
        ("No problem, see you at six then.", "Can we meet at six?", False),
        ("You're welcome, enjoy the cookies!", "Thanks for the cookies!", True),
        ("No problem at all, it happens.", "Sorry I'm late again.", True),
        ("Thanks, can't wait!", "I'll bring you tomorrow :-)", True),
    ],
)
def test_you_are_welcome_answers_a_thanks_only(draft, last_message, shown):
    """SmolLM2 and Qwen 0.5B, drafting Jerry's reply to Amanda's "I'll bring you tomorrow",
    wrote Amanda's side ("You're welcome! I'm glad you found the cookies delicious"): a draft
    that opens with "you're welcome" or "no problem" needs a thanks or an apology to answer."""
    thread = ["I baked cookies. Do you want some?", "Sure!", last_message]
    assert bool(clean_draft(draft, me="Jerry", others=["Amanda"], thread=thread, limits=(2, 40))) is shown


@pytest.mark.parametrize(
    ("draft", "last_message", "shown"),
    [
        (
            "I'm so sorry to hear that. It's a bit disappointing.",
            "Oh, thank God! I don't know how to thank you.",
            False,
        ),
        ("What a huge relief. I'm so sorry for your loss.", "Oh, thank God! I don't know how to thank you.", False),
        ("Oh no, that's a lot of work.", "I passed the exam, finally!", False),
        ("Oh no, I'm so sorry to hear that.", "My flight got cancelled and I'm stuck in Lyon", True),
        ("Sorry to hear that, is it the new parking rule?", "I got a parking ticket today.", True),
        ("You're welcome, glad it worked out!", "Oh, thank God! I don't know how to thank you.", True),
    ],
)
def test_sympathy_answers_no_thanks_and_no_good_news(draft, last_message, shown):
    """SmolLM2, thanked with "Oh, thank God! I don't know how to thank you, guys.", drafted
    "I'm so sorry to hear that.": sympathy to thanks or good news is refused; to bad news, and to
    news the word lists cannot tell, it is shown."""
    thread = ["We found your dog at the park.", last_message]
    assert bool(clean_draft(draft, me="Jerry", others=["Amanda"], thread=thread, limits=(2, 40))) is shown


@pytest.mark.parametrize(
    ("draft", "last_message", "shown"),
    [
        ("I'm so glad you're enjoying the cookies.", "I'll bring you tomorrow :-)", False),
        ("I'm so glad you're enjoying the dance.", "Right. Cool! Let's go!", False),
        ("Glad you like them, I'll bake more.", "I'll bring you tomorrow :-)", False),
        ("I'm so glad you like it, I'll use them too.", "I also like using post-its in kanban style", True),
        ("Glad you're enjoying the trip!", "The beach here is amazing", True),
        ("Great, see you tomorrow then!", "I'll bring you tomorrow :-)", True),
    ],
)
def test_glad_you_enjoy_it_answers_a_liking_only(draft, last_message, shown):
    """SmolLM2 wrote "I'm so glad you're enjoying the cookies." to "I'll bring you tomorrow :-)"
    and "...enjoying the dance." to "Let's go!": gladness at the other's enjoyment needs a last
    message that says they like something."""
    thread = ["I baked cookies. Do you want some?", "Sure!", last_message]
    assert bool(clean_draft(draft, me="Jerry", others=["Amanda"], thread=thread, limits=(2, 40))) is shown


@pytest.mark.parametrize(
    ("draft", "shown"),
    [
        ("Thanks a lot noah, I'll talk to him.", False),
        ("I'll talk to him tomorrow. Have a good day, Mr. Smith!", False),
        ("Thanks a lot, Naomi! I'll talk to him.", True),  # the other person, named by the speakers
        ("Hey Naomi, you're right, I'll talk to him.", True),
        ("Thanks again! I'll talk to Tom.", True),  # Tom is in the thread
        ("Thanks guys, I'll talk to him.", True),
        ("I miss this place, but I'll talk to him.", True),
    ],
)
def test_a_draft_greets_or_thanks_no_one_the_thread_does_not_name(draft, shown):
    """SmolLM2, as Sam answering Naomi: "Thanks a lot noah, you're most grateful.". A name greeted,
    thanked or titled ("Mr. Smith") must be one of the conversation's people or said in it."""
    thread = ["Tom was rude to me again today", "it's your choice sam", "if i were you i would just talk to him"]
    assert bool(clean_draft(draft, me="Sam", others=["Naomi"], thread=thread, limits=(2, 40))) is shown


@pytest.mark.parametrize(
    ("draft", "last_message", "shown"),
    [
        ("Thanks, I'm glad.", "Great", False),
        ("Thanks, I'm glad. You're not alone in this world.", "You're welcome.", False),
        ("I'm so glad!", "I passed the exam, finally!", True),  # good news: glad of it
        ("Thanks, I'm glad it worked out.", "Great", True),
        ("Glad to hear it!", "Great", True),
    ],
)
def test_glad_says_what_of_unless_the_news_was_good(draft, last_message, shown):
    """SmolLM2 went on from the opening "Thanks" with "I'm glad." to "Great" and to "You're
    welcome.": glad of nothing. Said to good news, "I'm so glad!" is an answer."""
    thread = ["Did the new schedule work for you?", last_message]
    assert bool(clean_draft(draft, me="Olivia", others=["Oliver"], thread=thread, limits=(2, 40))) is shown


CLIMBING = [
    "Hey Mira! A few of us are going to the climbing gym on Saturday.",
    "Do you want to come? What time works for you? And do you have your own shoes?",
]


@pytest.mark.parametrize(
    ("draft", "thread", "shown"),
    [
        ("Sorry, I'm sorry for the misunderstanding.", CLIMBING, False),
        ("I apologize for any inconvenience, I will come.", CLIMBING, False),
        ("I'm so glad you're interested in the climbing gym.", CLIMBING, False),
        ("I'm sorry, I can't help you with that. But I've got a request.", CLIMBING, False),
        ("Sorry, I can't come on Saturday. I'm sorry for any inconvenience caused.", CLIMBING, True),
        ("Sorry for the confusion, I meant Sunday!", [*CLIMBING[:1], "Wait, Saturday or Sunday? I'm confused"], True),
        ("Glad you're interested, the gym is great.", ["I'm interested in climbing too!"], True),
        ("Sure, I'd love to come! Saturday works for me.", CLIMBING, True),
    ],
)
def test_a_draft_is_a_friends_reply_not_a_help_desks(draft, thread, shown):
    """SmolLM2 invited to climb on Saturday: "Sorry, I'm sorry for the misunderstanding.", "I'm so
    glad you're interested in the climbing gym." and "I'm sorry, I can't help you with that.": a
    help desk's lines. An apology for a confusion needs one in the thread; gladness at an interest
    needs the last message to show one."""
    assert bool(clean_draft(draft, me="Mira", others=["Jonas"], thread=thread, limits=(2, 40))) is shown
