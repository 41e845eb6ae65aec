"""A small helper for writing ONNX graphs node by node, with contrib-op shorthands."""

from __future__ import annotations

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from models.slm.builder.quant import NBitsWeight

MS = "com.microsoft"


class GraphWriter:
    def __init__(self, accuracy_level: int, quantize_activations: bool = False):
        self.quantize_activations = quantize_activations
        self._quantized: dict[str, str] = {}
        self.nodes = []
        self.initializers = []
        self.inputs = []
        self.outputs = []
        self.accuracy_level = accuracy_level
        self._names: dict[str, int] = {}
        self._block_sums: dict[str, str] = {}

    def fresh(self, stem: str) -> str:
        count = self._names.get(stem, 0)
        self._names[stem] = count + 1
        return stem if count == 0 else f"{stem}_{count}"

    def const(self, stem: str, array: np.ndarray) -> str:
        name = self.fresh(stem)
        self.initializers.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, op_type: str, inputs: list[str], outputs: int | list[str] = 1, *, domain: str = "",
           stem: str | None = None, **attributes) -> list[str]:
        stem = stem or op_type.lower()
        names = [self.fresh(f"{stem}_out{i}") for i in range(outputs)] if isinstance(outputs, int) else outputs
        self.nodes.append(helper.make_node(op_type, inputs, names, name=self.fresh(stem), domain=domain or None,
                                           **attributes))
        return names

    def one(self, op_type: str, inputs: list[str], **kwargs) -> str:
        return self.op(op_type, inputs, 1, **kwargs)[0]

    def add_input(self, name: str, elem_type: int, shape: list) -> str:
        self.inputs.append(helper.make_tensor_value_info(name, elem_type, shape))
        return name

    def add_output(self, name: str, elem_type: int, shape: list) -> None:
        self.outputs.append(helper.make_tensor_value_info(name, elem_type, shape))

    # --- building blocks -------------------------------------------------------------------

    def block_sums(self, x: str, k: int) -> str:
        """Sum of x over each block of 32 inputs: [B, S, K] -> [B, S, K / 32] (computed once per x)."""
        if x not in self._block_sums:
            shape = self.const("block_shape", np.array([0, 0, k // 32, 32], np.int64))
            blocks = self.one("Reshape", [x, shape], stem="block_view")
            axes = self.const("last_axis", np.array([-1], np.int64))
            self._block_sums[x] = self.one("ReduceSum", [blocks, axes], stem="block_sums", keepdims=0)
        return self._block_sums[x]

    def int8_rounded(self, x: str, k: int) -> str:
        """x as llama.cpp sees it in a quantized dot product: per 32 values, scale amax/127,
        rounded to integers and back (its q8_0 / q8_1 activation blocks)."""
        if x not in self._quantized:
            blocks = self.one("Reshape", [x, self.const("qblock_shape", np.array([0, 0, k // 32, 32], np.int64))],
                              stem="qblock_view")
            amax = self.one("ReduceMax", [self.one("Abs", [blocks], stem="qabs")], stem="qamax", keepdims=1, axes=[-1])
            scale = self.one("Div", [amax, self.const("c127", np.array(127.0, np.float32))], stem="qscale")
            safe = self.one("Max", [scale, self.const("tiny", np.array(1e-30, np.float32))], stem="qsafe")
            rounded = self.one("Round", [self.one("Div", [blocks, safe], stem="qdiv")], stem="qround")
            back = self.one("Mul", [rounded, scale], stem="qback")
            self._quantized[x] = self.one("Reshape", [back, self.const("qflat_shape", np.array([0, 0, k], np.int64))],
                                          stem="qflat")
        return self._quantized[x]

    def linear(self, x: str, weight: NBitsWeight, stem: str) -> str:
        """x @ W.T for a GGUF weight in MatMulNBits form (see quant.py)."""
        if self.quantize_activations:
            x = self.int8_rounded(x, weight.k // 2 if weight.duplicate_input else weight.k)
        source = x
        if weight.duplicate_input:
            x = self.one("Concat", [x, x], stem=f"{stem}_twice", axis=-1)
        inputs = [x, self.const(f"{stem}.qweight", weight.packed), self.const(f"{stem}.scales", weight.scales)]
        if weight.zero_points is not None:
            inputs.append(self.const(f"{stem}.qzeros", weight.zero_points))
        y = self.one("MatMulNBits", inputs, domain=MS, stem=stem, K=weight.k, N=weight.n, bits=4, block_size=32,
                     accuracy_level=self.accuracy_level)
        if weight.min_term is not None:
            sums = self.block_sums(source, weight.min_term.shape[0] * 32)
            offset = self.one("MatMul", [sums, self.const(f"{stem}.mins", weight.min_term)], stem=f"{stem}_min")
            y = self.one("Add", [y, offset], stem=f"{stem}_plus_min")
        return y

    def rms_norm(self, x: str, gamma: np.ndarray, eps: float, stem: str) -> str:
        return self.one("SimplifiedLayerNormalization", [x, self.const(f"{stem}.weight", gamma)], stem=stem,
                        axis=-1, epsilon=eps, stash_type=1)

    def skip_rms_norm(self, x: str, skip: str, gamma: np.ndarray, eps: float, stem: str) -> tuple[str, str]:
        """(norm(x + skip), x + skip) in one fused node."""
        out = self.op("SkipSimplifiedLayerNormalization", [x, skip, self.const(f"{stem}.weight", gamma)],
                      [self.fresh(f"{stem}_out"), "", "", self.fresh(f"{stem}_sum")], domain=MS, stem=stem,
                      epsilon=eps)
        return out[0], out[3]

    def model(self, name: str):
        graph = helper.make_graph(self.nodes, name, self.inputs, self.outputs, initializer=self.initializers)
        opsets = [helper.make_opsetid("", 17), helper.make_opsetid(MS, 1)]
        return helper.make_model(graph, opset_imports=opsets, producer_name="confide")


FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64
INT32 = TensorProto.INT32
