"""The assistant's guarantees with the real SmolLM2-135M model (few and short on purpose)."""

from __future__ import annotations

import re

from meetings import FIRST_PERSON_ITEMS, launch_sync

from app.assistant.conversation_parse import parse_conversation
from app.assistant.grounding import DATE_WORDS
from app.assistant.replies import ReplyTask, run_replies
from app.assistant.summarize import SummaryOptions, run_summary
from app.assistant.summary_render import summary_markdown
from app.assistant.text_tools import similarity, words
from app.assistant.transcript_input import parse_transcript

MEETING_SRT = "\n\n".join(
    f"{i + 1}\n00:{i // 2:02d}:{(i % 2) * 30:02d},000 --> 00:{i // 2:02d}:{(i % 2) * 30 + 25:02d},000\n{line}"
    for i, line in enumerate(
        [
            "Maya: Good morning everyone, today we plan the launch of the new recipe app.",
            "Omar: The beta testers liked the shopping list feature the most.",
            "Maya: Good. What did they dislike?",
            "Omar: The sign-up form is too long, people gave up before the end.",
            "Lucia: I can cut the form down to email and password only.",
            "Maya: Great, Lucia, please do that by Thursday.",
            "Lucia: Sure, by Thursday is fine.",
            "Omar: We also need screenshots for the app store listing.",
            "Maya: Omar, can you take the screenshots on the new phones?",
            "Omar: Yes, I will do it tomorrow morning.",
            "Maya: We decided to launch on the first of June, not in May.",
            "Lucia: That gives us time to fix the crash on older tablets.",
            "Omar: The crash happens when a photo is bigger than ten megabytes.",
            "Lucia: I'll resize photos before upload, that should fix it.",
            "Maya: Then the marketing budget stays at five thousand euros.",
            "Omar: Agreed, five thousand is enough for the first month.",
            "Maya: Let's meet again next week to check the progress.",
            "Lucia: Sounds good, see you next week.",
        ]
        * 2
    )
)


class NarrowWindow:
    """The real model, but claiming a 400-token context: every prompt must then fit 400 tokens,
    which the wrapper checks, so a transcript longer than that has to go through map and reduce."""

    def __init__(self, model, context_length=400):
        self.model, self.context_length = model, context_length
        self.model_id, self.tokenizer = model.model_id, model.tokenizer
        self.largest = 0

    def render_chat(self, messages, **kwargs):
        return self.model.render_chat(messages, **kwargs)

    def count_tokens(self, text):
        return self.model.count_tokens(text)

    def generate(self, prompt, config, cancel=None):
        used = len(self.model.prompt_ids(prompt)) + config.max_new_tokens
        self.largest = max(self.largest, used)
        assert used <= self.context_length, f"{used} tokens do not fit {self.context_length}"
        return self.model.generate(prompt, config, cancel)


def test_long_input_is_summarized_within_the_context_with_times_and_real_owners(smollm):
    """A transcript longer than the window: no prompt overflows it; every key point, decision
    and action item carries the start of a real segment; every owner occurs in the transcript;
    a due date is only one that was said."""
    segments = parse_transcript(MEETING_SRT, ".srt")
    window = NarrowWindow(smollm)
    total = smollm.count_tokens("\n".join(s.text for s in segments))
    assert total > window.context_length
    summary = run_summary(window, segments, options=SummaryOptions(max_decisions=2, max_actions=3))
    assert 0 < window.largest <= 400
    starts = {s.start for s in segments}
    items = [*summary.key_points, *summary.decisions, *summary.action_items]
    assert summary.title and summary.overview and summary.key_points
    assert all(item.start in starts for item in items)
    transcript = MEETING_SRT.lower()
    assert all(a.owner is None or a.owner.lower() in transcript for a in summary.action_items)
    assert any(a.owner for a in summary.action_items)
    assert all(a.due is None or a.due.lower() in transcript for a in summary.action_items)
    assert not re.search(r"\b(19|20)\d\d\b", summary.to_plain_text())  # no invented years


def test_three_distinct_sendable_drafts(smollm):
    """A short chat: three non-empty drafts, not near-duplicates of each other, no role labels,
    3 to 40 words each at length short."""
    conversation = parse_conversation(
        "Jonas: Hey, are you coming to the climbing gym on Saturday?\n"
        "Mira: Maybe, what time?\n"
        "Jonas: Around 10, and we could get lunch after.",
        me="Mira",
    )
    replies = run_replies(
        smollm, ReplyTask(conversation, "friendly", "short", ("sure thing!", "sounds fun, count me in"))
    )
    texts = [d.text for d in replies.drafts]
    assert len(texts) == 3
    for i, text in enumerate(texts):
        assert 3 <= len(words(text)) <= 40
        assert not re.match(r"^\s*(Mira|Jonas|Me|Reply)\s*:", text)
        assert all(similarity(text, other) < 0.5 for other in texts[i + 1 :])


