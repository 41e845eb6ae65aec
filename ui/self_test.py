"""`confide --self-test`: both models loaded, a speech clip (resources/speech) transcribed, its
transcript summarized, three replies drafted, all through the worker-thread bridge as in the
window; one line per step with its time; exit 0 only when every check holds."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from app.audio.wer import word_error_rate
from app.bridge import SPEECH
from app.tasks.events import Done, TaskState
from ui.resources import resource

CONVERSATION = (
    "Anna: Hi! Are we still on for lunch on Friday?\n"
    "Me: I think so, let me check my calendar.\n"
    "Anna: Great. Could we make it 12:30 instead of 12?"
)
MAX_WER = 0.3
STEP_TIMEOUT_S = 300


@dataclass(frozen=True)
class _LoadOnly:
    what: str


def _load(task, slot, cancel):
    slot.get()
    yield Done(task.what)


class SelfTest:
    def __init__(self, services, out=sys.stdout):
        self.services = services
        self.out = out
        self.failures: list[str] = []

    def step(self, name: str, handle, check):
        """Waits for ``handle`` (running the event loop), prints one line, returns its result."""
        from PySide6.QtCore import QEventLoop, QTimer

        began = time.monotonic()
        loop = QEventLoop()
        handle.finished.connect(loop.quit)
        QTimer.singleShot(STEP_TIMEOUT_S * 1000, loop.quit)
        if handle.active:
            loop.exec()
        seconds = time.monotonic() - began
        if handle.active:
            handle.cancel()
            problem = f"no answer within {STEP_TIMEOUT_S} s"
        elif handle.state != TaskState.DONE:
            problem = handle.error or handle.state
        else:
            problem = check(handle.result)
        verdict = "ok" if problem is None else f"FAILED: {problem}"
        print(f"{name:<28} {seconds:6.1f} s   {verdict}", file=self.out, flush=True)
        if problem is not None:
            self.failures.append(name)
        return handle.result if handle.state == TaskState.DONE else None

    def run(self) -> int:
        services, bridge = self.services, self.services.bridge
        self.step("load the speech model", bridge.submit(SPEECH, _LoadOnly("speech"), _load), lambda _r: None)
        self.step("load the language model", services.load_language_models(), lambda _r: None)

        expected = resource("speech/clip.txt").read_text(encoding="utf-8")
        clip = services.transcribe_file(str(resource("speech/clip.opus")))
        transcript = self.step(
            "transcribe the speech clip", clip, lambda result: self._check_transcript(expected, result)
        )
        if transcript is not None:
            from ui.records import RecordingDetails

            recording = RecordingDetails(0, "self-test", "", transcript.duration, None, tuple(transcript.segments))
            self.step("summarize the transcript", services.summarize(recording), self._check_summary)
        else:
            self.failures.append("summarize the transcript")
            print(f"{'summarize the transcript':<28}    -     skipped: no transcript", file=self.out)

        parsed = services.parse_conversation(CONVERSATION)
        self.step(
            "draft three replies", services.draft_replies(parsed, parsed.me, "friendly", "short"), self._check_replies
        )
        passed = not self.failures
        print("self-test passed" if passed else f"self-test FAILED: {', '.join(self.failures)}", file=self.out)
        return 0 if passed else 1

    @staticmethod
    def _check_transcript(expected: str, result) -> str | None:
        text = " ".join(segment.text for segment in result.segments)
        wer = word_error_rate(expected, text)
        return None if wer <= MAX_WER else f"word error rate {wer:.2f} > {MAX_WER} ({text!r})"

    @staticmethod
    def _check_summary(summary) -> str | None:
        if summary is None or not summary.title.strip():
            return "the summary has no title"
        if not summary.key_points:
            return "the summary has no key point"
        return None

    def _check_replies(self, result) -> str | None:
        drafts = [text.strip() for text in self.services.draft_texts(result)]
        if len(drafts) != 3 or not all(drafts) or len(set(d.lower() for d in drafts)) != 3:
            return f"expected three distinct non-empty drafts, got {drafts!r}"
        return None


def run_self_test(argv, data_dir, *, model_id=None, threads=None, kit=None) -> int:
    """Runs in a Qt application without showing a window (the steps are the window's own)."""
    import faulthandler

    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from ui.services import Services

    # a safety net for CI: a self-test that hangs prints where every thread is, and ends
    faulthandler.dump_traceback_later(STEP_TIMEOUT_S * 6, exit=True)
    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0], *argv])
    services = Services(data_dir, kit=kit, model_id=model_id, threads=threads)
    services.personalize = False  # the self-test reads and writes no history
    services.start_bridge(None)
    print(f"Confide self-test (data folder {data_dir.root})", flush=True)
    try:
        code = SelfTest(services).run()
    finally:
        loop = QEventLoop()
        services.bridge.stopped.connect(loop.quit)
        services.bridge.shutdown(timeout_s=5.0)
        if not services.bridge.all_stopped():
            QTimer.singleShot(6000, loop.quit)
            loop.exec()
        services.close_history()
        faulthandler.cancel_dump_traceback_later()
    del app
    return code
