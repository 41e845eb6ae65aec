"""The summary of a recording, started while it is still being recorded.

Each time about PREPARE_WORDS more words are transcribed, and when no such job is running,
the summary model reads the transcript so far on the language worker
(services.prepare_summary: notes on its finished parts, the decisions and action items found so
far, kept in the model's memory). The summary made at Stop asks those same questions and finds
the answers remembered, so after Stop only the last part, the overview and the title are left.

Stop leaves a running job to finish: all it works out is used by the summary queued after it.
Cancelling the recording cancels it. A failure here is never shown: the recording goes on, and
the summary at Stop says what is wrong, if anything still is.
"""

from __future__ import annotations

import logging

from app.errors import AppError

log = logging.getLogger(__name__)

PREPARE_WORDS = 450  # about three minutes of speech: a part of the meeting as the model reads it


class SummaryAhead:
    def __init__(self, services):
        self.services = services
        self.segments: list = []
        self.new_words = 0
        self.handle = None
        self.started = 0  # jobs started for this recording

    @property
    def running(self) -> bool:
        return self.handle is not None and self.handle.active

    def restart(self) -> None:
        """A new recording: nothing of the last one is read any more."""
        self.cancel()
        self.segments = []
        self.new_words = 0
        self.started = 0

    def add(self, segment) -> None:
        self.segments.append(segment)
        self.new_words += len((segment.text or "").split())
        if self.new_words >= PREPARE_WORDS and not self.running:
            self._start()

    def cancel(self) -> None:
        if self.running:
            self.handle.cancel()

    def _start(self) -> None:
        try:
            self.handle = self.services.prepare_summary(list(self.segments))
        except AppError as error:  # e.g. no summary model installed: the summary at Stop will say so
            log.info("the summary could not be started during the recording: %s", error)
            return
        self.handle.failed_with.connect(lambda message: log.info("preparing the summary failed: %s", message))
        self.new_words = 0
        self.started += 1
