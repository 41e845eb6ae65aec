"""Records that several parts of app/ and the window share, defined once here, below all of
them: a conversation's Turn is what the parser reads from a paste, what the reply drafter
answers, what the history stores and gives back, and what the window shows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Turn:
    """One message of a conversation. speaker: None when neither the paste nor the history
    says who wrote it; time: as pasted ("6:02 PM") when the format carries one; signature: an
    e-mail's contact block (name, title, company), taken out of text. The history keeps the
    speaker and the text."""

    speaker: str | None
    text: str
    time: str | None = None
    signature: str = ""
