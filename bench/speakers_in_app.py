"""Who said what as the app finds it (part of bench/speakers.py, with --app): each meeting, and
recordings of one voice alone, transcribed with word times and told apart where the words are,
as `transcribe --speakers` and Record do, with the count estimated (the app's default).

diarize_audio, which the DER table above measures, looks for speech with Silero VAD; the app
looks for it where Whisper put words, in shorter stretches with more short windows. So the
speakers counted here are the ones a user sees, and one person talking alone must come out as
one speaker: the 15-second recordings are Record's first minute, the 3-minute ones a
dictated note. The DER here scores the transcript's lines as turns, so the pauses inside
Whisper's segments count as false alarm: the confusion (speech given to the wrong speaker) is
the part that is the speaker step's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import speaker_meetings as meetings

ONE_VOICE_PLAN = ((0.25, 1), (0.25, 2), (0.25, 3), (3, 1), (3, 2))  # (minutes, seed)


def measure(made: list[meetings.Meeting], args, run_worker, der, *, whisper_dir: Path) -> dict:
    """Each meeting of made and each one-voice recording through the app's own path."""
    rows = []
    alone = [meetings.build_meeting(1, minutes, seed) for minutes, seed in ONE_VOICE_PLAN]
    for meeting in [*made, *alone]:
        print(f"6. {meeting.label} as the app tells its speakers apart", file=sys.stderr, flush=True)
        found = run_worker("app", meeting.wav, args, model_dir=whisper_dir)
        scored = der(meeting.truth, found["turns"], meeting.duration, args.collar)
        rows.append(
            {
                "meeting": meeting.label,
                "voices": len(meeting.speakers),
                "minutes": meeting.duration / 60,
                "speakers_found": found["speakers"],
                "confusion": scored["confusion"],
                "der": scored["der"],
            }
        )
    return {"rows": rows}


def table(result: dict) -> list[str]:
    lines = [
        "| recording | voices | minutes | speakers found | speech given to the wrong speaker | DER (lines as turns) |",
        "|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['meeting']} | {row['voices']} | {row['minutes']:.1f} | {row['speakers_found']} | "
            f"{100 * row['confusion']:.1f}% | {100 * row['der']:.1f}% |"
        )
    return lines


def checks(result: dict) -> list[tuple[str, bool, str]]:
    rows = result["rows"]
    alone = [row for row in rows if row["voices"] == 1]
    together = [row for row in rows if row["voices"] > 1]
    one = sum(row["speakers_found"] == 1 for row in alone)
    right = sum(row["speakers_found"] == row["voices"] for row in together)
    worst = max((row["confusion"] for row in together), default=0.0)
    needed = min(3, len(together))
    return [
        (f"in the app, one voice alone is one speaker ({len(alone)} recordings)", one == len(alone), f"{one}"),
        (f"in the app, the count estimated exactly on >= {needed} of {len(together)}", right >= needed, f"{right}"),
        ("in the app, speech given to the wrong speaker <= 10%", worst <= 0.10, f"{100 * worst:.1f}%"),
    ]
