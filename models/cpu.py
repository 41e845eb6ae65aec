"""How many threads the engines use when the user has not chosen."""

from __future__ import annotations

import os


def physical_cores() -> int:
    """Physical cores: on CPUs with two hardware threads per core, a matrix product per
    hardware thread runs no faster and makes the other work on the machine slower."""
    try:
        import psutil  # optional: without it, the logical count is the best guess
    except ImportError:
        return max(1, os.cpu_count() or 1)
    return max(1, psutil.cpu_count(logical=False) or os.cpu_count() or 1)
