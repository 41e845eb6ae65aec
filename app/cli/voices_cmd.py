"""`confide voices list|remember|forget`: the voices the user chose to have recognised
(docs/cli.md). Nothing about a voice is kept unless the user says so here or in the window."""

from __future__ import annotations

from app.cli import numbers
from app.cli.common import CliContext, CommandOutput, add_command, add_group
from app.history.dates import local_label


def register(subparsers) -> None:
    group = add_group(subparsers, "voices", "voices recognised by name in later recordings: list, remember, forget")
    add_command(group, "list", cmd_list, "the remembered voices")
    remember = add_command(
        group, "remember", cmd_remember, "remember a named speaker's voice, to recognise it in later recordings"
    )
    remember.add_argument("id", metavar="ID", type=numbers.item_id, help="the recording")
    remember.add_argument("speaker", metavar="SPEAKER", help="the speaker's name, as `history speakers` shows it")
    forget = add_command(group, "forget", cmd_forget, "delete one remembered voice")
    forget.add_argument("name", metavar="NAME", nargs="+", help="the name it is remembered by")


def cmd_list(args, ctx: CliContext) -> CommandOutput:
    from app.history import HistoryStore

    with HistoryStore.for_data_dir(ctx.data_dir) as store:
        voices = store.voices()
    lines = [f"{voice.name}  (remembered {local_label(voice.created)})" for voice in voices]
    return CommandOutput(
        {"voices": [voice.to_json() for voice in voices]}, "\n".join(lines) if lines else "No voices remembered."
    )


def cmd_remember(args, ctx: CliContext) -> CommandOutput:
    from app.engines import speaker_encoder_entry
    from app.errors import HistoryError
    from app.history import HistoryStore
    from app.history.records import RecordingDetail
    from app.speakers.remember import voice_of
    from models.speaker.encoder import SpeakerEncoder

    encoder = SpeakerEncoder(speaker_encoder_entry(ctx.data_dir).path)
    with HistoryStore.for_data_dir(ctx.data_dir) as store:
        recording = store.get_item(args.id)
        if not isinstance(recording, RecordingDetail):
            raise HistoryError(f"Item {args.id} is not a recording.")
        shown = {s.speaker.casefold(): s.speaker for s in recording.segments if s.speaker}
        name = shown.get(args.speaker.casefold(), args.speaker)
        voice_id = store.remember_voice(name, voice_of(recording, name, encoder))
    return CommandOutput(
        {"id": voice_id, "name": name}, f"Remembered {name}'s voice; later recordings will name them when they speak."
    )


def cmd_forget(args, ctx: CliContext) -> CommandOutput:
    from app.history import HistoryStore

    with HistoryStore.for_data_dir(ctx.data_dir) as store:
        name = store.forget_voice(" ".join(args.name))
    return CommandOutput({"forgotten": name}, f"Forgot {name}'s voice.")
