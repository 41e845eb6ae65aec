"""`confide summarize` and `confide reply` (docs/cli.md)."""

from __future__ import annotations

import re
import sys
import threading
import time
from pathlib import Path

from app.assistant.conversation_parse import Conversation, parse_conversation
from app.assistant.reply_choices import LENGTHS, TONES
from app.assistant.summary_render import summary_markdown, summary_text
from app.assistant.transcript_input import TEXT_SUFFIXES, TranscriptSegment, from_segments, read_transcript
from app.cli.common import CliContext, CommandOutput, add_command
from app.cli.full_disk import save_or_keep
from app.cli.numbers import MAX_ITEM_ID
from app.cli.text_input import read_conversation
from app.engines import Job
from app.errors import AppError
from app.records import Summary
from app.tasks.events import Progress

RECORDING_REF = re.compile(r"^recording:(\d+)$")


def register(subparsers) -> None:
    summarize = add_command(
        subparsers,
        "summarize",
        cmd_summarize,
        "summarize a meeting: audio, a transcript (.txt .md .srt .vtt), - for stdin, or recording:ID",
    )
    summarize.add_argument("input", metavar="INPUT")
    summarize.add_argument("--format", choices=["md"], default=None, help="print the summary as Markdown")
    summarize.add_argument("--save", action="store_true", help="keep the summary in the history")
    reply = add_command(subparsers, "reply", cmd_reply, "three reply drafts for a pasted conversation (a file or -)")
    reply.add_argument("input", metavar="INPUT")
    reply.add_argument("--me", metavar="NAME", default=None, help="who you are in the conversation")
    reply.add_argument("--tone", choices=TONES, default="friendly")
    reply.add_argument("--length", choices=LENGTHS, default="short")
    reply.add_argument("--save", action="store_true", help="keep the conversation and drafts in the history")


# --- summarize ------------------------------------------------------------------------------------


def cmd_summarize(args, ctx: CliContext) -> CommandOutput:
    recording_id, segments, audio = _summary_input(args.input, ctx)
    model = _load_model(ctx, Job.SUMMARY)
    started = time.monotonic()

    def show(event) -> None:
        if isinstance(event, Progress) and event.message:
            sys.stderr.write(f"[{time.monotonic() - started:5.1f}s] {event.message}\n")
            sys.stderr.flush()

    from app.assistant.summarize import run_summary  # numpy and the JSON constraint: not for --help

    summary = run_summary(model, segments, on_event=show)
    saved = None
    if args.save:
        saved = save_or_keep(
            ctx, lambda: save_summary_to_history(ctx, recording_id, args.input, segments, summary, audio), "the summary"
        )
        if saved is not None:
            sys.stderr.write(f"Saved in the history as item {saved}.\n")
    text = summary_markdown(summary) if args.format == "md" else summary_text(summary)
    return CommandOutput(summary.to_json(), text, exit_code=1 if args.save and saved is None else 0)


def _summary_input(source: str, ctx: CliContext) -> tuple[int | None, list[TranscriptSegment], Path | None]:
    """(recording id, segments, audio file): from the history, an audio file, or a transcript."""
    match = RECORDING_REF.match(source)
    if match:
        recording_id = int(match.group(1))
        if not 1 <= recording_id <= MAX_ITEM_ID:
            raise AppError(
                f"{source} names no recording: ids are whole numbers from 1 to {MAX_ITEM_ID}, "
                "as `confide history list` shows them."
            )
        return recording_id, segments_of_recording(ctx, recording_id), None
    if (
        source != "-"
        and _is_file(Path(source))
        and Path(source).suffix.lower() not in TEXT_SUFFIXES
        and not _looks_like_text(Path(source))
    ):
        return None, transcribe_audio(ctx, Path(source)), Path(source)
    return None, read_transcript(source), None


def _is_file(path: Path) -> bool:
    """is_file() that says False (read_transcript then says why) where a closed folder makes it raise."""
    try:
        return path.is_file()
    except OSError:
        return False


