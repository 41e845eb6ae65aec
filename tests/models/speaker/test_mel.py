"""The speaker encoder's mel front end is librosa's, as the encoder was trained with."""

from __future__ import annotations

import numpy as np

from models.speaker.mel import HOP, hz_to_mel, mel_filters, mel_frames, mel_to_hz

# librosa 0.10.2's melspectrogram(y=chirp, sr=16000, n_fft=400, hop_length=160, n_mels=40,
# pad_mode="reflect"), computed once outside the suite (librosa is not a dependency).
LIBROSA_FRAME_0_FIRST = [8.10323, 4.11804, 1.21406]
LIBROSA_FRAME_50_PEAK = {12: 0.00705902, 13: 3.69515, 14: 11.6876, 15: 0.800836}
LIBROSA_FRAME_100_PEAK = {21: 0.251795, 22: 6.29459, 23: 1.69882}
LIBROSA_SUM = 1493.4026


def _chirp() -> np.ndarray:
    t = np.arange(16000) / 16000
    return (0.3 * np.sin(2 * np.pi * (100 * t + 1000 * t * t))).astype(np.float32)


def test_a_chirps_mel_frames_are_librosas():
    frames = mel_frames(_chirp())
    assert frames.shape == (101, 40)
    np.testing.assert_allclose(frames[0, :3], LIBROSA_FRAME_0_FIRST, rtol=1e-4)
    for frame, peak in ((50, LIBROSA_FRAME_50_PEAK), (100, LIBROSA_FRAME_100_PEAK)):
        np.testing.assert_allclose([frames[frame, c] for c in peak], list(peak.values()), rtol=1e-4)
    assert abs(float(frames.sum()) - LIBROSA_SUM) < 1e-3 * LIBROSA_SUM


def test_the_mel_scale_is_slaneys_and_goes_both_ways():
    assert abs(float(hz_to_mel(np.array(1000.0))) - 15.0) < 1e-9  # linear below 1 kHz, 200/3 Hz per mel
    hz = np.array([0.0, 250.0, 999.0, 1000.0, 4321.0, 8000.0])
    np.testing.assert_allclose(mel_to_hz(hz_to_mel(hz)), hz, rtol=1e-9, atol=1e-9)


def test_each_filter_has_the_same_area_and_they_cover_the_band():
    filters = mel_filters()
    assert filters.shape == (40, 201)
    assert np.all(filters >= 0) and np.all(filters.sum(axis=1) > 0)


def test_one_frame_every_ten_milliseconds():
    assert mel_frames(np.zeros(16000, np.float32)).shape == (1 + 16000 // HOP, 40)
    assert mel_frames(np.zeros(100, np.float32)).shape == (1, 40)  # shorter than a window: padded with zeros
