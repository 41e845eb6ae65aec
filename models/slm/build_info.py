"""Which builder made an installed ONNX model (confide-build.json), without importing the
builder itself (onnx and gguf take a quarter of a second to import)."""

from __future__ import annotations

import json
from pathlib import Path

# Bumped whenever a build from the same GGUF would differ (graph, weights, tokenizer files):
# provisioning rebuilds installed models made by another version.
BUILDER_VERSION = 5
BUILD_INFO = "confide-build.json"


def build_is_current(folder: Path) -> bool:
    """Whether the ONNX model in folder was built by this version of the builder."""
    try:
        info = json.loads((Path(folder) / BUILD_INFO).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and info.get("builder_version") == BUILDER_VERSION
