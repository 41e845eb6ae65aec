"""GGUF weight matrices as MatMulNBits operands.

Every supported type is first read as integer codes with a scale (and for some an offset) per
block, which is exactly what the GGUF defines:
- Q4_0 (codes 0..15, offset -8d), Q4_1 and Q4_K (codes 0..15, any offset, blocks of 32): 4-bit
  MatMulNBits. w = (q - z)*s + (o + z*s) for any integer z, so the node gets zero points
  z = round(-o/s), which centre its weights, and the rest, (o + z*s) times the block sums of the
  input, is a small float MatMul (dropped when it is zero, as for Q4_0). Centring matters with int8
  activations (accuracy level 4): the kernel rounds the input but the block sums do not, and that
  mismatch is multiplied by the 4-bit part only. Float zero points (-o/s) would be exact alone but
  hit a slow kernel.
- Q8_0, Q5_0 (blocks of 32) and Q6_K (blocks of 16), signed codes without offset: 8-bit
  MatMulNBits, codes + 128 with its default zero point 128.
- F32, F16, BF16 and the remaining types (Q5_1, Q5_K, Q2_K, Q3_K) are dequantized by the gguf
  library and requantized to symmetric 8 bits in blocks of 32 (not exact; recorded as such).

The codes are read by dequantizing a copy of the blocks whose scales are set to 1 (the gguf library
knows the bit layouts); the scales come from the block headers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from gguf import GGMLQuantizationType as Q
from gguf.quants import Q4_K, dequantize

from models.errors import ModelError

BLOCK = 32
EXACT = {Q.Q4_0, Q.Q4_1, Q.Q4_K, Q.Q5_0, Q.Q6_K, Q.Q8_0}
REQUANTIZED = {Q.F32, Q.F16, Q.BF16, Q.Q5_1, Q.Q5_K, Q.Q2_K, Q.Q3_K}
SUPPORTED = EXACT | REQUANTIZED
_ONE_F16 = np.frombuffer(np.float16(1.0).tobytes(), np.uint8)
_ZERO_F16 = np.zeros(2, np.uint8)


@dataclass
class BlockCodes:
    """w[n, i] = codes[n, i] * scale[n, i // block] (+ offset[n, i // block])."""

    codes: np.ndarray  # int8 [N, K]
    scale: np.ndarray  # float32 [N, K / block]
    offset: np.ndarray | None  # float32 [N, K / block]
    block: int
    exact: bool


@dataclass
class NBitsWeight:
    """Operands of one com.microsoft.MatMulNBits node computing x @ W.T."""

    n: int  # output features
    k: int  # input features
    bits: int  # 4 or 8
    block: int  # block_size attribute
    packed: np.ndarray  # uint8 [N, k / block, block * bits / 8]
    scales: np.ndarray  # float32 [N * k / block]
    zero_points: np.ndarray | None  # uint8, 4 bits: [N, ceil(blocks / 2)]; None: the default (8 or 128)
    min_term: np.ndarray | None  # float32 [K / block, N]: block sums of x times this
    exact: bool

    @property
    def kind(self) -> tuple:
        return (self.bits, self.block, self.min_term is not None, self.zero_points is not None)


# --- reading the codes --------------------------------------------------------------------------


def _rows(tensor) -> tuple[int, int, np.ndarray]:
    """(N, K, raw blocks as uint8 [N, bytes per row])."""
    k, n = int(tensor.shape[0]), int(tensor.shape[1])
    raw = np.asarray(tensor.data)
    return n, k, raw.reshape(n, -1).view(np.uint8)


def _half(blocks: np.ndarray, start: int) -> np.ndarray:
    return blocks[..., start : start + 2].copy().view(np.float16)[..., 0].astype(np.float32)


def _codes_with_unit_scales(kind: Q, blocks: np.ndarray, patches: list[tuple[int, np.ndarray]], n: int) -> np.ndarray:
    unit = blocks.copy()
    for start, value in patches:
        unit[..., start : start + len(value)] = value
    values = dequantize(unit.reshape(n, -1), kind).reshape(n, -1)
    return np.rint(values).astype(np.int8)


def read_codes(tensor) -> BlockCodes:
    kind = Q(tensor.tensor_type)
    if kind not in SUPPORTED:
        raise ModelError(f"Tensor {tensor.name} uses the {kind.name} type, which Confide cannot convert yet.")
    if kind in REQUANTIZED:
        return requantize_int8(dequantized(tensor))
    n, k, raw = _rows(tensor)
    if kind == Q.Q8_0:
        blocks = raw.reshape(n, k // 32, 34)
        codes = np.ascontiguousarray(blocks[..., 2:]).view(np.int8).reshape(n, k)
        return BlockCodes(codes, _half(blocks, 0), None, 32, True)
    if kind in (Q.Q4_0, Q.Q4_1, Q.Q5_0):
        size = {Q.Q4_0: 18, Q.Q4_1: 20, Q.Q5_0: 22}[kind]
        blocks = raw.reshape(n, k // 32, size)
        patches = [(0, _ONE_F16)] + ([(2, _ZERO_F16)] if kind == Q.Q4_1 else [])
        codes = _codes_with_unit_scales(kind, blocks, patches, n)
        d = _half(blocks, 0)
        if kind == Q.Q4_0:
            return BlockCodes(codes + 8, d, -8.0 * d, 32, True)  # unsigned codes: the 4-bit path
        return BlockCodes(codes, d, _half(blocks, 2) if kind == Q.Q4_1 else None, 32, True)
    if kind == Q.Q4_K:
        blocks = raw.reshape(n, k // 256, 144)
        unit_scales = np.array([1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1], np.uint8)  # sc = 1, min = 0
        codes = _codes_with_unit_scales(kind, blocks, [(0, _ONE_F16), (2, _ZERO_F16), (4, unit_scales)], n)
        sc, mins = Q4_K.get_scale_min(blocks[..., 4:16].reshape(-1, 12))
        scale = _half(blocks, 0)[..., None] * sc.reshape(n, -1, 8).astype(np.float32)
        offset = -_half(blocks, 2)[..., None] * mins.reshape(n, -1, 8).astype(np.float32)
        return BlockCodes(codes, scale.reshape(n, -1), offset.reshape(n, -1), 32, True)
    # Q6_K: 256 values: ql[128], qh[64], int8 scales[16] (one per 16 values), d
    blocks = raw.reshape(n, k // 256, 210)
    codes = _codes_with_unit_scales(kind, blocks, [(192, np.ones(16, np.uint8)), (208, _ONE_F16)], n)
    scale = _half(blocks, 208)[..., None] * blocks[..., 192:208].copy().view(np.int8).astype(np.float32)
    return BlockCodes(codes, scale.reshape(n, -1), None, 16, True)


def dequantized(tensor) -> np.ndarray:
    """A GGUF tensor as float32 [rows, cols] (rows = output features)."""
    kind = Q(tensor.tensor_type)
    if kind not in SUPPORTED:
        raise ModelError(f"Tensor {tensor.name} uses the {kind.name} type, which Confide cannot convert yet.")
    data = np.asarray(tensor.data)
    values = data.astype(np.float32) if kind == Q.F32 else dequantize(data, kind).astype(np.float32)
    return values.reshape(-1, int(tensor.shape[0]))


def requantize_int8(weights: np.ndarray) -> BlockCodes:
    """Symmetric 8-bit, one scale per 32 inputs."""
    n, k = weights.shape
    if k % BLOCK:
        raise ModelError(f"A weight with {k} input features is not a multiple of {BLOCK}; this model is not supported.")
    blocks = weights.reshape(n, k // BLOCK, BLOCK).astype(np.float32)
    d = np.abs(blocks).max(axis=-1) / 127.0
    safe = np.where(d == 0, 1.0, d)
    codes = np.clip(np.rint(blocks / safe[..., None]), -127, 127).astype(np.int8).reshape(n, k)
    return BlockCodes(codes, d.astype(np.float32), None, BLOCK, False)


# --- codes -> MatMulNBits ----------------------------------------------------------------------


def _pack_pairs(values: np.ndarray) -> np.ndarray:
    """MatMulNBits wants element 2i in the low nibble of byte i and 2i+1 in the high one."""
    values = values.astype(np.uint8)
    return (values[..., 0::2] | (values[..., 1::2] << 4)).astype(np.uint8)


def _pack_zero_points(per_block: np.ndarray) -> np.ndarray:
    rows, blocks = per_block.shape
    if blocks % 2:
        per_block = np.concatenate([per_block, np.zeros((rows, 1), np.uint8)], axis=1)
    return _pack_pairs(per_block)


def to_nbits(c: BlockCodes) -> NBitsWeight:
    n, k = c.codes.shape
    blocks = k // c.block
    if c.offset is None and (c.codes.min() < 0 or c.codes.max() > 15):
        packed = (c.codes.view(np.uint8) ^ np.uint8(0x80)).reshape(n, blocks, c.block)  # c + 128
        return NBitsWeight(n, k, 8, c.block, packed, c.scale.reshape(-1), None, None, c.exact)
    packed = _pack_pairs(c.codes.reshape(n, blocks, c.block))
    if c.offset is None:
        zero_points = _pack_zero_points(np.zeros((n, blocks), np.uint8))
        return NBitsWeight(n, k, 4, c.block, packed, c.scale.reshape(-1), zero_points, None, c.exact)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.clip(np.rint(np.where(c.scale != 0, -c.offset / c.scale, 8.0)), 0, 15).astype(np.uint8)
    rest = (c.offset + z.astype(np.float32) * c.scale).astype(np.float32)  # exact: half floats times 0..15
    offset_zero_points = None if (z == 8).all() else _pack_zero_points(z)
    min_term = np.ascontiguousarray(rest.T) if rest.any() else None
    return NBitsWeight(n, k, 4, c.block, packed, c.scale.reshape(-1), offset_zero_points, min_term, c.exact)


def approximately_8bit(c: BlockCodes) -> NBitsWeight:
    """Lossy and faster: 4-bit codes with an offset as 8-bit MatMulNBits without the min term.
    (q - z)*s + rest = (16q + 8 - zp)*s/16 with zp = 16z + 8 - round(16*rest/s): the offset is kept to
    s/32 (rest is at most s/2)."""
    if c.offset is None:
        raise ValueError("approximately_8bit() needs codes with an offset (Q4_1, Q4_K)")
    n, k = c.codes.shape
    blocks = k // c.block
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.clip(np.rint(np.where(c.scale != 0, -c.offset / c.scale, 8.0)), 0, 15)
        rest = np.where(c.scale != 0, (c.offset + z * c.scale) / c.scale, 0.0)
    zero_points = np.clip(16 * z + 8 - np.rint(16 * rest), 0, 255).astype(np.uint8)
    packed = (16 * c.codes.astype(np.uint8) + 8).reshape(n, blocks, c.block)
    return NBitsWeight(n, k, 8, c.block, packed, (c.scale / 16).reshape(-1), zero_points, None, False)


def weight_for_matmul(tensor, exact: bool = True) -> NBitsWeight:
    """The tensor as MatMulNBits operands; exact=False trades the exact offsets of 4-bit types with
    one (Q4_1, Q4_K) for one node instead of five (approximately_8bit)."""
    codes = read_codes(tensor)
    if codes.codes.shape[1] % codes.block:
        raise ModelError(f"Tensor {tensor.name} has a shape Confide cannot convert.")
    if not exact and codes.offset is not None:
        return approximately_8bit(codes)
    return to_nbits(codes)


def fuse(weights: list[NBitsWeight]) -> NBitsWeight | None:
    """Several weights over the same input as one node (outputs concatenated), when alike."""
    first = weights[0]
    if any(w.kind != first.kind or w.k != first.k for w in weights):
        return None
    return NBitsWeight(
        n=sum(w.n for w in weights),
        k=first.k,
        bits=first.bits,
        block=first.block,
        packed=np.concatenate([w.packed for w in weights], axis=0),
        scales=np.concatenate([w.scales for w in weights]),
        zero_points=None if first.zero_points is None else np.concatenate([w.zero_points for w in weights], axis=0),
        min_term=None if first.min_term is None else np.concatenate([w.min_term for w in weights], axis=1),
        exact=all(w.exact for w in weights),
    )


def permute_rows(weight: NBitsWeight, order: np.ndarray) -> NBitsWeight:
    """Reorders output features (rows); blocks run along K, so this is exact for every type."""
    blocks = weight.packed.shape[1]
    scales = weight.scales.reshape(weight.n, blocks)[order].reshape(-1)
    return NBitsWeight(
        weight.n,
        weight.k,
        weight.bits,
        weight.block,
        weight.packed[order],
        scales,
        None if weight.zero_points is None else weight.zero_points[order],
        None if weight.min_term is None else weight.min_term[:, order],
        weight.exact,
    )


@dataclass
class EmbeddingTable:
    """Operands of a GatherBlockQuantized lookup: codes (8-bit, or 4-bit two a byte, low nibble
    first), a scale and zero point per block, and for 4-bit codes with an offset the per-block
    offsets, added after the gather (w = q*s + o, in the same float operations as the GGUF's)."""

    data: np.ndarray  # uint8 [V, H] or [V, H/2]
    scales: np.ndarray  # float32 [V, H/block]
    zero_points: np.ndarray  # uint8 [V, H/block] or [V, H/block/2]
    block: int
    bits: int
    offsets: np.ndarray | None  # float32 [V, H/block]
    exact: bool


def embedding_table(tensor) -> EmbeddingTable:
    """The token embedding as a GatherBlockQuantized table. Signed codes (Q8_0, Q5_0, Q6_K) and
    Q4_0 shifted back are 8-bit; Q4_1 and Q4_K (codes 0..15 plus an offset) stay 4-bit with their
    offsets beside, which is exact and half the size of an 8-bit requantization."""
    codes = read_codes(tensor)
    if codes.offset is not None and Q(tensor.tensor_type) == Q.Q4_0:  # codes + 8 with offset -8d: shift back
        codes = BlockCodes(codes.codes - np.int8(8), codes.scale, None, codes.block, True)
    if codes.offset is not None:
        blocks = codes.scale.shape[1]
        if blocks % 2 == 0:
            zero_points = np.zeros((len(codes.scale), blocks // 2), np.uint8)  # 0: w = q*s + o, as the GGUF has it
            return EmbeddingTable(
                _pack_pairs(codes.codes),
                codes.scale,
                zero_points,
                codes.block,
                4,
                codes.offset.astype(np.float32),
                codes.exact,
            )
        codes = requantize_int8(dequantized(tensor))  # packed zero points would need a half-filled byte
    data = codes.codes.view(np.uint8) ^ np.uint8(0x80)  # c + 128 as unsigned
    return EmbeddingTable(
        data, codes.scale, np.full(codes.scale.shape, 128, np.uint8), codes.block, 8, None, codes.exact
    )
