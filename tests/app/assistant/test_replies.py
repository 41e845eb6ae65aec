"""Reply drafts with a scripted model: three clearly different, sendable drafts whatever the
model writes; follow-ups; personalization; length and tone controls; cancel."""

from __future__ import annotations

import threading

import pytest
from fakes import ScriptedModel, system_message

from app.assistant.conversation_parse import parse_conversation
from app.assistant.personal_style import Style, apply_style
from app.assistant.replies import ReplyTask, draft_replies, run_replies
from app.assistant.reply_intents import echo_openings, opening_plan, situation
from app.assistant.text_tools import similarity, words
from app.errors import AppError
from app.tasks.events import Done, DraftReady

CHAT = (
    "Anna: Are we still on for dinner tonight?\nBen: Yes! 7pm at Luigi's\nAnna: Great. Can you book a table for four?"
)


def opening_of(prompt: str) -> str:
    """What the pipeline put at the start of the answer (the text after the last assistant tag)."""
    return prompt.rsplit("<|im_start|>assistant\n", 1)[-1]


def assert_three_distinct(replies):
    texts = [d.text for d in replies.drafts]
    assert len(texts) == 3 and all(len(words(t)) >= 3 for t in texts)
    for i in range(3):
        for j in range(i + 1, 3):
            assert similarity(texts[i], texts[j]) < 0.5, texts


def test_a_model_that_repeats_itself_still_gives_three_different_drafts():
    """The same answer every time: the repeats are dropped and replaced, never shown twice."""
    model = ScriptedModel(lambda prompt: "Sounds good, I will book the table for four at Luigi's.")
    replies = run_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben")))
    assert_three_distinct(replies)
    assert replies.drafts[0].text == "Sounds good, I will book the table for four at Luigi's."


def test_drafts_are_sendable_as_they_are():
    """Role labels, numbering, quotes, quoted thread lines and '[Your Name]' are cleaned away;
    assistant asides, leftover placeholders and copies of the thread are not shown."""
    answers = iter(
        [
            'Ben: "Sure thing, I booked it. [Your Name]"\n> Anna: Great. Can you book a table for four?',
            " Here's a possible reply: Sure, I can do that!",
            " I'll book it for [time] at [place].",
            " Great. Can you book a table for four?",
            " no problem, I'll call them now and ask for a window table.",
        ]
        + [" okay then, see you at seven tonight."] * 10
    )
    model = ScriptedModel(lambda prompt: next(answers))
    replies = run_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben")))
    texts = [d.text for d in replies.drafts]
    assert texts[0] == "Sure thing, I booked it. Ben"
    assert all("Here's" not in t and "[" not in t and not t.startswith(("Ben:", ">")) for t in texts)
    assert all(similarity(t, "Great. Can you book a table for four?") < 0.7 for t in texts)
    assert_three_distinct(replies)


def test_the_model_writes_as_me_and_later_drafts_start_differently():
    """The others' messages are the user's turns and mine the assistant's, so the model's next
    turn is mine; drafts two and three begin with openings of another intent."""
    model = ScriptedModel(lambda prompt: " I can do that.")
    run_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben")))
    first = model.calls[0].prompt
    assert "<|im_start|>assistant\nYes! 7pm at Luigi's<|im_end|>" in first
    assert "<|im_start|>user\nGreat. Can you book a table for four?<|im_end|>" in first
    openings = [opening_of(c.prompt) for c in model.calls]
    assert openings[0] == "" and len(set(openings)) == len(openings)


def test_short_drafts_are_3_to_40_words():
    """A rambling model is cut at a sentence end within 40 words; a one-word answer is not a draft."""
    ramble = " ".join(["I really think we should go there because it is nice."] * 12)
    answers = iter(["Ok."] + [ramble] * 20)
    replies = run_replies(
        ScriptedModel(lambda prompt: next(answers)), ReplyTask(parse_conversation(CHAT, me="Ben"), length="short")
    )
    assert all(3 <= len(words(d.text)) <= 40 for d in replies.drafts)


def test_follow_up_when_my_message_is_the_last():
    """When I wrote last, the model is asked for a follow-up and the result says so."""
    model = ScriptedModel(lambda prompt: " Just checking in, did you get my message?")
    replies = run_replies(model, ReplyTask(parse_conversation(CHAT, me="Anna")))
    assert replies.follow_up
    assert "follow-up" in system_message(model.calls[0].prompt)


