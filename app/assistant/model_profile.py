"""What the installed language model can be asked, decided from the model itself, never from
its id: its size, counted from its ONNX graph.

The count is the model's non-embedding parameters: the K x N weights of every quantized matrix
product (MatMulNBits) except the output layer (N = vocabulary size). It reads the graph only
(model.onnx, a few hundred KB, external weights not loaded) and is exact for Confide's builds:
SmolLM2-135M 106 M, Gemma 3 270M 100 M, Qwen2.5-0.5B 358 M, Qwen2.5-1.5B 1310 M (Qwen's own
model cards say 0.36 B and 1.31 B non-embedding parameters).

A model of at least CAPABLE_PARAMETERS follows a direct instruction (extract decisions and
action items as JSON, write in the transcript's language); a smaller one needs the SmolLM2
pipeline's scaffolding (summarize.py). A folder whose graph cannot be read counts as small:
the careful pipeline is the safe side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CAPABLE_PARAMETERS = 300_000_000


@dataclass(frozen=True)
class ModelProfile:
    parameters: int  # non-embedding; 0 when unknown

    @property
    def capable(self) -> bool:
        """Asked directly for structured notes, in the language of the input."""
        return self.parameters >= CAPABLE_PARAMETERS


def profile_of(model) -> ModelProfile:
    """The profile of a loaded model (an engine with a model_dir); unknown (small) otherwise."""
    folder = getattr(model, "model_dir", None)
    if folder is None:
        return ModelProfile(0)
    return ModelProfile(_parameters(str(Path(folder).resolve())))


@lru_cache(maxsize=8)
def _parameters(folder: str) -> int:
    path = Path(folder)
    try:
        import onnx

        config = json.loads((path / "genai_config.json").read_text())["model"]
        vocab_size = int(config["vocab_size"])
        graph = onnx.load(str(path / config["decoder"]["filename"]), load_external_data=False).graph
    except Exception:  # no readable graph: treat the model as small (see the module's docstring)
        return 0
    total = 0
    for node in graph.node:
        if node.op_type != "MatMulNBits":
            continue
        sizes = {attribute.name: attribute.i for attribute in node.attribute}
        if sizes.get("N") != vocab_size:
            total += sizes.get("K", 0) * sizes.get("N", 0)
    return total
