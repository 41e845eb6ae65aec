"""The energy scan that keeps silence away from the model (models/whisper/silence.py)."""

from __future__ import annotations

import wave

import numpy as np

from app.audio.wer import word_error_rate
from models.types import Segment
from models.whisper import SAMPLE_RATE
from models.whisper.silence import SILENT_BELOW_DB, first_sound, is_silent, loudest_db


def _write_wav(path, samples: np.ndarray):
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def _noise(seconds: float, db: float, seed: int = 3) -> np.ndarray:
    level = 10 ** (db / 20)
    return np.random.default_rng(seed).normal(0, level, int(seconds * SAMPLE_RATE)).astype(np.float32)


def test_silence_hum_and_a_muted_microphone_are_silent_and_quiet_speech_is_not(two_sentences):
    """Digital silence and a -65 dBFS noise floor are silent; the speech clip turned down by
    30 dB (a quiet voice far from the microphone) is not."""
    speech, _gap, _text = two_sentences
    assert is_silent(np.zeros(SAMPLE_RATE * 5, dtype=np.float32))
    assert is_silent(_noise(5, -65)) and is_silent(np.zeros(3, dtype=np.float32))
    quiet = speech * 10 ** (-30 / 20)
    assert loudest_db(speech) > loudest_db(quiet) > SILENT_BELOW_DB + 5
    assert not is_silent(quiet)


def test_silent_windows_never_reach_the_model(whisper, two_sentences, monkeypatch):
    """Speech, four minutes of near-silence, speech: only the windows with sound are given to
    Whisper, and both sentences are still in the transcript."""
    speech, gap, text = two_sentences
    audio = np.concatenate((speech[:gap], _noise(240, -70), speech[gap:]))
    given = []
    real = whisper._model.transcribe

    def counting(window_audio, **kwargs):
        given.append(window_audio.size / SAMPLE_RATE)
        return real(window_audio, **kwargs)

    monkeypatch.setattr(whisper._model, "transcribe", counting)
    events = list(whisper.transcribe(audio, language="en"))
    result = events[-1]
    assert len(given) == 2, given  # of the three or four windows, the silent ones were skipped
    assert word_error_rate(text, " ".join(s.text for s in result.segments)) <= 0.2
    assert result.duration == audio.size / SAMPLE_RATE
    assert all(isinstance(e, Segment) or e.seconds_done <= result.duration for e in events[:-1])


def test_the_scan_stops_at_the_first_sound(tmp_path, two_sentences):
    """Speech at the start of a long file: found in the first block, the rest is not decoded;
    a silent file is scanned to its end and found silent."""
    speech, _gap, _text = two_sentences
    loud = _write_wav(tmp_path / "loud.wav", np.concatenate((_noise(1, -80), speech, np.zeros(SAMPLE_RATE * 300))))
    at, scanned = first_sound(loud)
    assert at == 0.0 and scanned == 0.0
    quiet = _write_wav(tmp_path / "quiet.wav", _noise(95, -70))
    assert first_sound(quiet) == (None, 95.0)
