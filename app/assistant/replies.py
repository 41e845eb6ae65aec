"""Three reply drafts for a pasted conversation: clearly different, sendable as they are.

The model writes as the user (prompts.reply). Draft one is its own first choice; the other two
begin with openings of a different intent (accept, decline, ask or defer), which keeps them
apart. Every draft is cleaned (labels, quotes, placeholders) and checked (not a copy of the
thread, not an assistant's aside, within the length); what fails is replaced by a sampled
draft, and as a last resort by a plain sendable sentence, so there are always three.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from app.assistant import prompts
from app.assistant.conversation_parse import Conversation, Turn
from app.assistant.generation import ask, guarded
from app.assistant.personal_style import Style, apply_style
from app.assistant.reply_cleanup import clean_draft
from app.assistant.reply_intents import fallback_sentences, opening_plan, situation
from app.assistant.text_tools import similarity, words
from app.errors import AppError, CancelledError, ContextOverflowError
from app.tasks.events import Done, Event, Partial, Progress
from models.slm.api import LanguageModel

TONES = ("friendly", "neutral", "formal")
LENGTHS = ("short", "medium", "long")
WORD_LIMITS = {"short": (3, 40), "medium": (8, 80), "long": (20, 160)}
NEW_TOKENS = {"short": 28, "medium": 100, "long": 200}
CONTEXT_TURN_TOKENS = {"short": 420, "medium": 700, "long": 1000}  # older turns beyond this are left out
DISTINCT = 0.5  # drafts closer than this (Dice over content words) count as the same draft
EXAMPLE_CHARS = 300  # a long picked reply (an e-mail) is shown by its beginning only
OPENING_ROOM = 8  # tokens of the opening put at the start of drafts two and three


@dataclass(frozen=True)
class ReplyDraft:
    text: str
    from_model: bool = True


@dataclass(frozen=True)
class ReplyTask:
    conversation: Conversation
    tone: str = "friendly"
    length: str = "short"
    examples: tuple[str, ...] = field(default=())  # replies the user picked before (history.picked_replies)


@dataclass(frozen=True)
class Replies:
    me: str
    turns: tuple[Turn, ...]
    drafts: tuple[ReplyDraft, ...]
    follow_up: bool

    def to_json(self) -> dict:
        return {"me": self.me, "turns": [{"speaker": t.speaker, "text": t.text} for t in self.turns],
                "suggestions": [{"text": d.text} for d in self.drafts]}


def run_replies(model: LanguageModel, task: ReplyTask, cancel: threading.Event | None = None) -> Replies:
    for event in draft_replies(model, task, cancel):
        if isinstance(event, Done):
            return event.result
    raise CancelledError("Drafting replies was cancelled.")


def draft_replies(model: LanguageModel, task: ReplyTask, cancel: threading.Event | None = None) -> Iterator[Event]:
    if task.tone not in TONES:
        raise AppError(f"Unknown tone '{task.tone}'; choose friendly, neutral or formal.")
    if task.length not in LENGTHS:
        raise AppError(f"Unknown length '{task.length}'; choose short, medium or long.")
    conversation = task.conversation
    if not conversation.turns:
        raise AppError("The conversation is empty; paste the messages you want to reply to.")
    me = conversation.me
    follow_up = conversation.last_is_mine
    examples = [e for e in task.examples if e and e.strip()][:3]
    style = Style.learn(examples)
    turns = _recent_turns(model, conversation.turns, task.length)
    shown_examples = [e.strip()[:EXAMPLE_CHARS] for e in examples]
    while True:  # a small context window: the oldest turns go first, then the examples
        base_prompt = model.render_chat(prompts.reply(turns, me, task.tone, task.length, shown_examples, follow_up))
        if model.count_tokens(base_prompt) + NEW_TOKENS[task.length] + OPENING_ROOM <= model.context_length:
            break
        if len(turns) > 1:
            turns = turns[1:]
        elif shown_examples:
            shown_examples = []
        else:
            raise ContextOverflowError("The last message is too long for the language model's context; "
                                       "paste a shorter part of it.")
    kind = situation(conversation.turns[-1].text, follow_up)
    limits = WORD_LIMITS[task.length]
    others = [s for s in conversation.speakers if s != me]

    def attempt(opening: str, temperature: float = 0.0, seed: int | None = None) -> str | None:
        config = guarded(NEW_TOKENS[task.length], temperature=temperature, top_p=0.9, seed=seed,
                         stop_strings=_stops(conversation.speakers, task.length))
        # No space after the opening: BPE tokens carry their leading space, so a prompt ending in
        # one pushes a small model off its usual tokens (it then tends to write numbers).
        prefix = opening.rstrip()
        answer = ask(model, base_prompt + prefix, config, cancel)
        if answer.cancelled:
            return None
        joined = prefix + answer.text if answer.text[:1] in ("", ",", ".", "!", "?", ":", ";") or not prefix \
            else f"{prefix} {answer.text}"
        return clean_draft(joined, me=me, others=others, thread=[t.text for t in conversation.turns],
                           limits=limits, truncated=answer.stop_reason == "max_new_tokens")

    drafts: list[ReplyDraft] = []
    plan = opening_plan(task.tone, kind)
    tries = 0
    max_tries = 6
    while len(drafts) < 3 and tries < max_tries:
        yield Progress(len(drafts) / 3, f"Drafting reply {len(drafts) + 1} of 3")
        if cancel is not None and cancel.is_set():
            return
        opening = "" if tries == 0 else _next_opening(plan, drafts, tries)
        text = attempt(opening, temperature=0.0 if tries < 3 else 0.8, seed=tries)
        tries += 1
        if text is None:
            return
        if not text:
            continue
        text = apply_style(text, style, limits)
        if all(similarity(text, d.text) < DISTINCT and _first_words(text) != _first_words(d.text) for d in drafts):
            drafts.append(ReplyDraft(text))
            yield Partial(text=text, kind=f"draft:{len(drafts)}")
    for fallback in fallback_sentences(task.tone, kind):
        if len(drafts) >= 3:
            break
        text = apply_style(fallback, style, limits)
        if all(similarity(text, d.text) < DISTINCT for d in drafts):
            drafts.append(ReplyDraft(text, from_model=False))
            yield Partial(text=text, kind=f"draft:{len(drafts)}")
    yield Progress(1.0, "Done")
    yield Done(Replies(me, conversation.turns, tuple(drafts[:3]), follow_up))


def _recent_turns(model: LanguageModel, turns: Sequence[Turn], length: str) -> list[tuple[str, str]]:
    """The latest turns whose text fits the budget (at least the last one, cut if it must be)."""
    budget = CONTEXT_TURN_TOKENS[length]
    kept: list[tuple[str, str]] = []
    used = 0
    for turn in reversed(turns):
        cost = model.count_tokens(turn.text) + 4
        if kept and used + cost > budget:
            break
        text = turn.text
        if cost > budget:  # one huge message: keep its end, which is what is being answered
            text = " ".join(text.split()[-budget // 2:])
        kept.append((turn.speaker, text))
        used += cost
    return list(reversed(kept))


def _next_opening(plan: list[str], drafts: list[ReplyDraft], tries: int) -> str:
    used = {_first_words(d.text, 1) for d in drafts}
    for opening in plan[tries - 1:] + plan[:tries - 1]:
        if _first_words(opening, 1) not in used:
            return opening
    return plan[(tries - 1) % len(plan)]


def _first_words(text: str, n: int = 3) -> tuple[str, ...]:
    return tuple(words(text)[:n])


def _stops(speakers: list[str], length: str) -> tuple[str, ...]:
    stops = [f"\n{s}:" for s in speakers] + ["<|im_end|>", "\nUser:", "\nAssistant:"]
    if length == "short":
        stops.append("\n")
    else:
        stops.append("\n\n\n")
    return tuple(stops)
