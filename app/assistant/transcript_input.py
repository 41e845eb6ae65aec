"""Transcripts in, timed segments out: .txt, .md, .srt, .vtt, stdin, or a recording's segments.

A TranscriptSegment keeps its start and end in seconds (None for text that carries no times)
and its speaker when the source names one; every summary item points back to one of them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from app.assistant.text_tools import split_label, split_sentences
from app.errors import AppError

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".srt", ".vtt", ".text")
MAX_SEGMENT_CHARS = 400  # pasted paragraphs are split into sentences so each item can point somewhere
# About 1 KB of text per minute of speech: 600 KB is ten hours, far beyond any meeting, and
# already some hundred parts for the model to read.
MAX_TRANSCRIPT_BYTES = 600_000
MAX_TRANSCRIPT_HOURS = 10
# A run this long without a space is no word or link. Chinese, Japanese and Korean are written
# without spaces, so their characters (and full-width punctuation) break a run too.
MAX_WORD_CHARS = 1_000
_WORD_CHAR = r"[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
NO_SPACE_RUN = re.compile(rf"(?<!{_WORD_CHAR}){_WORD_CHAR}{{{MAX_WORD_CHARS + 1}}}")  # only from a run's start: linear


@dataclass(frozen=True)
class TranscriptSegment:
    start: float | None
    end: float | None
    text: str
    speaker: str | None = None


def from_segments(segments: Iterable) -> list[TranscriptSegment]:
    """Segments of a recording (models.types.Segment or anything with start/end/text[/speaker])."""
    out = []
    for segment in segments:
        text = (segment.text or "").strip()
        if text:
            out.append(
                TranscriptSegment(float(segment.start), float(segment.end), text, getattr(segment, "speaker", None))
            )
    return out


def from_turns(turns: Iterable[dict]) -> list[TranscriptSegment]:
    """[{"speaker", "text"}] without times (evaluation data, pasted dialogues)."""
    return [
        TranscriptSegment(None, None, t["text"].strip(), t.get("speaker")) for t in turns if t.get("text", "").strip()
    ]


def read_transcript(source: str | Path, stdin: TextIO | BinaryIO | None = None) -> list[TranscriptSegment]:
    """Reads a transcript file, or standard input for '-'. Raises AppError for what a user can
    fix: no such file, not UTF-8, or more than a summary is made for (checked before any work)."""
    if str(source) == "-":
        data = (stdin if stdin is not None else sys.stdin.buffer).read(MAX_TRANSCRIPT_BYTES + 1)
        name = "Standard input"
        suffix = ""
        size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
        check_transcript_size(size, name, at_least=size > MAX_TRANSCRIPT_BYTES)
    else:
        path = Path(source)
        name = str(path)
        suffix = path.suffix.lower()
        try:
            if not path.is_file():  # raises, not False, when a folder on the way is closed to us
                raise AppError(f"There is no file {path}; check the path.")
            check_transcript_size(path.stat().st_size, name)
            data = path.read_bytes()
        except OSError as exc:
            raise AppError(f"Cannot read {path} ({exc.strerror}); check its permissions.") from exc
    text = data if isinstance(data, str) else decode_utf8(data, name)
    check_word_lengths(text, name)
    segments = parse_transcript(text, suffix)
    if not segments:
        raise AppError(f"{name} holds no transcript text; give a file with the words that were said.")
    return segments


def check_transcript_size(size: int, name: str, *, at_least: bool = False) -> None:
    """Refuses a transcript far beyond any meeting up front, instead of hours of silent work."""
    if size > MAX_TRANSCRIPT_BYTES:
        amount = f"more than {MAX_TRANSCRIPT_BYTES // 1000:,} KB" if at_least else f"{size / 1e6:.1f} MB"
        raise AppError(
            f"{name} holds {amount} of text; Confide summarizes transcripts of up to "
            f"{MAX_TRANSCRIPT_BYTES // 1000:,} KB (about {MAX_TRANSCRIPT_HOURS} hours of speech): "
            "split it and summarize the parts."
        )


def check_word_lengths(text: str, name: str) -> None:
    """Refuses a stretch of text without spaces longer than any word or link (binary data,
    base64, a minified file): it is not a transcript, and it would be read token by token."""
    found = NO_SPACE_RUN.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise AppError(
            f"{name} has more than {MAX_WORD_CHARS:,} characters without a space on line {line:,}; "
            f"a transcript's words are at most {MAX_WORD_CHARS:,} characters long: "
            "is this the right file?"
        )


def decode_utf8(data: bytes, name: str) -> str:
    """UTF-8 (a leading byte-order mark is dropped) or an AppError that says where it is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AppError(
            f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start:,} "
            "cannot be read); save it as UTF-8 and try again."
        ) from None