def test_personalization_from_picked_replies():
    """Up to three earlier replies go into the prompt as style examples, and a habit they share
    (the same emoji, all lowercase) is applied to every draft."""
    examples = ("sure thing \U0001f60a", "sounds great \U0001f60a see you", "haha ok \U0001f60a", "never shown")
    model = ScriptedModel(lambda prompt: " That works, I will book it.")
    replies = run_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben"), examples=examples))
    prompt_system = system_message(model.calls[0].prompt)
    assert "sounds great" in prompt_system and "never shown" not in prompt_system
    assert all(d.text.endswith("\U0001f60a") and d.text == d.text.lower() for d in replies.drafts)


def test_style_needs_a_habit_not_one_message():
    """One example with an emoji among three is not a habit; a shared sign-off line is."""
    assert Style.learn(["hi \U0001f389", "Fine.", "See you"]).emoji is None
    style = Style.learn(["Works for me.\nCheers, Tom", "Yes.\nCheers, Tom"])
    assert apply_style("Sure, Friday is fine.", style, (3, 40)) == "Sure, Friday is fine.\nCheers, Tom"


@pytest.mark.parametrize("tone,length", [("sarcastic", "short"), ("friendly", "huge")])
def test_unknown_tone_or_length_is_a_user_error(tone, length):
    with pytest.raises(AppError):
        run_replies(ScriptedModel(lambda p: "ok"), ReplyTask(parse_conversation(CHAT), tone, length))


def test_tone_and_length_reach_the_prompt():
    """The tone and length chosen are what the model is asked for; long drafts get more room."""
    model = ScriptedModel(lambda prompt: " Certainly, I shall reserve a table for four this evening.")
    run_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben"), tone="formal", length="long"))
    assert "polite and formal" in system_message(model.calls[0].prompt)
    assert "paragraph" in system_message(model.calls[0].prompt)
    assert model.calls[0].config.max_new_tokens > 100


