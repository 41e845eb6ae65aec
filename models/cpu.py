"""How many threads the engines use when the user has not chosen."""

from __future__ import annotations

import os

import psutil


def physical_cores() -> int:
    """Physical cores: on CPUs with two hardware threads per core, a matrix product per
    hardware thread runs no faster and makes the other work on the machine slower."""
    return max(1, psutil.cpu_count(logical=False) or os.cpu_count() or 1)
