"""The files of the `resources` package (style sheet, icons, the self-test's speech clip), read
with importlib.resources: the same call finds them in a checkout, in an installed wheel and in
the PyInstaller bundle."""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "resources"
# Files extracted for callers that need a real path (Qt, FFmpeg) when the package is not a
# folder on disk (a zipped install); removed when the process ends.
_extracted = ExitStack()
atexit.register(_extracted.close)


def _traversable(name: str) -> Traversable:
    return resources.files(PACKAGE).joinpath(*name.split("/"))


def resource_text(name: str) -> str:
    """The text of ``name`` ("style.qss", "speech/clip.txt")."""
    return _traversable(name).read_text(encoding="utf-8")


@cache
def resource(name: str) -> Path:
    """A file-system path to ``name``, for libraries that open files by path."""
    return _extracted.enter_context(resources.as_file(_traversable(name)))
