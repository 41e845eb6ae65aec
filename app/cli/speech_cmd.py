"""`confide transcribe` and `confide record` (docs/cli.md).

Progress and the live transcript go to stderr; stdout holds only the result (one JSON document
with --json).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from app.audio.devices import find_input_device
from app.audio.disk import check_room_to_record
from app.audio.exports import FORMATS, transcript_json
from app.audio.recovery import RecoveredRecording, recover_recordings
from app.cli.common import CliContext, CommandOutput, add_command
from app.cli.full_disk import save_or_keep
from app.clock import clock
from app.errors import AppError
from app.tasks.events import Done, Failed, LevelReading, Progress, TranscriptPiece

if TYPE_CHECKING:  # the tasks (numpy, the recorder, PyAV) load when a command runs, not for --help
    from app.tasks.record import RecordControl
    from app.tasks.transcribe import SpeechResult

PROGRESS_EVERY_SECONDS = 5.0
MOST_SPEAKERS = 20


def register(subparsers) -> None:
    transcribe = add_command(subparsers, "transcribe", cmd_transcribe, "transcribe an audio or video file")
    transcribe.add_argument("audio", metavar="AUDIO", help="wav, flac, mp3, m4a, ogg, opus, or a video file")
    transcribe.add_argument("--language", metavar="xx", help="the language spoken (default: detected)")
    transcribe.add_argument(
        "--beam", metavar="N", type=_beam, default=5, help="beam size: 5 (default) is more accurate, 1 is faster"
    )
    transcribe.add_argument(
        "--format",
        dest="fmt",
        choices=tuple(FORMATS),
        default="txt",
        help="output for people: txt (default), srt or vtt",
    )
    _add_speakers_option(transcribe)
    transcribe.add_argument("--save", action="store_true", help="also store the file and transcript in the history")
    recorder = add_command(
        subparsers, "record", cmd_record, "record from the microphone into the history, then transcribe it"
    )
    recorder.add_argument("--seconds", metavar="N", type=_seconds, help="stop after N seconds (default: at Ctrl-C)")
    recorder.add_argument("--device", metavar="NAME", help="the input device (default: the system's)")
    recorder.add_argument("--live", action="store_true", help="transcribe while recording")
    _add_speakers_option(recorder)


def _add_speakers_option(parser) -> None:
    parser.add_argument(
        "--speakers",
        metavar="N",
        nargs="?",
        const=0,
        type=_speaker_count,
        help="tell who said what; N: how many people spoke (default: estimated)",
    )


def _beam(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= 10:
        raise argparse.ArgumentTypeError("the beam size must be between 1 and 10")
    return value


def _speaker_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a number of speakers (put the file first to have them counted: "
            "confide transcribe FILE --speakers)"
        ) from None
    if not 1 <= value <= MOST_SPEAKERS:
        raise argparse.ArgumentTypeError(f"the number of speakers must be between 1 and {MOST_SPEAKERS}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("the number of seconds must be above 0")
    return value


# --- transcribe ----------------------------------------------------------------------------


def cmd_transcribe(args, ctx: CliContext) -> CommandOutput:
    from app.tasks.transcribe import TranscribeTask, transcribe_file
    from models.whisper.audio_io import check_readable

    path = Path(args.audio).expanduser()
    check_readable(path)  # a file that cannot be read is refused before the model is loaded
    speakers = speaker_options(ctx, args.speakers or None) if args.speakers is not None else None
    task = TranscribeTask(str(path), language=args.language, beam_size=args.beam, speakers=speakers)
    result = _run(transcribe_file(task, _SpeechOnDemand(ctx), threading.Event()), show_segments=False)
    if result.note:
        _say(result.note)
    recording_id = None
    if args.save:
        recording_id = save_or_keep(ctx, lambda: save_to_history(ctx, result), "the transcript")
        if recording_id is not None:
            _say(f"Saved in the history as item {recording_id}.")
    data = transcript_json(result.segments, language=result.language, duration=result.duration)
    return CommandOutput(
        data,
        FORMATS[args.fmt](result.segments) if not result.no_speech else "",
        exit_code=1 if args.save and recording_id is None else 0,
    )


# --- record --------------------------------------------------------------------------------


def cmd_record(args, ctx: CliContext) -> CommandOutput:
    from app.tasks.record import RecordControl, RecordTask, record

    recordings = ctx.data_dir.recordings
    recordings.mkdir(mode=0o700, parents=True, exist_ok=True)
    for item_id, found in store_recovered(ctx, recover_recordings(recordings)):
        _say(f"Recovered an unfinished recording ({clock(found.duration or 0)}) as item {item_id}: {found.path}")
    # what can refuse a recording, cheapest first; the model is loaded before recording starts,
    # so that a missing model does not cost a meeting
    check_room_to_record(recordings)
    find_input_device(args.device)
    speakers = speaker_options(ctx, args.speakers or None) if args.speakers is not None else None
    transcriber = _load_transcriber(ctx)
    control = RecordControl()
    task = RecordTask(
        str(recordings),
        device=args.device,
        live=args.live,
        max_seconds=args.seconds,
        speakers=speakers,
        control=control,
    )
    with _ctrl_c_stops(control):
        result = _run(record(task, transcriber, threading.Event()), show_segments=args.live, seconds=args.seconds)
    if result.note:
        _say(result.note)
    recording_id = save_to_history(ctx, result)
    data = {"recording_id": recording_id, "path": result.audio_path, "duration": round(result.duration or 0.0, 3)}
    text = FORMATS["txt"](result.segments) if not result.no_speech else ""
    _say(f"Saved recording {recording_id} ({clock(result.duration or 0)}): {result.audio_path}")
    return CommandOutput(data, text)


@contextmanager
def _ctrl_c_stops(control: RecordControl):
    """The first Ctrl-C stops the recording cleanly (it is kept and transcribed); a second one
    interrupts as usual."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        control.stop()
        signal.signal(signal.SIGINT, previous)

    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# --- shared --------------------------------------------------------------------------------


