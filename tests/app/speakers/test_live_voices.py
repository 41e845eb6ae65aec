"""Voices measured while a recording goes on give the speakers the whole file gives."""

from __future__ import annotations

import threading

from support import run_to_end

import app.speakers.live as live_voices
from app.speakers.live import LiveVoices, recorded_samples
from app.speakers.task import SpeakerOptions, tell_speakers
from models.whisper import TranscriptionResult, decode_blocks


def test_a_growing_recording_is_read_as_it_is_written(three_voices, tmp_path):
    wav, _ = three_voices()
    whole = next(decode_blocks(wav, block_seconds=3600))
    data = wav.read_bytes()
    growing = tmp_path / "meeting.partial.wav"
    growing.write_bytes(data[: 44 + 2 * 16000 * 10])  # ten seconds written so far
    got = next(recorded_samples(growing, 16000 * 4, 16000 * 20))
    assert got.size == 16000 * 6 and abs(got - whole[16000 * 4 : 16000 * 10]).max() < 1e-4


def test_measured_a_stretch_at_a_time_the_speakers_are_the_same(
    three_voices, whisper, speaker_encoder, speaker_encoder_dir, monkeypatch
):
    monkeypatch.setattr(live_voices, "CATCH_UP_SECONDS", 5.0)
    wav, _ = three_voices()
    segments = [e for e in whisper.transcribe(wav, word_timestamps=True) if isinstance(e, TranscriptionResult)][
        0
    ].segments
    options = SpeakerOptions(str(speaker_encoder_dir))
    voices = LiveVoices(options)
    for upto in range(1, len(segments)):  # as the live transcript gives them
        voices.catch_up(segments[:upto], wav, threading.Event())
    assert not voices.given_up and 0 < voices.measured.until < segments[-1].end
    during = run_to_end(
        tell_speakers(wav, segments, options, threading.Event(), voices.encoder, measured=voices.measured)
    )
    after = run_to_end(tell_speakers(wav, segments, options, threading.Event(), speaker_encoder))
    assert [s.speaker for s in during.segments] == [s.speaker for s in after.segments]
    assert during.count == after.count == 3
