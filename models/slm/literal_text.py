"""Text from the user inside a rendered prompt stays text: a `<|im_end|>` pasted into a chat
must not become the real control token and end the turn (or open a system turn).

Prompts travel as strings (rendered by the chat template, extended with an opening, counted,
then encoded), so the chat template marks every control-token text found in a message's content
with two Unicode noncharacters around it, and the tokenizer encodes what is between the marks
with special-token parsing off. Only the texts of control tokens are marked: the rest of the
content renders and tokenizes exactly as before (a template may still trim it, split it...).
Noncharacters are meant for such internal use and never appear in text people exchange; any
found in user text are dropped before marking, so the user cannot forge a mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LITERAL_OPEN = "\ufdd0"
LITERAL_CLOSE = "\ufdd1"
_MARKS = re.compile(f"[{LITERAL_OPEN}{LITERAL_CLOSE}]")
_MARKED = re.compile(f"{LITERAL_OPEN}([^{LITERAL_CLOSE}]*){LITERAL_CLOSE}")


class LiteralMarker:
    """Marks the given control-token texts in user text (the longest where several start at one
    place). A vocabulary can have thousands (Gemma 3: 6,250), so texts are found by their first
    character and then looked up by length, not by one huge regular expression."""

    def __init__(self, special_texts: Iterable[str]):
        self._texts = frozenset(text for text in special_texts if text)
        lengths: dict[str, set[int]] = {}
        for text in self._texts:
            lengths.setdefault(text[0], set()).add(len(text))
        self._lengths = {first: sorted(found, reverse=True) for first, found in lengths.items()}
        self._starts = re.compile("[" + "".join(map(re.escape, sorted(lengths))) + "]") if lengths else None

    def mark(self, text: str) -> str:
        text = _MARKS.sub("", text)
        if self._starts is None:
            return text
        pieces, done = [], 0
        for match in self._starts.finditer(text):
            start = match.start()
            if start < done:
                continue  # inside a text marked already
            for length in self._lengths[text[start]]:
                if text[start : start + length] in self._texts:
                    pieces += [text[done:start], LITERAL_OPEN, text[start : start + length], LITERAL_CLOSE]
                    done = start + length
                    break
        return "".join(pieces) + text[done:] if pieces else text

    def mark_messages(self, messages: list[dict]) -> list[dict]:
        """Copies of the messages with their string contents marked."""
        return [
            {**message, "content": self.mark(message["content"])}
            if isinstance(message, dict) and isinstance(message.get("content"), str)
            else message
            for message in messages
        ]


def literal_pieces(text: str) -> list[tuple[str, bool]]:
    """(piece, is_literal) in order, the marks removed; [(text, False)] for unmarked text."""
    if LITERAL_OPEN not in text:
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _MARKED.finditer(text):
        pieces.append((_MARKS.sub("", text[position : match.start()]), False))
        pieces.append((match.group(1), True))
        position = match.end()
    pieces.append((_MARKS.sub("", text[position:]), False))
    return [(piece, literal) for piece, literal in pieces if piece]


def without_marks(text: str) -> str:
    return _MARKS.sub("", text)
