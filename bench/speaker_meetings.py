"""Synthetic meetings for bench/speakers.py: espeak-ng voices taking turns, with the ground
truth of who spoke when, made deterministically from a seed and cached in .cache/bench-speakers/.

Each speaker is an espeak-ng voice of its own (a language variant, a voice variant, a pitch and
a speed; VOICES). Turns are 2-30 s of English from the transcripts of
../shared/eval/meetings.jsonl (fillers removed; the length drawn log-uniformly, then the words
fitted to it), and about one in eight (always the third) is a short reply under 2 s ("Okay.", "Right, yeah.").
Turns are 0.2-1 s apart (0.6-1.5 s when the same speaker goes on after a pause); every speaker
speaks once in the first round, then the next speaker is drawn by a weight of their own.

The truth is where each voice is audible: a turn's span from its first to its last sound,
split where it holds a silence of SPLIT_PAUSE or more (espeak's pauses between sentences,
0.1-0.4 s, stay inside the turn, as a person's do). It is kept as (start, end, speaker label)
and written as RTTM beside the 16 kHz mono 16-bit WAV, with a JSON sidecar of the voices and
the text of every turn.
"""

from __future__ import annotations

import functools
import json
import math
import os
import random
import re
import subprocess
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MEETINGS = ROOT.parent / "shared" / "eval" / "meetings.jsonl"
CACHE = ROOT / ".cache" / "bench-speakers"
SAMPLE_RATE = 16000
ESPEAK_RATE = 22050
# Part of every cached file's name: change it when the maker changes, and the meetings are
# made again instead of read back.
VERSION = 1

TURN_MIN, TURN_MAX = 2.0, 30.0
TARGET_MIN, TARGET_MAX = 2.5, 28.0  # a turn's drawn length, inside the limits above
SHORT_SHARE = 0.12  # replies under TURN_MIN
SAME_SPEAKER_SHARE = 0.08  # the same speaker again after a pause
GAP = (0.2, 1.0)
SAME_SPEAKER_GAP = (0.6, 1.5)
EDGE_SILENCE = 0.5  # at the start and the end of a meeting
SPLIT_PAUSE = 0.5
FRAME = 0.01  # the energy frames that find where a voice is audible
SILENCE_DB = -50.0

Truth = list[tuple[float, float, str]]


@dataclass(frozen=True)
class Voice:
    label: str  # the speaker's name in the RTTM
    voice: str  # espeak-ng -v: a language variant + a voice variant
    pitch: int  # -p, 0-99 (espeak's default is 50)
    speed: int  # -s, words per minute (espeak's default is 175)

    def command(self) -> list[str]:
        return ["espeak-ng", "-v", self.voice, "-p", str(self.pitch), "-s", str(self.speed), "--stdout"]


# Four accents, eight voice variants, pitches from 26 to 80 and speeds from 140 to 192 wpm.
VOICES = (
    Voice("S1", "en-us+m3", 38, 160),
    Voice("S2", "en-gb+f2", 68, 178),
    Voice("S3", "en-gb-scotland+m7", 26, 146),
    Voice("S4", "en-029+f4", 80, 168),
    Voice("S5", "en-us-nyc+m1", 54, 192),
    Voice("S6", "en-gb-x-rp+f3", 58, 152),
    Voice("S7", "en-gb-x-gbclan+m5", 44, 172),
    Voice("S8", "en-gb-x-gbcwmd+f5", 72, 140),
)


@dataclass(frozen=True)
class Meeting:
    label: str
    wav: Path  # 16 kHz mono, 16-bit
    rttm: Path
    speakers: tuple[str, ...]  # the voices' labels, in order of first appearance
    truth: Truth
    duration: float
    turns: int
    short_turns: int

    def samples(self) -> np.ndarray:
        return load_samples(self.wav)


# --- text -----------------------------------------------------------------------------------

FILLERS = re.compile(r"\b(?:u+m+|u+h+|m+|h+m+|mm-hmm|uh-huh|erm?)\b[,.]?\s*", re.IGNORECASE)
ANNOTATION = re.compile(r"\{[a-z]+\}")  # {disfmarker}, {vocalsound}... in the AMI and ICSI turns
DETACHED = re.compile(r"\s+'(s|re|ve|ll|d|m|t)\b")  # "that 's" -> "that's"
WORD = re.compile(r"[A-Za-z][A-Za-z']*[.,?!]?")
REPLY = re.compile(r"[A-Z][a-z]+(?:,? [a-z]+){0,2}[.!?]")  # a whole reply: "Okay, sure."


