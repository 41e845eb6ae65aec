"""The numbers the command line takes, checked where they are parsed.

Each function is an argparse `type=`: a value out of range is a usage error (exit 2, one line)
that says the allowed range, instead of reaching an engine that would start 10,000 threads,
raise a ValueError deep inside NumPy, or silently treat top-p 2 as 1.
"""

from __future__ import annotations

import argparse
import math

from models.cpu import physical_cores

MAX_SEED = 2**32 - 1  # what every NumPy generator accepts, and enough to repeat a run
MAX_NEW_TOKENS = 32_768  # beyond every supported model's context window
MAX_TOP_K = 1_000_000  # above any vocabulary; 0 means no top-k cut
MAX_TEMPERATURE = 100.0  # far past where sampling is already uniform noise
MAX_ITEM_ID = 2**63 - 1  # SQLite's largest integer key


def threads_limit() -> int:
    """Two threads per physical core: more only makes the engines fight over the cores."""
    return physical_cores() * 2


def _whole(text: str, what: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number ({what})") from None


def _real(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number ({what})") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"'{text}' is not a finite number ({what})")
    return value


def thread_count(text: str) -> int:
    value = _whole(text, "CPU threads")
    limit = threads_limit()
    if not 1 <= value <= limit:
        raise argparse.ArgumentTypeError(
            f"the number of threads must be between 1 and {limit} (twice this machine's {limit // 2} physical cores)"
        )
    return value


def seed(text: str) -> int:
    value = _whole(text, "the seed")
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"the seed must be between 0 and {MAX_SEED}")
    return value


def new_tokens(text: str) -> int:
    value = _whole(text, "tokens")
    if not 1 <= value <= MAX_NEW_TOKENS:
        raise argparse.ArgumentTypeError(f"the number of new tokens must be between 1 and {MAX_NEW_TOKENS}")
    return value


def temperature(text: str) -> float:
    value = _real(text, "the temperature")
    if not 0.0 <= value <= MAX_TEMPERATURE:
        raise argparse.ArgumentTypeError(f"the temperature must be between 0 (greedy) and {MAX_TEMPERATURE:g}")
    return value


def top_p(text: str) -> float:
    value = _real(text, "top-p")
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError("top-p must be above 0 and at most 1 (1: no cut)")
    return value


def top_k(text: str) -> int:
    value = _whole(text, "top-k")
    if not 0 <= value <= MAX_TOP_K:
        raise argparse.ArgumentTypeError(f"top-k must be between 0 (no cut) and {MAX_TOP_K}")
    return value


def item_id(text: str) -> int:
    """A history item's id, as `confide history list` shows it."""
    try:
        value = int(text.strip(), 10)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an item id; ids are the numbers `confide history list` shows"
        ) from None
    if not 1 <= value <= MAX_ITEM_ID:
        raise argparse.ArgumentTypeError(f"'{text}' is not an item id; ids are whole numbers from 1 to {MAX_ITEM_ID}")
    return value
