"""GGUF -> ONNX: the graph computes exactly what the GGUF's weights define, and bad files fail
with one clear sentence and leave nothing behind."""

from __future__ import annotations

import json

import numpy as np
import pytest
from gguf import GGMLQuantizationType, GGUFWriter

from support import run_confide
from models.errors import ModelError
from models.slm.builder import build_from_gguf
from models.slm.engine import OnnxLanguageModel

from llama_reference import llama_last_logits


@pytest.fixture(scope="session")
def exact_smollm(smollm_dir, tmp_path_factory):
    """SmolLM2 built with float activations: the GGUF's weights, computed exactly."""
    folder = tmp_path_factory.mktemp("smollm-exact")
    build_from_gguf(smollm_dir / "model.gguf", folder, accuracy_level=0)
    return OnnxLanguageModel.load(folder, threads=2)


def test_the_exact_build_matches_a_float64_forward_pass(exact_smollm, smollm_dir, smollm_reference):
    """Q4_1 and Q8_0 mapped onto MatMulNBits reproduce the dequantized model to 1e-3."""
    ids = smollm_reference["logits"][0]["prompt_ids"]
    expected = llama_last_logits(smollm_dir / "model.gguf", ids)
    assert np.abs(exact_smollm.last_logits(ids) - expected).max() < 1e-3


def test_the_build_records_how_it_was_made(smollm_dir):
    """The folder has the genai layout and says whether its weights are exact."""
    for name in ("genai_config.json", "model.onnx", "model.onnx.data", "tokenizer.json", "tokenizer_config.json"):
        assert (smollm_dir / name).is_file()
    build = json.loads((smollm_dir / "confide-build.json").read_text())
    assert build["architecture"] == "llama" and build["weights_exact"] is True
    config = json.loads((smollm_dir / "genai_config.json").read_text())
    assert config["model"]["context_length"] == 8192 and config["model"]["eos_token_id"] == [2]


def _tiny_gguf(path, architecture="llama", tensor_type=GGMLQuantizationType.F32):
    writer = GGUFWriter(str(path), architecture)
    writer.add_block_count(1)
    writer.add_embedding_length(32)
    writer.add_head_count(1)
    if tensor_type == GGMLQuantizationType.F32:
        writer.add_tensor("token_embd.weight", np.zeros((8, 32), np.float32))
    else:
        writer.add_tensor("token_embd.weight", np.zeros((8, 66), np.uint8), raw_dtype=tensor_type)  # 256 values a row
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.mark.parametrize("case, message", [
    ("not-gguf", "is not a GGUF file"),
    ("truncated", "is truncated or damaged"),
    ("architecture", "is a 'mamba' model; Confide can convert gemma3, llama"),
    ("tensor-type", "uses the IQ2_XXS type, which Confide cannot convert yet"),
])
def test_bad_files_fail_clearly_and_leave_nothing(case, message, smollm_dir, data_dir, tmp_path):
    """`confide models import` of a bad file: exit 1, one line, no model folder left."""
    bad = tmp_path / "bad.gguf"
    if case == "not-gguf":
        bad.write_text("just some text")
    elif case == "truncated":
        bad.write_bytes((smollm_dir / "model.gguf").read_bytes()[:5_000_000])
    elif case == "architecture":
        _tiny_gguf(bad, "mamba")
    else:
        _tiny_gguf(bad, "llama", GGMLQuantizationType.IQ2_XXS)
    result = run_confide("models", "import", str(bad), data_dir=data_dir)
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("confide:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    models = data_dir / "models"
    assert not models.exists() or [p.name for p in models.iterdir()] == []


def test_an_unsupported_tensor_type_is_a_model_error(tmp_path):
    """The builder itself raises ModelError (the app's user-facing kind), not a library error."""
    with pytest.raises(ModelError):
        build_from_gguf(_tiny_gguf(tmp_path / "t.gguf", "llama", GGMLQuantizationType.IQ2_XXS), tmp_path / "out")
