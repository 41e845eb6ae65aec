"""`confide transcribe` and `confide record`, run as a user would (python -m app)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import wave

import pytest
from support import ROOT, run_confide, write_silence

from app.audio.wer import word_error_rate

TEXT = "The quarterly numbers look good, and the new store opens in April."


def one_clear_line(result) -> str:
    """Exit 1, and stderr ends with exactly one `confide: ...` line and no traceback."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("confide: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def in_namespace(setup: str, *args: str, data_dir, env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs `python -m app --data-dir DIR ARGS` in a private mount namespace after the shell
    commands of setup (a tmpfs, a library hidden...), which vanish with the process."""
    command = [
        "unshare",
        "-m",
        "sh",
        "-c",
        f'{setup} && exec "$@"',
        "sh",
        sys.executable,
        "-m",
        "app",
        "--data-dir",
        str(data_dir),
        *args,
    ]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}
    )


# --- transcribe ------------------------------------------------------------------------------


def test_transcribe_json_is_the_documented_document(data_dir_with_models, speech_clip):
    """--json prints exactly {"language", "duration", "segments": [{"start", "end", "text", "speaker"}]},
    speaker null without --speakers."""
    result = run_confide("transcribe", str(speech_clip(TEXT)), "--json", data_dir=data_dir_with_models)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"language", "duration", "segments"}
    assert data["language"] == "en" and 3.0 < data["duration"] < 8.0
    assert all(set(s) == {"start", "end", "text", "speaker"} and s["speaker"] is None for s in data["segments"])
    assert word_error_rate(TEXT, " ".join(s["text"] for s in data["segments"])) <= 0.2


def test_transcribe_as_subtitles_in_the_fast_mode(data_dir_with_models, speech_clip):
    """--format vtt --beam 1 prints WebVTT cues."""
    result = run_confide(
        "transcribe", str(speech_clip(TEXT)), "--format", "vtt", "--beam", "1", data_dir=data_dir_with_models
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("WEBVTT\n\n00:00:0")
    assert " --> " in result.stdout and "april" in result.stdout.lower()


def test_silence_prints_no_transcript_and_says_so(data_dir_with_models, tmp_path):
    """A silent file: exit 0, an empty transcript on stdout, "No speech detected." on stderr."""
    result = run_confide("transcribe", str(write_silence(tmp_path / "quiet.wav")), data_dir=data_dir_with_models)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
    assert "No speech detected." in result.stderr


def test_transcribe_save_puts_it_in_the_history(data_dir_with_models, speech_clip):
    """--save stores the file (copied into the data folder) and its transcript."""
    result = run_confide("transcribe", str(speech_clip(TEXT)), "--save", data_dir=data_dir_with_models)
    assert result.returncode == 0, result.stderr
    items = json.loads(run_confide("history", "list", "--json", data_dir=data_dir_with_models).stdout)["items"]
    assert len(items) == 1 and items[0]["kind"] == "recording"
    shown = json.loads(
        run_confide("history", "show", str(items[0]["id"]), "--json", data_dir=data_dir_with_models).stdout
    )
    assert shown["status"] == "done" and shown["language"] == "en"
    assert word_error_rate(TEXT, " ".join(s["text"] for s in shown["segments"])) <= 0.2
    assert (data_dir_with_models / shown["audio_file"]).is_file()


def bad_inputs(folder):
    empty = folder / "empty.mp3"
    empty.write_bytes(b"")
    text = folder / "notes.wav"
    text.write_text("Agenda: budget, hiring, launch.\n" * 30)
    zero = folder / "zero.flac"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", str(zero), "trim", "0", "0"], check=True)
    return {
        "missing": folder / "absent.m4a",
        "empty": empty,
        "not audio": text,
        "zero seconds": zero,
        "a folder": folder,
    }


@pytest.mark.parametrize(
    "case, words",
    [
        ("missing", "does not exist"),
        ("empty", "is empty"),
        ("not audio", "not an audio or video file"),
        ("zero seconds", "holds no audio"),
        ("a folder", "is a folder"),
    ],
)
def test_a_bad_audio_file_exits_1_with_one_clear_line(data_dir, tmp_path, case, words):
    """Every unreadable input: exit 1, one line saying what is wrong, no traceback (refused
    before any model is needed: this data folder has none)."""
    line = one_clear_line(run_confide("transcribe", str(bad_inputs(tmp_path)[case]), data_dir=data_dir))
    assert words in line


def test_an_unknown_language_and_a_bad_beam_are_refused(data_dir_with_models, speech_clip):
    """--language xx: exit 1 with one line; --beam 0: a usage error (exit 2)."""
    clip = str(speech_clip("Hello."))
    assert "not a language code" in one_clear_line(
        run_confide("transcribe", clip, "--language", "xx", data_dir=data_dir_with_models)
    )
    usage = run_confide("transcribe", clip, "--beam", "0", data_dir=data_dir_with_models)
    assert usage.returncode == 2 and "beam size must be between 1 and 10" in usage.stderr


def test_without_the_speech_model_transcribe_says_how_to_install_it(data_dir, speech_clip):
    line = one_clear_line(run_confide("transcribe", str(speech_clip("Hello.")), data_dir=data_dir))
    assert "models install" in line


# --- record ----------------------------------------------------------------------------------


def start_recording(data_dir, *args: str) -> subprocess.Popen:
    """`confide record ARGS`, returned once it says the recording started."""
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "record", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        seen.append(line)
        if line.startswith("Recording started") or not line:
            break
    assert seen[-1].startswith("Recording started"), "".join(seen)
    return process


def test_record_live_stores_the_recording_and_its_transcript(data_dir_with_models, virtual_mic, speech_clip):
    """Speech played into the virtual microphone during `record --seconds 8 --live --json`:
    the JSON names the stored recording, whose transcript matches (WER <= 0.3)."""
    process = start_recording(data_dir_with_models, "--seconds", "8", "--live", "--json")
    virtual_mic(speech_clip(TEXT)).wait(timeout=60)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    data = json.loads(stdout)
    assert set(data) == {"recording_id", "path", "duration"}
    assert 7.5 <= data["duration"] <= 8.5
    shown = json.loads(
        run_confide("history", "show", str(data["recording_id"]), "--json", data_dir=data_dir_with_models).stdout
    )
    assert word_error_rate(TEXT, " ".join(s["text"] for s in shown["segments"])) <= 0.3
    with wave.open(data["path"]) as audio:
        assert audio.getframerate() == 16000 and audio.getnchannels() == 1


def test_a_killed_recording_is_recovered_and_listed(data_dir_with_models, virtual_mic):
    """`record` killed with SIGKILL 4 s into the recording: the next start repairs the file,
    which holds at least 3 s of audio, and lists it in the history as recovered."""
    process = start_recording(data_dir_with_models, "--seconds", "60")
    time.sleep(4.0)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    again = run_confide("record", "--seconds", "1", "--json", data_dir=data_dir_with_models)
    assert again.returncode == 0, again.stderr
    assert "Recovered an unfinished recording" in again.stderr
    items = json.loads(run_confide("history", "list", "--json", data_dir=data_dir_with_models).stdout)["items"]
    details = [
        json.loads(run_confide("history", "show", str(item["id"]), "--json", data_dir=data_dir_with_models).stdout)
        for item in items
    ]
    recovered = [d for d in details if d["status"] == "recovered"]
    assert len(details) == 2 and len(recovered) == 1
    assert recovered[0]["duration"] >= 3.0
    with wave.open(str(data_dir_with_models / recovered[0]["audio_file"])) as audio:
        assert audio.getnframes() / audio.getframerate() >= 3.0


def test_record_refuses_to_start_on_a_nearly_full_disk(data_dir, virtual_mic):
    """The data folder on a 50 MB disk: less than 100 MB + ten minutes of audio is free, so
    recording is refused with one line (before any model is needed)."""
    data_dir.chmod(0o700)
    result = in_namespace(
        f"mount -t tmpfs -o size=50m,mode=0700 tmpfs {data_dir}", "record", "--seconds", "1", data_dir=data_dir
    )
    line = one_clear_line(result)
    assert "MB are free" in line and "100 MB plus ten minutes of audio" in line


def test_without_portaudio_record_explains_and_transcribe_still_works(data_dir_with_models, speech_clip):
    """libportaudio hidden (bind-mounted over with /dev/null): `record` exits 1 with one line
    naming PortAudio, and `transcribe` still works in the same setting."""
    library = subprocess.run(
        ["sh", "-c", "readlink -f $(ldconfig -p | grep -m1 'libportaudio.so.2 ' | sed 's/.*=> //')"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert library, "libportaudio2 is not installed"
    hide = f"mount --bind /dev/null {library}"
    line = one_clear_line(in_namespace(hide, "record", "--seconds", "1", data_dir=data_dir_with_models))
    assert "PortAudio" in line
    transcribed = in_namespace(hide, "transcribe", str(speech_clip(TEXT)), data_dir=data_dir_with_models)
    assert transcribed.returncode == 0 and "april" in transcribed.stdout.lower(), transcribed.stderr


def test_no_microphone_and_an_unknown_device_are_clear(data_dir, virtual_mic):
    """No sound server to record from: "No microphone was found"; a device name that does not
    exist: the names that do."""
    nothing = run_confide(
        "record", "--seconds", "1", data_dir=data_dir, env={"PULSE_SERVER": "unix:/nonexistent/native"}
    )
    assert "No microphone was found" in one_clear_line(nothing)
    unknown = run_confide("record", "--device", "headset", data_dir=data_dir)
    assert "No microphone is called 'headset'" in one_clear_line(unknown)
