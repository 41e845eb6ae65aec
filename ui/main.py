"""The `confide` entry point: with a command it hands over to app/'s command line; without one
(or with --screenshot / --self-test) it opens the window."""

from __future__ import annotations

import argparse
import sys

from app.cli.common import OneLineParser
from app.cli.numbers import thread_count
from app.offline import enforce_offline
from ui.views import VIEWS


def _gui_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="confide", add_help=False)
    parser.add_argument("--data-dir")
    parser.add_argument("--model")
    parser.add_argument("--threads", type=thread_count)  # checked here too: the window takes it
    parser.add_argument("--screenshot", metavar="PATH")
    parser.add_argument("--view", choices=list(VIEWS), default="record")
    parser.add_argument("--self-test", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    enforce_offline()
    argv = list(sys.argv[1:] if argv is None else argv)
    options, rest = _gui_parser().parse_known_args(argv)
    if rest or "-h" in argv or "--help" in argv:
        from app.cli import main as cli_main

        return cli_main(argv)
    from ui.app import run_gui

    return run_gui(
        argv,
        data_dir=options.data_dir,
        model_id=options.model,
        threads=options.threads,
        screenshot=options.screenshot,
        view=options.view,
        self_test=options.self_test,
    )


if __name__ == "__main__":
    sys.exit(main())
