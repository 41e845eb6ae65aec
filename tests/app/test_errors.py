"""The one sentence a user reads when Confide itself failed."""

from __future__ import annotations

from app.errors import bug_sentence


def test_a_bug_is_one_sentence_that_names_it_and_points_to_the_log():
    """The worker and the window both say this: what broke, and where the traceback is."""
    sentence = bug_sentence(KeyError("segments"))
    assert sentence == "Something went wrong (KeyError: 'segments'); details are in the log."
    assert "\n" not in sentence
