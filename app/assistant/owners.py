"""Who takes an action item on: a person of the transcript, found from what was said (a name
with "will", the speaker of an "I will", the one asked who said yes), never a day or month."""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.assistant.chunking import Utterance
from app.assistant.grounding import ASKED, INTRODUCTION, SELF_COMMIT, NameBook, is_person_word
from app.assistant.text_tools import split_sentences, words

# The first words of a short "yes" to a request ("Sure, I can do that").
ACCEPT = frozenset(
    "yeah yes sure okay ok right will alright fine yep i do can course of no problem absolutely definitely".split()
)


def owner_for(
    utterance: Utterance,
    following: Sequence[Utterance],
    names: NameBook,
    said: str | None = None,
    before: Utterance | None = None,
) -> str | None:
    """Who takes the item on, or None. said: the sentence(s) of the utterance that carry the item
    (all of it by default), so that a name elsewhere in a long turn is not taken for its owner.

    A name said with 'will'/'should'; for an 'I will', its speaker (the name they gave, else
    their label; without labels, see unlabelled_speaker); for a 'can you', the person asked by
    name or who says 'yes' right after. Always a person of the transcript, never a day or month."""
    text = said or utterance.text
    for match in re.finditer(
        r"\b((?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+)(?:,)?\s+(?:will|should|is going to|needs to|"
        r"has to|can you|could you|would you|you)\b",
        text,
    ):
        words_here = match.group(1).split()
        for first in range(len(words_here)):  # "The Industrial Designer" -> "Industrial Designer"
            known = names.find(" ".join(words_here[first:]))
            if known and is_person_word(known.split()[-1]):
                return known
    if SELF_COMMIT.search(text):
        if utterance.speaker:
            return names.person(utterance.speaker)
        return unlabelled_speaker(utterance.text, text, before, names)
    if ASKED.search(text):
        for token in re.findall(r"\b[A-Z][a-z]+\b", text):
            known = names.find(token)
            if known and known != utterance.speaker and is_person_word(token):
                return known
        for reply in following[:2]:
            if reply.speaker and reply.speaker != utterance.speaker:
                reply_words = words(reply.text)
                if reply_words and len(reply_words) <= 8 and reply_words[0] in ACCEPT:
                    return names.person(reply.speaker)
                break
    return None


VOCATIVE = (
    re.compile(r"^(?:(?:so|and|okay|ok|now|then|good|great|right|alright)[,.]?\s+)?([A-Z][a-z]+),\s"),
    re.compile(r",\s*([A-Z][a-z]+)\s*\?$"),
)


def unlabelled_speaker(whole: str, said: str, before: Utterance | None, names: NameBook) -> str | None:
    """Who said an 'I will' in a transcript without speaker labels, when the words tell: the
    name given in the same breath ('I'm Priya, and I'll send...'), or, for a reply in the first
    two sentences of a turn, the one person the question just before was put to ('Leo, where
    are we?')."""
    position = whole.find(said[:40])
    if position < 0:
        return None
    introduced = [
        m.group(1) for m in INTRODUCTION.finditer(whole[: position + len(said)]) if is_person_word(m.group(1))
    ]
    if introduced:
        return names.find(introduced[-1])
    opening = " ".join(split_sentences(whole)[:2])  # "The draft is done. I'll update it by Friday."
    if before is None or position > len(opening) or not before.text.rstrip().endswith("?"):
        return None
    question = (split_sentences(before.text) or [before.text])[-1].strip()
    asked = {names.find(m.group(1)) for pattern in VOCATIVE for m in [pattern.search(question)] if m}
    asked = {name for name in asked if name and is_person_word(name)}
    return asked.pop() if len(asked) == 1 else None
