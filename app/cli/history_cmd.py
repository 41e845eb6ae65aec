"""`confide history list|search|show|rename|delete|export|backup|wipe` and a recording's
speakers: `history speakers|rename-speaker|merge-speakers` (docs/cli.md)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

from app.cli import numbers
from app.cli.common import CliContext, CommandOutput, add_command, add_group
from app.clock import clock
from app.errors import HistoryError
from app.history.dates import local_label
from app.history.exports import RECORDING_FORMATS
from app.history.records import KINDS


def register(subparsers) -> None:
    group = add_group(subparsers, "history", "your recordings and conversations: list, search, export, delete")
    listing = add_command(group, "list", cmd_list, "the history, newest first")
    _filters(listing)
    finder = add_command(
        group,
        "search",
        cmd_search,
        "full-text search over transcripts, summaries, conversations, replies and saved questions",
    )
    finder.add_argument("query", nargs="+", metavar="QUERY")
    _filters(finder)
    show = add_command(
        group, "show", cmd_show, "one item with its transcript and summary, turns and drafts, or question and answer"
    )
    show.add_argument("id", metavar="ID", type=numbers.item_id)
    speakers = add_command(
        group, "speakers", cmd_speakers, "who speaks in a recording: each speaker's segments and time"
    )
    speakers.add_argument("id", metavar="ID", type=numbers.item_id)
    rename_speaker = add_command(
        group, "rename-speaker", cmd_rename_speaker, "name a speaker of a recording; every line of theirs follows"
    )
    rename_speaker.add_argument("id", metavar="ID", type=numbers.item_id)
    rename_speaker.add_argument("speaker", metavar="SPEAKER", help="as `history speakers` shows it, or its number")
    rename_speaker.add_argument("name", nargs="+", metavar="NAME")
    merge = add_command(
        group, "merge-speakers", cmd_merge_speakers, "make two speakers of a recording one: FROM's lines become INTO's"
    )
    merge.add_argument("id", metavar="ID", type=numbers.item_id)
    merge.add_argument("source", metavar="FROM", help="a speaker's name or number")
    merge.add_argument("into", metavar="INTO", help="a speaker's name or number")
    rename = add_command(group, "rename", cmd_rename, "give an item a new title")
    rename.add_argument("id", metavar="ID", type=numbers.item_id)
    rename.add_argument("title", nargs="+", metavar="TITLE")
    delete = add_command(group, "delete", cmd_delete, "delete an item, its search entries and its audio")
    delete.add_argument("id", metavar="ID", type=numbers.item_id)
    export = add_command(
        group,
        "export",
        cmd_export,
        "an item as md or json (a recording's transcript also as txt, srt, vtt), printed on stdout",
    )
    export.add_argument("id", metavar="ID", type=numbers.item_id)
    export.add_argument("--format", dest="fmt", choices=RECORDING_FORMATS, default="md")
    backup = add_command(group, "backup", cmd_backup, "a consistent copy of the history database in FILE")
    backup.add_argument("file", metavar="FILE")
    wipe = add_command(group, "wipe", cmd_wipe, "delete everything in the history")
    wipe.add_argument("--yes", action="store_true", help="confirm that everything should be deleted")


def _filters(parser) -> None:
    parser.add_argument("--kind", choices=KINDS, metavar="K", help="recording, conversation or question")
    parser.add_argument("--since", metavar="DATE", help="only items from this date on (2024-05-01)")


@contextmanager
def _history(ctx: CliContext):
    from app.history import HistoryStore  # sqlite-utils loads only for a history command

    store = HistoryStore.for_data_dir(ctx.data_dir)
    try:
        yield store
    finally:
        store.close()


def cmd_list(args, ctx: CliContext) -> CommandOutput:
    with _history(ctx) as store:
        items = store.list_items(kind=args.kind, since=args.since)
    lines = [
        f"{item.id:>6}  {item.kind:12}  {local_label(item.created)}  {item.title}"
        + (f" — {item.snippet}" if item.snippet else "")
        for item in items
    ]
    return CommandOutput(
        {"items": [item.to_json() for item in items]}, "\n".join(lines) if lines else "The history is empty."
    )


def cmd_search(args, ctx: CliContext) -> CommandOutput:
    query = " ".join(args.query)
    with _history(ctx) as store:
        hits = store.search(query, kind=args.kind, since=args.since)
    lines = []
    for hit in hits:
        at = f" at {clock(hit.start)}" if hit.start is not None else ""
        lines.append(f"{hit.id:>6}  {hit.kind:12}  {local_label(hit.created)}  {hit.title}{at}")
        lines.append(f"        {hit.snippet}")
    return CommandOutput(
        {"items": [hit.to_json() for hit in hits]},
        "\n".join(lines) if lines else f"Nothing in the history matches '{query}'.",
    )


def cmd_show(args, ctx: CliContext) -> CommandOutput:
    with _history(ctx) as store:
        item = store.get_item(args.id)
        text = store.export(item.id, "md")
    return CommandOutput(item.to_json(), text)


def cmd_speakers(args, ctx: CliContext) -> CommandOutput:
    with _history(ctx) as store:
        speakers = store.speakers(args.id)
    width = max((len(s.label) for s in speakers), default=0)
    lines = [f"{s.number:>3}  {s.label:{width}}  {_lines(s.segments):>14}  {clock(s.seconds):>8}" for s in speakers]
    return CommandOutput(
        {"id": args.id, "speakers": [s.to_json() for s in speakers]},
        "\n".join(lines) if lines else f"Recording {args.id} has no speakers told apart.",
    )


def cmd_rename_speaker(args, ctx: CliContext) -> CommandOutput:
    with _history(ctx) as store:
        speaker = store.rename_speaker(args.id, args.speaker, " ".join(args.name))
        speakers = store.speakers(args.id)
    return CommandOutput(
        {"id": args.id, "speakers": [s.to_json() for s in speakers]},
        f"Speaker {speaker.number} of recording {args.id} is {speaker.label} now ({_lines(speaker.segments)}).",
    )


def cmd_merge_speakers(args, ctx: CliContext) -> CommandOutput:
    with _history(ctx) as store:
        speaker = store.merge_speakers(args.id, args.source, args.into)
        speakers = store.speakers(args.id)
    return CommandOutput(
        {"id": args.id, "speakers": [s.to_json() for s in speakers]},
        f"Merged {_speaker(args.source)} into {speaker.label} in recording {args.id}; "
        f"{speaker.label} has {_lines(speaker.segments)} now.",
    )


def _speaker(given: str) -> str:
    """A speaker as the user named it: "speaker 2" for a number."""
    return f"speaker {given}" if given.isdigit() else given


def _lines(count: int) -> str:
    return f"{count} segment{'s' if count != 1 else ''}"


def cmd_rename(args, ctx: CliContext) -> CommandOutput:
    with _history(ctx) as store:
        store.rename(args.id, " ".join(args.title))
        item = store.get_item(args.id)
    return CommandOutput({"id": item.id, "title": item.title}, f"Renamed {item.id} to “{item.title}”.")


def cmd_delete(args, ctx: CliContext) -> CommandOutput:
    with _history(ctx) as store:
        title = store.get_item(args.id).title
        store.delete(args.id)
    return CommandOutput({"deleted": int(args.id)}, f"Deleted {args.id} ({title}), its search entries and audio.")


def cmd_export(args, ctx: CliContext) -> CommandOutput:
    with _history(ctx) as store:
        text = store.export(args.id, args.fmt)
    return CommandOutput(json.loads(text) if args.fmt == "json" else text, text)


def cmd_backup(args, ctx: CliContext) -> CommandOutput:
    target = Path(args.file).expanduser().absolute()
    with _history(ctx) as store:
        path = store.backup(target)
    return CommandOutput({"path": str(path)}, f"Backed up the history to {path}.")


def cmd_wipe(args, ctx: CliContext) -> CommandOutput:
    if not args.yes:
        raise HistoryError(
            "wipe deletes every recording, conversation, audio file, voice and setting of the history; "
            "add --yes to confirm."
        )
    with _history(ctx) as store:
        store.wipe()
    return CommandOutput({"wiped": True}, "Deleted everything in the history.")
