"""GGUF weight matrices as MatMulNBits operands.

Exact where the GGUF type allows it:
- Q4_0: q*d - 8d is 4-bit MatMulNBits with its default zero point 8.
- Q4_1: q*d + m is 4-bit MatMulNBits with zero point 0, plus m times the per-block sums of the
  input (a small float MatMul): zero points of -m/d would be exact too but hit a slow kernel,
  and rounding them to integers is not exact.
- Q8_0: an int8 q is 16*hi + lo with a signed high nibble and an unsigned low one, so one 4-bit
  MatMulNBits over the input twice (K doubled) with scales 16d and d and zero points 8 and 0
  reproduces it exactly, at 4-bit kernel speed.
Every other type (Q5_0, Q4_K, Q6_K, F16, F32, ...) is dequantized by the gguf library and
requantized to symmetric 8 bits in blocks of 32, then stored as Q8_0 is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from gguf import GGMLQuantizationType as Q
from gguf.quants import dequantize

from models.errors import ModelError

BLOCK = 32
SUPPORTED = {Q.F32, Q.F16, Q.BF16, Q.Q4_0, Q.Q4_1, Q.Q5_0, Q.Q5_1, Q.Q8_0, Q.Q4_K, Q.Q5_K, Q.Q6_K}


@dataclass
class NBitsWeight:
    """Operands of one com.microsoft.MatMulNBits node (bits=4, block 32) computing x @ W.T."""

    n: int  # output features
    k: int  # input features as the node sees them (2 * original K when duplicate_input)
    packed: np.ndarray  # uint8 [N, k / 32, 16]
    scales: np.ndarray  # float32 [N * k / 32]
    zero_points: np.ndarray | None  # uint8 [N, ceil(blocks / 2)], None means 8 everywhere
    min_term: np.ndarray | None  # float32 [original K / 32, N]: block sums of x times this
    duplicate_input: bool  # the node's input is concat(x, x)
    exact: bool

    @property
    def kind(self) -> tuple:
        return (self.duplicate_input, self.min_term is not None, self.zero_points is not None)


def _f16(blocks: np.ndarray, start: int) -> np.ndarray:
    return blocks[..., start:start + 2].copy().view(np.float16)[..., 0].astype(np.float32)


def _ggml_nibbles_to_sequence(qs: np.ndarray) -> np.ndarray:
    """ggml keeps elements 0-15 in the low nibbles and 16-31 in the high ones."""
    return np.concatenate([qs & 0x0F, qs >> 4], axis=-1)


def _pack_pairs(values: np.ndarray) -> np.ndarray:
    """MatMulNBits wants element 2i in the low nibble of byte i and 2i+1 in the high one."""
    return (values[..., 0::2] | (values[..., 1::2] << 4)).astype(np.uint8)


def _pack_zero_points(per_block: np.ndarray) -> np.ndarray:
    rows, blocks = per_block.shape
    if blocks % 2:
        per_block = np.concatenate([per_block, np.zeros((rows, 1), np.uint8)], axis=1)
    return _pack_pairs(per_block.astype(np.uint8))


def _q4_blocks(raw: np.ndarray, n: int, k: int, block_bytes: int) -> np.ndarray:
    if k % BLOCK:
        raise ModelError(f"A weight with {k} input features is not a multiple of {BLOCK}; this model is not supported.")
    return raw.reshape(n, k // BLOCK, block_bytes)


def from_q4_0(raw: np.ndarray, n: int, k: int) -> NBitsWeight:
    blocks = _q4_blocks(raw, n, k, 18)
    d = _f16(blocks, 0)
    q = _ggml_nibbles_to_sequence(blocks[..., 2:18])
    return NBitsWeight(n, k, _pack_pairs(q), d.reshape(-1), None, None, False, True)


def from_q4_1(raw: np.ndarray, n: int, k: int) -> NBitsWeight:
    blocks = _q4_blocks(raw, n, k, 20)
    d, m = _f16(blocks, 0), _f16(blocks, 2)
    q = _ggml_nibbles_to_sequence(blocks[..., 4:20])
    zero = np.zeros((n, k // BLOCK), np.uint8)
    return NBitsWeight(n, k, _pack_pairs(q), d.reshape(-1), _pack_zero_points(zero),
                       np.ascontiguousarray(m.T), False, True)


def from_int8_blocks(q: np.ndarray, d: np.ndarray, exact: bool) -> NBitsWeight:
    """q: int8 [N, K/32, 32], d: float32 [N, K/32] -> the two-nibble-halves form."""
    n, blocks, _ = q.shape
    as_unsigned = q.astype(np.int16) & 0xFF
    low = (as_unsigned & 0x0F).astype(np.uint8)
    high = ((q.astype(np.int16) >> 4) + 8).astype(np.uint8)  # signed high nibble, stored with zero point 8
    packed = np.concatenate([_pack_pairs(high), _pack_pairs(low)], axis=1)
    scales = np.concatenate([16.0 * d, d], axis=1).astype(np.float32)
    zero = np.concatenate([np.full((n, blocks), 8, np.uint8), np.zeros((n, blocks), np.uint8)], axis=1)
    return NBitsWeight(n, 2 * blocks * BLOCK, packed, scales.reshape(-1), _pack_zero_points(zero), None, True, exact)


def from_q8_0(raw: np.ndarray, n: int, k: int) -> NBitsWeight:
    blocks = _q4_blocks(raw, n, k, 34)
    d = _f16(blocks, 0)
    q = blocks[..., 2:34].copy().view(np.int8)
    return from_int8_blocks(q, d, exact=True)


def requantize_int8(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric 8-bit, one scale per 32 inputs: (q int8 [N, K/32, 32], d float32 [N, K/32])."""
    n, k = weights.shape
    blocks = weights.reshape(n, k // BLOCK, BLOCK).astype(np.float32)
    d = np.abs(blocks).max(axis=-1) / 127.0
    safe = np.where(d == 0, 1.0, d)
    q = np.clip(np.rint(blocks / safe[..., None]), -127, 127).astype(np.int8)
    return q, d.astype(np.float32)


def dequantized(tensor) -> np.ndarray:
    """A GGUF tensor as float32 [rows, cols] (rows = output features)."""
    kind = Q(tensor.tensor_type)
    if kind not in SUPPORTED:
        raise ModelError(f"Tensor {tensor.name} uses the {kind.name} type, which Confide cannot convert yet.")
    data = np.asarray(tensor.data)
    if kind == Q.F32:
        values = data.astype(np.float32)
    else:
        values = dequantize(data, kind).astype(np.float32)
    columns = int(tensor.shape[0])
    return values.reshape(-1, columns)


def weight_for_matmul(tensor) -> NBitsWeight:
    kind = Q(tensor.tensor_type)
    if kind not in SUPPORTED:
        raise ModelError(f"Tensor {tensor.name} uses the {kind.name} type, which Confide cannot convert yet.")
    k, n = int(tensor.shape[0]), int(tensor.shape[1])
    raw = np.asarray(tensor.data)
    if kind == Q.Q4_1:
        return from_q4_1(raw, n, k)
    if kind == Q.Q4_0:
        return from_q4_0(raw, n, k)
    if kind == Q.Q8_0:
        return from_q8_0(raw, n, k)
    q, d = requantize_int8(dequantized(tensor))
    return from_int8_blocks(q, d, exact=False)


def fuse(weights: list[NBitsWeight]) -> NBitsWeight | None:
    """Several weights over the same input as one node (outputs concatenated), when alike."""
    first = weights[0]
    if any(w.kind != first.kind or w.k != first.k for w in weights):
        return None
    return NBitsWeight(
        n=sum(w.n for w in weights),
        k=first.k,
        packed=np.concatenate([w.packed for w in weights], axis=0),
        scales=np.concatenate([w.scales for w in weights]),
        zero_points=None if first.zero_points is None else np.concatenate([w.zero_points for w in weights], axis=0),
        min_term=None if first.min_term is None else np.concatenate([w.min_term for w in weights], axis=1),
        duplicate_input=first.duplicate_input,
        exact=all(w.exact for w in weights),
    )


def permute_rows(weight: NBitsWeight, order: np.ndarray) -> NBitsWeight:
    """Reorders output features (rows); blocks run along K, so this is exact for every type."""
    blocks = weight.packed.shape[1]
    scales = weight.scales.reshape(weight.n, blocks)[order].reshape(-1)
    return NBitsWeight(
        weight.n, weight.k, weight.packed[order], scales,
        None if weight.zero_points is None else weight.zero_points[order],
        None if weight.min_term is None else weight.min_term[:, order],
        weight.duplicate_input, weight.exact,
    )


def embedding_table(tensor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(data uint8 [V, H], scales [V, H/32], zero points [V, H/32]) for GatherBlockQuantized, 8-bit."""
    kind = Q(tensor.tensor_type)
    hidden, vocab = int(tensor.shape[0]), int(tensor.shape[1])
    if kind == Q.Q8_0:
        blocks = _q4_blocks(np.asarray(tensor.data), vocab, hidden, 34)
        d = _f16(blocks, 0)
        q = blocks[..., 2:34].copy().view(np.int8)
    else:
        q, d = requantize_int8(dequantized(tensor))
    data = (q.astype(np.int16) + 128).astype(np.uint8).reshape(vocab, hidden)
    return data, d, np.full(d.shape, 128, np.uint8)
