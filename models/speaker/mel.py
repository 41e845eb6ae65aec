"""The speaker encoder's front end: 40-channel mel power frames of 16 kHz audio, 25 ms windows
every 10 ms, as the encoder was trained with (librosa's melspectrogram of 2019: a periodic Hann
window, frames centred with reflected padding, power 2, Slaney's mel scale and area
normalisation, 0-8 kHz; not logarithmic).
"""

from __future__ import annotations

from functools import cache

import numpy as np

SAMPLE_RATE = 16_000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
MEL_CHANNELS = 40

_LINEAR_STEP = 200.0 / 3  # Slaney: 66.7 Hz per mel below 1 kHz, logarithmic above
_LOG_START_HZ = 1000.0
_LOG_START_MEL = _LOG_START_HZ / _LINEAR_STEP
_LOG_STEP = np.log(6.4) / 27.0


def hz_to_mel(hz: np.ndarray) -> np.ndarray:
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz / _LINEAR_STEP
    logarithmic = _LOG_START_MEL + np.log(np.maximum(hz, _LOG_START_HZ) / _LOG_START_HZ) / _LOG_STEP
    return np.where(hz >= _LOG_START_HZ, logarithmic, linear)


def mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    linear = mel * _LINEAR_STEP
    logarithmic = _LOG_START_HZ * np.exp(_LOG_STEP * (mel - _LOG_START_MEL))
    return np.where(mel >= _LOG_START_MEL, logarithmic, linear)


@cache
def mel_filters() -> np.ndarray:
    """(40, 201) triangular filters over the FFT bins, each scaled to equal area."""
    bins = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    edges = mel_to_hz(np.linspace(hz_to_mel(np.array(0.0)), hz_to_mel(np.array(SAMPLE_RATE / 2)), MEL_CHANNELS + 2))
    widths = np.diff(edges)
    distance = edges[:, None] - bins[None, :]
    rising = -distance[:-2] / widths[:-1, None]
    falling = distance[2:] / widths[1:, None]
    filters = np.maximum(0.0, np.minimum(rising, falling))
    filters *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return filters.astype(np.float32)


@cache
def _window() -> np.ndarray:
    n = np.arange(N_FFT)
    return (0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)).astype(np.float32)  # periodic Hann


def frame_count(samples: int) -> int:
    return 1 + samples // HOP


def mel_frames(audio: np.ndarray) -> np.ndarray:
    """(frames, 40) float32 for mono float32 audio at 16 kHz; frame i is centred on sample i*160."""
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 1:
        raise ValueError("mono audio expected")
    pad = N_FFT // 2
    # reflected as librosa did; a clip shorter than half a window has too little to reflect
    padded = np.pad(audio, pad, mode="reflect") if audio.size > pad else np.pad(audio, pad)
    count = frame_count(audio.size)
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP][:count]
    spectrum = np.fft.rfft(frames * _window(), axis=1)
    power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
    return power @ mel_filters().T