def test_cancel_ends_without_a_result():
    """The cancel token set during the first draft: no Done, no further model calls."""
    cancel = threading.Event()
    model = ScriptedModel(lambda prompt: " Sure.", on_call=lambda n: cancel.set())
    events = list(draft_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben")), cancel))
    assert len(model.calls) == 1 and not any(isinstance(e, (Done, DraftReady)) for e in events)


@pytest.mark.parametrize(
    "message,follow_up,kind",
    [
        ("Can you send me the report?", False, "question"),
        ("Let me know which day works", False, "question"),
        ("I passed the exam, finally!", False, "good_news"),
        ("I thought I was a good roommate", False, "statement"),
        ("My flight got cancelled and I'm stuck in Lyon", False, "bad_news"),
        ("I moved the meeting to the blue room.", False, "statement"),
        ("Did you see my message?", True, "follow"),
        ("thanks, maybe I'll do that", False, "thanked"),
        ("Oh, thank God! I don't know how to thank you, guys.", False, "thanked"),
        ("Thank God it's Friday.", False, "statement"),
        ("Thanks to the new router the calls work again.", False, "statement"),
        ("Thanks, but I failed the exam.", False, "bad_news"),
        ("Thanks! Can you also send the file?", False, "question"),
    ],
)
def test_what_the_last_message_calls_for(message, follow_up, kind):
    """Questions get yes/no/let-me-check drafts, news a fitting reaction, thanks a welcome, my
    own message a follow-up."""
    assert situation(message, follow_up) == kind


def test_drafts_after_bad_news_do_not_cheer():
    """After bad news the second draft opens with sympathy, not with 'Sure!' or 'Congrats!'."""
    model = ScriptedModel(lambda prompt: " That sounds rough, do you need a hand?")
    conversation = parse_conversation("Lea: My flight got cancelled and I'm stuck in Lyon")
    assert [t.speaker for t in conversation.turns] == ["Lea"] and conversation.me == "Me"
    run_replies(model, ReplyTask(conversation))
    second = opening_of(model.calls[1].prompt)
    assert second.startswith(("Oh no", "I'm sorry", "Aw"))


def test_drafts_after_thanks_are_welcomes_not_thanks_back():
    """Thanked ("I don't know how to thank you"), the second and third drafts open with a
    welcome and a glad-to-help, and a draft of sympathy from the model is not shown."""
    model = ScriptedModel(lambda prompt: " I'm so sorry to hear that, it must be hard.")
    conversation = parse_conversation("Lea: Oh, thank God! I don't know how to thank you, guys.")
    replies = run_replies(model, ReplyTask(conversation))
    assert [opening_of(call.prompt) for call in model.calls[1:3]] == ["You're welcome!", "Glad I could help!"]
    assert len(replies.drafts) == 3 and not any("sorry" in d.text.lower() for d in replies.drafts)


def test_greeting_and_length_habits():
    """Someone who always opens with 'Hey!' and writes a few words gets drafts that open with
    'Hey!' and stop after a sentence or two, never below the minimum length."""
    style = Style.learn(["Hey! Sure thing.", "Hey! On my way.", "Hey! Sounds good to me."])
    assert style.greeting == "Hey!" and style.typical_words == 4
    long_draft = "That works for me. I will bring the salad and the drinks. See you at seven then."
    assert apply_style(long_draft, style, (3, 40)) == "Hey! That works for me."


def test_a_small_context_keeps_the_latest_turns():
    """With a 160-token window the oldest turns and then the style examples are left out, so
    that every prompt still fits; the last message is always there."""
    long_chat = "\n".join(
        f"{'Anna' if i % 2 else 'Ben'}: message number {i} about the plans for the weekend trip" for i in range(40)
    )
    model = ScriptedModel(lambda prompt: " Sounds like a plan, see you there.", context_length=160)
    run_replies(model, ReplyTask(parse_conversation(long_chat, me="Ben"), examples=("x " * 200,)))
    assert all(c.prompt_tokens + c.config.max_new_tokens <= 160 for c in model.calls)
    assert "message number 39" in model.calls[0].prompt and "message number 0 " not in model.calls[0].prompt


def test_a_draft_that_names_what_nobody_said_is_refused():
    """SmolLM2, asked "What do you mean??" about Bella (a person): "Sure! Bella is a popular
    Italian restaurant in New York City." A name inside a sentence that the thread never says is
    the model's invention; a name the thread says ("Luigi's") is not."""
    chat = "Edward: I think I'm in love with Bella..\nRachel: Dont say anything else..\nEdward: What do you mean??"
    model = ScriptedModel(lambda prompt: "Sure! Bella is a popular Italian restaurant in New York City.")
    drafts = [d.text for d in run_replies(model, ReplyTask(parse_conversation(chat, me="Rachel"))).drafts]
    assert len(drafts) == 3 and not any("Italian" in d or "York" in d for d in drafts), drafts
    model = ScriptedModel(lambda prompt: "Sounds good, I will book the table for four at Luigi's.")
    assert "at Luigi's" in run_replies(model, ReplyTask(parse_conversation(CHAT, me="Ben"))).drafts[0].text
    german = "Anna: Kommst du morgen zum Essen?\nBen: Ja, gerne! Was soll ich mitbringen?"
    model = ScriptedModel(lambda prompt: "Bring bitte einen Kuchen und den Salat mit.")
    assert "Kuchen" in run_replies(model, ReplyTask(parse_conversation(german, me="Anna"))).drafts[0].text


@pytest.mark.parametrize(
    ("message", "tone", "openings"),
    [
        (
            "Do you want to come? What time works for you?",
            "friendly",
            ("Sure, I'd love to come!", "Sorry, I can't come"),
        ),
        (
            "Would you like to join us on Sunday?",
            "formal",
            ("Certainly, I would be glad to join you.", "Unfortunately, I am unable to join you"),
        ),
        ("Great. Can you book a table for four?", "neutral", ("Yes, I can book a table", "No, I can't book a table")),
        ("Are you coming to the party tonight?", "friendly", ("Yes, I'm coming!", "Sorry, I'm not coming")),
        ("Can you believe it? Will you be there?", "friendly", None),
        ("How was the trip?", "friendly", None),
    ],
)
def test_a_question_about_my_own_doing_is_answered_in_its_words(message, tone, openings):
    """SmolLM2 given "Sure!" to a climbing invitation went on "I'd be happy to help you with your
    gear." (a shop's assistant); given "Sure, I'd love to come!" it wrote "We can grab a spot at
    the gym on Saturday.". The yes and no openings say the question's verb again, first in the plan."""
    assert echo_openings(tone, message) == openings
    plan = opening_plan(tone, "question", message)
    if openings:
        assert plan[:2] == list(openings)
    else:
        assert plan == opening_plan(tone, "question")