def test_regenerate_gives_new_drafts_of_the_same_length(smollm):
    """Draft, then Regenerate twice (each with another seed, as after a restart; fixed here so
    that the test is repeatable): every round has three sendable short drafts, mostly the
    model's own, and none repeats a draft already shown."""
    from app.assistant.reply_voice import Voice, check

    conversation = parse_conversation(
        "Jonas: Hey, are you coming to the climbing gym on Saturday?\n"
        "Mira: Maybe, what time?\n"
        "Jonas: Around 10, and we could get lunch after.",
        me="Mira",
    )
    shown: list[str] = []
    for fresh, seed in ((False, None), (True, 1103), (True, 2207)):
        replies = run_replies(
            smollm, ReplyTask(conversation, "friendly", "short", fresh=fresh, seed=seed, shown=tuple(shown))
        )
        texts = [d.text for d in replies.drafts]
        assert len(texts) == 3 and sum(d.from_model for d in replies.drafts) >= 2, texts
        assert all(3 <= len(words(t)) <= 40 for t in texts)
        assert not {tuple(words(t)) for t in texts} & {tuple(words(s)) for s in shown}, (texts, shown)
        assert all(check(t, Voice("Mira", ("Jonas",))) is None for t in texts)
        shown += texts


def test_email_drafts_are_written_as_the_user(smollm, karen_email):
    """Replying as Jordan to Karen's e-mail: each draft greets Karen, is signed Jordan, never
    greets Jordan, never carries Karen's name or title as a sign-off; also when regenerated."""
    from app.assistant.reply_voice import Voice, check

    conversation = parse_conversation(karen_email, default_me="Jordan")
    assert conversation.me == "Jordan Lee" and [t.speaker for t in conversation.turns] == ["Jordan Lee", "Karen Liu"]
    voice = Voice("Jordan Lee", ("Karen Liu",), (conversation.turns[-1].signature,), "Jordan")
    shown: tuple[str, ...] = ()
    for fresh in (False, True):
        replies = run_replies(
            smollm, ReplyTask(conversation, "neutral", "short", fresh=fresh, seed=77, shown=shown, user_name="Jordan")
        )
        assert len(replies.drafts) == 3
        for draft in replies.drafts:
            text = draft.text
            assert text.startswith("Hello Karen,\n\n") and text.endswith("Best,\nJordan"), text
            assert "Jordan," not in text.split("\n")[0] and "Karen Liu" not in text, text
            assert "Head of Operations" not in text and "Northwind" not in text, text
            assert check(text, voice) is None, text
        shown += tuple(d.text for d in replies.drafts)


def test_launch_meeting_owners_are_people_and_first_person_items_are_found(smollm):
    """The four-person launch sync, with speaker labels and as one microphone without them: no
    owner is a weekday or a month and no item makes one its subject; with labels each person's
    own "I will ..." is there under their name; without, it is there all the same."""
    people = {"Priya", "Marcus", "Dana", "Leo"}
    day_first = re.compile(
        r"^(?:" + "|".join(DATE_WORDS) + r") (?:will|is going to|should|has to|needs to)\b", re.IGNORECASE
    )
    for labelled in (True, False):
        summary = run_summary(smollm, launch_sync(labelled=labelled))
        items = summary.action_items
        texts = [a.text for a in items]
        assert all(a.owner is None or a.owner in people for a in items), (labelled, items)
        assert not any(day_first.match(text) for text in texts), (labelled, texts)
        for person, what in FIRST_PERSON_ITEMS.items():
            mine = [a for a in items if what.lower() in a.text.lower()]
            assert mine, (labelled, what, texts)
            if labelled:
                assert any(a.owner == person for a in mine), (what, mine)


def test_more_detail_and_shorter_really_change_the_summary(smollm):
    """Decoding is greedy, so the same options give the same summary; "Shorter" and "More
    detail" give other ones: shorter has fewer words than standard, more has more key points."""
    segments = launch_sync()
    made = {
        level: run_summary(smollm, segments, options=SummaryOptions.for_detail(level))
        for level in ("shorter", "standard", "more")
    }
    markdown = {level: summary_markdown(summary) for level, summary in made.items()}
    assert len(set(markdown.values())) == 3
    assert len(markdown["shorter"].split()) < len(markdown["standard"].split())
    assert len(made["more"].key_points) > len(made["standard"].key_points)


class CountingWindow(NarrowWindow):
    """NarrowWindow that counts the generations that really ran."""

    def __init__(self, model, context_length=400):
        super().__init__(model, context_length)
        self.generations = 0

    def generate(self, prompt, config, cancel=None):
        self.generations += 1
        return super().generate(prompt, config, cancel)


def test_a_summary_prepared_while_recording_is_the_one_made_after(smollm):
    """The real model, through its memory of answers: the summary prepared on the first two
    thirds of a meeting (as while recording), then made of the whole at Stop, is the summary
    made with nothing prepared, and Stop asked the model fewer questions."""
    from app.assistant.prompt_memory import remembering
    from app.assistant.summarize import prepare_summary

    segments = parse_transcript(MEETING_SRT, ".srt")
    fresh = CountingWindow(smollm)
    plain = run_summary(fresh, segments)
    live = CountingWindow(smollm)
    list(prepare_summary(remembering(live), segments[: len(segments) * 2 // 3]))
    ahead = live.generations
    prepared = run_summary(remembering(live), segments)
    assert ahead > 0 and prepared == plain
    assert live.generations - ahead < fresh.generations
