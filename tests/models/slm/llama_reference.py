"""A plain float64 numpy forward pass of a llama or qwen2 GGUF, written straight from the
architecture, to check the ONNX graph against: llama rotates interleaved pairs of the GGUF's own
(permuted) row order; qwen2 rotates the two halves of each head (llama.cpp's NEOX rope) and adds
biases to Q, K and V."""

from __future__ import annotations

import numpy as np

from models.gguf_file import GGUFFile
from models.slm.builder.quant import dequantized


def llama_last_logits(gguf_path, ids: list[int]) -> np.ndarray:
    gguf = GGUFFile(gguf_path)
    weight = lambda name: dequantized(gguf.tensor(name)).astype(np.float64)  # noqa: E731
    n_heads, n_kv = int(gguf.arch("attention.head_count")), int(gguf.arch("attention.head_count_kv"))
    hidden = int(gguf.arch("embedding_length"))
    head_dim, eps = hidden // n_heads, float(gguf.arch("attention.layer_norm_rms_epsilon"))
    base = float(gguf.arch("rope.freq_base"))
    embedding = weight("token_embd.weight")
    output = weight("output.weight") if gguf.has("output.weight") else embedding
    factors = weight("rope_freqs.weight").reshape(-1) if gguf.has("rope_freqs.weight") else 1.0  # Llama 3.1 style
    x = embedding[ids]
    length = len(ids)
    angles = np.arange(length)[:, None] * (base ** (-np.arange(0, head_dim, 2) / head_dim) / factors)[None]
    cos, sin = np.cos(angles)[:, None], np.sin(angles)[:, None]

    neox = gguf.architecture == "qwen2"

    def rope(v):
        if neox:
            first, second = v[..., : head_dim // 2], v[..., head_dim // 2 :]
            return np.concatenate([first * cos - second * sin, first * sin + second * cos], axis=-1)
        even, odd = v[..., 0::2], v[..., 1::2]
        out = np.empty_like(v)
        out[..., 0::2], out[..., 1::2] = even * cos - odd * sin, even * sin + odd * cos
        return out

    def project(h, name):
        y = h @ weight(name + ".weight").T
        return y + weight(name + ".bias").reshape(-1) if gguf.has(name + ".bias") else y

    def rms(v, w):
        return v / np.sqrt((v * v).mean(-1, keepdims=True) + eps) * w

    for layer in range(int(gguf.arch("block_count"))):
        p = f"blk.{layer}."
        h = rms(x, weight(p + "attn_norm.weight"))
        q = rope(project(h, p + "attn_q").reshape(length, n_heads, head_dim))
        k = rope(project(h, p + "attn_k").reshape(length, n_kv, head_dim))
        v = project(h, p + "attn_v").reshape(length, n_kv, head_dim)
        out = np.zeros((length, n_heads, head_dim))
        for head in range(n_heads):
            group = head // (n_heads // n_kv)
            scores = q[:, head] @ k[:, group].T / np.sqrt(head_dim)
            scores[np.triu_indices(length, 1)] = -np.inf
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            out[:, head] = (scores / scores.sum(-1, keepdims=True)) @ v[:, group]
        x = x + out.reshape(length, -1) @ weight(p + "attn_output.weight").T
        h = rms(x, weight(p + "ffn_norm.weight"))
        gate, up = h @ weight(p + "ffn_gate.weight").T, h @ weight(p + "ffn_up.weight").T
        x = x + (gate / (1 + np.exp(-gate)) * up) @ weight(p + "ffn_down.weight").T
    return rms(x, weight("output_norm.weight"))[-1] @ output.T
