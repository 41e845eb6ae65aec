"""A summary from a capable model (model_profile.py), in a straight line:

    chunk -> extract (JSON, constrained while generated) -> ground -> reduce

1. chunk: the transcript in pieces that fit the prompt (chunking.py);
2. extract: one direct prompt per piece for its decisions, action items (owner, task, due date,
   the sentence they come from) and key points, answered as JSON that llguidance keeps valid
   token by token (json_constraint.py);
3. ground: every item checked against the transcript (structured_grounding.py);
4. reduce: the grounded notes of all pieces to a title and an overview (JSON again), each
   overview sentence checked too; a longer meeting gets a longer overview, in the order it went.

It writes in the language of the transcript. The events are summarize()'s: Progress per step,
SummarySoFar after each piece with the items that held up, Done(Summary); nothing more once cancelled.
SmolLM2-sized models never come here, nor English transcripts (summarize.takes_structured_path
says why) unless called directly.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from app.assistant import structured_prompts as prompts
from app.assistant.chunking import Chunk, Utterance, chunk_token_budget, prepare_utterances, split_into_chunks
from app.assistant.extract import keyword_title
from app.assistant.generation import ask, prompt_tokens
from app.assistant.grounding import NameBook, dedupe, item_similarity
from app.assistant.json_constraint import json_constraint
from app.assistant.reduce_groups import spread
from app.assistant.structured_grounding import Grounder, invented_facts, uncut
from app.assistant.summary_options import SummaryOptions
from app.assistant.transcript_input import TranscriptSegment
from app.assistant.wording import TITLE_WORDS, short_title
from app.records import ActionItem, Summary, SummaryItem
from app.tasks.events import Done, Event, Progress, SummarySoFar
from models.slm.api import GenerationConfig, LanguageModel

# Greedy, no loop guards: the grammar bounds every string and list, and a repetition penalty
# or an n-gram ban would fight the JSON's own repeated keys and quotes. The bounds (at most
# CHUNK_DECISIONS and CHUNK_ACTIONS per chunk, structured_prompts' string lengths) keep the
# longest possible answer near EXTRACT_TOKENS; a typical one is 300. An answer cut short anyway
# keeps its complete items (salvaged()).
EXTRACT_TOKENS = 1536
CHUNK_DECISIONS = 4
CHUNK_ACTIONS = 6
REDUCE_TOKENS = 320
TITLE_FALLBACK_WORDS = 12
NOTES_TOKENS = 2048  # the most notes one reduce prompt reads (an even spread beyond that)
# One more overview sentence for every few pieces read, up to this many more: three sentences
# cannot say what an hour went through, nor should a two-minute call get eight.
PIECES_PER_SENTENCE = 3
MORE_SENTENCES = 3


@dataclass(frozen=True)
class Extracted:
    """The grounded items of one chunk."""

    key_points: list[SummaryItem]
    decisions: list[SummaryItem]
    actions: list[ActionItem]


def summarize_structured(
    model: LanguageModel,
    segments: Sequence[TranscriptSegment],
    cancel: threading.Event | None = None,
    options: SummaryOptions = SummaryOptions(),
    prepare: bool = False,
) -> Iterator[Event]:
    """prepare (while recording, summarize.prepare_summary): only the chunks that will not move
    any more are read, then Done(None)."""
    language = prompts.transcript_language("\n".join(s.text for s in segments))
    utterances = prepare_utterances(segments) if language == "English" else plain_utterances(segments)
    names = NameBook.of([(s.speaker, s.text) for s in segments])
    grounder = Grounder(utterances, names, english=language == "English")
    chunks = plan_chunks(model, utterances, options, language)
    steps = len(chunks) + 1

    def cancelled() -> bool:
        return cancel is not None and cancel.is_set()

    # 1-3: chunk, extract, ground
    points: list[SummaryItem] = []
    decisions: list[SummaryItem] = []
    actions: list[ActionItem] = []
    for chunk in chunks[:-2] if prepare else chunks:
        yield Progress(chunk.index / steps, f"Reading part {chunk.index + 1} of {len(chunks)}")
        raw = extract(model, chunk, language, options, cancel)
        if raw is None or cancelled():
            return
        found = ground(grounder, raw, chunk)
        points += found.key_points
        decisions += found.decisions
        actions += found.actions
        yield SummarySoFar(
            Summary(
                "", "", tuple(dedupe(points, _text)), tuple(dedupe(decisions, _text)), tuple(dedupe(actions, _text))
            )
        )
    if prepare:
        yield Done(None)
        return
    decisions = dedupe(decisions, _text)[: options.max_decisions]
    actions = dedupe(actions, _text)[: options.max_actions]
    # A key point that only repeats a decision or an action item says nothing new.
    said: list[SummaryItem | ActionItem] = [*decisions, *actions]
    points = [p for p in dedupe(points, _text) if not any(item_similarity(p.text, other.text) >= 0.6 for other in said)]
    points = points[: options.max_key_points]

    # 4: reduce
    yield Progress(len(chunks) / steps, "Writing the overview")
    sentences = options.overview_sentences + min(MORE_SENTENCES, (len(chunks) - 1) // PIECES_PER_SENTENCE)
    reduced = reduce(model, grounder, points, decisions, actions, language, sentences, cancel)
    if reduced is None or cancelled():
        return
    title, overview = reduced
    if not overview:  # nothing of the model's overview held up: the first notes say it
        overview = " ".join(item.text.rstrip(".") + "." for item in [*points, *decisions][:2])
    # No title held up: the first decision, whole ("Move the launch from October 3 to October
    # 17" says more than keywords; cut short it would say October 3), else the first task outside
    # English (keyword_title's word lists are English), else the keywords.
    title_sources: list[SummaryItem | ActionItem] = [*decisions, *([] if language == "English" else actions)]
    first = next(
        (item.text.rstrip(".") for item in title_sources if len(item.text.split()) <= TITLE_FALLBACK_WORDS), ""
    )
    title = title or first or keyword_title(utterances)
    yield Progress(1.0, "Done")
    yield Done(Summary(title, overview, tuple(points), tuple(decisions), tuple(actions)))


def plain_utterances(segments: Sequence[TranscriptSegment]) -> list[Utterance]:
    """One utterance per segment, as said: the filler list of prepare_utterances is English
    ("um" and "er" are words in German)."""
    kept = [(i, s) for i, s in enumerate(segments) if s.text.strip()]
    return [Utterance(n, i, s.start, s.speaker, s.text.strip(), ((0, s.start),)) for n, (i, s) in enumerate(kept)]


def plan_chunks(
    model: LanguageModel, utterances: Sequence[Utterance], options: SummaryOptions, language: str
) -> list[Chunk]:
    overhead = prompt_tokens(model, prompts.extraction("", language, options.note_sentences))
    budget = chunk_token_budget(model.context_length, overhead, EXTRACT_TOKENS, options.chunk_tokens)
    if options.min_chunks > 1:
        total = sum(model.count_tokens(u.line) + 1 for u in utterances)
        budget = min(budget, max(64, -(-total // options.min_chunks)))
    return split_into_chunks(utterances, model.count_tokens, budget)


def constrained(model: LanguageModel, schema: dict, max_new_tokens: int) -> GenerationConfig:
    """Greedy decoding with the schema's token mask when the model has a tokenizer to build it."""
    config = GenerationConfig(max_new_tokens=max_new_tokens, temperature=0.0)
    constraint = json_constraint(model, schema)
    return config if constraint is None else replace(config, token_mask=constraint.new_mask())


