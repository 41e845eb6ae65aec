"""From segments to utterances to chunks that fit the model's real context window.

Utterances are what the model reads: consecutive segments of one speaker joined, fillers
removed, bare acknowledgements dropped. Each keeps the index and start time of the segment it
begins with, so that whatever is drawn from it can point back into the recording.

A chunk's size is counted in the model's own tokens: the prompt around it, the chunk, and the
room the answer needs must together fit the context window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.assistant.text_tools import (
    STOPWORDS,
    clean_speech,
    content_set,
    is_backchannel,
    split_sentences,
    without_greeting,
)
from app.assistant.transcript_input import TranscriptSegment
from models.errors import ContextOverflowError

MERGE_CHARS = 320  # one speaker's run of segments is joined up to about this long
SAFETY_TOKENS = 16  # token counts of pieces joined by newlines can differ slightly from the whole
MIN_CHUNK_TOKENS = 48  # below this a chunk holds too little to say anything about


@dataclass(frozen=True)
class Utterance:
    index: int
    segment_index: int  # the first transcript segment it is made of
    start: float | None
    speaker: str | None
    text: str
    # (offset in text, start time) of each joined segment, so that a sentence of a long
    # utterance points at the segment it was said in, not only where the utterance began.
    parts: tuple[tuple[int, float | None], ...] = ()

    @property
    def line(self) -> str:
        return f"{self.speaker}: {self.text}" if self.speaker else self.text

    def start_of(self, fragment: str) -> float | None:
        """The start time of the segment that holds fragment (or shares most words with it)."""
        if len(self.parts) <= 1:
            return self.start
        position = self.text.find(fragment.strip()[:40]) if fragment.strip() else -1
        if position < 0:
            wanted = content_set(fragment)
            bounds = [offset for offset, _ in self.parts[1:]] + [len(self.text)]
            scores = [
                len(wanted & content_set(self.text[offset:end]))
                for (offset, _), end in zip(self.parts, bounds, strict=True)
            ]
            return self.parts[scores.index(max(scores))][1]
        chosen = self.start
        for offset, start in self.parts:
            if offset <= position:
                chosen = start
        return chosen


@dataclass(frozen=True)
class Chunk:
    index: int
    utterances: tuple[Utterance, ...]
    tokens: int

    @property
    def text(self) -> str:
        return "\n".join(u.line for u in self.utterances)

    @property
    def start(self) -> float | None:
        return self.utterances[0].start if self.utterances else None


def prepare_utterances(segments: Sequence[TranscriptSegment]) -> list[Utterance]:
    """Cleaned, merged utterances; never empty when some segment has words."""
    merged: list[list] = []  # [segment_index, start, speaker, text, parts]
    for index, segment in enumerate(segments):
        text = without_greeting(clean_speech(segment.text))
        if not text:
            continue
        last = merged[-1] if merged else None
        if last and last[2] == segment.speaker and is_backchannel(text) and not is_backchannel(last[3]):
            continue  # "We can decide at the next meeting. Yep.": the "Yep." says nothing more
        if (
            last
            and last[2] == segment.speaker
            and len(last[3]) + len(text) < MERGE_CHARS
            and not last[3].endswith(("?",))
        ):
            joined = f"{last[3]} " if last[3].endswith((".", "!", ",", ";", ":")) else f"{last[3]}, "
            first_word = text.split(" ", 1)[0]
            if not last[3].endswith((".", "!")) and first_word != "I" and first_word.lower() in STOPWORDS:
                # mid-sentence: "...in the project folder, and then we can all work", not ", And then"
                text = text[0].lower() + text[1:]
            last[4].append((len(joined), segment.start))
            last[3] = joined + text
            continue
        merged.append([index, segment.start, segment.speaker, text, [(0, segment.start)]])
    kept = [m for m in merged if not is_backchannel(m[3])]
    if not kept:  # a transcript of nothing but "okay, yeah" is still summarized from what it has
        kept = merged or [
            [i, s.start, s.speaker, s.text.strip(), [(0, s.start)]] for i, s in enumerate(segments) if s.text.strip()
        ]
    return [Utterance(n, m[0], m[1], m[2], m[3], tuple(m[4])) for n, m in enumerate(kept)]


def chunk_token_budget(context_length: int, prompt_tokens: int, output_tokens: int, preferred: int) -> int:
    """Tokens a chunk may have: what the context leaves after prompt and answer, capped at preferred."""
    available = context_length - prompt_tokens - output_tokens - SAFETY_TOKENS
    if available < MIN_CHUNK_TOKENS:
        raise ContextOverflowError(
            f"The language model's context ({context_length} tokens) is too small to summarize with; "
            "choose a model with a longer context."
        )
    return min(preferred, available)


def split_into_chunks(
    utterances: Sequence[Utterance], count_tokens: Callable[[str], int], max_tokens: int
) -> list[Chunk]:
    """Consecutive utterances in chunks of at most max_tokens: each chunk filled in turn, and
    the last two made about equal in size (no scrap of a chunk at the end).

    A chunk's bounds depend only on what comes before it, so a transcript that grows (one being
    recorded) keeps all its chunks but the last two as they were: what the model was asked
    about them can be remembered (prompt_memory). An utterance longer than a chunk is cut into
    sentences (and a sentence into words), each piece keeping the utterance's start time.
    """
    pieces: list[tuple[Utterance, int]] = []
    for utterance in utterances:
        for piece in _fit_utterance(utterance, count_tokens, max_tokens):
            pieces.append((piece, count_tokens(piece.line) + 1))
    if not pieces:
        return []
    groups: list[list[tuple[Utterance, int]]] = [[]]
    filled = 0
    for piece, n in pieces:
        if groups[-1] and filled + n > max_tokens:
            groups.append([])
            filled = 0
        groups[-1].append((piece, n))
        filled += n
    if len(groups) >= 2:
        groups[-2:] = _halves(groups[-2] + groups[-1], max_tokens) or groups[-2:]
    chunks: list[Chunk] = []
    for group in groups:
        if group:
            chunks.extend(_make_chunk(len(chunks), [piece for piece, _ in group], count_tokens, max_tokens))
    return renumber(chunks)


def _halves(pieces: list[tuple[Utterance, int]], max_tokens: int) -> list[list[tuple[Utterance, int]]] | None:
    """Two groups of about equal size (each piece goes where its middle falls), or None when
    one of them would be too big."""
    half = sum(n for _, n in pieces) / 2
    first: list[tuple[Utterance, int]] = []
    second: list[tuple[Utterance, int]] = []
    before = 0
    for piece, n in pieces:
        (first if before + n / 2 < half else second).append((piece, n))
        before += n
    if not first or not second or any(sum(n for _, n in group) > max_tokens for group in (first, second)):
        return None
    return [first, second]


def _make_chunk(index: int, utterances: list[Utterance], count_tokens, max_tokens: int) -> list[Chunk]:
    """One chunk, or two when the joined text turns out longer than the pieces' sum said."""
    text = "\n".join(u.line for u in utterances)
    tokens = count_tokens(text)
    if tokens <= max_tokens or len(utterances) == 1:
        return [Chunk(index, tuple(utterances), tokens)]
    half = len(utterances) // 2
    return _make_chunk(index, utterances[:half], count_tokens, max_tokens) + _make_chunk(
        index, utterances[half:], count_tokens, max_tokens
    )