def _looks_like_text(path: Path) -> bool:
    try:
        with open(path, "rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# --- reply ---------------------------------------------------------------------------------------


def cmd_reply(args, ctx: CliContext) -> CommandOutput:
    paste = read_conversation(args.input)
    if paste.note:
        sys.stderr.write(paste.note + "\n")
    raw = paste.text
    conversation = parse_conversation(raw, me=args.me, default_me=_settings_user_name(ctx))
    examples = picked_replies_from_history(ctx, 3)
    model = _load_model(ctx, Job.REPLY)
    started = time.monotonic()
    from app.assistant.replies import ReplyTask, run_replies

    replies = run_replies(model, ReplyTask(conversation, args.tone, args.length, tuple(examples)))
    sys.stderr.write(f"[{time.monotonic() - started:.1f}s] three drafts\n")
    item_id = None
    if args.save:
        item_id = save_or_keep(
            ctx,
            lambda: save_conversation_to_history(ctx, raw, conversation, replies.drafts, args.tone, args.length),
            "the drafts",
        )
        if item_id is not None:
            sys.stderr.write(f"Saved in the history as item {item_id}.\n")
    return CommandOutput(
        replies.to_json(), _reply_text(conversation, replies), exit_code=1 if args.save and item_id is None else 0
    )


def _reply_text(conversation: Conversation, replies) -> str:
    who = f"Replying as {replies.me}"
    if conversation.me_guessed:
        who += " (a guess: use --me NAME to change it)"
    if replies.follow_up:
        who += "; your message was the last one, so these are follow-ups"
    lines = [who + ".", ""]
    for number, draft in enumerate(replies.drafts, 1):
        body = draft.text.replace("\n", "\n   ")
        lines.append(f"{number}. {body}")
    return "\n".join(lines)


# --- engines and settings ---------------------------------------------------------------------------


def _load_model(ctx: CliContext, job: Job):
    """The language model chosen for the job (app.engines.resolve: --model, then settings)."""
    from app.engines import load_language_model

    choice = ctx.engine(job)
    return load_language_model(ctx.data_dir, choice.model_id, choice.threads)


def _settings_user_name(ctx: CliContext) -> str | None:
    return ctx.settings.user_name


# --- the history -----------------------------------------------------------------------------------
# The only places where the assistant's commands touch it; writes go through app.flows, as the
# window's do.


def _open_history(ctx: CliContext):
    from app.history import HistoryStore

    return HistoryStore.for_data_dir(ctx.data_dir)


def picked_replies_from_history(ctx: CliContext, limit: int) -> list[str]:
    """Up to `limit` replies the user picked before (their style), without creating a database."""
    if not ctx.data_dir.database.exists():
        return []
    with _open_history(ctx) as store:
        return store.picked_replies(limit)


def segments_of_recording(ctx: CliContext, recording_id: int) -> list[TranscriptSegment]:
    with _open_history(ctx) as store:
        detail = store.get_item(recording_id)
    if getattr(detail, "kind", None) != "recording":
        raise AppError(f"History item {recording_id} is not a recording; give recording:ID of a recording.")
    segments = from_segments(detail.segments)
    if not segments:
        raise AppError(f"Recording {recording_id} has no transcript yet; transcribe it first.")
    return segments


def save_summary_to_history(
    ctx: CliContext,
    recording_id: int | None,
    source: str,
    segments: list[TranscriptSegment],
    summary: Summary,
    audio: Path | None = None,
) -> int:
    from app.flows import save_summarized_transcript

    with _open_history(ctx) as store:
        if recording_id is not None:
            store.save_summary(recording_id, summary)
            return recording_id
        return save_summarized_transcript(store, Path(source).stem, segments, summary, audio)


def save_conversation_to_history(
    ctx: CliContext, raw: str, conversation: Conversation, drafts, tone: str, length: str
) -> int:
    from app.flows import save_conversation
    from app.history.records import NewConversation

    stored = NewConversation(
        raw, conversation.turns, conversation.me, drafts=tuple(d.text for d in drafts), tone=tone, length=length
    )
    with _open_history(ctx) as store:
        return save_conversation(store, stored)


# --- audio -----------------------------------------------------------------------------------------


def transcribe_audio(ctx: CliContext, path: Path) -> list[TranscriptSegment]:
    """An audio or video file, transcribed by the speech task first (progress on stderr)."""
    from app.engines import load_speech_model
    from app.tasks.events import Done, Failed
    from app.tasks.transcribe import TranscribeTask, transcribe_file

    choice = ctx.engine(Job.SPEECH)
    speech = load_speech_model(ctx.data_dir, choice.model_id, threads=choice.threads)
    result = None
    for event in transcribe_file(TranscribeTask(str(path)), speech, threading.Event()):
        if isinstance(event, Progress) and event.message:
            sys.stderr.write(f"{event.message}\n")
        elif isinstance(event, Failed):
            raise AppError(event.message)
        elif isinstance(event, Done):
            result = event.result
    segments = from_segments(result.segments) if result is not None else []
    if not segments:
        raise AppError(f"No speech was found in {path.name}; there is nothing to summarize.")
    return segments