def parse_json(text: str) -> dict | None:
    """The answer's object; for an answer cut off by the token limit, its complete items."""
    try:
        value = json.loads(text)
    except ValueError:
        value = salvaged(text)
    return value if isinstance(value, dict) else None


def salvaged(text: str):
    """The longest prefix of a cut-off JSON text that ends after a complete array item or
    member, closed with the brackets still open; None when there is none."""
    stack: list[str] = []
    cuts: list[tuple[int, str]] = []  # (end of the prefix, its closing brackets)
    in_string = escaped = False
    for position, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            stack.append("]" if char == "[" else "}")
        elif char in "]}" and stack:
            stack.pop()
        elif char == "," and stack:
            cuts.append((position, "".join(reversed(stack))))
    for end, closing in reversed(cuts):
        try:
            return json.loads(text[:end] + closing)
        except ValueError:
            continue
    return None


def extract(
    model: LanguageModel, chunk: Chunk, language: str, options: SummaryOptions, cancel: threading.Event | None
) -> dict | None:
    """The model's JSON for one chunk ({} when it could not be read), None when cancelled."""
    schema = prompts.extraction_schema(
        min(options.max_decisions, CHUNK_DECISIONS), min(options.max_actions, CHUNK_ACTIONS), options.note_sentences
    )
    people = list(dict.fromkeys(u.speaker for u in chunk.utterances if u.speaker))
    answer = ask(
        model,
        prompts.extraction(chunk.text, language, options.note_sentences, people),
        constrained(model, schema, EXTRACT_TOKENS),
        cancel,
    )
    if answer.cancelled:
        return None
    return parse_json(answer.text) or {}


