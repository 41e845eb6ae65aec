"""Three reply drafts for a pasted conversation: clearly different, sendable as they are.

The model writes as the user (prompts.reply). Draft one is its own first choice; the other two
begin with openings of a different intent (accept, decline, ask or defer), which keeps them
apart. The three share one prompt, so they are decoded as one batch (generation.ask_batch: the
prompt prefilled once, one step for all three); drafts refused below are tried again in another
round with the next openings. Every draft is cleaned (labels, quotes, placeholders) and checked (not a copy of the
thread, not an assistant's aside, within the length); what fails is replaced by a sampled
draft, and as a last resort by a plain sendable sentence, so there are always three.

Every draft is written as the user (reply_voice.py): for an e-mail the model writes the body
and the greeting to the other person and the user's sign-off are put around it; a draft that
greets the user or is signed by someone else is repaired or refused.

The first drafts of a conversation are the model's greedy choices. Regenerate (ReplyTask.fresh)
samples with a fresh seed, with the same tone and length, and never gives back a draft already
shown for the conversation (ReplyTask.shown, compared word for word, case and punctuation aside).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace

from app.assistant import prompts
from app.assistant.conversation_parse import THEM, Conversation
from app.assistant.generation import ask_batch_streaming, guarded
from app.assistant.personal_style import Style, apply_style
from app.assistant.reply_choices import LENGTHS, TONES
from app.assistant.reply_cleanup import clean_draft, invented_name, typed_so_far
from app.assistant.reply_intents import fallback_sentences, opening_plan, situation
from app.assistant.reply_voice import Voice, body_of, check, email_frame, real_name, repair
from app.assistant.text_tools import similarity, words
from app.errors import AppError, CancelledError, ContextOverflowError
from app.records import Turn
from app.tasks.events import Done, DraftReady, DraftTyping, Event, Progress
from models.slm.api import LanguageModel

WORD_LIMITS = {"short": (3, 40), "medium": (8, 80), "long": (20, 160)}
NEW_TOKENS = {"short": 28, "medium": 100, "long": 200}
CONTEXT_TURN_TOKENS = {"short": 420, "medium": 700, "long": 1000}  # older turns beyond this are left out
DISTINCT = 0.5  # drafts closer than this (Dice over content words) count as the same draft
EXAMPLE_CHARS = 300  # a long picked reply (an e-mail) is shown by its beginning only
# Tokens of the opening put at the start of drafts two and three ("Certainly, I would be glad to join you.").
OPENING_ROOM = 16
SAMPLED_TEMPERATURE = 0.8
BATCH_ROWS = 3  # drafts decoded together in one batch over the shared prompt


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
    fresh: bool = False  # Regenerate: sample (seed, or a new random one) instead of the greedy drafts
    seed: int | None = None
    shown: tuple[str, ...] = field(default=())  # drafts already shown for this conversation: never again
    user_name: str | None = None  # the user's name from the settings, to sign e-mails with


@dataclass(frozen=True)
class Replies:
    me: str
    turns: tuple[Turn, ...]
    drafts: tuple[ReplyDraft, ...]
    follow_up: bool

    def to_json(self) -> dict:
        return {
            "me": self.me,
            "turns": [{"speaker": t.speaker, "text": t.text} for t in self.turns],
            "suggestions": [{"text": d.text} for d in self.drafts],
        }


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
    email = conversation.format == "email"
    others = [s for s in conversation.speakers if s != me]
    voice = Voice(
        me,
        tuple(others),
        tuple(t.signature for t in conversation.turns if t.speaker != me and t.signature),
        task.user_name if real_name(task.user_name) else None,
    )
    if email:  # the model sees bodies: greetings and sign-offs in front of it are what it copies
        turns = [(speaker, body_of(text, conversation.speakers) or text) for speaker, text in turns]
        style = replace(style, greeting=None, sign_off=None)
    while True:  # a small context window: the oldest turns go first, then the examples
        base_prompt = model.render_chat(
            prompts.reply(turns, me, task.tone, task.length, shown_examples, follow_up, email=email)
        )
        if model.count_tokens(base_prompt) + NEW_TOKENS[task.length] + OPENING_ROOM <= model.context_length:
            break
        if len(turns) > 1:
            turns = turns[1:]
        elif shown_examples:
            shown_examples = []
        else:
            raise ContextOverflowError(
                "The last message is too long for the language model's context; paste a shorter part of it."
            )
    kind = situation(conversation.turns[-1].text, follow_up)
    limits = WORD_LIMITS[task.length]
    shown = {_normalized(text) for text in task.shown}
    base_seed = (task.seed if task.seed is not None else secrets.randbits(31)) if task.fresh else None

    # What a draft may name: the thread's messages, signatures and people ("Head of Operations").
    said = [t.text for t in conversation.turns] + [t.signature for t in conversation.turns if t.signature]
    thread_words = words(" ".join([*said, *conversation.speakers]))

    def finish(text: str) -> tuple[str, str] | None:
        """(body, draft as shown) written as the user, or None when it cannot be."""
        text = repair(text, voice)
        if email:
            text = body_of(text, conversation.speakers)
        if len(words(text)) < limits[0]:
            return None
        body = apply_style(text, style, limits)
        draft = email_frame(body, voice, task.tone) if email else body
        if check(draft, voice) is not None or _normalized(draft) in shown:
            return None
        return body, draft

    def attempts(
        openings: list[str], temperature: float, seed: int | None, typing: bool
    ) -> Generator[Event, None, list[str | None] | None]:
        """One draft per opening, decoded as one batch over the shared prompt (None: cancelled).
        typing: the first row is shown as the model writes it (DraftTyping), before any draft is
        ready: the user reads the first words while the batch goes on."""
        config = guarded(
            NEW_TOKENS[task.length],
            temperature=temperature,
            top_p=0.9,
            seed=seed,
            stop_strings=_stops(conversation.speakers, task.length),
        )
        # No space after an opening: BPE tokens carry their leading space, so a prompt ending in
        # one pushes a small model off its usual tokens (it then tends to write numbers).
        prefixes = [opening.rstrip() for opening in openings]
        steps = ask_batch_streaming(model, base_prompt, prefixes, config, cancel)
        typed = prefixes[0]
        while True:
            try:
                row, delta = next(steps)
            except StopIteration as done:
                answers = done.value
                break
            if typing and row == 0:
                typed += delta
                shown = typed_so_far(typed, conversation.speakers)
                if shown:
                    yield DraftTyping(0, shown)
        if any(answer.cancelled for answer in answers):
            return None
        texts: list[str | None] = []
        for prefix, answer in zip(prefixes, answers, strict=True):
            joined = (
                prefix + answer.text
                if answer.text[:1] in ("", ",", ".", "!", "?", ":", ";") or not prefix
                else f"{prefix} {answer.text}"
            )
            cleaned = clean_draft(
                joined,
                me=me,
                others=others,
                thread=[t.text for t in conversation.turns],
                limits=limits,
                truncated=answer.stop_reason == "max_new_tokens",
                kind=kind,
            )
            # Read in the model's own words: where an opening meets them ("I am afraid Great
            # idea, ...") a capital is a new start, not a name.
            own = cleaned[len(prefix) :] if prefix and cleaned.startswith(prefix) else cleaned
            texts.append("" if own and invented_name(own, thread_words) else cleaned)
        return texts

    drafts: list[ReplyDraft] = []
    bodies: list[str] = []  # drafts are told apart by what they say, not by a shared greeting
    plan = opening_plan(task.tone, kind, conversation.turns[-1].text)
    if base_seed is not None:  # another round of openings: second or third choices first
        shift = 3 * (base_seed % 3)
        plan = plan[shift:] + plan[:shift]
    tries = 0
    max_tries = 6 if base_seed is None else 9
    while len(drafts) < 3 and tries < max_tries:
        # Rounds of three rows decoded together: the model's own draft and two openings of other
        # intents first; a later round (when drafts were refused) tries the next openings.
        yield Progress(
            len(drafts) / 3, "Drafting three replies" if tries == 0 else f"Drafting reply {len(drafts) + 1} of 3"
        )
        if cancel is not None and cancel.is_set():
            return
        rows = min(BATCH_ROWS, max_tries - tries)
        openings = (
            [""] + _next_openings(plan, bodies, 1, rows - 1)
            if tries == 0
            else _next_openings(plan, bodies, tries, rows)
        )
        typing = not drafts
        if base_seed is None:
            temperature, seed = (0.0 if tries < BATCH_ROWS else SAMPLED_TEMPERATURE), tries
        else:
            temperature, seed = SAMPLED_TEMPERATURE, base_seed + tries
        texts = yield from attempts(openings, temperature, seed, typing)
        tries += rows
        if texts is None:
            return
        for text in texts:
            finished = finish(text) if text and len(drafts) < 3 else None
            if finished is None:
                continue
            body, text = finished
            if all(similarity(body, b) < DISTINCT and _first_words(body) != _first_words(b) for b in bodies):
                bodies.append(body)
                drafts.append(ReplyDraft(text))
                yield DraftReady(len(drafts) - 1, text)
    for fallback in fallback_sentences(task.tone, kind):
        if len(drafts) >= 3:
            break
        finished = finish(fallback)
        if finished is not None and all(similarity(finished[0], b) < DISTINCT for b in bodies):
            bodies.append(finished[0])
            drafts.append(ReplyDraft(finished[1], from_model=False))
            yield DraftReady(len(drafts) - 1, finished[1])
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
            text = " ".join(text.split()[-budget // 2 :])
        kept.append((turn.speaker or THEM, text))
        used += cost
    return list(reversed(kept))


def _next_openings(plan: list[str], bodies: list[str], tries: int, count: int) -> list[str]:
    """count openings for one round, from the plan's (tries - 1)th on: none whose first word
    begins a draft already kept, none twice in the round (then the plan's next ones)."""
    used = {_first_words(body, 1) for body in bodies}
    rotated = plan[tries - 1 :] + plan[: tries - 1]
    chosen: list[str] = []
    for opening in rotated:
        if len(chosen) == count:
            break
        first = _first_words(opening, 1)
        if first not in used:
            chosen.append(opening)
            used.add(first)
    for opening in rotated:  # every first word taken: repeat openings rather than draft fewer
        if len(chosen) == count:
            break
        if opening not in chosen:
            chosen.append(opening)
    return chosen


def _normalized(text: str) -> tuple[str, ...]:
    """A draft as compared with those already shown: its words, without case or punctuation."""
    return tuple(words(text))


def _first_words(text: str, n: int = 3) -> tuple[str, ...]:
    return tuple(words(text)[:n])


def _stops(speakers: list[str], length: str) -> tuple[str, ...]:
    stops = [f"\n{s}:" for s in speakers] + ["<|im_end|>", "\nUser:", "\nAssistant:"]
    if length == "short":
        stops.append("\n")
    else:
        stops.append("\n\n\n")
    return tuple(stops)
