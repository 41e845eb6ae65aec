"""`confide ask` (docs/cli.md): a question about the history, answered from it, with citations."""

from __future__ import annotations

from app.cli.common import CliContext, CommandOutput, add_command
from app.cli.numbers import item_id
from app.clock import clock
from app.engines import Job
from app.errors import AppError
from app.tasks.events import Done


def register(subparsers) -> None:
    ask = add_command(
        subparsers, "ask", cmd_ask, "answer a question from your recordings and conversations, citing them"
    )
    ask.add_argument("question", metavar="QUESTION")
    ask.add_argument("--recording", metavar="ID", type=item_id, help="ask only this recording (or conversation)")
    ask.add_argument("--since", metavar="DATE", help="only items from this date on (2024-05-01)")
    ask.add_argument(
        "--save", action="store_true", help="keep the question and its answer in the history (found by search)"
    )


def cmd_ask(args, ctx: CliContext) -> CommandOutput:
    from app.assistant.ask_history import AskTask
    from app.history import HistoryStore
    from app.tasks.ask import ask_history

    def load_model():
        from app.engines import load_language_model

        choice = ctx.engine(Job.SUMMARY)
        return load_language_model(ctx.data_dir, choice.model_id, choice.threads)

    task = AskTask(args.question, args.recording, args.since)
    if not ctx.data_dir.database.exists():
        raise AppError("Your history is empty: record, import or paste something first, then ask about it.")
    with HistoryStore.for_data_dir(ctx.data_dir) as store:
        if args.recording is not None:
            store.get_item(args.recording)  # "History item N does not exist", not "not found"
        answer = next((e.result for e in ask_history(load_model, store, task) if isinstance(e, Done)), None)
        if answer is None:  # the generator ends without Done only when cancelled, which the CLI never does
            raise RuntimeError("asking the history ended without an answer")
        saved = store.save_answer(answer, args.recording) if args.save else None
    lines = [answer.text]
    for number, citation in enumerate(answer.citations, 1):
        at = f" at {clock(citation.start)}" if citation.start is not None else ""
        lines.append(f"  [{number}] {citation.kind} {citation.item_id} “{citation.title}”{at}: {citation.text}")
    if saved is not None:
        lines.append(f"Saved in the history as item {saved}.")
    return CommandOutput(answer.to_json() | ({"saved": saved} if saved is not None else {}), "\n".join(lines))