def ground(grounder: Grounder, raw: dict, chunk: Chunk) -> Extracted:
    within = list(chunk.utterances)
    return Extracted(
        key_points=[p for p in (grounder.key_point(x, within) for x in _list(raw, "key_points")) if p],
        decisions=[d for d in (grounder.decision(x, within) for x in _list(raw, "decisions")) if d],
        actions=[a for a in (grounder.action(x, within) for x in _list(raw, "action_items")) if a],
    )


def reduce(
    model: LanguageModel,
    grounder: Grounder,
    points: list[SummaryItem],
    decisions: list[SummaryItem],
    actions: list[ActionItem],
    language: str,
    sentences: int,
    cancel: threading.Event | None,
) -> tuple[str, str] | None:
    """(title, overview of at most ``sentences``) written from the grounded notes and checked;
    None when cancelled."""
    action_lines = [f"{a.owner}: {a.text}" + (f" ({a.due})" if a.due else "") if a.owner else a.text for a in actions]
    lines = [p.text for p in points], [d.text for d in decisions], action_lines
    notes = prompts.notes_text(*lines)
    if not notes.strip():
        return "", ""
    if model.count_tokens(notes) > NOTES_TOKENS:
        notes = prompts.notes_text(*(spread(part, NOTES_TOKENS // 3, model.count_tokens) for part in lines))
    overview_chars = 150 * sentences
    schema = prompts.reduce_schema(overview_chars)
    answer = ask(
        model,
        prompts.reduction(notes, language, sentences),
        constrained(model, schema, REDUCE_TOKENS + 40 * (sentences - 3)),
        cancel,
    )
    if answer.cancelled:
        return None
    raw = parse_json(answer.text) or {}
    written = uncut(_str(raw.get("overview")), overview_chars)
    overview = " ".join(grounder.sentences(written, notes, actions)[:sentences])
    title = short_title(_str(raw.get("title")).strip().rstrip("."))
    # A title is no sentence: "Design Evaluation" holds up with two words and no verb. Nor is it
    # a heading of the notes it was given ("Action items", Qwen2.5 0.5B's on a German meeting).
    if (
        not 2 <= len(title.split()) <= TITLE_WORDS
        or title.lower() in {heading.lower() for heading in prompts.NOTES_HEADINGS}
        or invented_facts(title, notes + "\n" + grounder.text, grounder.names, names_checked=grounder.english)
    ):
        title = ""
    return title, overview


def _list(raw: dict, key: str) -> list:
    value = raw.get(key)
    return value if isinstance(value, list) else []


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def _text(item) -> str:
    return item.text
