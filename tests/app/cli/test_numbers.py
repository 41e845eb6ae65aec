"""Every number the command line takes is checked where it is parsed (app/cli/numbers.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import ROOT, run_confide

from app.cli import numbers

OUT_OF_RANGE = [
    (("--threads", "-1", "generate", "hi"), "threads must be between 1 and"),
    (("--threads", "10000", "generate", "hi"), "threads must be between 1 and"),
    (("transcribe", "clip.wav", "--threads", "-1"), "threads must be between 1 and"),
    (("transcribe", "clip.wav", "--threads", "10000"), "threads must be between 1 and"),
    (("generate", "hi", "--seed", "-1"), "seed must be between 0 and 4294967295"),
    (("generate", "hi", "--max-new-tokens", "-5"), "new tokens must be between 1 and"),
    (("generate", "hi", "--max-new-tokens", "0"), "new tokens must be between 1 and"),
    (("generate", "hi", "--temperature", "-1"), "temperature must be between 0"),
    (("generate", "hi", "--temperature", "nan"), "not a finite number"),
    (("generate", "hi", "--top-p", "2"), "top-p must be above 0 and at most 1"),
    (("generate", "hi", "--top-p", "0"), "top-p must be above 0 and at most 1"),
    (("generate", "hi", "--top-k", "-3"), "top-k must be between 0"),
    (("history", "show", "99999999999999999999999"), "ids are whole numbers from 1 to"),
    (("history", "delete", "-4"), "ids are whole numbers from 1 to"),
    (("history", "export", "abc"), "is not an item id"),
]


@pytest.mark.parametrize("args,expected", OUT_OF_RANGE, ids=[" ".join(a) for a, _ in OUT_OF_RANGE])
def test_a_number_out_of_range_is_a_one_line_usage_error(data_dir, args, expected):
    """Out of range or not a number: exit 2 and one line that says the allowed range, before
    any model, database or thread is touched."""
    result = run_confide(*args, data_dir=data_dir)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert not (data_dir / "history.db").exists()


def test_the_window_s_own_options_are_checked_too(data_dir):
    """`confide --threads 10000` without a command (the window's parser) is refused the same way."""
    result = subprocess.run(
        [sys.executable, "-m", "ui", "--data-dir", str(data_dir), "--threads", "10000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "threads must be between 1 and" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_recording_reference_beyond_sqlite_s_integers_is_one_sentence(data_dir):
    """summarize recording:<23 digits>: exit 1 with one sentence, not an OverflowError."""
    result = run_confide("summarize", "recording:99999999999999999999999", data_dir=data_dir)
    assert result.returncode == 1 and "names no recording" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_limits_admit_the_values_people_use():
    """The defaults and ordinary values pass: threads 1..2 x cores, seed 0, top-p 1, top-k 0."""
    assert numbers.thread_count("1") == 1 and numbers.thread_count(str(numbers.threads_limit()))
    assert numbers.seed("0") == 0 and numbers.seed(str(numbers.MAX_SEED)) == numbers.MAX_SEED
    assert numbers.top_p("1") == 1.0 and numbers.top_k("0") == 0 and numbers.temperature("0") == 0.0
    assert numbers.new_tokens("256") == 256 and numbers.item_id(" 42 ") == 42
