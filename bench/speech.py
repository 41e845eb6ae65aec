"""Speech: Confide's windowed transcription against plain faster-whisper, the memory bound on
an hour of audio, and the live mode's delay from Stop to the complete transcript.

The audio is synthesized once (cached in .cache/bench-speech/) from the meeting transcripts of
../shared/eval/meetings.jsonl: each speaker gets an espeak-ng voice of their own, with short
pauses between turns and longer ones now and then, as in a meeting.

1. Same file (default 10 minutes), same settings (int8, VAD on, beam 5, 2 threads, language
   detected), each engine in its own subprocess, alternating: real-time factor, WER against
   the text spoken, peak RSS. Required: Confide's time within 5% of plain faster-whisper's and
   its WER no worse (faster-whisper is given the whole file, so this is also the check that
   the windowed transcript's WER is within 0.02 of the whole-file one).
2. A 60-minute file through Confide: peak RSS <= 900 MB (plain faster-whisper with --plain-long).
3. Live: the 10-minute file played in real time into a private PulseAudio null sink and
   recorded with live transcription (app.tasks.record); the delay from Stop to the complete
   transcript must be <= 15 s.

Usage: python bench/speech.py [--data-dir DIR] [--quick] [--runs 2] [--threads 2] [--beam 5]
                              [--compare-minutes 10] [--long-minutes 60] [--live-minutes 10]
                              [--skip-long] [--skip-live] [--plain-long]
  --quick: 3-, 4- and 1-minute inputs, to check that the benchmark runs (and cuts windows).
Results are printed and written to bench/results/speech.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEETINGS = ROOT.parent / "shared" / "eval" / "meetings.jsonl"
CACHE = ROOT / ".cache" / "bench-speech"
RESULTS = ROOT / "bench" / "results" / "speech.json"
VOICES = ("en-us", "en-gb", "en-us+f3", "en-gb-x-rp", "en-us+m3", "en-gb+f2", "en-029")
FILLERS = re.compile(r"\b(?:um+|uh+|mm+|hmm+|mm-hmm|uh-huh|er|erm)\b[,.]?\s*", re.IGNORECASE)
ESPEAK_RATE = 22050


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the synthesized meeting audio -----------------------------------------------------------


def meeting_turns():
    """(speaker key, text) of every turn of every meeting, fillers removed, in file order."""
    for line in MEETINGS.read_text(encoding="utf-8").splitlines():
        meeting = json.loads(line)
        for turn in meeting["turns"]:
            text = " ".join(FILLERS.sub("", turn["text"]).split())
            if re.search(r"[A-Za-z]", text):
                yield f"{meeting['id']}/{turn['speaker']}", text


def synthesize(minutes: float) -> tuple[Path, str]:
    """A 16 kHz mono WAV of about `minutes` of meeting speech, and the text spoken."""
    CACHE.mkdir(parents=True, exist_ok=True)
    wav_path, text_path = CACHE / f"meetings-{minutes:g}m.wav", CACHE / f"meetings-{minutes:g}m.txt"
    if wav_path.exists() and text_path.exists():
        return wav_path, text_path.read_text(encoding="utf-8")
    voices: dict[str, str] = {}
    spoken, total, previous = [], 0, None
    target = int(minutes * 60 * ESPEAK_RATE)
    raw = wav_path.with_suffix(".22k.wav")
    with wave.open(str(raw), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(ESPEAK_RATE)
        for number, (speaker, text) in enumerate(meeting_turns()):
            if total >= target:
                break
            voice = voices.setdefault(speaker, VOICES[len(voices) % len(VOICES)])
            audio = subprocess.run(
                ["espeak-ng", "-v", voice, "-s", "165", "--stdout"],
                input=text.encode(),
                check=True,
                capture_output=True,
                timeout=120,
            ).stdout
            frames = audio[44:]  # espeak's WAV header is the plain 44-byte one
            gap = 0.25 if speaker == previous else 0.6
            if number % 25 == 24:
                gap = 2.5  # someone thinks, pours coffee
            silence = b"\0\0" * int(gap * ESPEAK_RATE)
            out.writeframes(frames + silence)
            total += (len(frames) + len(silence)) // 2
            spoken.append(text)
            previous = speaker
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(wav_path)], check=True, timeout=600)
    raw.unlink()
    text = "\n".join(spoken)
    text_path.write_text(text, encoding="utf-8")
    return wav_path, text


def audio_seconds(path: Path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


# --- children: one engine each ---------------------------------------------------------------


def worker_plain(model_dir: str, audio: str, threads: int, beam: int) -> dict:
    from faster_whisper import WhisperModel

    began = time.perf_counter()
    model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True)
    loaded = time.perf_counter()
    segments, info = model.transcribe(audio, beam_size=beam, vad_filter=True)
    text = " ".join(segment.text.strip() for segment in segments)
    return {
        "load_s": loaded - began,
        "transcribe_s": time.perf_counter() - loaded,
        "text": text,
        "language": info.language,
        "peak_rss_mb": peak_rss_mb(),
    }


def worker_confide(model_dir: str, audio: str, threads: int, beam: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from models.whisper import Transcriber, TranscriptionResult

    began = time.perf_counter()
    transcriber = Transcriber.load(Path(model_dir), threads=threads)
    loaded = time.perf_counter()
    result = [e for e in transcriber.transcribe(Path(audio), beam_size=beam) if isinstance(e, TranscriptionResult)][0]
    return {
        "load_s": loaded - began,
        "transcribe_s": time.perf_counter() - loaded,
        "text": result.text,
        "language": result.language,
        "peak_rss_mb": peak_rss_mb(),
    }


class Playback:
    """Plays the audio into the virtual microphone once the recorder is capturing, and presses
    Stop half a second after it ends. on_level() is called with each LevelReading."""

    def __init__(self, audio, control):
        self.audio, self.control = str(audio), control
        self.player: subprocess.Popen | None = None
        self.stop_at: float | None = None
        self.stopped: float | None = None  # time.monotonic() when Stop was pressed

    def on_level(self, elapsed: float) -> None:
        if self.player is None and elapsed > 0.2:
            self.player = subprocess.Popen(["paplay", self.audio])
        if self.player is not None and self.player.poll() is not None and self.stop_at is None:
            self.stop_at = time.monotonic() + 0.5
        if self.stop_at is not None and self.stopped is None and time.monotonic() >= self.stop_at:
            self.control.stop()
            self.stopped = time.monotonic()


def worker_live(model_dir: str, audio: str, threads: int, beam: int) -> dict:
    """Records `audio` played into the (already running) virtual microphone with live
    transcription; Stop is pressed half a second after playback ends."""
    sys.path.insert(0, str(ROOT))
    from app.tasks.events import Done, Failed, TranscriptPiece
    from app.tasks.record import LevelReading, RecordTask, record
    from models.whisper import Transcriber

    transcriber = Transcriber.load(Path(model_dir), threads=threads)
    with tempfile.TemporaryDirectory() as folder:
        task = RecordTask(folder, live=True, beam_size=beam)
        playback, live_segments = Playback(audio, task.control), 0
        for event in record(task, transcriber, threading.Event()):
            if isinstance(event, Failed):
                raise SystemExit(f"recording failed: {event.message}")
            if isinstance(event, TranscriptPiece) and playback.stopped is None:
                live_segments += 1
            if isinstance(event, LevelReading):
                playback.on_level(event.elapsed)
            if isinstance(event, Done) and playback.stopped is not None:
                delay = time.monotonic() - playback.stopped
                result = event.result
                return {
                    "stop_to_transcript_s": delay,
                    "recorded_s": result.duration,
                    "text": result.text,
                    "segments_during_recording": live_segments,
                    "segments": len(result.segments),
                    "peak_rss_mb": peak_rss_mb(),
                }
    raise SystemExit("the recording ended without a result")


WORKERS = {"plain": worker_plain, "confide": worker_confide, "live": worker_live}


def run_worker(kind: str, model_dir: Path, audio: Path, threads: int, beam: int, env=None) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            kind,
            str(model_dir),
            str(audio),
            "--threads",
            str(threads),
            "--beam",
            str(beam),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the virtual microphone ------------------------------------------------------------------


class VirtualMic:
    """A private PulseAudio daemon with a null sink whose monitor is the default input."""

    def __enter__(self):
        self.folder = tempfile.TemporaryDirectory(prefix="bench-pulse-")
        runtime = Path(self.folder.name)
        (runtime / "mic.pa").write_text(
            f"load-module module-native-protocol-unix socket={runtime / 'native'}\n"
            "load-module module-null-sink sink_name=virtmic\n"
            "set-default-source virtmic.monitor\nset-default-sink virtmic\n"
        )
        self.env = {
            "PULSE_RUNTIME_PATH": str(runtime),
            "PULSE_STATE_PATH": str(runtime),
            "PULSE_SERVER": f"unix:{runtime / 'native'}",
        }
        env = {**os.environ, **self.env}
        subprocess.run(
            [
                "pulseaudio",
                "--daemonize=yes",
                "--exit-idle-time=-1",
                "--disallow-exit",
                "-n",
                "-F",
                str(runtime / "mic.pa"),
            ],
            check=True,
            capture_output=True,
            env=env,
            timeout=30,
        )
        deadline = time.monotonic() + 15
        while subprocess.run(["pactl", "info"], capture_output=True, env=env).returncode != 0:
            if time.monotonic() > deadline:
                raise SystemExit("the PulseAudio daemon did not start")
            time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        subprocess.run(["pulseaudio", "--kill"], capture_output=True, env={**os.environ, **self.env}, timeout=30)
        self.folder.cleanup()


# --- the report --------------------------------------------------------------------------------


def wer(reference: str, hypothesis: str) -> float:
    sys.path.insert(0, str(ROOT))
    from app.audio.wer import word_error_rate

    return word_error_rate(reference, hypothesis)


def compare(model_dir, audio, text, args) -> dict:
    seconds = audio_seconds(audio)
    runs = {"plain": [], "confide": []}
    for _ in range(args.runs):
        for kind in ("plain", "confide"):
            runs[kind].append(run_worker(kind, model_dir, audio, args.threads, args.beam))
            print(f"  {kind:8} {runs[kind][-1]['transcribe_s']:7.1f} s", file=sys.stderr, flush=True)
    summary = {}
    for kind, results in runs.items():
        summary[kind] = {
            "rtf": statistics.median(r["transcribe_s"] for r in results) / seconds,
            "wer": statistics.median(wer(text, r["text"]) for r in results),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
            "load_s": statistics.median(r["load_s"] for r in results),
        }
    summary["audio_s"] = seconds
    summary["time_overhead"] = summary["confide"]["rtf"] / summary["plain"]["rtf"] - 1
    summary["wer_difference"] = summary["confide"]["wer"] - summary["plain"]["wer"]
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "MODEL_DIR", "AUDIO"), help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", default=str(ROOT / ".cache" / "test-data"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--runs", type=int, default=2, help="runs of each engine on the compared file (median)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--compare-minutes", type=float, default=10)
    parser.add_argument("--long-minutes", type=float, default=60)
    parser.add_argument("--live-minutes", type=float, default=10)
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--skip-live", action="store_true")
    parser.add_argument("--plain-long", action="store_true", help="also run plain faster-whisper on the long file")
    args = parser.parse_args()
    if args.worker:
        kind, model_dir, audio = args.worker
        print(json.dumps(WORKERS[kind](model_dir, audio, args.threads, args.beam)))
        return 0
    if args.quick:
        args.compare_minutes, args.long_minutes, args.live_minutes = 3, 4, 1  # 3 minutes: two windows
    model_dir = Path(args.data_dir) / "models" / "whisper-base"
    report = {
        "settings": {"threads": args.threads, "beam": args.beam, "runs": args.runs, "compute_type": "int8", "vad": True}
    }
    checks = []

    audio, text = synthesize(args.compare_minutes)
    print(
        f"1. Confide vs plain faster-whisper on {audio.name} ({audio_seconds(audio) / 60:.1f} min)",
        file=sys.stderr,
        flush=True,
    )
    same = report["compare"] = compare(model_dir, audio, text, args)
    for kind in ("plain", "confide"):
        row = same[kind]
        print(
            f"   {kind:8} RTF {row['rtf']:.3f}  WER {row['wer']:.3f}  peak RSS {row['peak_rss_mb']:.0f} MB  "
            f"load {row['load_s']:.1f} s"
        )
    checks.append(("time overhead <= 5%", same["time_overhead"] <= 0.05, f"{same['time_overhead']:+.1%}"))
    checks.append(
        ("WER no worse than whole-file faster-whisper", same["wer_difference"] <= 0.0, f"{same['wer_difference']:+.3f}")
    )
    checks.append(
        (
            "windowed WER within 0.02 of whole-file",
            abs(same["wer_difference"]) <= 0.02,
            f"{same['wer_difference']:+.3f}",
        )
    )

    if not args.skip_long:
        long_audio, long_text = synthesize(args.long_minutes)
        seconds = audio_seconds(long_audio)
        print(f"2. {long_audio.name} ({seconds / 60:.1f} min) through Confide", file=sys.stderr, flush=True)
        kinds = ("confide", "plain") if args.plain_long else ("confide",)
        report["long"] = {"audio_s": seconds}
        for kind in kinds:
            result = run_worker(kind, model_dir, long_audio, args.threads, args.beam)
            row = report["long"][kind] = {
                "rtf": result["transcribe_s"] / seconds,
                "wer": wer(long_text, result["text"]),
                "peak_rss_mb": result["peak_rss_mb"],
            }
            print(f"   {kind:8} RTF {row['rtf']:.3f}  WER {row['wer']:.3f}  peak RSS {row['peak_rss_mb']:.0f} MB")
        checks.append(
            (
                "peak RSS <= 900 MB on the long file",
                report["long"]["confide"]["peak_rss_mb"] <= 900,
                f"{report['long']['confide']['peak_rss_mb']:.0f} MB",
            )
        )

    if not args.skip_live:
        live_audio, live_text = synthesize(args.live_minutes)
        print(f"3. live: {live_audio.name} played into a virtual microphone (real time)", file=sys.stderr, flush=True)
        with VirtualMic() as mic:
            result = run_worker("live", model_dir, live_audio, args.threads, args.beam, env=mic.env)
        row = report["live"] = {
            "audio_s": audio_seconds(live_audio),
            "recorded_s": result["recorded_s"],
            "stop_to_transcript_s": result["stop_to_transcript_s"],
            "wer": wer(live_text, result["text"]),
            "peak_rss_mb": result["peak_rss_mb"],
            "segments_during_recording": result["segments_during_recording"],
            "segments": result["segments"],
        }
        print(
            f"   recorded {row['recorded_s'] / 60:.1f} min; Stop -> transcript {row['stop_to_transcript_s']:.1f} s; "
            f"WER {row['wer']:.3f}; {row['segments_during_recording']} of {row['segments']} segments "
            f"during the recording; peak RSS {row['peak_rss_mb']:.0f} MB"
        )
        checks.append(
            (
                "live: Stop -> complete transcript <= 15 s",
                row["stop_to_transcript_s"] <= 15,
                f"{row['stop_to_transcript_s']:.1f} s",
            )
        )

    report["checks"] = [{"check": name, "passed": passed, "value": value} for name, passed, value in checks]
    print()
    for name, passed, value in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0 if all(passed for _name, passed, _value in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
