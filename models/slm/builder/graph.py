"""A small helper for writing ONNX graphs node by node, with contrib-op shorthands.

Large constants go straight into the external data file as they are made, so the builder never
holds the whole model in memory (and onnx never has to convert it on save).
"""

from __future__ import annotations

from typing import BinaryIO

import numpy as np
from onnx import NodeProto, TensorProto, ValueInfoProto, helper, numpy_helper

from models.slm.builder.quant import NBitsWeight

MS = "com.microsoft"


INLINE_BYTES = 1024  # smaller constants stay inside model.onnx
PAGE = 4096  # large tensors start on a page boundary, so onnxruntime can map them
INDICATOR_BYTES = 4 << 20  # block sums by a product with an indicator up to this size (see block_sums)


class GraphWriter:
    def __init__(self, accuracy_level: int, data_file: BinaryIO | None = None, data_name: str = ""):
        """data_file: where constants of INLINE_BYTES or more go (data_name is its name beside model.onnx);
        without one, every constant stays inside the model."""
        self.weights_exact = True  # whether every weight is exactly the GGUF's
        self.data_file, self.data_name = data_file, data_name
        self._weights: dict[str, tuple[str, str, str | None]] = {}
        self.nodes: list[NodeProto] = []
        self.initializers: list[TensorProto] = []
        self.inputs: list[ValueInfoProto] = []
        self.outputs: list[ValueInfoProto] = []
        self.accuracy_level = accuracy_level
        self._names: dict[str, int] = {}
        self._block_sums: dict[tuple[str, int], str] = {}
        self._indicators: dict[tuple[int, int], str] = {}
        self._block_shapes: dict[tuple[int, int], str] = {}
        self._last_axis: str | None = None

    def fresh(self, stem: str) -> str:
        count = self._names.get(stem, 0)
        self._names[stem] = count + 1
        return stem if count == 0 else f"{stem}_{count}"

    def const(self, stem: str, array: np.ndarray) -> str:
        name = self.fresh(stem)
        array = np.ascontiguousarray(array)
        if self.data_file is None or array.nbytes < INLINE_BYTES:
            self.initializers.append(numpy_helper.from_array(array, name))
            return name
        offset = self.data_file.tell()
        if array.nbytes >= PAGE:
            offset = -(-offset // PAGE) * PAGE
            self.data_file.seek(offset)
        self.data_file.write(array.tobytes())
        tensor = TensorProto(name=name, data_type=helper.np_dtype_to_tensor_dtype(array.dtype), dims=array.shape)
        tensor.data_location = TensorProto.EXTERNAL
        for key, value in (("location", self.data_name), ("offset", str(offset)), ("length", str(array.nbytes))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
        self.initializers.append(tensor)
        return name

    def weight_constants(self, weight: NBitsWeight, stem: str) -> tuple[str, str, str | None]:
        """(packed, scales, zero points) of the weight named stem, written once even when two nodes use it."""
        if stem not in self._weights:
            zero_points = None if weight.zero_points is None else self.const(f"{stem}.qzeros", weight.zero_points)
            self._weights[stem] = (
                self.const(f"{stem}.qweight", weight.packed),
                self.const(f"{stem}.scales", weight.scales),
                zero_points,
            )
        return self._weights[stem]

    def op(
        self,
        op_type: str,
        inputs: list[str],
        outputs: int | list[str] = 1,
        *,
        domain: str = "",
        stem: str | None = None,
        **attributes,
    ) -> list[str]:
        stem = stem or op_type.lower()
        names = [self.fresh(f"{stem}_out{i}") for i in range(outputs)] if isinstance(outputs, int) else outputs
        self.nodes.append(
            helper.make_node(op_type, inputs, names, name=self.fresh(stem), domain=domain or None, **attributes)
        )
        return names

    def one(self, op_type: str, inputs: list[str], **kwargs) -> str:
        return self.op(op_type, inputs, 1, **kwargs)[0]

    def add_input(self, name: str, elem_type: int, shape: list) -> str:
        self.inputs.append(helper.make_tensor_value_info(name, elem_type, shape))
        return name

    def add_output(self, name: str, elem_type: int, shape: list) -> None:
        self.outputs.append(helper.make_tensor_value_info(name, elem_type, shape))

    # --- building blocks -------------------------------------------------------------------

    def block_sums(self, x: str, k: int, block: int) -> str:
        """Sums of the 2-D x over each block of inputs, [T, K / block] (once per x).

        A product with a 0/1 indicator [K, K / block] reads that matrix at every step: 10 MB per node
        for Qwen2.5 1.5B's down projections (K = 8,960), 4% of its decoding speed. Past
        INDICATOR_BYTES the sums are a reshape and a sum, which read x only. Both are exact but
        differ in the last bit (summation order), which int8 activation rounding can carry to a
        few hundredths of a logit and so change a greedy output; below the limit the gain measured
        under 1% (Qwen2.5 0.5B's 3 MB indicators), so smaller models keep the graph they were
        checked against llama.cpp with."""
        key = (x, block)
        if key not in self._block_sums:
            if k * (k // block) * 4 > INDICATOR_BYTES:
                self._block_sums[key] = self._block_sums_by_reduce(x, k, block)
            else:
                if (k, block) not in self._indicators:
                    indicator = np.repeat(np.eye(k // block, dtype=np.float32), block, axis=0)
                    self._indicators[(k, block)] = self.const(f"block_indicator_{k}_{block}", indicator)
                self._block_sums[key] = self.one("MatMul", [x, self._indicators[(k, block)]], stem="block_sums")
        return self._block_sums[key]

    def _block_sums_by_reduce(self, x: str, k: int, block: int) -> str:
        if (k, block) not in self._block_shapes:
            shape = np.array([0, k // block, block], np.int64)
            self._block_shapes[(k, block)] = self.const(f"blocks_shape_{k}_{block}", shape)
        if self._last_axis is None:
            self._last_axis = self.const("last_axis", np.array([-1], np.int64))
        blocks = self.one("Reshape", [x, self._block_shapes[(k, block)]], stem="blocks")
        return self.one("ReduceSum", [blocks, self._last_axis], stem="block_sums", keepdims=0)

    def linear(
        self, x: str, weight: NBitsWeight, stem: str, accuracy_level: int | None = None, bias: np.ndarray | None = None
    ) -> str:
        """x @ W.T (+ bias) for a GGUF weight in MatMulNBits form (see quant.py), x 2-D."""
        self.weights_exact &= weight.exact
        packed, scales, zero_points = self.weight_constants(weight, stem)
        inputs = [x, packed, scales] + ([zero_points] if zero_points else [])
        if bias is not None:
            # MatMulNBits adds its optional sixth input itself: no extra node per step
            inputs = inputs + [""] * (5 - len(inputs)) + [self.const(f"{stem}.bias", bias.astype(np.float32))]
        y = self.one(
            "MatMulNBits",
            inputs,
            domain=MS,
            stem=stem,
            K=weight.k,
            N=weight.n,
            bits=weight.bits,
            block_size=weight.block,
            accuracy_level=self.accuracy_level if accuracy_level is None else accuracy_level,
        )
        if weight.min_term is not None:
            sums = self.block_sums(x, weight.k, weight.block)
            # Gemm adds its third input: main part + block sums @ offsets in one node
            y = self.one("Gemm", [sums, self.const(f"{stem}.mins", weight.min_term), y], stem=f"{stem}_plus_min")
        return y

    def rms_norm(self, x: str, gamma: np.ndarray, eps: float, stem: str) -> str:
        return self.one(
            "SimplifiedLayerNormalization",
            [x, self.const(f"{stem}.weight", gamma)],
            stem=stem,
            axis=-1,
            epsilon=eps,
            stash_type=1,
        )

    def skip_rms_norm(self, x: str, skip: str, gamma: np.ndarray, eps: float, stem: str) -> tuple[str, str]:
        """(norm(x + skip), x + skip) in one fused node."""
        out = self.op(
            "SkipSimplifiedLayerNormalization",
            [x, skip, self.const(f"{stem}.weight", gamma)],
            [self.fresh(f"{stem}_out"), "", "", self.fresh(f"{stem}_sum")],
            domain=MS,
            stem=stem,
            epsilon=eps,
        )
        return out[0], out[3]

    def model(self, name: str):
        graph = helper.make_graph(self.nodes, name, self.inputs, self.outputs, initializer=self.initializers)
        opsets = [helper.make_opsetid("", 17), helper.make_opsetid(MS, 1)]
        return helper.make_model(graph, opset_imports=opsets, producer_name="confide")


FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64
INT32 = TensorProto.INT32