def parse_transcript(text: str, suffix: str = "") -> list[TranscriptSegment]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    head = text.lstrip()[:10].upper()
    if suffix == ".vtt" or head.startswith("WEBVTT"):
        return parse_vtt(text)
    if suffix == ".srt" or _looks_like_srt(text):
        return parse_srt(text)
    return parse_plain(text, markdown=suffix in (".md", ".markdown"))


# --- subtitles ------------------------------------------------------------------------------

CUE_TIME = re.compile(r"(?P<a>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<b>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
VOICE = re.compile(r"<v(?:\.[\w.]+)?\s+([^>]+)>")
TAG = re.compile(r"</?[^>]+>")


def _looks_like_srt(text: str) -> bool:
    return bool(CUE_TIME.search(text[:2000]))


def clock_seconds(value: str) -> float:
    """'01:02:03,500', '02:03.5', '1:02' or '1:02:03' -> seconds."""
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def _cue_blocks(text: str):
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        for index, line in enumerate(lines):
            match = CUE_TIME.search(line)
            if match:
                yield clock_seconds(match["a"]), clock_seconds(match["b"]), lines[index + 1 :]
                break


def _cue_segment(start: float, end: float, lines: list[str]) -> TranscriptSegment | None:
    speaker = None
    joined = " ".join(lines)
    voice = VOICE.search(joined)
    if voice:
        speaker = voice.group(1).strip()
    joined = re.sub(r"\s+", " ", TAG.sub("", joined)).strip()
    if speaker is None:
        label, rest = split_label(joined)
        if label and rest:
            speaker, joined = label, rest
    joined = re.sub(r"^-\s*", "", joined)
    if not joined or re.fullmatch(r"[\[(][^\])]*[\])]", joined):  # "[Music]", "(applause)"
        return None
    return TranscriptSegment(start, end, joined, speaker)


def parse_srt(text: str) -> list[TranscriptSegment]:
    out = []
    for start, end, lines in _cue_blocks(text):
        segment = _cue_segment(start, end, lines)
        if segment:
            out.append(segment)
    return out


def parse_vtt(text: str) -> list[TranscriptSegment]:
    blocks = re.split(r"\n\s*\n", text)
    kept = [b for b in blocks if not re.match(r"\s*(WEBVTT|NOTE|STYLE|REGION)\b", b)]
    return parse_srt("\n\n".join(kept))


# --- plain text and Markdown ------------------------------------------------------------------

LINE_TIME = re.compile(r"^\s*[\[(]?(?P<t>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d+)?)[\])]?\s*[-\u2013:]?\s*")
MARKDOWN_NOISE = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|>\s*|\d+[.)]\s+)")


def parse_plain(text: str, markdown: bool = False) -> list[TranscriptSegment]:
    """One segment per line (long lines split into sentences); '[mm:ss]' times and 'Name:' labels
    are read when present. A time marks where its line starts; the end is the next line's start."""
    rows: list[tuple[float | None, str | None, str]] = []
    in_code = False
    for raw in text.split("\n"):
        line = raw.strip()
        if markdown:
            if line.startswith("```"):
                in_code = not in_code
                continue
            if in_code:
                continue
            line = MARKDOWN_NOISE.sub("", line)
            line = re.sub(r"[*_`]{1,3}([^*_`]+)[*_`]{1,3}", r"\1", line)
        if not line:
            continue
        start = None
        match = LINE_TIME.match(line)
        if match and (match.group(0).strip().startswith(("[", "(")) or match.end() < len(line)):
            start = clock_seconds(match["t"])
            line = line[match.end() :].strip()
        speaker, rest = split_label(line)
        if speaker and rest:
            line = rest
        else:
            speaker = None
        if line:
            rows.append((start, speaker, line))
    segments: list[TranscriptSegment] = []
    for index, (start, speaker, line) in enumerate(rows):
        following = next((r[0] for r in rows[index + 1 :] if r[0] is not None), None)
        pieces = _split_long(line)
        for piece in pieces:
            # Only the first piece of a timed line knows its start; the rest share it.
            segments.append(TranscriptSegment(start, following if start is not None else None, piece, speaker))
    return segments


def _split_long(line: str) -> list[str]:
    if len(line) <= MAX_SEGMENT_CHARS:
        return [line]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(line):
        if current and len(current) + len(sentence) + 1 > MAX_SEGMENT_CHARS:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces
