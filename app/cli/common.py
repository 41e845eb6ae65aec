"""What every command shares: the context (data folder, model, threads) and its output."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from app.engines import EngineChoice, Job, resolve
from app.paths import DataDir, open_data_dir
from app.settings import Settings, load_settings


class OneLineParser(argparse.ArgumentParser):
    """A usage error is one line on stderr (what is wrong and where to look) and exit 2, like
    every other refusal of the command line; --help still shows the whole usage. The parsers of
    sub-commands are of this class too (argparse makes them of their parent's class)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message}; see `{self.prog} --help`.\n")


@dataclass
class CommandOutput:
    """data is printed as JSON with --json; text is printed for people otherwise."""

    data: Any
    text: str | None = None
    exit_code: int = 0


@dataclass
class CliContext:
    data_dir_option: str | None = None
    model_id: str | None = None
    threads: int | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> CliContext:
        return cls(
            data_dir_option=getattr(args, "data_dir", None),
            model_id=getattr(args, "model", None),
            threads=getattr(args, "threads", None),
        )

    @cached_property
    def data_dir(self) -> DataDir:
        """Created (0700) on first use, so that `--help` and usage errors touch nothing; what a
        killed command left in it is cleared then (app.startup_cleanup)."""
        from app.startup_cleanup import clean_up_data_folder

        folder = open_data_dir(self.data_dir_option)
        clean_up_data_folder(folder)
        return folder

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.data_dir.settings_file)

    def engine(self, job: Job) -> EngineChoice:
        """The model and threads this command uses for the job: --model / --threads, then the
        settings, then the default (app.engines.resolve, as in the window)."""
        return resolve(job, self.settings, model_id=self.model_id, threads=self.threads)


def common_parent() -> argparse.ArgumentParser:
    """Options every command accepts: --json, and the global options after the command too."""
    from app.cli import add_global_options

    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--json", action="store_true", help="print exactly one JSON document on stdout")
    add_global_options(parent, suppress_defaults=True)
    return parent


Handler = Callable[[argparse.Namespace, CliContext], CommandOutput]


def add_command(subparsers, name: str, handler: Handler, help: str, **kwargs) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help, description=help, parents=[common_parent()], **kwargs)
    parser.set_defaults(handler=handler)
    return parser


def add_group(subparsers, name: str, help: str):
    """A command with sub-commands, e.g. `models list`."""
    parser = subparsers.add_parser(name, help=help, description=help)
    return parser.add_subparsers(dest=f"{name}_command", metavar="SUBCOMMAND", required=True)
