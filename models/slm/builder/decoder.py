"""The decoder-only transformer graph shared by the supported architectures.

Inputs and outputs follow onnxruntime-genai's conventions (input_ids, attention_mask,
past_key_values.N.key/value -> logits, present.N.key/value), with the KV cache in BNSH layout
so that the past and present buffers can be one fixed-size buffer (GroupQueryAttention
detects that by pointer). Only the last position's logits are computed.

Between the attention ops the hidden states are 2-D [tokens, features]: then onnxruntime fuses
each Q4_1 min term's MatMul and Add into one Gemm, and a decoding step runs fewer nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from models.slm.builder.graph import FLOAT, INT32, INT64, MS, GraphWriter
from models.slm.builder.quant import EmbeddingTable, NBitsWeight, fuse


@dataclass(frozen=True)
class IoNames:
    input_ids: str = "input_ids"
    attention_mask: str = "attention_mask"
    past_key: str = "past_key_values.%d.key"
    past_value: str = "past_key_values.%d.value"
    logits: str = "logits"
    present_key: str = "present.%d.key"
    present_value: str = "present.%d.value"


@dataclass
class DecoderSpec:
    n_layers: int
    hidden: int
    n_heads: int
    n_kv_heads: int
    head_dim: int
    vocab: int
    context_length: int
    eps: float
    rope_bases: list[float]  # per layer
    rotary_dim: int
    rope_freq_factors: np.ndarray | None = None  # Llama 3.1 style long-context scaling
    sliding_windows: list[int] = field(default_factory=list)  # per layer, 0 = global
    embedding_scale: float = 1.0
    activation: str = "silu"  # or "gelu_tanh"


@dataclass
class LayerWeights:
    attn_norm: np.ndarray
    q: NBitsWeight
    k: NBitsWeight
    v: NBitsWeight
    o: NBitsWeight
    ffn_norm: np.ndarray
    gate: NBitsWeight
    up: NBitsWeight
    down: NBitsWeight
    q_norm: np.ndarray | None = None  # Gemma 3: per-head RMSNorm on queries and keys
    k_norm: np.ndarray | None = None
    post_attn_norm: np.ndarray | None = None  # Gemma: RMSNorm after attention and after the feed-forward block
    post_ffn_norm: np.ndarray | None = None
    q_bias: np.ndarray | None = None  # Qwen2: biases on the query, key and value projections
    k_bias: np.ndarray | None = None
    v_bias: np.ndarray | None = None


def rotary_tables(spec: DecoderSpec, base: float) -> tuple[np.ndarray, np.ndarray]:
    half = spec.rotary_dim // 2
    inv_freq = 1.0 / (base ** (np.arange(half, dtype=np.float64) * 2.0 / spec.rotary_dim))
    if spec.rope_freq_factors is not None:
        inv_freq = inv_freq / spec.rope_freq_factors.astype(np.float64)[:half]
    angles = np.outer(np.arange(spec.context_length, dtype=np.float64), inv_freq)
    return np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)


def build_decoder(
    spec: DecoderSpec,
    embedding: EmbeddingTable | None,
    layer_weights: Callable[[int], LayerWeights],
    output_norm: np.ndarray,
    lm_head: NBitsWeight,
    *,
    accuracy_level: int = 4,
    down_accuracy_level: int | None = None,
    names: IoNames = IoNames(),
    data_file=None,
    data_name: str = "",
    progress: Callable[[str], None] = lambda _m: None,
):
    """The decoder graph and whether its weights are exactly the GGUF's. embedding: a table from
    quant.embedding_table, or None to gather the rows of lm_head itself (tied embeddings in
    8-bit form), which keeps one copy of the largest matrix instead of two."""
    g = GraphWriter(accuracy_level, data_file, data_name)
    ids = g.add_input(names.input_ids, INT64, ["batch_size", "sequence_length"])
    mask = g.add_input(names.attention_mask, INT64, ["batch_size", "total_sequence_length"])
    cache_shape = ["batch_size", spec.n_kv_heads, "past_sequence_length", spec.head_dim]
    present_shape = ["batch_size", spec.n_kv_heads, "total_sequence_length", spec.head_dim]

    # GroupQueryAttention wants the index of the last valid position and the total length.
    axes1 = g.const("axis1", np.array([1], np.int64))
    valid = g.one("ReduceSum", [mask, axes1], stem="valid_tokens", keepdims=0)
    last_index = g.one("Sub", [valid, g.const("one64", np.array(1, np.int64))], stem="last_index")
    seqlens_k = g.one("Cast", [last_index], stem="seqlens_k", to=INT32)
    total = g.one(
        "Gather",
        [g.one("Shape", [mask], stem="mask_shape"), g.const("index1", np.array(1, np.int64))],
        stem="total_len_i64",
        axis=0,
    )
    total_len = g.one("Cast", [total], stem="total_len", to=INT32)
    # [batch, sequence, -1], to turn 2-D hidden states back into what the attention op wants
    minus_one = g.const("minus_one", np.array([-1], np.int64))
    batch_seq = g.one("Concat", [g.one("Shape", [ids], stem="ids_shape"), minus_one], stem="batch_seq_shape", axis=0)
    flat = g.const("flat_shape", np.array([-1, spec.hidden], np.int64))

    rope = {}
    for base in sorted(set(spec.rope_bases)):
        cos_table, sin_table = rotary_tables(spec, base)
        rope[base] = (g.const(f"cos_cache_{int(base)}", cos_table), g.const(f"sin_cache_{int(base)}", sin_table))

    if embedding is None:
        rows = _rows_of_output_layer(g, lm_head, ids)
    else:
        g.weights_exact = embedding.exact
        rows = g.one(
            "GatherBlockQuantized",
            [
                g.const("embed.qweight", embedding.data),
                ids,
                g.const("embed.scales", embedding.scales),
                g.const("embed.qzeros", embedding.zero_points),
            ],
            domain=MS,
            stem="embed_rows",
            gather_axis=0,
            quantize_axis=1,
            block_size=embedding.block,
            bits=embedding.bits,
        )
        if embedding.offsets is not None:
            blocks = spec.hidden // embedding.block
            blocks_shape = g.const("embed_blocks_shape", np.array([-1, blocks, embedding.block], np.int64))
            per_block = g.one("Reshape", [rows, blocks_shape], stem="embed_blocks")
            offsets = g.one("Gather", [g.const("embed.offsets", embedding.offsets), ids], stem="embed_offsets", axis=0)
            offsets = g.one(
                "Reshape",
                [offsets, g.const("embed_offsets_shape", np.array([-1, blocks, 1], np.int64))],
                stem="embed_offsets_blocks",
            )
            rows = g.one("Add", [per_block, offsets], stem="embed_plus_offsets")
    x = g.one("Reshape", [rows, flat], stem="embed")
    if spec.embedding_scale != 1.0:
        x = g.one("Mul", [x, g.const("embed_scale", np.array(spec.embedding_scale, np.float32))], stem="embed_scaled")

    residual = x
    pending: str | None = None  # the last block's output, not yet added to the residual stream
    for index in range(spec.n_layers):
        if (index + 1) % 10 == 0 or index + 1 == spec.n_layers:
            progress(f"layer {index + 1}/{spec.n_layers}")
        w = layer_weights(index)
        stem = f"layers.{index}"
        if pending is None:
            normed = g.rms_norm(residual, w.attn_norm, spec.eps, f"{stem}.attn_norm")
        else:
            normed, residual = g.skip_rms_norm(pending, residual, w.attn_norm, spec.eps, f"{stem}.attn_norm")

        attention_inputs = [
            g.one("Reshape", [t, batch_seq], stem=f"{stem}.attn_in") if t else t for t in _qkv(g, spec, w, normed, stem)
        ]
        cos, sin = rope[spec.rope_bases[index]]
        window = spec.sliding_windows[index] if spec.sliding_windows else 0
        past_k = g.add_input(names.past_key % index, FLOAT, cache_shape)
        past_v = g.add_input(names.past_value % index, FLOAT, cache_shape)
        present_k, present_v = names.present_key % index, names.present_value % index
        g.add_output(present_k, FLOAT, present_shape)
        g.add_output(present_v, FLOAT, present_shape)
        attn_out = g.fresh(f"{stem}.attn_out")
        g.op(
            "GroupQueryAttention",
            [*attention_inputs, past_k, past_v, seqlens_k, total_len, cos, sin],
            [attn_out, present_k, present_v],
            domain=MS,
            stem=f"{stem}.attn",
            num_heads=spec.n_heads,
            kv_num_heads=spec.n_kv_heads,
            scale=float(spec.head_dim**-0.5),
            do_rotary=1,
            rotary_interleaved=0,
            local_window_size=(window - 1) if window else -1,
        )
        attn_flat_shape = g.const("attn_flat_shape", np.array([-1, spec.n_heads * spec.head_dim], np.int64))
        attn_flat = g.one("Reshape", [attn_out, attn_flat_shape], stem=f"{stem}.attn_flat")
        attn = g.linear(attn_flat, w.o, f"{stem}.o_proj")
        if w.post_attn_norm is not None:
            attn = g.rms_norm(attn, w.post_attn_norm, spec.eps, f"{stem}.post_attn_norm")
        normed, residual = g.skip_rms_norm(attn, residual, w.ffn_norm, spec.eps, f"{stem}.ffn_norm")
        pending = _feed_forward(g, spec, w, normed, stem, down_accuracy_level)
        if w.post_ffn_norm is not None:
            pending = g.rms_norm(pending, w.post_ffn_norm, spec.eps, f"{stem}.post_ffn_norm")

    if pending is None:
        raise ValueError("a decoder needs at least one layer")  # gguf_checks refuses a GGUF without one
    # Only the last position's logits are needed to pick the next token.
    starts, ends = g.const("last_start", np.array([-1], np.int64)), g.const("last_end", np.array([2**62], np.int64))

    def last_position(t: str, name: str) -> str:
        return g.one("Slice", [g.one("Reshape", [t, batch_seq], stem=f"{name}_3d"), starts, ends, axes1], stem=name)

    final, _ = g.skip_rms_norm(
        last_position(pending, "last_pending"),
        last_position(residual, "last_residual"),
        output_norm,
        spec.eps,
        "final_norm",
    )
    logits = g.linear(g.one("Reshape", [final, flat], stem="final_flat"), lm_head, "lm_head")
    g.op(
        "Reshape",
        [logits, g.const("logits_shape", np.array([-1, 1, spec.vocab], np.int64))],
        [names.logits],
        stem="logits",
    )
    g.add_output(names.logits, FLOAT, ["batch_size", 1, spec.vocab])
    return g.model("confide-decoder"), g.weights_exact


def _rows_of_output_layer(g: GraphWriter, lm_head: NBitsWeight, ids: str) -> str:
    """Embeddings gathered from the output layer's own 8-bit weights (tied embeddings):
    [batch, sequence, blocks, block]."""
    assert lm_head.bits == 8
    packed, _scales, _zeros = g.weight_constants(lm_head, "lm_head")
    vocab, blocks = lm_head.n, lm_head.k // lm_head.block
    # The gather wants one scale and one zero point per block, with a trailing axis.
    scales = g.const("embed.scales", lm_head.scales.reshape(vocab, blocks, 1))
    zeros = g.const("embed.qzeros", np.full((vocab, blocks, 1), 128, np.uint8))
    return g.one(
        "GatherBlockQuantized",
        [packed, ids, scales, zeros],
        domain=MS,
        stem="embed_blocks",
        gather_axis=0,
        quantize_axis=2,
        block_size=lm_head.block,
        bits=8,
    )


def _qkv(g: GraphWriter, spec: DecoderSpec, w: LayerWeights, normed: str, stem: str) -> list[str]:
    sizes = [spec.n_heads * spec.head_dim, spec.n_kv_heads * spec.head_dim, spec.n_kv_heads * spec.head_dim]
    fused = fuse([w.q, w.k, w.v])
    biases = [w.q_bias, w.k_bias, w.v_bias]
    if fused is not None:
        bias = None
        if any(b is not None for b in biases):
            bias = np.concatenate(
                [np.zeros(size, np.float32) if b is None else b for b, size in zip(biases, sizes, strict=True)]
            )
        qkv = g.linear(normed, fused, f"{stem}.qkv_proj", bias=bias)
        if w.q_norm is None and w.k_norm is None:
            return [qkv, "", ""]  # GroupQueryAttention takes packed QKV
        q, k, v = g.op(
            "Split", [qkv, g.const("qkv_sizes", np.array(sizes, np.int64))], 3, stem=f"{stem}.qkv_split", axis=-1
        )
    else:
        q = g.linear(normed, w.q, f"{stem}.q_proj", bias=w.q_bias)
        k = g.linear(normed, w.k, f"{stem}.k_proj", bias=w.k_bias)
        v = g.linear(normed, w.v, f"{stem}.v_proj", bias=w.v_bias)
    if w.q_norm is not None:
        q = _per_head_norm(g, spec, q, w.q_norm, spec.n_heads, f"{stem}.q_norm")
    if w.k_norm is not None:
        k = _per_head_norm(g, spec, k, w.k_norm, spec.n_kv_heads, f"{stem}.k_norm")
    return [q, k, v]


def _per_head_norm(g: GraphWriter, spec: DecoderSpec, x: str, gamma: np.ndarray, heads: int, stem: str) -> str:
    per_head = g.one(
        "Reshape", [x, g.const("heads_shape", np.array([0, heads, spec.head_dim], np.int64))], stem=f"{stem}_heads"
    )
    normed = g.rms_norm(per_head, gamma, spec.eps, stem)
    return g.one(
        "Reshape",
        [normed, g.const("heads_flat_shape", np.array([0, heads * spec.head_dim], np.int64))],
        stem=f"{stem}_flat",
    )


def _feed_forward(
    g: GraphWriter, spec: DecoderSpec, w: LayerWeights, normed: str, stem: str, down_accuracy_level: int | None
) -> str:
    fused = fuse([w.gate, w.up])
    if fused is not None:
        both = g.linear(normed, fused, f"{stem}.gate_up_proj")
        gate, up = g.op(
            "Split",
            [both, g.const("ffn_sizes", np.array([w.gate.n, w.up.n], np.int64))],
            2,
            stem=f"{stem}.gate_up_split",
            axis=-1,
        )
    else:
        gate = g.linear(normed, w.gate, f"{stem}.gate_proj")
        up = g.linear(normed, w.up, f"{stem}.up_proj")
    if spec.activation == "silu":
        activated = g.one("Mul", [gate, g.one("Sigmoid", [gate], stem=f"{stem}.sigmoid")], stem=f"{stem}.silu")
    else:
        activated = g.one("FastGelu", [gate], domain=MS, stem=f"{stem}.gelu")
    product = g.one("Mul", [activated, up], stem=f"{stem}.gated")
    # Float activations only into 4-bit weights: onnxruntime has no float kernel for 8-bit ones and
    # unpacks the whole matrix at every call (Qwen2.5 0.5B's Q6_K down projections: 190 of the
    # 490 ms of a decoding step, where int8 activations take a few).
    level = down_accuracy_level if w.down.bits == 4 else None
    return g.linear(product, w.down, f"{stem}.down_proj", accuracy_level=level)
