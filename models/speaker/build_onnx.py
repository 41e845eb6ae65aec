"""The speaker encoder (Resemblyzer's: three LSTM layers, a Linear layer, ReLU, L2 norm) as an
ONNX graph, from the tensors of its checkpoint.

Input `mels`: (batch, frames, 40) float32 mel power frames; output `embeddings`: (batch, 256),
each of unit length. Small enough (5 MB) to keep every weight inside model.onnx.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from models.errors import ModelError

MEL_CHANNELS = 40
HIDDEN = 256
EMBEDDING = 256
LAYERS = 3
OPSET = 17


def expected_shapes() -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    for layer in range(LAYERS):
        inputs = MEL_CHANNELS if layer == 0 else HIDDEN
        shapes[f"lstm.weight_ih_l{layer}"] = (4 * HIDDEN, inputs)
        shapes[f"lstm.weight_hh_l{layer}"] = (4 * HIDDEN, HIDDEN)
        shapes[f"lstm.bias_ih_l{layer}"] = (4 * HIDDEN,)
        shapes[f"lstm.bias_hh_l{layer}"] = (4 * HIDDEN,)
    shapes["linear.weight"] = (EMBEDDING, HIDDEN)
    shapes["linear.bias"] = (EMBEDDING,)
    return shapes


def check_shapes(state: dict[str, np.ndarray]) -> None:
    for name, shape in expected_shapes().items():
        if name not in state:
            raise ModelError(f"The speaker encoder checkpoint has no {name}; it is not Resemblyzer's encoder.")
        if tuple(state[name].shape) != shape:
            found = tuple(state[name].shape)
            raise ModelError(f"The speaker encoder's {name} is {found}, not {shape}; it is not Resemblyzer's encoder.")
        if not np.all(np.isfinite(state[name])):
            raise ModelError(f"The speaker encoder's {name} holds values that are not numbers.")


def _onnx_gates(weights: np.ndarray) -> np.ndarray:
    """PyTorch stacks an LSTM's gates input, forget, cell, output; ONNX wants input, output,
    forget, cell."""
    i, f, c, o = np.split(weights, 4, axis=0)
    return np.concatenate([i, o, f, c], axis=0)


def encoder_graph(state: dict[str, np.ndarray]) -> onnx.ModelProto:
    check_shapes(state)
    initializers = []
    nodes = [helper.make_node("Transpose", ["mels"], ["sequence_0"], perm=[1, 0, 2])]  # ONNX LSTM: time first
    for layer in range(LAYERS):
        w = _onnx_gates(state[f"lstm.weight_ih_l{layer}"])[None]
        r = _onnx_gates(state[f"lstm.weight_hh_l{layer}"])[None]
        b = np.concatenate(
            [_onnx_gates(state[f"lstm.bias_ih_l{layer}"]), _onnx_gates(state[f"lstm.bias_hh_l{layer}"])]
        )[None]
        for stem, array in (("W", w), ("R", r), ("B", b)):
            initializers.append(
                numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), f"{stem}{layer}")
            )
        nodes.append(
            helper.make_node(
                "LSTM",
                [f"sequence_{layer}", f"W{layer}", f"R{layer}", f"B{layer}"],
                [f"all_{layer}", f"last_{layer}"],
                hidden_size=HIDDEN,
            )
        )
        if layer + 1 < LAYERS:  # (time, 1 direction, batch, hidden) -> (time, batch, hidden)
            nodes.append(helper.make_node("Squeeze", [f"all_{layer}", "axis_1"], [f"sequence_{layer + 1}"]))
    initializers.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "axis_1"))
    initializers.append(numpy_helper.from_array(np.array([0], dtype=np.int64), "axis_0"))
    initializers.append(numpy_helper.from_array(state["linear.weight"].astype(np.float32), "linear_weight"))
    initializers.append(numpy_helper.from_array(state["linear.bias"].astype(np.float32), "linear_bias"))
    last = f"last_{LAYERS - 1}"
    nodes += [
        helper.make_node("Squeeze", [last, "axis_0"], ["hidden"]),
        helper.make_node("Gemm", ["hidden", "linear_weight", "linear_bias"], ["projected"], transB=1),
        helper.make_node("Relu", ["projected"], ["positive"]),
        helper.make_node("LpNormalization", ["positive"], ["embeddings"], axis=1, p=2),
    ]
    graph = helper.make_graph(
        nodes,
        "speaker_encoder",
        [helper.make_tensor_value_info("mels", TensorProto.FLOAT, ["batch", "frames", MEL_CHANNELS])],
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", EMBEDDING])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="confide")
    onnx.checker.check_model(model)
    return model


def build_encoder(checkpoint: Path, out_dir: Path) -> Path:
    """Converts the checkpoint into out_dir/model.onnx (written under a temporary name first)."""
    from models.speaker.checkpoint import read_state

    model = encoder_graph(read_state(checkpoint))
    target = out_dir / "model.onnx"
    partial = out_dir / "model.onnx.partial"
    with open(partial, "wb") as out:
        out.write(model.SerializeToString())
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)
    return target
