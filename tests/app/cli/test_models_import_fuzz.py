"""A fuzzer on `confide models import FILE.gguf`: Hypothesis mutates a valid small GGUF header
(bytes overwritten, counts and lengths replaced by hostile values, the file cut short) and every
mutant must be refused with one sentence: a ModelError (the CLI's exit 1 with one line), no other
exception (a traceback), within 5 s and 500 MB each.

The mutants run in-process through the importer the command calls (hundreds in seconds; memory
measured with tracemalloc, which numpy reports to); a few also run as the real command line,
measured as processes. Bounded to about half a minute in all."""

from __future__ import annotations

import struct
import time
import tracemalloc
from pathlib import Path

from crafted_gguf import llama_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from measured import run_confide_measured

from models.errors import AppError
from models.importer import import_model

SECONDS, MEGABYTES = 5.0, 500
HOSTILE_NUMBERS = [0, 1, 2**8 - 1, 2**16, 2**31, 2**32 - 1, 2**32, 2**60, 2**63, 2**64 - 1]


def _base(folder: Path) -> bytes:
    return llama_file(folder / "base.gguf").read_bytes()


def _mutants():
    """(overwrites of single bytes, overwrites of 4 or 8 bytes by hostile numbers, cut length)."""
    position = st.integers(min_value=0, max_value=1100)
    return st.tuples(
        st.lists(st.tuples(position, st.integers(0, 255)), max_size=6),
        st.lists(st.tuples(position, st.sampled_from([4, 8]), st.sampled_from(HOSTILE_NUMBERS)), max_size=3),
        st.one_of(st.none(), st.integers(min_value=0, max_value=1200)),
    )


def _apply(base: bytes, mutant) -> bytes:
    data = bytearray(base)
    bytes_, numbers, cut = mutant
    for where, value in bytes_:
        if where < len(data):
            data[where] = value
    for where, width, value in numbers:
        packed = struct.pack("<I" if width == 4 else "<Q", value % (1 << (8 * width)))
        data[where : where + width] = packed[: max(0, len(data) - where)]
    return bytes(data[:cut] if cut is not None else data)


def _import_refused(path: Path, models_dir: Path) -> str:
    """The one-line message import_model refuses the file with; any other exception propagates."""
    try:
        import_model(path, models_dir)
    except AppError as exc:
        return str(exc)
    raise AssertionError(f"{path} was imported")


def test_mutated_gguf_headers_are_refused_in_one_sentence(tmp_path):
    """Every mutant: a ModelError of one line, under 5 s and 500 MB; nothing left installed."""
    base = _base(tmp_path)
    models_dir = tmp_path / "models"
    # the builder is imported before the first timed example (the importer is, at the top)
    import models.slm.builder  # noqa: F401

    @settings(
        max_examples=250,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(_mutants())
    def refused(mutant):
        path = tmp_path / "mutant.gguf"
        path.write_bytes(_apply(base, mutant))
        tracemalloc.start()
        started = time.monotonic()
        try:
            message = _import_refused(path, models_dir)
            seconds = time.monotonic() - started
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert message and "\n" not in message
        assert seconds < SECONDS and peak < MEGABYTES * 1e6, (seconds, peak, message)
        assert not models_dir.exists() or list(models_dir.iterdir()) == []

    refused()


def test_a_few_mutants_through_the_command_line(tmp_path, data_dir):
    """The same property for the real command: exit 1, one `confide:` line, no traceback, under
    5 s and 500 MB of the process (a header counting 2**60 metadata entries, a tensor count of
    2**63 and a vocabulary array of 2**64-1 strings, a string length of 2**32, a cut file)."""
    base = _base(tmp_path)
    mutants = [
        ([], [(16, 8, 2**60)], None),
        ([], [(8, 8, 2**63)], None),
        ([], [(40, 8, 2**32)], None),
        ([], [(412, 8, 2**64 - 1)], None),
        ([(5, 7)], [], 333),
    ]
    for index, mutant in enumerate(mutants):
        path = tmp_path / f"mutant{index}.gguf"
        path.write_bytes(_apply(base, mutant))
        result = run_confide_measured("models", "import", str(path), data_dir=data_dir, timeout=30)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
        assert lines and lines[-1].startswith("confide: ") and len(lines) <= 2, result.stderr
        assert result.seconds < SECONDS and result.peak_rss_mb < MEGABYTES, (result.seconds, result.peak_rss_mb)
