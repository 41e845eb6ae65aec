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
from typing import Literal

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
    Candidate,
    find_actions,
    find_decisions,
    keyword_title,
    salience,
    salient_sentence,
    word_weights,
)
from app.assistant.generation import Answer, ask, fits, guarded, prompt_tokens
from app.assistant.grounding import (
    FRAMING,
    MIN_COVER,
    SELF_COMMIT,
    NameBook,
    best_utterance,
    capitalized_names,
    copied,
    critical_words,
    dedupe,
    due_phrase,
    item_similarity,
    keeps_negation,
    owner_for,
    strip_repetition,
    supported,
)
from app.assistant.model_profile import profile_of
from app.assistant.reduce_groups import bullets, groups, spread
from app.assistant.structured_prompts import transcript_language
from app.assistant.structured_summary import summarize_structured
from app.assistant.summary_options import DETAIL_LEVELS, SummaryOptions  # noqa: F401 (re-exported)
from app.assistant.text_tools import STOPWORDS, content_set, similarity, split_label, split_sentences
from app.assistant.transcript_input import TranscriptSegment
from app.assistant.wording import (
    TITLE_WORDS,
    done_but_promised,
    finished,
    has_first_person,
    lost_its_object,
    plain_fallback,
    short_title,
    shorter_versions,
    tidy,
    to_do,
)
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
        self.transcript_words = set().union(*(content_set(u.text) for u in self.utterances))
        self.frame = prompts.framing(list(dict.fromkeys(u.speaker for u in self.utterances if u.speaker)))
        self.chunks = plan_chunks(model, self.utterances, options, self.frame)
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
            decision = self.decision(candidate)
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
            action = self.action(candidate)
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
        overview = yield from self.overview(notes)
        if overview is None:
            return
        if not overview:
            overview = " ".join(p.text for p in key_points[:2])
        self.steps_done += 1
        yield self.grown(decisions=tuple(decisions), action_items=tuple(actions), overview=overview)

        yield self.progress("Choosing a title")
        title = self.title(overview)
        if title is None:
            return
        self.steps_done += 1
        summary = Summary(title, overview, tuple(key_points), tuple(decisions), tuple(actions))
        yield Progress(1.0, "Done")
        yield Done(summary)

    # --- map: notes on each chunk ---------------------------------------------------------------

    def checked(self, answer: str, source: str, min_cover: float = MIN_COVER, copy_check: bool = False) -> list[str]:
        """The sentences of a model's answer that hold up against source; echoes of the prompt,
        copies of its worked examples and (with copy_check) lines copied from the transcript
        are not notes about this meeting."""
        answer = re.sub(r"(?:^|\s)[-*\u2022]\s+", "\n", answer)  # bullets the model wrote inline
        source_words = content_set(source)
        kept = []
        for sentence in split_sentences(strip_repetition(answer)):
            sentence = tidy(sentence)
            if not sentence or ECHO.search(sentence):
                continue
            if any(item_similarity(sentence, example) >= 0.5 for example in prompts.EXAMPLE_ANSWERS):
                continue
            if copy_check and copied(sentence, source):
                continue
            for version in shorter_versions(sentence):  # the whole sentence, else its leading clauses
                if done_but_promised(version, source):
                    continue
                if supported(version, source, self.names, source_words, min_cover=min_cover):
                    kept.append(version)
                    break
        return kept

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
        for sentence in self.checked(whole(answer), chunk.text, copy_check=True):
            utterance = best_utterance(sentence, chunk.utterances)
            if utterance is not None:  # a chunk always has utterances; None only for an empty one
                notes.append(Note(sentence, utterance.start_of(sentence), utterance.index))
        if not notes:  # nothing the model said could be tied to this part: quote its most telling line
            picked = salient_sentence(chunk.utterances, self.weights)
            if picked:  # in the third person when it reads cleanly ("Marcus will have the video ready"),
                # else its leading clause that does ("We decided to move it to March, and we'll ..." ->
                # "The team decided to move it to March."), else as said
                owner = owner_for(picked[1], (), self.names, picked[0])
                plain = (plain_fallback(version, owner) for version in shorter_versions(picked[0]))
                text = next((t for t in plain if t), "") or tidy(picked[0])
                notes.append(Note(text, picked[1].start_of(picked[0]), picked[1].index, extractive=True))
        return notes

    def key_points(self, notes: list[Note]) -> list[SummaryItem]:
        unique = dedupe(notes, lambda n: n.text)
        limit = self.options.max_key_points
        if len(unique) > limit:
            ranked = sorted(unique, key=lambda n: (n.extractive, -salience(n.text, self.weights)))
            unique = sorted(ranked[:limit], key=lambda n: n.utterance_index)
        # Each key point stands alone: "They also discussed ..." has no "they" before it.
        return [SummaryItem(STANDALONE_THEY.sub("The team ", n.text), n.start) for n in unique]

    # --- decisions and action items: found in the transcript, rewritten, checked ---------------

    def rewrite(self, messages, candidate: Candidate) -> str | None:
        """The model's third-person wording of a candidate, '' when it did not hold up, None if cancelled."""
        if self.cancelled():
            return None
        if not fits(self.model, messages, self.options.rewrite_tokens):
            return ""
        answer = ask(self.model, messages, guarded(self.options.rewrite_tokens, stop_strings=("\n",)), self.cancel)
        if answer.cancelled:
            return None
        source = candidate.context
        first = split_sentences(strip_repetition(answer.text))[:1]
        if not first or split_label(first[0])[0]:
            return ""  # a copied "Name: ..." line is not a rewrite
        sentence = tidy(first[0])
        if sentence.endswith("?") or has_first_person(sentence) or len(sentence.split()) < 4:
            return ""
        if not keeps_negation(sentence, candidate.text):
            return ""
        return sentence if self.checked(sentence, source, min_cover=0.7) == [sentence] else ""

    def decision(self, candidate: Candidate) -> SummaryItem | Literal[False] | None:
        """The decision, None when cancelled, False when it cannot be said cleanly."""
        text = self.rewrite(prompts.decision(candidate.line), candidate)
        if text is None:
            return None
        text = text or plain_fallback(candidate.text, None)
        return SummaryItem(text, candidate.utterance.start_of(candidate.text)) if text else False

    def action(self, candidate: Candidate) -> ActionItem | Literal[False] | None:
        """The action item, None when cancelled, False when it cannot be said cleanly."""
        owner = owner_for(candidate.utterance, candidate.following, self.names, candidate.text, candidate.before)
        due, start = due_phrase(candidate.text), candidate.utterance.start_of(candidate.text)
        if owner is None and SELF_COMMIT.search(candidate.text):
            # Someone said "I will ..." and nothing tells who: a to-do, never a made-up owner.
            task = to_do(candidate.text)
            if task:
                return ActionItem(task, None, due, start)
        text = self.rewrite(prompts.action(candidate.line), candidate)
        if text is None:
            return None
        subject = SUBJECT.match(text) if text else None
        if subject:
            said = subject.group(1)
            named = self.names.find(said)
            if owner is None and named and re.search(rf"\b{re.escape(said)}\b", candidate.line):
                owner = named
            elif owner and said != owner and (named or said.lower() in PRONOUNS or said.lower() not in STOPWORDS):
                text = owner + text[subject.end(1) :]  # the model put someone (or "Friday") first: the owner does it
            elif not named and said.lower() not in STOPWORDS:
                text = ""  # "October will ...": the model made a day or a thing the owner
        if text and lost_its_object(text, candidate.text):
            text = ""
        if text and owner is None and _team_commitment(candidate.text) and not text.lower().startswith("the team"):
            # "we'll write the press release" is the team's, not "Speaker 1 will write ..."
            subject = LEADING_SUBJECT.match(text)
            text = f"The team {text[subject.end() :]}" if subject else ""
        text = text or plain_fallback(candidate.text, owner)
        if not text:
            return False
        return ActionItem(text, owner, due, start)

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
            return " ".join(texts[: self.options.overview_sentences])
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
        return self.checked(whole(answer), notes)

    def title(self, overview: str) -> str | None:
        if not fits(self.model, prompts.title(overview), self.options.title_tokens):
            return keyword_title(self.utterances)
        answer = ask(
            self.model, prompts.title(overview), guarded(self.options.title_tokens, stop_strings=("\n",)), self.cancel
        )
        if answer.cancelled:
            return None
        title = short_title(tidy(answer.text.removeprefix("Title:")))
        own = content_set(title) - FRAMING
        invented = [
            n for n in capitalized_names(title) if not self.names.is_known(n) and n.lower() not in overview.lower()
        ]
        if (
            2 <= len(title.split()) <= TITLE_WORDS
            and own
            and not invented
            and not critical_words(title) - critical_words(overview)
            and item_similarity(title, prompts.TITLE_EXAMPLE_ANSWER) < 0.3
            and len(own & self.transcript_words) / len(own) >= 0.75
            # "Launch on October 3" for "the team should not launch on October 3"
            and keeps_negation(title, max(split_sentences(overview) or [""], key=lambda s: item_similarity(title, s)))
        ):
            return title
        # The model's title did not hold up: the overview's first sentence, cut to a phrase.
        from_overview = short_title(split_sentences(overview)[0]) if overview.strip() else ""
        if 2 <= len(from_overview.split()) <= TITLE_WORDS and len(content_set(from_overview) - FRAMING) >= 2:
            return from_overview
        return keyword_title(self.utterances)


# --- helpers -----------------------------------------------------------------------------------

ECHO = re.compile(
    r"\b(?:in order:|notes on a (?:meeting|conversation)|transcript:|summarize what|"
    r"write a short overview)",
    re.I,
)
PRONOUNS = frozenset({"he", "she", "they"})
STANDALONE_THEY = re.compile(r"^They (?=also |discussed |talked |agreed |decided |went |covered |explored )")
SUBJECT = re.compile(r"\s*([A-Z][\w'\-]*(?: [A-Z][\w'\-]*)?)\s+(?:will|is going to|should|has to|needs to|can)\b")


LEADING_SUBJECT = re.compile(
    r"^\s*(?:Speaker \d+|[A-Z][\w'\-]*(?: [A-Z][\w'\-]*)?)\s+(?=will\b|is going to\b|should\b|has to\b|needs to\b)"
)
TEAM_COMMIT = re.compile(r"\b(?:we'll|we will|we're going to|we are going to|let's)\b", re.IGNORECASE)


def _team_commitment(said: str) -> bool:
    return bool(TEAM_COMMIT.search(said)) and not SELF_COMMIT.search(said)


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


def _close(a: str, b: str) -> bool:
    return similarity(a, b) >= 0.6
