"""The Transcriber with the real Whisper base model: accuracy on each import format, windows
that lose and duplicate nothing, silence, cancel, and the errors of a bad model folder."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from app.audio.wer import normalize_words, word_error_rate
from models.errors import AppError, ModelError
from models.types import Segment
from models.whisper import SAMPLE_RATE, Transcriber, TranscriptionProgress, TranscriptionResult, WindowPolicy


def result_of(events) -> TranscriptionResult:
    events = list(events)
    assert isinstance(events[-1], TranscriptionResult)
    assert sum(isinstance(e, TranscriptionResult) for e in events) == 1
    return events[-1]


@pytest.fixture(scope="module")
def wav_result(whisper, speech_wav):
    wav, _text = speech_wav
    return list(whisper.transcribe(wav, language="en"))


def test_a_wav_clip_is_transcribed_with_segments_progress_and_a_result(wav_result, speech_wav):
    """Segments stream before the result, in order, with times inside the clip; progress only
    grows; the result repeats every segment and says the language and duration."""
    _wav, text = speech_wav
    segments = [e for e in wav_result if isinstance(e, Segment)]
    progress = [e.seconds_done for e in wav_result if isinstance(e, TranscriptionProgress)]
    result = wav_result[-1]
    assert isinstance(result, TranscriptionResult)
    assert tuple(segments) == result.segments and segments
    assert progress == sorted(progress) and progress[-1] == pytest.approx(result.duration)
    assert result.language == "en" and 8.0 < result.duration < 11.0
    assert all(0 <= s.start <= s.end <= result.duration for s in segments)
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    assert word_error_rate(text, result.text) <= 0.15, result.text


def test_every_import_format_reads_like_the_wav(whisper, speech_formats, format_wav):
    """Each format made from the clip (flac, mp3, m4a, aac, ogg, opus, mp4, webm, mkv) gives a
    transcript within 0.05 WER of the WAV's. (The opus file goes without a language: English
    is detected.)"""
    wav, text = format_wav
    wav_text = result_of(whisper.transcribe(wav, language="en")).text
    wav_wer = word_error_rate(text, wav_text)
    assert wav_wer <= 0.2, wav_text
    for name, path in speech_formats.items():
        if name == "wav":
            continue
        result = result_of(whisper.transcribe(path, language=None if name == "opus" else "en"))
        assert result.language == "en", name
        assert abs(word_error_rate(text, result.text) - wav_wer) <= 0.05, (name, result.text, wav_text)


def test_a_cut_between_windows_loses_and_duplicates_no_word(whisper, two_sentences):
    """Forced into two windows, the transcript holds every word once: the cut falls in the
    pause between the sentences, and the second window's times are shifted by its offset."""
    audio, gap_start, text = two_sentences
    whole = result_of(whisper.transcribe(audio, language="en"))
    cut_policy = WindowPolicy(min_seconds=gap_start / SAMPLE_RATE - 1.0, max_seconds=gap_start / SAMPLE_RATE + 1.1)
    windowed = result_of(whisper.transcribe(audio, language="en", policy=cut_policy))
    gap_seconds = gap_start / SAMPLE_RATE
    assert any(s.start >= gap_seconds for s in windowed.segments)  # really two windows' worth
    words = normalize_words(windowed.text)
    for word in ("march", "designers", "budget", "friday", "release"):
        assert words.count(word) == 1, windowed.text
    assert word_error_rate(text, windowed.text) <= word_error_rate(text, whole.text) + 0.05
    second = [s for s in windowed.segments if "budget" in s.text.lower()][0]
    assert gap_seconds < second.start < audio.size / SAMPLE_RATE


def test_word_timestamps_are_in_the_recording_s_time(whisper, two_sentences):
    """With word timestamps, words of a later window carry the window's offset too."""
    audio, gap_start, _text = two_sentences
    policy = WindowPolicy(min_seconds=gap_start / SAMPLE_RATE - 1.0, max_seconds=gap_start / SAMPLE_RATE + 1.1)
    result = result_of(whisper.transcribe(audio, language="en", word_timestamps=True, policy=policy))
    words = [w for s in result.segments for w in s.words]
    assert len(words) >= 20
    assert [w.start for w in words] == sorted(w.start for w in words)
    budget = [w for w in words if "budget" in w.text.lower()][0]
    assert budget.start > gap_start / SAMPLE_RATE


@pytest.mark.parametrize("kind", ["digital silence", "faint room noise"])
def test_silence_gives_an_empty_transcript_not_invented_text(whisper, kind):
    """Ten seconds without speech: no segment at all, and the result says there was no speech."""
    samples = int(10 * SAMPLE_RATE)
    if kind == "digital silence":
        audio = np.zeros(samples, dtype=np.float32)
    else:
        audio = np.random.default_rng(5).normal(0, 0.003, samples).astype(np.float32)
    events = list(whisper.transcribe(audio))
    assert not any(isinstance(e, Segment) for e in events)
    assert events[-1].no_speech and events[-1].segments == ()


def test_cancel_takes_effect_at_once_and_the_model_stays_usable(whisper, speech_wav, two_sentences):
    """Cancelled while the model is busy, the generator ends within 2 s without a result (a
    CTranslate2 call cannot be interrupted, so it runs on a helper thread), and the next
    transcription works."""
    wav, text = speech_wav
    audio, _gap, _text = two_sentences
    cancel = threading.Event()
    fired = []

    def fire():
        fired.append(time.monotonic())
        cancel.set()

    timer = threading.Timer(1.0, fire)
    timer.start()
    events = list(whisper.transcribe(audio, language="en", cancel=cancel))
    stopped = time.monotonic()
    timer.join()
    assert fired, "the transcription ended before the cancel: give it a longer input"
    assert stopped - fired[0] < 2.0
    assert not any(isinstance(e, TranscriptionResult) for e in events)
    again = result_of(whisper.transcribe(wav, language="en"))
    assert word_error_rate(text, again.text) <= 0.15


def test_an_unknown_language_code_is_refused_in_one_sentence(whisper, speech_wav):
    """--language xx is a user error with a clear message, not a crash inside the library."""
    with pytest.raises(AppError, match="not a language code"):
        list(whisper.transcribe(speech_wav[0], language="xx"))


def test_a_missing_or_damaged_model_folder_is_a_model_error(tmp_path, whisper_model_dir):
    """No folder, or a model.bin that is not a model: ModelError saying how to reinstall."""
    with pytest.raises(ModelError, match="models install whisper-base"):
        Transcriber.load(tmp_path / "nowhere")
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        (broken / name).write_bytes((whisper_model_dir / name).read_bytes())
    (broken / "model.bin").write_bytes(b"not a model" * 100)
    with pytest.raises(ModelError, match="cannot be loaded"):
        Transcriber.load(broken, threads=1)


def test_the_self_test_clip_reads_back_its_text(whisper):
    """resources/speech (shipped for `confide --self-test`): small, and transcribed well
    within the self-test's limit of 0.3 WER."""
    from support import ROOT

    clip, text = ROOT / "resources" / "speech" / "clip.opus", ROOT / "resources" / "speech" / "clip.txt"
    assert clip.stat().st_size < 64_000
    result = result_of(whisper.transcribe(clip))
    assert result.language == "en" and 9 < result.duration < 12
    assert word_error_rate(text.read_text(encoding="utf-8"), result.text) <= 0.1, result.text
