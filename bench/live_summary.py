"""The summary after Stop of an hour-long recording, prepared while it was recorded (not a test).

A real meeting of about an hour (../shared/eval/meetings.jsonl, default qmsum-5: 8,892 words,
about 60 minutes at 150 words a minute) is fed in the order it was said, as the window gets it
from live transcription: each time ui.views.summary_ahead.PREPARE_WORDS more words have come,
the summary is prepared on the transcript so far (app.assistant.summarize.prepare_summary,
through the model's memory), as the window does while recording. Then, as at Stop, the
summary of the whole, timed. Beside it, in the same process: the same summary with no
preparation (a fresh load of the model, so nothing is remembered).

Reported: seconds from Stop to the summary, with and without preparing; the time the language
worker was busy preparing, against the speaking time (its share of the recording); whether
the two summaries are identical. The feed is the transcript itself, not the microphone: the
time live transcription takes is not part of this.

Usage: python bench/live_summary.py [--model ID] [--meeting ID] [--threads 2] [--json OUT]
Run it on a quiet machine; the load is printed with the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.assistant.prompt_memory import memory_of, remembering  # noqa: E402
from app.assistant.summarize import prepare_summary, run_summary  # noqa: E402
from app.assistant.transcript_input import TranscriptSegment  # noqa: E402
from app.tasks.events import Done  # noqa: E402
from ui.views.summary_ahead import PREPARE_WORDS  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval" / "meetings.jsonl"
MODELS = ROOT / ".cache" / "test-data"
WORDS_PER_MINUTE = 150


def meeting_segments(meeting_id: str) -> list[TranscriptSegment]:
    """The meeting's turns as a live transcript gives them: no speaker labels, times from the
    words said so far at WORDS_PER_MINUTE."""
    for line in EVAL.read_text().splitlines():
        meeting = json.loads(line)
        if meeting["id"] == meeting_id:
            break
    else:
        raise SystemExit(f"no meeting {meeting_id} in {EVAL}")
    segments, words = [], 0
    for turn in meeting["turns"]:
        text = " ".join(word for word in turn["text"].split() if not word.startswith("{"))
        if not text:
            continue
        start = words * 60 / WORDS_PER_MINUTE
        words += len(text.split())
        segments.append(TranscriptSegment(start, words * 60 / WORDS_PER_MINUTE, text))
    return segments


def load(model_id: str, threads: int):
    from app.engines import load_language_model
    from app.paths import DataDir

    return load_language_model(DataDir(MODELS), model_id, threads=threads)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--meeting", default="qmsum-5")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", dest="json_out", default=None)
    args = parser.parse_args(argv)
    segments = meeting_segments(args.meeting)
    spoken_s = segments[-1].end

    model = load(args.model, args.threads)
    preparing_s, jobs, fed, words = 0.0, 0, 0, 0
    for index, segment in enumerate(segments):
        words += len(segment.text.split())
        if words - fed >= PREPARE_WORDS:  # the window starts the next job only when one is not running:
            fed = words  # here jobs run back to back, which is the most the worker could be asked
            started = time.perf_counter()
            events = list(prepare_summary(remembering(model), segments[: index + 1]))
            assert isinstance(events[-1], Done)
            preparing_s += time.perf_counter() - started
            jobs += 1
    hits_before = memory_of(model).hits
    started = time.perf_counter()
    prepared = run_summary(remembering(model), segments)
    after_stop_s = time.perf_counter() - started
    remembered = memory_of(model).hits - hits_before

    fresh = load(args.model, args.threads)
    started = time.perf_counter()
    plain = run_summary(remembering(fresh), segments)
    plain_s = time.perf_counter() - started

    report = {
        "model": args.model,
        "meeting": args.meeting,
        "words": words,
        "spoken_minutes": round(spoken_s / 60, 1),
        "prepare_jobs": jobs,
        "preparing_s": round(preparing_s, 1),
        "worker_busy_share_of_recording": round(preparing_s / spoken_s, 3),
        "summary_after_stop_s": round(after_stop_s, 1),
        "answers_remembered_at_stop": remembered,
        "summary_after_stop_without_preparing_s": round(plain_s, 1),
        "identical": prepared == plain,
        "title": prepared.title,
        "load_average_at_end": [round(v, 2) for v in os.getloadavg()],
    }
    print(json.dumps(report, indent=2))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
