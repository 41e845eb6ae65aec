"""What each supported GGUF architecture means as a DecoderSpec and per-layer weights."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from models.errors import ModelError
from models.gguf_file import GGUFFile
from models.slm.builder.decoder import DecoderSpec, LayerWeights
from models.slm.builder.quant import NBitsWeight, dequantized, permute_rows, weight_for_matmul


def _vector(gguf: GGUFFile, name: str) -> np.ndarray:
    """A 1-D tensor (a norm's weights, a bias) as float32."""
    return dequantized(gguf.tensor(name)).reshape(-1).astype(np.float32)


def _unpermute_order(n_heads: int, head_dim: int) -> np.ndarray:
    """GGUF stores Q and K rows interleaved for its rope layout; this restores the halves layout
    that non-interleaved rotary embeddings expect (row h*hd + j*hd/2 + i <- h*hd + 2i + j)."""
    half = head_dim // 2
    order = [h * head_dim + 2 * i + j for h in range(n_heads) for j in range(2) for i in range(half)]
    return np.array(order, dtype=np.int64)


def _common(gguf: GGUFFile) -> dict:
    n_heads = int(gguf.arch("attention.head_count"))
    hidden = int(gguf.arch("embedding_length"))
    head_dim = int(gguf.arch("attention.key_length") or hidden // n_heads)
    n_kv = gguf.arch("attention.head_count_kv") or n_heads
    embed = gguf.tensor("token_embd.weight")
    return dict(
        n_layers=int(gguf.arch("block_count")),
        hidden=hidden,
        n_heads=n_heads,
        n_kv_heads=int(n_kv),
        head_dim=head_dim,
        vocab=int(embed.shape[1]),
        context_length=int(gguf.arch("context_length") or 2048),
        eps=float(gguf.arch("attention.layer_norm_rms_epsilon") or 1e-6),
        rotary_dim=int(gguf.arch("rope.dimension_count") or head_dim),
    )


def _output_layer(gguf: GGUFFile, weight) -> tuple[NBitsWeight, bool]:
    """(the output projection, whether it is the embedding table too): without output.weight the
    embedding table is also the output layer."""
    tied = not gguf.has("output.weight")
    return weight(gguf.tensor("token_embd.weight" if tied else "output.weight")), tied


def llama(gguf: GGUFFile, weight: Callable = weight_for_matmul):
    """Llama, SmolLM, Mistral-style: pre-norm, SiLU-gated MLP, one rope base."""
    common = _common(gguf)
    if gguf.arch("expert_count"):
        raise ModelError(f"{gguf.path.name} is a mixture-of-experts model, which Confide cannot run yet.")
    factors = _vector(gguf, "rope_freqs.weight") if gguf.has("rope_freqs.weight") else None
    spec = DecoderSpec(
        **common,
        rope_bases=[float(gguf.arch("rope.freq_base") or 10000.0)] * common["n_layers"],
        rope_freq_factors=factors,
    )
    q_order = _unpermute_order(spec.n_heads, spec.head_dim)
    k_order = _unpermute_order(spec.n_kv_heads, spec.head_dim)

    def layer(index: int) -> LayerWeights:
        t = lambda part: gguf.tensor(f"blk.{index}.{part}.weight")  # noqa: E731
        return LayerWeights(
            attn_norm=_vector(gguf, f"blk.{index}.attn_norm.weight"),
            q=permute_rows(weight(t("attn_q")), q_order),
            k=permute_rows(weight(t("attn_k")), k_order),
            v=weight(t("attn_v")),
            o=weight(t("attn_output")),
            ffn_norm=_vector(gguf, f"blk.{index}.ffn_norm.weight"),
            gate=weight(t("ffn_gate")),
            up=weight(t("ffn_up")),
            down=weight(t("ffn_down")),
        )

    return spec, layer, _vector(gguf, "output_norm.weight"), *_output_layer(gguf, weight)


def gemma3(gguf: GGUFFile, weight: Callable = weight_for_matmul):
    """Gemma 3: four norms a layer, per-head q/k norms, scaled embeddings, GELU(tanh) gating,
    sliding-window attention on five layers of six with their own rope base.

    llama.cpp's converter already adds Gemma's "+1" to every norm weight when it writes the GGUF
    (its gemma3 graph multiplies by the stored weight as it is), so they are used unchanged.
    """
    common = _common(gguf)
    n_layers = common["n_layers"]
    window = int(gguf.arch("attention.sliding_window") or 512)
    is_global = [(index + 1) % 6 == 0 for index in range(n_layers)]
    spec = DecoderSpec(
        **common,
        rope_bases=[float(gguf.arch("rope.freq_base") or 1e6) if g else 10000.0 for g in is_global],
        sliding_windows=[0 if g else window for g in is_global],
        embedding_scale=math.sqrt(common["hidden"]),
        activation="gelu_tanh",
    )

    def layer(index: int) -> LayerWeights:
        t = lambda part: gguf.tensor(f"blk.{index}.{part}.weight")  # noqa: E731
        n = lambda part: _vector(gguf, f"blk.{index}.{part}.weight")  # noqa: E731
        # Gemma's GGUF keeps Q and K in the halves layout already (no rope permutation).
        return LayerWeights(
            attn_norm=n("attn_norm"),
            q=weight(t("attn_q")),
            k=weight(t("attn_k")),
            v=weight(t("attn_v")),
            o=weight(t("attn_output")),
            ffn_norm=n("ffn_norm"),
            gate=weight(t("ffn_gate")),
            up=weight(t("ffn_up")),
            down=weight(t("ffn_down")),
            q_norm=n("attn_q_norm"),
            k_norm=n("attn_k_norm"),
            post_attn_norm=n("post_attention_norm"),
            post_ffn_norm=n("post_ffw_norm"),
        )

    return spec, layer, _vector(gguf, "output_norm.weight"), *_output_layer(gguf, weight)


def qwen2(gguf: GGUFFile, weight: Callable = weight_for_matmul):
    """Qwen2 and Qwen2.5: llama's block with biases on Q, K and V, one rope base (1e6 in the
    GGUF), tied or untied output.

    llama.cpp's converter permutes Q and K rows only for the llama architecture; a qwen2 GGUF
    keeps Hugging Face's halves layout and llama.cpp rotates it the NEOX way, which is what
    GroupQueryAttention's non-interleaved rotary does, so the rows (and biases) stay as stored.
    """
    common = _common(gguf)
    base = float(gguf.arch("rope.freq_base") or 1e6)
    spec = DecoderSpec(**common, rope_bases=[base] * common["n_layers"])

    def layer(index: int) -> LayerWeights:
        t = lambda part: gguf.tensor(f"blk.{index}.{part}.weight")  # noqa: E731
        vec = lambda name: _vector(gguf, f"blk.{index}.{name}")  # noqa: E731
        return LayerWeights(
            attn_norm=vec("attn_norm.weight"),
            q=weight(t("attn_q")),
            k=weight(t("attn_k")),
            v=weight(t("attn_v")),
            o=weight(t("attn_output")),
            ffn_norm=vec("ffn_norm.weight"),
            gate=weight(t("ffn_gate")),
            up=weight(t("ffn_up")),
            down=weight(t("ffn_down")),
            q_bias=vec("attn_q.bias"),
            k_bias=vec("attn_k.bias"),
            v_bias=vec("attn_v.bias"),
        )

    return spec, layer, _vector(gguf, "output_norm.weight"), *_output_layer(gguf, weight)


ARCHITECTURES = {"llama": llama, "gemma3": gemma3, "qwen2": qwen2}
