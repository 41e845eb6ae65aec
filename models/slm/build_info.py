"""Which builder made an installed ONNX model (confide-build.json), without importing the
builder itself (onnx and gguf take a quarter of a second to import)."""

from __future__ import annotations

import json
from pathlib import Path

# Bumped whenever a build from the same GGUF would differ (graph, weights, tokenizer files):
# provisioning rebuilds installed models made by another version.
BUILDER_VERSION = 5
BUILD_INFO = "confide-build.json"


def _build_info(folder: Path) -> dict:
    try:
        info = json.loads((Path(folder) / BUILD_INFO).read_text())
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def build_is_current(folder: Path) -> bool:
    """Whether the ONNX model in folder was built by this version of the builder."""
    return _build_info(folder).get("builder_version") == BUILDER_VERSION


def built_activations(folder: Path) -> str | None:
    """The activations the model in folder was built with (builder.ACTIVATIONS), if recorded."""
    value = _build_info(folder).get("activations")
    return value if isinstance(value, str) else None