def _run(events, *, show_segments: bool, seconds: float | None = None) -> SpeechResult:
    """Drives a speech task to its end, telling stderr how it goes; returns its result."""
    last_said = 0.0
    started = False
    for event in events:
        if isinstance(event, Failed):
            raise AppError(event.message)
        if isinstance(event, Done):
            return event.result
        if isinstance(event, LevelReading):
            if not started and event.elapsed > 0:
                started = True
                until = f"for {clock(seconds)}" if seconds else "until Ctrl-C"
                _say(f"Recording started; recording {until}.")
            continue
        if isinstance(event, TranscriptPiece):
            if show_segments:
                _say(f"[{clock(event.segment.start)}] {event.segment.text}")
            continue
        if isinstance(event, Progress) and event.message:
            now = time.monotonic()
            if event.fraction is None or now - last_said >= PROGRESS_EVERY_SECONDS:
                last_said = now
                _say(event.message + (f" ({event.fraction:.0%})" if event.fraction is not None else ""))
    raise AppError("The speech task ended without a result; try again.")


class _SpeechOnDemand:
    """The speech model, loaded when the task first needs it: a file with nothing audible is
    answered from a scan of its sound alone (app.tasks.transcribe), without loading it."""

    def __init__(self, ctx: CliContext):
        self._ctx = ctx
        self._transcriber = None

    @property
    def loaded(self) -> bool:
        return self._transcriber is not None

    def get(self):
        if self._transcriber is None:
            self._transcriber = _load_transcriber(self._ctx)
        return self._transcriber


def _load_transcriber(ctx: CliContext):
    from app.engines import Job, load_speech_model

    choice = ctx.engine(Job.SPEECH)
    return load_speech_model(ctx.data_dir, choice.model_id, threads=choice.threads)


def speaker_options(ctx: CliContext, count: int | None):
    """The voices remembered in the history are recognised; transcribing alone makes no history."""
    from app.history import HistoryStore
    from app.speakers.options import speaker_options as options_for

    if not ctx.data_dir.database.exists():
        return options_for(ctx.data_dir, count)
    with HistoryStore.for_data_dir(ctx.data_dir) as store:
        return options_for(ctx.data_dir, count, store)


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


# --- the history ---------------------------------------------------------------------------
# These two functions are the only places where the speech commands store anything (through
# app.flows, as the window does).


def save_to_history(ctx: CliContext, result: SpeechResult) -> int:
    """Stores a recording or an imported file (copied in) with its transcript, in one
    transaction; returns its item id."""
    from app.flows import save_speech_result
    from app.history import HistoryStore

    with HistoryStore.for_data_dir(ctx.data_dir) as store:
        return save_speech_result(store, result, title=result.title)


def store_recovered(ctx: CliContext, recovered: list[RecoveredRecording]) -> list[tuple[int, RecoveredRecording]]:
    """Lists recordings cut short (repaired by app.audio.recovery) in the history as recovered."""
    if not recovered:
        return []
    from app.flows import store_recovered as store_them
    from app.history import HistoryStore

    with HistoryStore.for_data_dir(ctx.data_dir) as store:
        return list(zip(store_them(store, recovered), recovered, strict=True))
