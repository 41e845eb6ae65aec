"""A search query too long for any word costs what a short one does (app/history/search_query.py)."""

from __future__ import annotations

import resource

from app.history.search_query import MAX_COMPOUND, compound_halves, parse_query


def test_a_100000_letter_word_asks_for_no_halves():
    """Every cut of a 100,000-letter word was a candidate compound (9.6 GB, found by
    bench/hostile.py); past MAX_COMPOUND letters none is, while real compounds keep theirs."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert compound_halves("x" * 100_000) == []
    query = parse_query("x" * 100_000)
    assert len(query.all_words) < 300_000
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB: not gigabytes
    assert ("help", "desk") in compound_halves("helpdesk")
    assert compound_halves("a" * MAX_COMPOUND)
