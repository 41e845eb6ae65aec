"""Confide's command line, without any Qt widgets (`python -m app COMMAND`).

Each command group lives in its own module with a `register(subparsers)` function; a handler
takes (args, ctx) and returns a CommandOutput. This module owns what all commands share:
global options, --json, exit codes, and turning AppError into one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from importlib import import_module

from app.cli import numbers
from app.cli.common import CliContext, CommandOutput, OneLineParser
from app.errors import AppError
from app.offline import enforce_offline

log = logging.getLogger("confide")

# Explicit list rather than discovery: the order is the order of `confide --help`.
COMMAND_MODULES = (
    "app.cli.models_cmd",
    "app.cli.llm_cmd",
    "app.cli.speech_cmd",
    "app.cli.assistant_cmd",
    "app.cli.ask_cmd",
    "app.cli.history_cmd",
    "app.cli.voices_cmd",
    "app.cli.doctor_cmd",
)


def add_global_options(parser: argparse.ArgumentParser, *, suppress_defaults: bool = False) -> None:
    default = argparse.SUPPRESS if suppress_defaults else None
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="where models, recordings and history live (env: CONFIDE_DATA_DIR)",
    )
    parser.add_argument(
        "--model",
        metavar="ID",
        default=default,
        help="language model for summaries, replies, generate and tokenize (default: the "
        "summary and reply models chosen in Settings)",
    )
    parser.add_argument(
        "--threads",
        metavar="N",
        type=numbers.thread_count,
        default=default,
        help=f"CPU threads for both engines, 1 to {numbers.threads_limit()} "
        "(default: the threads chosen in Settings, else the physical cores)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="confide",
        description="Confide: a private, offline assistant. Nothing leaves this machine.",
    )
    add_global_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(name).register(subparsers)
    return parser


def _print_output(output: CommandOutput, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(output.data, ensure_ascii=False, indent=1) + "\n")
    elif output.text is not None:
        text = output.text
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    enforce_offline()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    ctx = CliContext.from_args(args)
    try:
        output = args.handler(args, ctx)
        _print_output(output, bool(getattr(args, "json", False)))
        return output.exit_code
    except AppError as exc:
        sys.stderr.write(f"confide: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("confide: interrupted.\n")
        return 130
    except BrokenPipeError:
        return 0
