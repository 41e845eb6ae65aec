"""A finished result is never lost to a full disk: when --save cannot store it, it is printed
all the same and the user is told why it is not in the history.

A transcript or a summary can be an hour of work; the history write at its end is the one step
that needs free space, and failing there must not throw the result away.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from app.cli.common import CliContext
from app.errors import AppError
from app.history.disk_space import is_disk_full


def save_or_keep(ctx: CliContext, save: Callable[[], int], what: str) -> int | None:
    """save()'s item id; None when the disk is full (said on stderr: `what` is printed instead).
    Any other failure is raised as it was."""
    try:
        return save()
    except AppError as error:
        if not is_disk_full(error, ctx.data_dir.root):
            raise
    sys.stderr.write(
        f"confide: The disk holding {ctx.data_dir.root} is full, so the history could not store "
        f"{what}; it is printed on stdout instead. Free some space and run the command again "
        "with --save to keep it.\n"
    )
    sys.stderr.flush()
    return None
