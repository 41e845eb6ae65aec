"""The query a search sends to FTS5: the words typed, their family and their compounds, only
as far as the index holds them, and never anything the user types as FTS5 syntax."""

from __future__ import annotations

from app.history.search_query import compound_halves, parse_query, word_forms


def test_word_families_both_ways():
    """Verb and noun of one family find each other, from inflected forms too; a short stem is
    never stretched into another word ('state' is not 'station')."""
    assert "decision" in word_forms("decide") and "decision" in word_forms("decided")
    assert "decide" in word_forms("decisions")
    assert "delivery" in word_forms("deliver") and "agreement" in word_forms("agreed")
    assert word_forms("state") == ["state"] and "ration" not in word_forms("rate")


def test_compound_halves_are_words_of_their_own():
    """'helpdesk' may be 'help desk'; halves are at least three letters and never a function
    word ('therapist' is not 'the rapist')."""
    assert ("help", "desk") in compound_halves("Helpdesk")
    assert all("the" not in pair for pair in compound_halves("therapist"))
    assert compound_halves("desk") == []


def test_only_what_the_index_holds_is_asked_for():
    """Forms, halves and joined words that no passage holds are left out: the query is then
    the words as typed, as small as before word forms existed."""
    nothing = parse_query("helpdesk decide", indexed=lambda word: False)
    assert nothing.all_words == '"helpdesk" AND "decide"'
    assert nothing.phrase == '"helpdesk" + "decide"'
    held = {"help", "desk", "decision", "helpdesk"}
    some = parse_query("help desk", indexed=held.__contains__)
    assert some.all_words == '("help" AND "desk") OR ("helpdesk")'
    assert some.phrase == '("help" + "desk") OR ("helpdesk")'
    assert parse_query("helpdesk", indexed=held.__contains__).all_words == '("helpdesk" OR "help" + "desk")'


def test_typed_syntax_stays_words():
    """Quotes, operators and column filters typed by the user become quoted words."""
    query = parse_query('col:meeting NEAR(a "b" OR', indexed=lambda word: False)
    assert query.all_words == '"col" AND "meeting" AND "near" AND "a" AND "b" AND "or"'
    assert parse_query("photo*").all_words == '"photo"*'
