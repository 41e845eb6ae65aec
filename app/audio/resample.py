"""Streaming conversion of a microphone's native rate (44.1 kHz, 48 kHz...) to 16 kHz, with
FFmpeg's resampler through PyAV, which carries its filter state from one block to the next."""

from __future__ import annotations

import numpy as np

TARGET_RATE = 16000


class StreamResampler:
    def __init__(self, source_rate: int, target_rate: int = TARGET_RATE):
        self.source_rate = int(source_rate)
        self.target_rate = int(target_rate)
        self._resampler = None
        if self.source_rate != self.target_rate:
            import av

            self._av = av
            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=self.target_rate)

    def push(self, mono: np.ndarray) -> np.ndarray:
        """The 16 kHz samples ready after adding these (mono float32) samples."""
        mono = np.ascontiguousarray(mono, dtype=np.float32).reshape(-1)
        if self._resampler is None:
            return mono.copy()
        if mono.size == 0:
            return np.zeros(0, dtype=np.float32)
        frame = self._av.AudioFrame.from_ndarray(mono.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = self.source_rate
        return self._collect(self._resampler.resample(frame))

    def flush(self) -> np.ndarray:
        """Whatever the filter still holds, at the end of the stream."""
        if self._resampler is None:
            return np.zeros(0, dtype=np.float32)
        return self._collect(self._resampler.resample(None))

    @staticmethod
    def _collect(frames) -> np.ndarray:
        arrays = [frame.to_ndarray().reshape(-1) for frame in frames]
        if not arrays:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(arrays).astype(np.float32, copy=False)
