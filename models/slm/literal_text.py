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
from typing import Iterable

LITERAL_OPEN = "\ufdd0"
LITERAL_CLOSE = "\ufdd1"
_MARKS = re.compile(f"[{LITERAL_OPEN}{LITERAL_CLOSE}]")
_MARKED = re.compile(f"{LITERAL_OPEN}([^{LITERAL_CLOSE}]*){LITERAL_CLOSE}")


class LiteralMarker:
    """Marks the given control-token texts in user text (longest first where they overlap)."""

    def __init__(self, special_texts: Iterable[str]):
        texts = sorted({text for text in special_texts if text}, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, texts))) if texts else None

    def mark(self, text: str) -> str:
        text = _MARKS.sub("", text)
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda match: f"{LITERAL_OPEN}{match.group(0)}{LITERAL_CLOSE}", text)

    def mark_messages(self, messages: list[dict]) -> list[dict]:
        """Copies of the messages with their string contents marked."""
        return [{**message, "content": self.mark(message["content"])}
                if isinstance(message, dict) and isinstance(message.get("content"), str) else message
                for message in messages]


def literal_pieces(text: str) -> list[tuple[str, bool]]:
    """(piece, is_literal) in order, the marks removed; [(text, False)] for unmarked text."""
    if LITERAL_OPEN not in text:
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _MARKED.finditer(text):
        pieces.append((_MARKS.sub("", text[position:match.start()]), False))
        pieces.append((match.group(1), True))
        position = match.end()
    pieces.append((_MARKS.sub("", text[position:]), False))
    return [(piece, literal) for piece, literal in pieces if piece]


def without_marks(text: str) -> str:
    return _MARKS.sub("", text)
