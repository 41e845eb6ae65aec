"""The ONNX speaker encoder: the checkpoint's network exactly, and voices told apart."""

from __future__ import annotations

import numpy as np
import pytest

from models.speaker.build_onnx import encoder_graph
from models.speaker.checkpoint import read_state
from models.whisper import decode_blocks

FIRST = "The quarterly budget needs another review before we send it to finance next week."
SECOND = "I spoke with the design team yesterday and they want two more weeks for the new screens."


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _torch_lstm_reference(state, mels: np.ndarray) -> np.ndarray:
    """PyTorch's LSTM equations (gates input, forget, cell, output), three layers, then
    ReLU(Linear(last hidden state)) made unit length: the network as Resemblyzer runs it."""
    sequence = mels.astype(np.float64)
    for layer in range(3):
        w, r = state[f"lstm.weight_ih_l{layer}"], state[f"lstm.weight_hh_l{layer}"]
        bias = state[f"lstm.bias_ih_l{layer}"] + state[f"lstm.bias_hh_l{layer}"]
        h = np.zeros((mels.shape[0], 256))
        c = np.zeros_like(h)
        outputs = []
        for t in range(sequence.shape[1]):
            i, f, g, o = np.split(sequence[:, t] @ w.T + h @ r.T + bias, 4, axis=1)
            c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
            h = _sigmoid(o) * np.tanh(c)
            outputs.append(h)
        sequence = np.stack(outputs, axis=1)
    embedding = np.maximum(h @ state["linear.weight"].T + state["linear.bias"], 0)
    return embedding / np.linalg.norm(embedding, axis=1, keepdims=True)


def test_the_onnx_graph_computes_the_checkpoints_network(speaker_encoder_dir, speaker_encoder):
    state = read_state(speaker_encoder_dir / "pretrained.pt")
    encoder_graph(state)  # the graph builds and passes onnx's checker
    mels = np.random.default_rng(7).random((3, 60, 40)).astype(np.float32) * 3
    got = speaker_encoder.embed_mels(mels)
    np.testing.assert_allclose(got, _torch_lstm_reference(state, mels), atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def _samples(path) -> np.ndarray:
    return np.concatenate(list(decode_blocks(path)))


@pytest.fixture(scope="module")
def voices(speech_clip):
    """Two sentences in each of two espeak-ng voices (a low man's, a high woman's)."""
    return {
        (voice, n): _samples(speech_clip(text, voice=voice, pitch=pitch, speed=speed))
        for voice, pitch, speed in (("en-us+m3", 35, 160), ("en-gb+f2", 70, 180))
        for n, text in enumerate((FIRST, SECOND))
    }


def test_identical_audio_gives_identical_embeddings(speaker_encoder, voices):
    clip = voices[("en-us+m3", 0)]
    assert np.array_equal(speaker_encoder.embed_clip(clip), speaker_encoder.embed_clip(clip.copy()))


def test_two_clips_of_one_voice_are_closer_than_two_voices(speaker_encoder, voices):
    e = {key: speaker_encoder.embed_clip(clip) for key, clip in voices.items()}
    same = [float(e[(v, 0)] @ e[(v, 1)]) for v in ("en-us+m3", "en-gb+f2")]
    different = [float(e[("en-us+m3", a)] @ e[("en-gb+f2", b)]) for a in (0, 1) for b in (0, 1)]
    assert min(same) > max(different) + 0.05, (same, different)


def test_a_quiet_recording_of_a_voice_is_that_voice(speaker_encoder, voices):
    clip = voices[("en-us+m3", 0)]
    loud, quiet = speaker_encoder.embed_clip(clip), speaker_encoder.embed_clip(clip * 0.05)
    assert float(loud @ quiet) > 0.99