def clean(text: str) -> str:
    """A turn as espeak-ng should read it: no annotations, no fillers, only plain words."""
    text = DETACHED.sub(r"'\1", FILLERS.sub("", ANNOTATION.sub(" ", text)))
    return " ".join(word for word in text.split() if WORD.fullmatch(word))


@functools.cache
def transcript_turns() -> tuple[str, ...]:
    """Every turn of the eval meetings, cleaned, in file order (empty ones left out)."""
    turns = []
    for line in MEETINGS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            for turn in json.loads(line)["turns"]:
                text = clean(turn["text"])
                if re.search(r"[A-Za-z]{2}", text):
                    turns.append(text)
    return tuple(turns)


@functools.cache
def transcript_words() -> tuple[str, ...]:
    return tuple(word for turn in transcript_turns() for word in turn.split())


def first_word_of_turn(index: int) -> int:
    return sum(len(turn.split()) for turn in transcript_turns()[:index])


@functools.cache
def short_replies() -> tuple[str, ...]:
    """The distinct one- to three-word turns of the transcripts ("Okay.", "Right, yeah.")."""
    replies = {turn for turn in transcript_turns() if len(turn) <= 20 and REPLY.fullmatch(turn)}
    return tuple(sorted(replies))


def sentence_of(words: tuple[str, ...] | list[str]) -> str:
    text = " ".join(words).strip(" ,;-")
    text = text[:1].upper() + text[1:]
    return text if text[-1:] in ".?!" else text + "."


# --- speech -----------------------------------------------------------------------------------


def audible_frames(audio: np.ndarray, rate: int) -> np.ndarray:
    """One bool per FRAME of int16 or float audio: louder than SILENCE_DB full scale."""
    scale = 32768.0 if audio.dtype == np.int16 else 1.0
    size = int(FRAME * rate)
    count = len(audio) // size
    frames = audio[: count * size].astype(np.float64).reshape(count, size) / scale
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-20)
    return level > SILENCE_DB


