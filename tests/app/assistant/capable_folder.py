"""A model folder whose ONNX graph declares a given number of parameters (no weights): what
model_profile reads, for tests of the dispatch with scripted models."""

from __future__ import annotations

import json
from pathlib import Path

import onnx
from onnx import TensorProto, helper

VOCAB = 1000


def capable_folder(folder: Path, parameters: int) -> Path:
    """folder with genai_config.json and a graph of one MatMulNBits of K x N = parameters, plus
    an output layer (N = vocabulary) that the count leaves out."""
    folder.mkdir(parents=True, exist_ok=True)
    k = 1024
    nodes = [
        helper.make_node("MatMulNBits", ["x", "w"], ["h"], domain="com.microsoft", K=k, N=parameters // k),
        helper.make_node("MatMulNBits", ["h", "head"], ["logits"], domain="com.microsoft", K=k, N=VOCAB),
    ]
    graph = helper.make_graph(
        nodes,
        "declared",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, k])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, VOCAB])],
    )
    onnx.save(helper.make_model(graph), str(folder / "model.onnx"))
    (folder / "genai_config.json").write_text(
        json.dumps({"model": {"vocab_size": VOCAB, "decoder": {"filename": "model.onnx"}}})
    )
    return folder