def renumber(chunks: Sequence[Chunk]) -> list[Chunk]:
    return [Chunk(i, c.utterances, c.tokens) for i, c in enumerate(chunks)]


def _fit_utterance(utterance: Utterance, count_tokens, max_tokens: int) -> list[Utterance]:
    if count_tokens(utterance.line) + 1 <= max_tokens:
        return [utterance]
    parts: list[str] = []
    for sentence in split_sentences(utterance.text):
        parts.extend(_fit_words(sentence, utterance.speaker, count_tokens, max_tokens))
    return [
        Utterance(utterance.index, utterance.segment_index, utterance.start_of(part), utterance.speaker, part)
        for part in parts
    ]


def _fit_words(sentence: str, speaker: str | None, count_tokens, max_tokens: int) -> list[str]:
    def fits(text: str) -> bool:
        return count_tokens(f"{speaker}: {text}" if speaker else text) + 1 <= max_tokens

    if fits(sentence):
        return [sentence]
    out: list[str] = []
    current: list[str] = []
    for whole_word in sentence.split():
        # A "word" longer than a chunk (a pasted blob) is cut into short runs of characters.
        for word in (
            [whole_word] if fits(whole_word) else [whole_word[i : i + 24] for i in range(0, len(whole_word), 24)]
        ):
            if current and not fits(" ".join(current + [word])):
                out.append(" ".join(current))
                current = []
            current.append(word)
    if current:
        out.append(" ".join(current))
    return out
