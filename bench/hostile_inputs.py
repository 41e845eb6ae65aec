"""Cases of bench/hostile.py: audio files, text on stdin and in files, and the numbers the
command line takes."""

from __future__ import annotations

import os
import subprocess

from hostile_files import patched, silent_wav, tone_wav
from hostile_harness import LONG_TIMEOUT, PY, TRANSCRIPT_LINE, Run, Workspace, case, measure

# --- audio --------------------------------------------------------------------------------------

for _suffix in (".wav", ".mp3", ".m4a", ".flac", ".mp4"):
    case(f"audio: random bytes {_suffix}")(
        lambda w, s=_suffix: w.confide("transcribe", str(w.write("random" + s, os.urandom(8192))))
    )


@case("audio: empty file")
def _(w):
    return w.confide("transcribe", str(w.write("empty.wav", b"")))


@case("audio: a folder")
def _(w):
    return w.confide("transcribe", str(w.dir))


@case("audio: no such file")
def _(w):
    return w.confide("transcribe", str(w.path("missing.wav")))


@case("audio: WAV header only (truncated)")
def _(w):
    return w.confide("transcribe", str(w.write("header.wav", tone_wav(w.path("t.wav")).read_bytes()[:44])))


@case("audio: FLAC cut in half", expect=(0, 1))
def _(w):
    wav = tone_wav(w.path("t.wav"), seconds=2.0)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), str(w.path("t.flac"))], check=True)
    data = w.path("t.flac").read_bytes()
    return w.confide("transcribe", str(w.write("half.flac", data[: len(data) // 2])))


@case("audio: WAV with 0 bits per sample")
def _(w):
    return w.confide(
        "transcribe", str(w.write("bits.wav", patched(tone_wav(w.path("t.wav")).read_bytes(), 34, "<H", 0)))
    )


@case("audio: WAV at 1 Hz")
def _(w):
    return w.confide(
        "transcribe", str(w.write("rate.wav", patched(tone_wav(w.path("t.wav")).read_bytes(), 24, "<I", 1)))
    )


@case("audio: WAV with 65,535 channels")
def _(w):
    return w.confide(
        "transcribe", str(w.write("ch.wav", patched(tone_wav(w.path("t.wav")).read_bytes(), 22, "<H", 65535)))
    )


@case("audio: a 2-hour silent WAV", expect=(0,))
def _(w):
    return w.confide("transcribe", str(silent_wav(w.path("silent.wav"), 7200)))


case("transcribe --threads -1", expect=(2,))(lambda w: w.confide("transcribe", "x.wav", "--threads", "-1"))
case("transcribe --threads 10000", expect=(2,))(lambda w: w.confide("transcribe", "x.wav", "--threads", "10000"))


# --- text ---------------------------------------------------------------------------------------

BAD_UTF8 = b"Anna: hi \xff\xfe there\nBen: ok\n"
case("reply -: invalid UTF-8")(lambda w: w.confide("reply", "-", stdin=BAD_UTF8))
case("summarize -: invalid UTF-8")(lambda w: w.confide("summarize", "-", stdin=BAD_UTF8))
case("reply: a file that is not UTF-8")(lambda w: w.confide("reply", str(w.write("chat.txt", BAD_UTF8))))
case("reply -: empty")(lambda w: w.confide("reply", "-", stdin=b""))
case("summarize -: empty")(lambda w: w.confide("summarize", "-", stdin=b""))


@case("summarize: a 5 MB transcript (250 hours)")
def _(w):
    return w.confide("summarize", str(w.write("huge.txt", TRANSCRIPT_LINE * (5_000_000 // len(TRANSCRIPT_LINE)))))


@case("summarize -: a 5 MB transcript on stdin")
def _(w):
    return w.confide("summarize", "-", stdin=TRANSCRIPT_LINE * (5_000_000 // len(TRANSCRIPT_LINE)))


@case("summarize: one 200 KB line without spaces")
def _(w):
    return w.confide("summarize", str(w.write("line.txt", os.urandom(150_000).hex()[:200_000])))


def _end_kept(w: Workspace, run: Run) -> str | None:
    if "were left out" not in run.stderr:
        return "did not say what was left out"
    return None


@case("reply: a 5 MB chat keeps its end", expect=(0,), long=True, check=_end_kept)
def _(w):
    chat = b"".join(
        b"Anna: message %d about the launch plan and its budget\nBen: answer %d, fine\n" % (i, i) for i in range(65_000)
    )
    return w.confide("reply", "-", stdin=chat, timeout=LONG_TIMEOUT)


# --- numbers on the command line ------------------------------------------------------------------

for _args in (
    ("--threads", "10000", "generate", "hi"),
    ("--threads", "-1", "generate", "hi"),
    ("generate", "hi", "--seed", "-1"),
    ("generate", "hi", "--max-new-tokens", "-5"),
    ("generate", "hi", "--temperature", "-1"),
    ("generate", "hi", "--temperature", "nan"),
    ("generate", "hi", "--top-p", "2"),
    ("generate", "hi", "--top-k", "-3"),
    ("history", "show", "99999999999999999999999"),
    ("history", "delete", "-1"),
):
    case(" ".join(_args), expect=(2,))(lambda w, a=_args: w.confide(*a))
case("summarize recording:99999999999999999999999")(
    lambda w: w.confide("summarize", "recording:99999999999999999999999")
)


@case("--data-dir ''", expect=(1, 2))
def _(w):
    return measure([PY, "-m", "app", "--data-dir", "", "history", "list"])
