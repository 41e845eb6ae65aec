"""The summary after Stop of a recording made through the microphone, prepared while it was
recorded (not a test): the whole path, as the window runs it.

The speech benchmark's meeting audio (bench/speech.py's synthesize: the eval meetings' turns in
espeak-ng voices, --minutes long) is played into a virtual microphone (a private PulseAudio
null sink) and recorded with live transcription (app.tasks.record). As the window does
(ui/views/summary_ahead.py), each time PREPARE_WORDS more words are transcribed and no such job
is running, the summary is prepared on the transcript so far, on a language worker thread of its
own, while the recording and its live transcription go on. Stop is pressed half a second after
the audio ends; the summary of the whole is then queued behind any job still running (as Stop
leaves it to finish) and timed from Stop.

Reported: Stop to the complete transcript and Stop to the summary; the preparing jobs and the
time the language worker was busy; how many segments live transcription finished before Stop
(it keeps up when nearly all are); the transcript's WER against the text spoken. Beside it, in
the same process: the same summary with nothing prepared (a fresh load of the model).

Usage: python bench/live_summary_mic.py [--minutes 60] [--model ID] [--threads 2] [--json OUT]
Needs pulseaudio, paplay, espeak-ng and sox (make system-test). Run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from speech import Playback, VirtualMic, synthesize, wer  # noqa: E402

MODELS = ROOT / ".cache" / "test-data"


class LanguageWorker:
    """One thread that runs jobs one after another, as the app's language worker does."""

    def __init__(self):
        self.jobs: queue.Queue = queue.Queue()
        self.busy_s = 0.0
        self.running = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def submit(self, job) -> threading.Event:
        done = threading.Event()
        self.running.set()  # at once: the caller must not start a second job before this one runs
        self.jobs.put((job, done))
        return done

    def _run(self) -> None:
        while True:
            job, done = self.jobs.get()
            self.running.set()
            started = time.perf_counter()
            try:
                job()
            finally:
                self.busy_s += time.perf_counter() - started
                if self.jobs.empty():
                    self.running.clear()
                done.set()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--json", dest="json_out", default=None)
    args = parser.parse_args(argv)
    audio, spoken = synthesize(args.minutes)
    with VirtualMic() as mic:
        os.environ.update(mic.env)  # before PortAudio starts: the recorder opens this microphone
        report = record_and_summarize(audio, spoken, args)
    report["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(report, indent=2))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2))
    return 0


def record_and_summarize(audio: Path, spoken: str, args) -> dict:
    import tempfile

    from app.assistant.prompt_memory import remembering
    from app.assistant.summarize import prepare_summary, run_summary
    from app.assistant.transcript_input import from_segments
    from app.engines import load_language_model
    from app.paths import DataDir
    from app.tasks.events import Done, Failed, LevelReading, TranscriptPiece
    from app.tasks.record import RecordTask, record
    from models.whisper import Transcriber
    from ui.views.summary_ahead import PREPARE_WORDS

    transcriber = Transcriber.load(MODELS / "models" / "whisper-base", threads=args.threads)
    model = load_language_model(DataDir(MODELS), args.model, threads=args.threads)
    worker = LanguageWorker()
    segments: list = []
    new_words, jobs = 0, 0
    result = None
    with tempfile.TemporaryDirectory() as folder:
        task = RecordTask(folder, live=True, beam_size=args.beam)
        playback = Playback(audio, task.control)
        for event in record(task, transcriber, threading.Event()):
            if isinstance(event, Failed):
                raise SystemExit(f"recording failed: {event.message}")
            if isinstance(event, TranscriptPiece) and playback.stopped is None:
                segments.append(event.segment)
                new_words += len(event.segment.text.split())
                if new_words >= PREPARE_WORDS and not worker.running.is_set():
                    so_far = from_segments(segments)
                    worker.submit(lambda so_far=so_far: list(prepare_summary(remembering(model), so_far)))
                    new_words, jobs = 0, jobs + 1
            if isinstance(event, LevelReading):
                playback.on_level(event.elapsed)
            if isinstance(event, Done):
                result = event.result
                break
    stopped = playback.stopped
    if result is None or stopped is None:
        raise SystemExit("the recording ended without a transcript")
    transcript_s = time.monotonic() - stopped
    live_segments = len(segments)
    final = from_segments(result.segments)
    summary: list = []
    worker.submit(lambda: summary.append(run_summary(remembering(model), final))).wait()
    summary_s = time.monotonic() - stopped

    fresh = load_language_model(DataDir(MODELS), args.model, threads=args.threads)
    started = time.perf_counter()
    plain = run_summary(remembering(fresh), final)
    plain_s = time.perf_counter() - started
    recorded_s = result.duration
    return {
        "model": args.model,
        "recorded_minutes": round(recorded_s / 60, 1),
        "words": sum(len(s.text.split()) for s in final),
        "wer": round(wer(spoken, result.text), 3),
        "segments_before_stop": f"{live_segments} of {len(result.segments)}",
        "stop_to_transcript_s": round(transcript_s, 1),
        "stop_to_summary_s": round(summary_s, 1),
        "prepare_jobs": jobs,
        "language_worker_busy_s": round(worker.busy_s, 1),
        "worker_busy_share_of_recording": round(worker.busy_s / recorded_s, 3),
        "summary_without_preparing_s": round(plain_s, 1),
        "identical": summary[0] == plain,
        "title": summary[0].title,
    }


if __name__ == "__main__":
    sys.exit(main())
