"""Memory on a larger model (Qwen2.5-Coder-0.5B): one copy of the weights, and a KV buffer of the
model's key/value heads only (grouped-query attention: 2 of them for 14 query heads)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

LOAD_AND_REPORT = """
import json, sys
from models.slm.engine import OnnxLanguageModel
engine = OnnxLanguageModel.load(sys.argv[1], threads=2)
rss = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status") if line.startswith("VmRSS"))
print(json.dumps({"rss": rss}))
"""


def test_loading_keeps_one_copy_of_the_weights(qwen_dir):
    """A fresh process that loads the model holds less than 1.5x model.onnx.data (measured:
    782 MB for 679 MB of weights): the weights are not held twice, as a read into memory beside
    a prepacked copy would."""
    result = subprocess.run(
        [sys.executable, "-c", LOAD_AND_REPORT, str(qwen_dir)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    rss = json.loads(result.stdout.strip().splitlines()[-1])["rss"]
    weights = (qwen_dir / "model.onnx.data").stat().st_size
    assert rss < 1.5 * weights, (rss, weights)


def test_the_kv_buffer_has_the_key_value_heads_only(qwen):
    """The per-request buffer is [1, 2 KV heads, positions, 64] per layer and kind: 48 MB for a
    2,048-token request (it would be 7x that with a slot per query head)."""
    cache = qwen.new_cache(2048)
    shapes = {tuple(value.shape()) for value in cache.values}
    assert shapes == {(1, 2, 2048, 64)} and len(cache.values) == 2 * 24
    assert sum(value.numpy().nbytes for value in cache.values) == 2 * 24 * 2 * 2048 * 64 * np.dtype(np.float32).itemsize