def speak(voice: Voice, text: str) -> np.ndarray:
    """int16 samples at ESPEAK_RATE, from the first audible frame to the last."""
    out = subprocess.run(voice.command(), input=text.encode(), capture_output=True, check=True, timeout=120).stdout
    # espeak-ng streams a plain 44-byte header whose sizes are placeholders: read the format
    # from it and take the rest as the samples.
    channels, rate = int.from_bytes(out[22:24], "little"), int.from_bytes(out[24:28], "little")
    if out[:4] != b"RIFF" or out[36:40] != b"data" or channels != 1 or rate != ESPEAK_RATE:
        raise RuntimeError(f"espeak-ng wrote an unexpected WAV header: {out[:44]!r}")
    samples = np.frombuffer(out[44 : 44 + (len(out) - 44) // 2 * 2], dtype=np.int16)
    audible = np.flatnonzero(audible_frames(samples, ESPEAK_RATE))
    if audible.size == 0:
        raise RuntimeError(f"espeak-ng said nothing audible for {text!r}")
    size = int(FRAME * ESPEAK_RATE)
    return samples[audible[0] * size : (audible[-1] + 1) * size]


def audible_spans(samples: np.ndarray, rate: int, split: float = SPLIT_PAUSE) -> list[tuple[float, float]]:
    """(start, end) seconds of the audible stretches of `samples`, apart where silences of
    `split` or more part them."""
    audible = np.flatnonzero(audible_frames(samples, rate))
    if audible.size == 0:
        return []
    parted = np.flatnonzero((np.diff(audible) - 1) * FRAME >= split - 1e-9)
    starts = np.concatenate([audible[:1], audible[parted + 1]])
    ends = np.concatenate([audible[parted], audible[-1:]]) + 1
    return [(float(a * FRAME), float(b * FRAME)) for a, b in zip(starts, ends, strict=True)]


def make_turn(rng: random.Random, voice: Voice, short: bool, cursor: int) -> tuple[np.ndarray, str, int]:
    """A turn's trimmed audio, its text, and how many transcript words it used."""
    if short:
        for _ in range(8):
            text = rng.choice(short_replies())
            audio = speak(voice, text)
            if len(audio) / ESPEAK_RATE < TURN_MIN:
                return audio, text, 0
        text = "Yes."
        return speak(voice, text), text, 0
    words = transcript_words()
    target = math.exp(rng.uniform(math.log(TARGET_MIN), math.log(TARGET_MAX)))
    per_second = voice.speed / 60  # a first guess; measured after each try
    for _ in range(8):
        count = max(3, round(target * per_second))
        chosen = [words[(cursor + i) % len(words)] for i in range(count)]
        text = sentence_of(chosen)
        audio = speak(voice, text)
        seconds = len(audio) / ESPEAK_RATE
        if TURN_MIN <= seconds <= TURN_MAX:
            return audio, text, count
        per_second = count / seconds
    raise RuntimeError(f"no turn of {TURN_MIN}-{TURN_MAX} s from {voice} near {target:.1f} s")


def next_speaker(rng: random.Random, previous: int | None, weights: list[float], unheard: list[int]) -> int:
    if unheard:
        return unheard.pop(0)
    if previous is not None and (len(weights) == 1 or rng.random() < SAME_SPEAKER_SHARE):
        return previous
    others = [i for i in range(len(weights)) if i != previous]
    return rng.choices(others, [weights[i] for i in others])[0]


def build_meeting(speakers: int, minutes: float, seed: int, cache: Path = CACHE) -> Meeting:
    """The meeting of `speakers` voices, about `minutes` long, made from `seed` (read back from
    the cache when it was made before)."""
    label = f"meeting-{speakers}spk-{minutes:g}m-seed{seed}-v{VERSION}"
    wav, rttm, sidecar = cache / f"{label}.wav", cache / f"{label}.rttm", cache / f"{label}.json"
    if wav.exists() and rttm.exists() and sidecar.exists():
        return _meeting_from(label, wav, rttm, json.loads(sidecar.read_text(encoding="utf-8")))
    if not 1 <= speakers <= len(VOICES):
        raise ValueError(f"1 to {len(VOICES)} speakers, not {speakers}")
    rng = random.Random(f"bench-speakers/{speakers}/{minutes:g}/{seed}")
    voices = rng.sample(VOICES, speakers)
    weights = [rng.uniform(0.6, 1.4) for _ in voices]
    unheard = list(range(speakers))
    rng.shuffle(unheard)
    cursor = first_word_of_turn(rng.randrange(len(transcript_turns())))
    pieces = [np.zeros(int(EDGE_SILENCE * ESPEAK_RATE), np.int16)]
    position = len(pieces[0])
    truth: Truth = []
    turns: list[dict] = []
    previous = None
    while position < minutes * 60 * ESPEAK_RATE:
        speaker = next_speaker(rng, previous, weights, unheard)
        short = len(turns) == 2 or (turns != [] and rng.random() < SHORT_SHARE)  # the third: even a short one has one
        audio, text, used = make_turn(rng, voices[speaker], short, cursor)
        cursor += used
        if previous is not None:
            gap = rng.uniform(*(SAME_SPEAKER_GAP if speaker == previous else GAP))
            pieces.append(np.zeros(int(gap * ESPEAK_RATE), np.int16))
            position += len(pieces[-1])
        start = position / ESPEAK_RATE
        for begin, end in audible_spans(audio, ESPEAK_RATE):
            truth.append((round(start + begin, 3), round(start + end, 3), voices[speaker].label))
        turns.append(
            {
                "start": round(start, 3),
                "end": round(start + len(audio) / ESPEAK_RATE, 3),
                "speaker": voices[speaker].label,
                "text": text,
            }
        )
        pieces.append(audio)
        position += len(audio)
        previous = speaker
    pieces.append(np.zeros(int(EDGE_SILENCE * ESPEAK_RATE), np.int16))
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        raw = Path(scratch) / "espeak.wav"
        write_wav(raw, np.concatenate(pieces), ESPEAK_RATE)
        resampled = Path(scratch) / "meeting.wav"
        # sox's resampler (high quality by default); -R: its dither the same on every run; -G: no clipping.
        subprocess.run(["sox", "-R", "-G", str(raw), "-r", str(SAMPLE_RATE), str(resampled)], check=True, timeout=600)
        duration = wav_seconds(resampled)
        details = {
            "label": label,
            "seed": seed,
            "duration": duration,
            "voices": [asdict(voice) for voice in voices],
            "turns": turns,
        }
        write_rttm(Path(scratch) / "meeting.rttm", label, truth)
        (Path(scratch) / "meeting.json").write_text(json.dumps(details, indent=1) + "\n", encoding="utf-8")
        for name, target in (("meeting.rttm", rttm), ("meeting.json", sidecar), ("meeting.wav", wav)):
            os.replace(Path(scratch) / name, target)  # the WAV last: it marks a complete meeting
    return _meeting_from(label, wav, rttm, details)


def _meeting_from(label: str, wav: Path, rttm: Path, details: dict) -> Meeting:
    truth = read_rttm(rttm)
    order = list(dict.fromkeys(speaker for _, _, speaker in sorted(truth)))
    turns = details.get("turns", [])
    return Meeting(
        label=label,
        wav=wav,
        rttm=rttm,
        speakers=tuple(order),
        truth=truth,
        duration=details["duration"],
        turns=len(turns),
        short_turns=sum(turn["end"] - turn["start"] < TURN_MIN for turn in turns),
    )


def concatenate(meetings: list[Meeting], minutes: float, label: str, cache: Path = CACHE) -> Meeting:
    """The meetings one after the other, 1 s apart, cut at `minutes` (a long file whose speakers
    are the voices' labels: the same voice in two meetings is the same speaker)."""
    wav, rttm, sidecar = cache / f"{label}.wav", cache / f"{label}.rttm", cache / f"{label}.json"
    if wav.exists() and rttm.exists() and sidecar.exists():
        return _meeting_from(label, wav, rttm, json.loads(sidecar.read_text(encoding="utf-8")))
    limit = int(minutes * 60 * SAMPLE_RATE)
    gap = np.zeros(SAMPLE_RATE, np.int16)
    truth: Truth = []
    turns: list[dict] = []
    written = 0
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        with wave.open(str(Path(scratch) / "long.wav"), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            for meeting in meetings:
                if written >= limit:
                    break
                offset = written / SAMPLE_RATE
                with wave.open(str(meeting.wav)) as audio:
                    frames = np.frombuffer(audio.readframes(audio.getnframes()), np.int16)
                block = np.concatenate([frames, gap])[: limit - written]
                out.writeframes(block.tobytes())
                written += len(block)
                end = written / SAMPLE_RATE
                for start, stop, speaker in meeting.truth:
                    if offset + start < end:
                        truth.append((round(offset + start, 3), round(min(offset + stop, end), 3), speaker))
                details = json.loads(meeting.wav.with_suffix(".json").read_text(encoding="utf-8"))
                turns += [
                    {**turn, "start": turn["start"] + offset, "end": min(turn["end"] + offset, end)}
                    for turn in details["turns"]
                    if turn["start"] + offset < end
                ]
        details = {"label": label, "parts": [m.label for m in meetings], "duration": written / SAMPLE_RATE}
        details["turns"] = turns
        write_rttm(Path(scratch) / "long.rttm", label, truth)
        (Path(scratch) / "long.json").write_text(json.dumps(details, indent=1) + "\n", encoding="utf-8")
        for name, target in (("long.rttm", rttm), ("long.json", sidecar), ("long.wav", wav)):
            os.replace(Path(scratch) / name, target)
    return _meeting_from(label, wav, rttm, details)


# --- files ------------------------------------------------------------------------------------


def write_wav(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    if samples.dtype != np.int16:
        samples = (np.clip(samples, -1.0, 32767 / 32768) * 32768).astype(np.int16)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


def load_samples(path: Path, block: int = 1 << 20) -> np.ndarray:
    """A 16 kHz mono 16-bit WAV as float32 in [-1, 1), converted a block at a time (no int16
    copy of a long file beside the float one)."""
    with wave.open(str(path)) as audio:
        if audio.getframerate() != SAMPLE_RATE or audio.getnchannels() != 1 or audio.getsampwidth() != 2:
            raise ValueError(f"{path} is not 16 kHz mono 16-bit")
        samples = np.empty(audio.getnframes(), np.float32)
        done = 0
        while done < len(samples):
            frames = np.frombuffer(audio.readframes(block), np.int16)
            if frames.size == 0:
                break
            samples[done : done + frames.size] = frames / np.float32(32768)
            done += frames.size
    return samples[:done]


def write_rttm(path: Path, uri: str, truth: Truth) -> None:
    lines = [
        f"SPEAKER {uri} 1 {start:.3f} {end - start:.3f} <NA> <NA> {speaker} <NA> <NA>"
        for start, end, speaker in sorted(truth)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_rttm(path: Path) -> Truth:
    truth = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if fields and fields[0] == "SPEAKER":
            start, duration = float(fields[3]), float(fields[4])
            truth.append((start, round(start + duration, 3), fields[7]))
    return truth


# --- hypotheses that prove the scoring, and the alignment of a recording -----------------------


def oracle_turns(
    truth: Truth, seed: int, jitter: float = 0.2, duration: float = math.inf
) -> list[tuple[float, float, int]]:
    """The truth with every boundary moved by up to `jitter` seconds, speakers renumbered 0.. in
    order of first appearance (as diarize_audio numbers them), inside the file's `duration`:
    DER near 0 (not 0: a boundary moved beyond the collar's half counts)."""
    rng = random.Random(f"oracle/{seed}")
    numbers: dict[str, int] = {}
    turns = []
    for start, end, speaker in sorted(truth):
        moved_start = max(0.0, start + rng.uniform(-jitter, jitter))
        moved_start = min(moved_start, duration - 0.01)
        moved_end = min(duration, max(moved_start + 0.01, end + rng.uniform(-jitter, jitter)))
        turns.append((round(moved_start, 3), round(moved_end, 3), numbers.setdefault(speaker, len(numbers))))
    return turns


def one_speaker_turns(truth: Truth) -> list[tuple[float, float, int]]:
    """Every stretch of speech given to one speaker: DER = the share of speech not by the one
    who speaks most (less the collars)."""
    return [(start, end, 0) for start, end, _ in sorted(truth)]


def main_speaker_share(truth: Truth) -> float:
    seconds: dict[str, float] = {}
    for start, end, speaker in truth:
        seconds[speaker] = seconds.get(speaker, 0.0) + end - start
    return max(seconds.values()) / sum(seconds.values())


def lag(reference: np.ndarray, recorded: np.ndarray, max_lag: int) -> tuple[int, float]:
    """The shift (0..max_lag samples) at which `recorded` best matches `reference`, by
    cross-correlation through the FFT, and the normalized correlation there (1 = identical)."""
    size = len(reference) + max_lag
    recorded = recorded[:size]
    length = 1 << (len(reference) + len(recorded) - 1).bit_length()
    spectrum = np.fft.rfft(recorded, length) * np.conj(np.fft.rfft(reference, length))
    correlation = np.fft.irfft(spectrum, length)[: max_lag + 1]
    best = int(np.argmax(correlation))
    matched = recorded[best : best + len(reference)]
    norm = float(np.linalg.norm(reference) * np.linalg.norm(matched)) or 1.0
    return best, float(correlation[best]) / norm


def align(
    original: np.ndarray, recorded: np.ndarray, rate: int = SAMPLE_RATE, window: float = 20.0, search: float = 10.0
) -> dict:
    """Where the original starts in a recording of it (from its first `window` seconds, up to
    `search` seconds either way), the recording cut to the original's length from there, and
    how far the original's last `window` seconds have drifted from where that start puts them."""
    span = min(int(window * rate), len(original) // 2)
    pad = int(search * rate)
    padded = np.concatenate([np.zeros(pad, recorded.dtype), recorded, np.zeros(len(original), recorded.dtype)])
    shift, match = lag(original[:span], padded, 2 * pad)
    cut = padded[shift : shift + len(original)]
    margin = rate  # the end may have moved up to 1 s either way
    tail = len(original) - span - int(EDGE_SILENCE * rate)
    found, end_match = lag(original[tail : tail + span], padded[shift + tail - margin :], 2 * margin)
    return {
        "delay_s": (shift - pad) / rate,
        "match": match,
        "drift_s": (found - margin) / rate,
        "end_match": end_match,
        "audio": cut,
    }
