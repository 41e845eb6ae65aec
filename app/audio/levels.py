"""Input levels for a meter: RMS and peak of a block of samples, both 0..1 of full scale."""

from __future__ import annotations

import numpy as np


def rms_and_peak(samples: np.ndarray) -> tuple[float, float]:
    if samples.size == 0:
        return 0.0, 0.0
    values = np.asarray(samples, dtype=np.float32)
    rms = float(np.sqrt(np.mean(values * values)))
    peak = float(np.max(np.abs(values)))
    return min(rms, 1.0), min(peak, 1.0)
