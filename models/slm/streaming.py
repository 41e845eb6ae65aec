"""Token ids to streamed text: deltas that never split a UTF-8 character, never show the start of a
stop string before it is known whether it completes, and cost the same at token 1000 as at token 1.

Decoding a window of recent ids rather than all of them keeps each step cheap; the window starts a
few tokens back and the text is taken as the difference of two decodes of the same window start,
so that tokenizers which treat the first token of a decode specially (SentencePiece's leading
space) give the same text as one decode of everything.
"""

from __future__ import annotations

from collections.abc import Sequence

REPLACEMENT = "\ufffd"  # what a decoder gives for an incomplete UTF-8 sequence
WINDOW_BACK = 6  # tokens of context before the new ones: plenty for multi-token characters


class TextStream:
    def __init__(self, tokenizer, stop_strings: Sequence[str] = ()):
        self.tokenizer = tokenizer
        self.stop_strings = tuple(s for s in stop_strings if s)
        self.hold = max((len(s) for s in self.stop_strings), default=1) - 1
        self.text = ""  # all text decoded so far (up to the stop string, once one is found)
        self.emitted = 0  # characters of self.text already handed out
        self.stopped = False
        self._window_start = 0  # first id of the decode window
        self._read = 0  # ids whose text is already in self.text

    def push(self, ids: Sequence[int]) -> tuple[str, bool]:
        """ids: everything generated so far. Returns (new text to show, whether a stop string was hit)."""
        if self.stopped:
            return "", True
        known = self.tokenizer.decode(ids[self._window_start : self._read]) if self._read > self._window_start else ""
        window = self.tokenizer.decode(ids[self._window_start :])
        if window.endswith(REPLACEMENT) or len(window) < len(known):
            return "", False  # the last token ends inside a character: wait for the rest
        self.text += window[len(known) :]
        self._read = len(ids)
        self._window_start = max(0, self._read - WINDOW_BACK)
        search_from = max(0, self.emitted - self.hold)
        for stop in self.stop_strings:
            at = self.text.find(stop, search_from)
            if at != -1:
                self.text = self.text[:at]
                self.stopped = True
                return self._take(len(self.text)), True
        return self._take(len(self.text) - self.hold), False

    def finish(self) -> str:
        """The text held back for stop strings (a character cut off by the token limit is dropped)."""
        return self._take(len(self.text))

    def _take(self, end: int) -> str:
        if end <= self.emitted:
            return ""
        delta = self.text[self.emitted : end]
        self.emitted = end
        return delta
