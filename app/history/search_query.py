"""The user's words as an FTS5 query that also finds the other ways of writing them.

The index's porter stemmer already joins inflections ("decided", "decides" -> "decid"). What it
leaves apart, and what people still mean as one thing:

- word families: "decide" and "decision" stem to "decid" and "decis". A query word is also
  looked for in the forms of its family (a short list of verb/noun endings, both ways);
- compounds: "helpdesk" is one token, "help desk" two. A long word is also looked for as the
  phrase of its two halves ("help" + "desk"), and two words typed together also as one word.

Everything is expanded here, at query time, into ORs of quoted terms, keeping only forms that
some passage holds: the index and its schema stay as they are. Every term is quoted, so nothing
the user types can become FTS5 syntax.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_TERMS = 16
MAX_JOINS = 3  # adjacent pairs also tried as one word ("help desk" -> "helpdesk")
# Words as the unicode61 tokenizer sees them (letters and digits; "_" separates); a trailing
# * asks for a prefix match.
TERM = re.compile(r"([^\W_]+)(\*?)")

# (verb ending, noun ending) of one family that the porter stemmer does not join. The part
# before the ending must keep MIN_STEM letters, so that "state" never becomes "station".
FAMILIES = (
    ("ide", "ision"),
    ("ude", "usion"),
    ("ate", "ation"),
    ("ify", "ification"),
    ("uce", "uction"),
    ("ibe", "iption"),
    ("eive", "eption"),
    ("ain", "anation"),
    ("ume", "umption"),
    ("mit", "mission"),
    ("yse", "ysis"),
    ("yze", "ysis"),
    ("ver", "very"),
    ("ail", "ailure"),
    ("ose", "osure"),
    ("ee", "eement"),
)
MIN_STEM = 3
# Halves of a compound must be words of their own: "therapist" is not "the" + "rapist", and
# "something" is not "some thing" nor "someth ing" (function words, word endings, and the
# parts of "everyone", "whatever", "sometimes": a phrase of two of the commonest words is also
# the costliest thing to look for).
MIN_HALF = 3
# Past this a "word" is no compound anyone types (a pasted 100,000-letter query once asked for
# every one of its halves: 100,000 strings of 100,000 letters, 9.6 GB).
MAX_COMPOUND = 40
NOT_HALVES = frozenset(
    """
the and for with out her his him she you your our not are was but can any all own off its who whom how
why one two now yet may per via also than then them they this that into onto upon over some thing things
every ever body where what when there here while times fore self ward wards
ing ings ate ated ion ions ment ments ness ers est ity ive ous ful able ible less ish ism ist ted ally
""".split()
)


def _quoted(word: str) -> str:
    return f'"{word}"'


def _bases(word: str) -> list[str]:
    """The word and what it may be inflected from ("decided" -> "decide", "decid")."""
    bases = [word]
    for ending, replacements in (("ing", ("", "e")), ("ed", ("", "e")), ("es", ("", "e")), ("s", ("",))):
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            bases += [word[: -len(ending)] + r for r in replacements]
            break
    return bases


def word_forms(word: str) -> list[str]:
    """word and the other members of its family: 'decide' -> ['decide', 'decision']."""
    word = word.lower()
    forms = [word]
    if not word.isalpha():
        return forms
    for base in _bases(word):
        for verb, noun in FAMILIES:
            for have, other in ((verb, noun), (noun, verb)):
                if base.endswith(have) and len(base) - len(have) >= MIN_STEM:
                    form = base[: len(base) - len(have)] + other
                    if form not in forms and form.isalpha() and len(form) > len(other):
                        forms.append(form)
    return forms


def compound_halves(word: str) -> list[tuple[str, str]]:
    """The ways a long word may have been written as two: 'helpdesk' -> ('help', 'desk'), ...
    (which of them a transcript used is left to the index: the others find nothing)."""
    word = word.lower()
    if not word.isalpha() or not 2 * MIN_HALF <= len(word) <= MAX_COMPOUND:
        return []
    return [
        (word[:cut], word[cut:])
        for cut in range(MIN_HALF, len(word) - MIN_HALF + 1)
        if word[:cut] not in NOT_HALVES and word[cut:] not in NOT_HALVES
    ]


def _joinable(a: str, b: str) -> bool:
    return all(w.isalpha() and len(w) >= MIN_HALF and w.lower() not in NOT_HALVES for w in (a, b))


@dataclass(frozen=True)
class Query:
    """units: one FTS5 expression per word typed (the word, its family, its halves);
    words: the quoted words as typed (for the phrase); joins: (i, expression) for words i and
    i+1 written as one word."""

    units: tuple[str, ...]
    words: tuple[str, ...] = ()
    joins: tuple[tuple[int, str], ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        return self.units

    def _with_joins(self, parts: list[str], separator: str) -> str:
        """parts joined by separator, OR the same with each joinable pair as one word."""
        alternatives = [separator.join(parts)]
        for i, joined in self.joins:
            alternatives.append(separator.join(parts[:i] + [joined] + parts[i + 2 :]))
        if len(alternatives) == 1:
            return alternatives[0]
        return " OR ".join(f"({a})" for a in alternatives)

    @property
    def all_words(self) -> str:
        return self._with_joins(list(self.units), " AND ")

    @property
    def any_word(self) -> str:
        return " OR ".join(list(self.units) + [joined for _, joined in self.joins])

    @property
    def phrase(self) -> str:
        return self._with_joins(list(self.words), " + ")


def parse_query(text: str, indexed: Callable[[str], bool] = lambda word: True) -> Query:
    """The user's words as quoted FTS5 terms: no operator or syntax error can leak through.
    indexed(word) tells whether any passage holds a word: other forms, halves and joined words
    that none holds are left out, so that every query the index answers stays as small as the
    words typed (each term costs a lookup in every segment of the index, in every statement)."""
    typed = TERM.findall(text or "")[:MAX_TERMS]
    units, words = [], []
    for word, star in typed:
        words.append(f"{_quoted(word)}{star}")
        if star:
            units.append(f"{_quoted(word)}*")
            continue
        forms = word_forms(word)
        alternatives = [_quoted(forms[0])] + [_quoted(form) for form in forms[1:] if indexed(form)]
        alternatives += [f"{_quoted(a)} + {_quoted(b)}" for a, b in compound_halves(word) if indexed(a) and indexed(b)]
        units.append(alternatives[0] if len(alternatives) == 1 else f"({' OR '.join(alternatives)})")
    joins: list[tuple[int, str]] = []
    for i in range(len(typed) - 1):
        (a, a_star), (b, b_star) = typed[i], typed[i + 1]
        if not a_star and not b_star and _joinable(a, b) and len(joins) < MAX_JOINS and indexed(a + b):
            joins.append((i, _quoted((a + b).lower())))
    return Query(tuple(units), tuple(words), tuple(joins))
