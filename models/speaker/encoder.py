"""Voice embeddings: 256 numbers per stretch of speech, close (cosine) for one voice and apart
for two, from the speaker encoder that `models install` converts to ONNX.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from models.errors import ModelError
from models.speaker.mel import HOP, SAMPLE_RATE, mel_frames

PARTIAL_FRAMES = 160  # 1.6 s: the length the encoder was trained on
TARGET_DBFS = -30.0  # the loudness of its training audio
BATCH = 64  # windows per run: bounded memory whatever the length of the audio
EMBEDDING_SIZE = 256


def level_volume(audio: np.ndarray) -> np.ndarray:
    """Audio at the loudness of the encoder's training audio. Its mel frames are power, not
    logarithmic, so loudness changes the embedding: levelled both ways, one voice near the
    microphone and far from it stays one voice (Resemblyzer only raised quiet audio)."""
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if audio.size else 0.0
    if rms <= 1e-6:
        return audio
    return (audio * 10 ** ((TARGET_DBFS - 20 * np.log10(rms)) / 20)).astype(np.float32)


class SpeakerEncoder:
    """The ONNX speaker encoder in model_dir (model.onnx), run by ONNX Runtime."""

    def __init__(self, model_dir: Path, threads: int = 1):
        import onnxruntime as ort

        path = Path(model_dir) / "model.onnx"
        if not path.is_file():
            raise ModelError(f"The speaker encoder is not installed ({path} is missing); run `confide models install`.")
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Short stretches of speech are embedded at their own length: with ONNX Runtime's arena and
        # memory patterns every new length kept memory of its own (an hour's voice step held 205 MB
        # above the transcriber, 123 MB without them; about 10% slower, 3% of transcription time).
        options.enable_mem_pattern = False
        options.enable_cpu_mem_arena = False
        try:
            self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own types for a damaged file
            raise ModelError(f"The speaker encoder at {path} cannot be loaded; install it again ({exc}).") from exc

    def embed_mels(self, mels: np.ndarray) -> np.ndarray:
        """(windows, frames, 40) mel frames -> (windows, 256) unit vectors, BATCH windows at a time."""
        mels = np.asarray(mels, dtype=np.float32)
        out = np.empty((mels.shape[0], EMBEDDING_SIZE), dtype=np.float32)
        for start in range(0, mels.shape[0], BATCH):
            out[start : start + BATCH] = self._session.run(None, {"mels": mels[start : start + BATCH]})[0]
        return out

    def embed_windows(self, audio: np.ndarray, starts: list[int], length: int) -> np.ndarray:
        """One embedding per window audio[start:start+length] (samples; all of one length), each
        window levelled to the training loudness on its own."""
        frames = [mel_frames(level_volume(audio[start : start + length]))[: length // HOP] for start in starts]
        if not frames:
            return np.empty((0, EMBEDDING_SIZE), dtype=np.float32)
        return self.embed_mels(np.stack(frames))

    def embed_clip(self, audio: np.ndarray) -> np.ndarray:
        """The voice of a whole clip: the mean of its 1.6 s partials (0.8 s apart), unit length.
        A clip shorter than a partial is embedded whole."""
        audio = level_volume(np.asarray(audio, dtype=np.float32))
        length = PARTIAL_FRAMES * HOP
        if audio.size < length:
            if audio.size < SAMPLE_RATE // 4:
                raise ValueError("a clip shorter than a quarter of a second has no voice to measure")
            return self.embed_mels(mel_frames(audio)[None])[0]
        step = length // 2
        starts = list(range(0, audio.size - length + 1, step))
        mean = self.embed_windows(audio, starts, length).mean(axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-12)
