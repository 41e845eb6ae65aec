"""The prompts the assistant gives the model: small, constrained, each with its own examples.

A 135M-parameter model cannot be told much at once. Each prompt asks for one thing about one
piece of text, shows what a good answer looks like, and its answer is checked afterwards
(grounding.py). The examples are invented for this file; none comes from evaluation data.
"""

from __future__ import annotations

from dataclasses import dataclass

Messages = list[dict]

NOTES_SYSTEM = "You write short, factual notes about meetings. You only state what the transcript says."

TITLE_EXAMPLE_ANSWER = "Spring fair venue and parking"
DECISION_EXAMPLES = (
    (
        "Maria: so I think we just go with the rubber case, it's cheaper anyway",
        "The team decided to use the rubber case because it is cheaper.",
    ),
    (
        "Ken: fine, then the newsletter goes out every second Tuesday, agreed",
        "The newsletter will go out every second Tuesday.",
    ),
)
ACTION_EXAMPLES = (
    (
        "Tom: okay I'll send the budget figures to everyone before Friday",
        "Tom will send the budget figures to everyone before Friday.",
    ),
    ("Ana: can you look into the shipping costs? Raj: yes, sure", "Raj will look into the shipping costs."),
)
# What the model sometimes copies from the examples instead of its input: checked and refused.
EXAMPLE_ANSWERS = (TITLE_EXAMPLE_ANSWER, *(answer for _, answer in DECISION_EXAMPLES + ACTION_EXAMPLES))

NUMBER_WORDS = {1: "one sentence", 2: "two sentences", 3: "three sentences", 4: "four sentences", 5: "five sentences"}


# Put in the model's mouth: with its answer begun like this, a small model summarizes instead
# of copying transcript lines (which it does when left to start on its own).
@dataclass(frozen=True)
class Framing:
    who: str  # who the notes are about
    kind: str  # "meeting" or "conversation"
    notes_opening: str
    overview_opening: str


def framing(speakers: list[str]) -> Framing:
    """A conversation of two people is about them by name; anything else is a team's meeting."""
    if len(speakers) == 2:
        pair = f"{speakers[0]} and {speakers[1]}"
        return Framing(pair, "conversation", f"{pair} talked about", pair)
    return Framing("the team", "meeting", "The team discussed", "In this meeting, the team")


MEETING = framing([])


def chunk_notes(transcript: str, sentences: int = 2, frame: Framing = MEETING) -> Messages:
    """A few sentences on one piece of a meeting (the map step); the answer starts with the
    frame's notes opening. (A worked example was tried: on long pieces the model copied it.)"""
    return [
        {"role": "system", "content": NOTES_SYSTEM},
        {
            "role": "user",
            "content": f"Transcript:\n{transcript}\n\n"
            f"What did {frame.who} discuss? Answer in {NUMBER_WORDS[sentences]}.",
        },
    ]


def overview(notes: str, frame: Framing = MEETING, sentences: int = 3) -> Messages:
    """A short overview of a whole meeting from its notes, in order (the reduce step); the
    answer starts with the frame's overview opening."""
    return [
        {"role": "system", "content": NOTES_SYSTEM},
        {
            "role": "user",
            "content": f"Notes on a {frame.kind}, in order:\n{notes}\n\n"
            f"Write a short overview of the whole {frame.kind} in {NUMBER_WORDS[sentences]}.",
        },
    ]


def title(overview_text: str) -> Messages:
    return [
        {"role": "system", "content": "You give meetings short, plain titles of three to six words."},
        {
            "role": "user",
            "content": "Meeting: The team compared the town hall and the library as the venue "
            "for the spring fair and talked about parking.\nTitle:",
        },
        {"role": "assistant", "content": TITLE_EXAMPLE_ANSWER},
        {"role": "user", "content": f"Meeting: {overview_text}\nTitle:"},
    ]


REWRITE_SYSTEM = "You rewrite one line said in a meeting as a short sentence in the third person."


def _rewrite(examples, line: str) -> Messages:
    messages: Messages = [{"role": "system", "content": REWRITE_SYSTEM}]
    for said, written in examples:
        messages += [{"role": "user", "content": said}, {"role": "assistant", "content": written}]
    return messages + [{"role": "user", "content": line}]


def decision(line: str) -> Messages:
    return _rewrite(DECISION_EXAMPLES, line)


def action(line: str) -> Messages:
    return _rewrite(ACTION_EXAMPLES, line)


def baseline_summary(transcript: str) -> Messages:
    """The naive prompt the quality benchmark compares the pipeline with."""
    return [{"role": "user", "content": f"Summarize this meeting:\n\n{transcript}"}]


# --- replies -------------------------------------------------------------------------------------

TONE_HINTS = {
    "friendly": "warm and friendly",
    "neutral": "plain and neutral",
    "formal": "polite and formal",
}
LENGTH_HINTS = {
    "short": "One short sentence",
    "medium": "Two or three sentences",
    "long": "A short paragraph of four to six sentences",
}


def reply(
    turns: list[tuple[str, str]],
    me: str,
    tone: str,
    length: str,
    examples: list[str],
    follow_up: bool,
    email: bool = False,
) -> Messages:
    """The conversation as a chat in which the model is the user (`me`): the others' messages
    are the user role, the user's own the assistant role, so that the model's next turn is a
    message from `me` and never a continuation of someone else's. For an e-mail the model
    writes the body only; the greeting and the user's sign-off are added around it."""
    others = list(dict.fromkeys(s for s, _ in turns if s != me)) or ["the other person"]
    group = len(others) > 1
    task = (
        "Your last message got no answer yet: write a short follow-up."
        if follow_up
        else f"Write {me}'s reply to {others[-1] if not group else 'the last message'}."
    )
    if email:
        task += f" Write only the body of the e-mail, as {me}: no greeting, no signature."
    setting = "writing e-mails with" if email else "chatting with"
    system = f"You are {me}, {setting} {', '.join(others)}. {task} {LENGTH_HINTS[length]}, {TONE_HINTS[tone]}."
    if examples:
        shown = " | ".join(e.strip().replace("\n", " ") for e in examples[:3])
        system += f" {me}'s style: {shown}"
    messages: Messages = [{"role": "system", "content": system}]
    for speaker, text in turns:
        role = "assistant" if speaker == me else "user"
        content = f"{speaker}: {text}" if group and role == "user" else text
        if messages[-1]["role"] == role:
            messages[-1] = {"role": role, "content": messages[-1]["content"] + "\n" + content}
        else:
            messages.append({"role": role, "content": content})
    return messages


def baseline_reply(turns: list[tuple[str, str]]) -> Messages:
    """The naive prompt the quality benchmark compares drafts with."""
    lines = "\n".join(f"{speaker}: {text}" for speaker, text in turns)
    return [{"role": "user", "content": f"Reply to this conversation:\n\n{lines}"}]
