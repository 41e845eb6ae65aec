"""How a view reports a failed call into the services: one sentence in its banner (an AppError's
own words; anything else is a bug, logged, with services.readable's sentence)."""

from __future__ import annotations


class Reporting:
    """A block of service calls; an exception in it is shown, not raised, and ``failed`` says so:

    with reporting(self) as call:
        handle = self.services.summarize(recording, detail)
    if call.failed:
        return
    """

    def __init__(self, banner, readable, level: str = "error", show: bool = True, action: str | None = None):
        self.banner = banner
        self.readable = readable
        self.level = level
        self.show = show
        self.action = action
        self.failed = False
        self.message = ""

    def __enter__(self) -> Reporting:
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if not isinstance(error, Exception):
            return False  # no error, or KeyboardInterrupt and the like: not for the banner
        self.failed = True
        self.message = self.readable(error)
        if self.show:
            self.banner.show_message(self.message, self.level, action=self.action)
        return True


def reporting(view, level: str = "error", *, banner=None, show: bool = True, action: str | None = None) -> Reporting:
    """Reports in ``banner`` (the view's own by default) at ``level`` ("error" or "warning"),
    with the banner's ``action`` button when given; with show=False only ``message`` keeps the
    sentence, for the caller to put elsewhere."""
    if banner is None and show:
        banner = view.banner
    return Reporting(banner, view.services.readable, level, show, action)
