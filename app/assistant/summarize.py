"""Summarizing a transcript of any length. A capable model (model_profile.py) takes the straight
path of structured_summary.py on a transcript not in English (takes_structured_path); in English
every model takes this module's: map (notes per chunk),
reduce (overview from the notes, in rounds when they are too long for one prompt), and
extractive decisions and action items that the model only rewrites. Every step is checked
against the transcript.

summarize() is a lazy generator of app.tasks.events: Progress per step, SummarySoFar each time
the summary grows (key points after each part, then each decision and action item, then the
overview), then Done(Summary). When the cancel token is set it stops at the next check without
a final event.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, replace

from app.assistant import prompts
from app.assistant.chunking import (
    MIN_CHUNK_TOKENS,
    Chunk,
    Utterance,
    chunk_token_budget,
    prepare_utterances,
    split_into_chunks,
)
from app.assistant.extract import (
    find_actions,
    find_decisions,
    names_a_topic,
    salience,
    salient_sentences,
    word_weights,
)
from app.assistant.generation import Answer, ask, fits, guarded, prompt_tokens
from app.assistant.grounding import NameBook, best_utterance, dedupe
from app.assistant.model_profile import profile_of
from app.assistant.owners import owner_for
from app.assistant.reduce_groups import bullets, groups, spread
from app.assistant.structured_prompts import transcript_language
from app.assistant.structured_summary import summarize_structured
from app.assistant.summary_check import checked_sentences
from app.assistant.summary_items import ItemWriter
from app.assistant.summary_options import DETAIL_LEVELS, SummaryOptions  # noqa: F401 (re-exported)
from app.assistant.summary_title import summary_title
from app.assistant.text_tools import clean_speech, content_set, similarity
from app.assistant.transcript_input import TranscriptSegment
from app.assistant.wording import finished, has_first_person, plain_fallback, shorter_versions, tidy
from app.errors import AppError, CancelledError
from app.records import ActionItem, Summary, SummaryItem
from app.tasks.events import Done, Event, Progress, SummarySoFar
from models.slm.api import LanguageModel


@dataclass(frozen=True)
class Note:
    text: str
    start: float | None
    utterance_index: int
    extractive: bool = False
    as_said: bool = False  # a line quoted as said, not stated plainly: shown only when little else is


@dataclass(frozen=True)
class SummarizeTask:
    """What to summarize (the GUI's worker and the CLI both run it through summarize())."""

    segments: tuple[TranscriptSegment, ...]
    options: SummaryOptions = SummaryOptions()


def run_summary(
    model: LanguageModel,
    segments: Sequence[TranscriptSegment],
    cancel: threading.Event | None = None,
    options: SummaryOptions = SummaryOptions(),
    on_event=None,
) -> Summary:
    """summarize() to the end; raises CancelledError when it was cancelled."""
    for event in summarize(model, segments, cancel, options):
        if on_event is not None:
            on_event(event)
        if isinstance(event, Done):
            return event.result
    raise CancelledError("The summary was cancelled.")


def summarize(
    model: LanguageModel,
    segments: Sequence[TranscriptSegment],
    cancel: threading.Event | None = None,
    options: SummaryOptions = SummaryOptions(),
) -> Iterator[Event]:
    if not any(s.text.strip() for s in segments):
        raise AppError("The transcript is empty; there is nothing to summarize.")
    if takes_structured_path(model, segments):  # asked directly, answered as checked JSON
        yield from summarize_structured(model, list(segments), cancel, options)
        return
    run = _Run(model, list(segments), cancel, options)
    yield from run.events()


def takes_structured_path(model: LanguageModel, segments: Sequence[TranscriptSegment]) -> bool:
    """A capable model's summary of a transcript not in English goes the structured way
    (structured_summary.py); this module's pipeline is English-only (its cue words, fillers and
    rewrites). In English it serves every model: on the ten meetings of ../shared/eval,
    Qwen2.5-0.5B's notes through it scored ROUGE-L AMI 0.166 / QMSum 0.128 against 0.165 / 0.110
    structured, in a quarter of the time (1.5B: 0.188 against 0.179 on the longest meeting), and
    read as the team's words where the JSON answers were copied speech ("Project evaluation is
    this point"), repeated items and due dates taken from the prompt; the README's "Summaries by
    model" has the figures."""
    if not profile_of(model).capable:
        return False
    return transcript_language("\n".join(s.text for s in segments)) != "English"


def prepare_summary(
    model: LanguageModel,
    segments: Sequence[TranscriptSegment],
    cancel: threading.Event | None = None,
    options: SummaryOptions = SummaryOptions(),
) -> Iterator[Event]:
    """While a recording goes on: the questions its summary will ask again once it is longer
    (notes on each part that will not move any more, the decisions and action items found so far), asked now
    through the model's memory (prompt_memory.remembering), so that the summary at Stop
    finds their answers there and asks only about what is new. The part still being spoken,
    the overview and the title wait for Stop. Progress, then Done(None). A capable model reads
    its finished chunks the same way (its JSON answers are remembered by their grammar)."""
    if not any(s.text.strip() for s in segments):
        yield Done(None)
        return
    if takes_structured_path(model, segments):
        yield from summarize_structured(model, list(segments), cancel, options, prepare=True)
        return
    yield from _Run(model, list(segments), cancel, options, prepare=True).events()


class _Run:
    def __init__(
        self,
        model: LanguageModel,
        segments: list[TranscriptSegment],
        cancel,
        options: SummaryOptions,
        prepare: bool = False,
    ):
        self.model = model
        self.prepare = prepare
        self.cancel = cancel
        self.options = options
        self.utterances = prepare_utterances(segments)
        self.names = NameBook.of([(s.speaker, s.text) for s in segments])
        self.weights = word_weights(self.utterances)
        self.frame = prompts.framing(list(dict.fromkeys(u.speaker for u in self.utterances if u.speaker)))
        self.chunks = plan_chunks(model, self.utterances, options, self.frame)
        self.items = ItemWriter(model, self.names, options, cancel)
        self.decision_candidates = find_decisions(self.utterances, options.max_decisions)
        self.action_candidates = find_actions(self.utterances, options.max_actions)
        self.total_steps = len(self.chunks) + len(self.decision_candidates) + len(self.action_candidates) + 2
        self.steps_done = 0
        self.so_far = Summary("", "")

    def grown(self, **parts) -> SummarySoFar:
        """The summary so far, with these parts replaced."""
        self.so_far = replace(self.so_far, **parts)
        return SummarySoFar(self.so_far)

    def opening_tokens(self, notes: bool) -> int:
        return opening_tokens(self.model, self.frame, notes)

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def progress(self, message: str) -> Progress:
        return Progress(min(1.0, self.steps_done / self.total_steps), message)

    def events(self) -> Iterator[Event]:
        notes: list[Note] = []
        for chunk in self.chunks[:-2] if self.prepare else self.chunks:  # the last two still move
            yield self.progress(f"Reading part {chunk.index + 1} of {len(self.chunks)}")
            if self.cancelled():
                return
            found = self.chunk_notes(chunk)
            if found is None:
                return
            notes.extend(found)
            self.steps_done += 1
            yield self.grown(key_points=tuple(self.key_points(notes)))
        key_points = self.key_points(notes)

        decisions: list[SummaryItem] = []
        for candidate in self.decision_candidates:
            yield self.progress("Checking decisions")
            decision = self.items.decision(candidate)
            if decision is None:
                return
            self.steps_done += 1
            if decision:
                decisions.append(decision)
                yield self.grown(decisions=tuple(dedupe(decisions, lambda d: d.text)))
        decisions = dedupe(decisions, lambda d: d.text)

        actions: list[ActionItem] = []
        for candidate in self.action_candidates:
            yield self.progress("Checking action items")
            action = self.items.action(candidate)
            if action is None:
                return
            self.steps_done += 1
            if action:
                actions.append(action)
                yield self.grown(action_items=tuple(dedupe(actions, lambda a: a.text)))
        actions = dedupe(actions, lambda a: a.text)
        if self.prepare:  # the overview and title read the whole meeting: they wait for Stop
            yield Done(None)
            return
        decisions = [d for d in decisions if not any(_close(d.text, a.text) for a in actions)]

        yield self.progress("Writing the overview")
        overview = yield from self.overview(stated_first(notes))
        if overview is None:
            return
        if not overview:  # the notes the model wrote, else what was said
            stated = [n.text for n in stated_first(notes) if not n.extractive]
            overview = " ".join(stated[:2] or [p.text for p in key_points[:2]])
        self.steps_done += 1
        yield self.grown(decisions=tuple(decisions), action_items=tuple(actions), overview=overview)

        yield self.progress("Choosing a title")
        title = summary_title(
            self.model,
            overview,
            self.utterances,
            self.names,
            self.options,
            self.cancel,
            [p.text for p in key_points],
        )
        if title is None:
            return
        self.steps_done += 1
        summary = Summary(title, overview, tuple(key_points), tuple(decisions), tuple(actions))
        yield Progress(1.0, "Done")
        yield Done(summary)

    # --- map: notes on each chunk ---------------------------------------------------------------

    def chunk_notes(self, chunk: Chunk) -> list[Note] | None:
        # A short meeting has few chunks: each may say more, so that there are enough key points.
        wanted = max(2, min(self.options.note_sentences, -(-self.options.max_key_points // max(1, len(self.chunks)))))
        for sentences in range(wanted, 1, -1):
            messages = prompts.chunk_notes(chunk.text, sentences, self.frame)
            max_new = max(self.options.note_tokens, sentences * self.options.note_tokens // 2)
            if sentences == 2 or fits(self.model, messages, max_new + self.opening_tokens(True)):
                break
        answer = ask(
            self.model,
            messages,
            guarded(max_new, stop_strings=("\n\n", "Transcript:")),
            self.cancel,
            opening=self.frame.notes_opening,
        )
        if answer.cancelled:
            return None
        notes = []
        for sentence in checked_sentences(whole(answer), chunk.text, self.names, copy_check=True):
            utterance = best_utterance(sentence, chunk.utterances)
            if utterance is not None:  # a chunk always has utterances; None only for an empty one
                notes.append(Note(sentence, utterance.start_of(sentence), utterance.index))
        if not notes:  # nothing the model said could be tied to this part: quote its most telling line
            note = self.fallback_note(chunk)
            if note is not None:
                notes.append(note)
        return notes

    def fallback_note(self, chunk: Chunk) -> Note | None:
        """The part's most telling line in the third person when it reads cleanly ("Marcus will have
        the video ready"), else its leading clause that does ("We decided to move it to March, and
        we'll ..." -> "The team decided to move it to March."), else as said. When all that reads
        cleanly names no topic ("Some work needs to be done."), the next telling line is tried."""
        ranked = salient_sentences(chunk.utterances, self.weights)
        if not ranked:
            return None
        tried = list(dict.fromkeys(sentence for sentence, _ in ranked))[:FALLBACK_LINES]
        for sentence in tried:
            utterance = next(u for said, u in ranked if said == sentence)
            owner = owner_for(utterance, (), self.names, sentence)
            plain = [t for t in (plain_fallback(version, owner) for version in shorter_versions(sentence)) if t]
            topical = next((t for t in plain if names_a_topic(t)), "")
            if topical:
                return Note(topical, utterance.start_of(sentence), utterance.index, True)
            if not plain:
                break  # it does not read cleanly in the third person: the top line is quoted as said
        sentence, utterance = ranked[0]
        shown = tidy(clean_speech(sentence) or sentence)  # without its "uh"s
        return Note(shown, utterance.start_of(sentence), utterance.index, True, True)

    def key_points(self, notes: list[Note]) -> list[SummaryItem]:
        unique = dedupe(stated_first(notes), lambda n: n.text)
        limit = self.options.max_key_points
        if len(unique) > limit:
            ranked = sorted(unique, key=lambda n: (n.extractive, -salience(n.text, self.weights)))
            unique = sorted(ranked[:limit], key=lambda n: n.utterance_index)
        # Each key point stands alone: "They also discussed ..." has no "they" before it.
        return [SummaryItem(standalone(n.text), n.start) for n in unique]

    # --- reduce: the overview, in rounds when the notes are too long ----------------------------

    def notes_budget(self) -> int:
        overhead = prompt_tokens(self.model, prompts.overview("", self.frame)) + self.opening_tokens(False)
        return max(
            32,
            min(self.options.reduce_tokens, self.model.context_length - overhead - self.options.overview_tokens - 16),
        )

    def overview(self, notes: list[Note]) -> Generator[Event, None, str | None]:
        """Generator returning the overview text ('' when nothing held up), or None if cancelled."""
        texts = [n.text for n in dedupe(notes, lambda n: n.text, threshold=0.8)]
        if len(self.chunks) == 1 and not any(n.extractive for n in notes):
            # One piece: its notes already are the overview; summing them up again only blurs them.
            first = texts[: self.options.overview_sentences]
            if first:  # "The team also confirmed ..." read first: also what?
                first[0] = standalone(first[0])
            return " ".join(first)
        budget = self.notes_budget()
        rounds = 0
        while self.model.count_tokens(bullets(texts)) > budget:
            rounds += 1
            yield Progress(min(1.0, self.steps_done / self.total_steps), f"Merging notes (round {rounds})")
            if rounds > self.options.max_reduce_rounds:
                texts = spread(texts, budget, self.model.count_tokens)
                break
            merged = []
            for group in groups(texts, budget, self.model.count_tokens):
                if len(group) == 1:
                    merged.extend(group)
                    continue
                sentences = self.merge(group)
                if sentences is None:
                    return None
                merged.extend(sentences or group[:1])
            if len(merged) >= len(texts):  # no progress: keep an even spread of what is there
                texts = spread(merged, budget, self.model.count_tokens)
                break
            texts = merged
        sentences = self.merge(texts, self.options.overview_tokens)
        if sentences is None:
            return None
        if 0 < len(sentences) < MIN_OVERVIEW:
            # Most of what the model wrote was refused (AMI ES2002d: "... an innovative product that
            # could change lives"), and one late sentence is no overview of the meeting: the
            # meeting's first notes come before it, as the model would have begun; after it when it
            # is the model's opening ("In this meeting, the team ..."). A note the kept sentence
            # already says is not said twice.
            others = [t for t in texts if not any(_close(t, kept) or _said_in(t, kept) for kept in sentences)]
            fill = others[: MIN_OVERVIEW - len(sentences)]
            opening = sentences[0].startswith(self.frame.overview_opening)
            sentences = sentences + fill if opening else fill + sentences
        if sentences:  # its first sentence gone, "They also explored ..." has no one to be "they"
            sentences[0] = standalone(sentences[0])
        return " ".join(sentences)

    def merge(self, texts: list[str], max_tokens: int | None = None) -> list[str] | None:
        """Sentences that sum up notes, each supported by the notes; None when cancelled."""
        notes = bullets(texts)
        messages = prompts.overview(notes, self.frame, self.options.overview_sentences)
        max_new = max_tokens or self.options.overview_tokens
        if not fits(self.model, messages, max_new + self.opening_tokens(False)):
            return []
        answer = ask(
            self.model,
            messages,
            guarded(max_new, stop_strings=("\n\n", "Notes on")),
            self.cancel,
            opening=self.frame.overview_opening,
        )
        if answer.cancelled:
            return None
        # "..., which was described by Johno and me": a speaker's words copied, not the overview's.
        return [s for s in checked_sentences(whole(answer), notes, self.names) if not has_first_person(s)]


# --- helpers -----------------------------------------------------------------------------------

MIN_STATED = 2  # key points stated plainly, before lines quoted as said are left out
FALLBACK_LINES = 3  # a part's most telling lines tried for a plain note when the model's did not hold up
MIN_OVERVIEW = 2  # sentences: fewer left of the model's overview, and notes fill it
# "They discussed", "They emphasized", "They proposed", "They went over": the team, in a note.
STANDALONE_THEY = re.compile(
    r"^They (?=(?:also|\w+ed|went|made|took|spoke|thought|said|gave|chose|brought|found|felt) )"
)


# "The team also addressed ...": also what? Said first, or as a bullet of its own, nothing came before.
LEADING_ALSO = re.compile(r"^(The team|They|We) also (?=\w)")


def standalone(sentence: str) -> str:
    """A sentence read first or alone: "They also explored X." -> "The team explored X."."""
    return STANDALONE_THEY.sub("The team ", LEADING_ALSO.sub(r"\1 ", sentence))


def whole(answer: Answer) -> str:
    """The answer without the tail the token limit cut off ("..., focusing on creating")."""
    return finished(answer.text) if answer.stop_reason == "max_new_tokens" else answer.text


def opening_tokens(model: LanguageModel, frame: prompts.Framing, notes: bool) -> int:
    """Room for the opening put in the model's mouth (a token or two more where it joins the prompt)."""
    return model.count_tokens(frame.notes_opening if notes else frame.overview_opening) + 2


def plan_chunks(
    model: LanguageModel,
    utterances: Sequence[Utterance],
    options: SummaryOptions,
    frame: prompts.Framing = prompts.MEETING,
) -> list[Chunk]:
    """Chunks sized from the model's context window: prompt, opening, chunk and answer fit."""
    overhead = prompt_tokens(model, prompts.chunk_notes("", 2, frame)) + opening_tokens(model, frame, True)
    budget = chunk_token_budget(model.context_length, overhead, options.note_tokens, options.chunk_tokens)
    if options.min_chunks > 1:  # more detail: even a short meeting is read in a few parts
        total = sum(model.count_tokens(u.line) + 1 for u in utterances)
        budget = min(budget, max(MIN_CHUNK_TOKENS, -(-total // options.min_chunks)))
    return split_into_chunks(utterances, model.count_tokens, budget)


def stated_first(notes: list[Note]) -> list[Note]:
    """The notes without those quoted as said ("Let me see if I understand what you're saying.",
    "... actually fill it in, then"), unless fewer than MIN_STATED notes are left: a key point
    quoted from the meeting is a last resort, not the rule."""
    stated = [n for n in notes if not n.as_said]
    return stated if len({n.text for n in stated}) >= MIN_STATED else notes


def _close(a: str, b: str) -> bool:
    return similarity(a, b) >= 0.6


def _said_in(note: str, sentence: str) -> bool:
    """True when the sentence holds most of the note's words (a short note inside a long sentence)."""
    wanted = content_set(note)
    return bool(wanted) and len(wanted & content_set(sentence)) >= 0.8 * len(wanted)
