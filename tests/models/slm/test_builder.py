"""GGUF -> ONNX: the graph computes exactly what the GGUF's weights define, and bad files fail
with one clear sentence and leave nothing behind."""

from __future__ import annotations

import json

import numpy as np
import onnx
import pytest
from gguf import GGMLQuantizationType, GGUFWriter
from gguf.quants import dequantize
from llama_reference import llama_last_logits
from support import run_confide

from models.errors import ModelError
from models.gguf_file import GGUFFile
from models.slm.builder import build_from_gguf
from models.slm.builder.quant import NBitsWeight, weight_for_matmul
from models.slm.engine import OnnxLanguageModel


def matrix_of(weight: NBitsWeight) -> np.ndarray:
    """The float matrix a MatMulNBits node (plus its min term) computes with, from its operands."""
    n, blocks = weight.n, weight.k // weight.block
    if weight.bits == 8:
        codes = weight.packed.reshape(n, blocks, weight.block)
    else:
        codes = np.stack([weight.packed & 0x0F, weight.packed >> 4], axis=-1).reshape(n, blocks, weight.block)
    if weight.zero_points is None:
        zeros = np.full((n, blocks), 2.0 ** (weight.bits - 1))
    else:
        zeros = np.stack([weight.zero_points & 0x0F, weight.zero_points >> 4], axis=-1).reshape(n, -1)[:, :blocks]
    scales = weight.scales.astype(np.float64).reshape(n, blocks)
    matrix = (codes.astype(np.float64) - zeros[..., None]) * scales[..., None]
    if weight.min_term is not None:
        matrix = matrix + weight.min_term.T.astype(np.float64)[..., None]
    return matrix.reshape(n, -1)


@pytest.mark.parametrize("model", ["smollm2-135m-instruct", "gemma3-270m", "qwen2.5-coder-0.5b-instruct"])
def test_every_tensor_type_maps_exactly(model, models_data_dir, request):
    """Q4_1, Q8_0 (SmolLM2) and Q4_K, Q5_0, Q6_K, Q8_0 (Gemma 3, Qwen2.5-Coder-0.5B, whose
    embedding table is Q5_0) become MatMulNBits operands that reproduce the gguf library's own
    dequantization bit for bit."""
    if model.startswith("qwen"):
        request.getfixturevalue("qwen_dir")  # not a default model: installed by its fixture
    gguf = GGUFFile(models_data_dir / "models" / model / "model.gguf")
    seen = {}
    for tensor in gguf.tensors.values():
        if len(tensor.shape) == 2 and tensor.name != "token_embd.weight":
            seen.setdefault(GGUFFile.type_name(tensor), tensor)
    seen["embedding " + GGUFFile.type_name(gguf.tensor("token_embd.weight"))] = gguf.tensor("token_embd.weight")
    expected_types = {
        "smollm2-135m-instruct": {"Q4_1", "embedding Q8_0"},
        "gemma3-270m": {"Q4_K", "Q5_0", "Q6_K", "Q8_0", "embedding Q8_0"},
        "qwen2.5-coder-0.5b-instruct": {"Q4_K", "Q5_0", "Q6_K", "Q8_0", "embedding Q5_0"},
    }[model]
    assert set(seen) == expected_types
    for name, tensor in seen.items():
        rows = slice(0, 4096)  # the embeddings have up to 262144 rows: a slice proves the same
        weight = weight_for_matmul(tensor)
        expected = dequantize(np.asarray(tensor.data), GGMLQuantizationType(tensor.tensor_type))
        expected = expected.reshape(weight.n, -1)[rows]
        reference_weight = NBitsWeight(
            min(weight.n, 4096),
            weight.k,
            weight.bits,
            weight.block,
            weight.packed[rows],
            weight.scales.reshape(weight.n, -1)[rows].reshape(-1),
            None if weight.zero_points is None else weight.zero_points[rows],
            None if weight.min_term is None else weight.min_term[:, rows],
            weight.exact,
        )
        assert weight.exact, name
        assert np.array_equal(matrix_of(reference_weight).astype(np.float32), expected), name


@pytest.fixture(scope="session")
def exact_smollm(smollm_gguf, tmp_path_factory):
    """SmolLM2 built with float activations: the GGUF's weights, computed exactly."""
    folder = tmp_path_factory.mktemp("smollm-exact")
    build_from_gguf(smollm_gguf, folder, activations="float")
    return OnnxLanguageModel.load(folder, threads=2)


def test_the_exact_build_matches_a_float64_forward_pass(exact_smollm, smollm_gguf, smollm_reference):
    """The whole graph (un-permuted rotary rows, GroupQueryAttention, fused norms, the Q4_1 min
    term, the tied output layer) computes the dequantized model to 1e-3."""
    ids = smollm_reference["logits"][0]["prompt_ids"]
    expected = llama_last_logits(smollm_gguf, ids)
    assert np.abs(exact_smollm.last_logits(ids) - expected).max() < 1e-3


def test_the_folder_has_the_genai_layout_and_says_how_it_was_built(smollm_dir, gemma_dir):
    """genai_config.json with the model's facts, model.onnx with its data beside it, the tokenizer
    files, and confide-build.json saying the weights are exactly the GGUF's."""
    for folder, architecture, context, eos in ((smollm_dir, "llama", 8192, [2]), (gemma_dir, "gemma3", 32768, [1])):
        for name in ("genai_config.json", "model.onnx", "model.onnx.data", "tokenizer.json", "tokenizer_config.json"):
            assert (folder / name).is_file(), name
        build = json.loads((folder / "confide-build.json").read_text())
        assert build["architecture"] == architecture and build["weights_exact"] is True
        config = json.loads((folder / "genai_config.json").read_text())
        assert config["model"]["context_length"] == context and config["model"]["eos_token_id"] == eos


def test_tied_embeddings_are_stored_once(smollm_dir):
    """The embedding lookup gathers rows of the output layer's own weights: no second table."""
    graph = onnx.load(str(smollm_dir / "model.onnx"), load_external_data=False).graph
    gather = next(node for node in graph.node if node.op_type == "GatherBlockQuantized")
    lm_head = next(node for node in graph.node if node.op_type == "MatMulNBits" and node.name.startswith("lm_head"))
    assert gather.input[0] == lm_head.input[1]
    big = [t for t in graph.initializer if np.prod(t.dims) >= 49152 * 576 // 2]
    assert len(big) == 1


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


@pytest.mark.parametrize(
    "case, message",
    [
        ("not-gguf", "is not a GGUF file"),
        ("truncated", "is truncated or damaged"),
        ("architecture", "is a 'mamba' model; Confide can convert gemma3, llama, qwen2"),
        ("tensor-type", "uses the IQ2_XXS type, which Confide cannot convert yet"),
    ],
)
def test_bad_files_fail_clearly_and_leave_nothing(case, message, smollm_gguf, data_dir, tmp_path):
    """`confide models import` of a bad file: exit 1, one line, no model folder left."""
    bad = tmp_path / "bad.gguf"
    if case == "not-gguf":
        bad.write_text("just some text")
    elif case == "truncated":
        bad.write_bytes(smollm_gguf.read_bytes()[:5_000_000])
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


def test_an_unsupported_tensor_type_is_a_model_error_and_writes_nothing(tmp_path):
    """The builder itself raises ModelError (the app's user-facing kind), before writing a file."""
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ModelError, match="IQ2_XXS"):
        build_from_gguf(_tiny_gguf(tmp_path / "t.gguf", "llama", GGMLQuantizationType.IQ2_XXS), out)
    assert list(out.iterdir()) == []


def _decoder_writer(
    path,
    architecture: str,
    layers: int,
    hidden: int,
    ffn: int,
    heads: int,
    kv_heads: int,
    *,
    rope_base: float,
    eps: float,
) -> GGUFWriter:
    """A GGUF writer with the shape of a small decoder (context 256) in its header."""
    writer = GGUFWriter(str(path), architecture)
    writer.add_block_count(layers)
    writer.add_context_length(256)
    writer.add_embedding_length(hidden)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_rope_freq_base(rope_base)
    writer.add_layer_norm_rms_eps(eps)
    return writer


def _llama3_style_gguf(path, vocab: int) -> None:
    """A small random Llama with what SmolLM2 lacks: an untied output layer, rope frequency
    factors (Llama 3.1), 2 key/value heads for 4 query heads, and mixed tensor types."""
    from gguf.quants import quantize

    rng = np.random.default_rng(5)
    hidden, ffn, heads, kv_heads, layers = 64, 128, 4, 2, 2
    writer = _decoder_writer(path, "llama", layers, hidden, ffn, heads, kv_heads, rope_base=500000.0, eps=1e-5)
    writer.add_rope_dimension_count(hidden // heads)
    writer.add_tokenizer_model("gpt2")  # a vocabulary for the file's own checks (the test borrows SmolLM2's tokenizer)
    writer.add_token_list([f"t{index}" for index in range(vocab)])
    writer.add_token_types([1] * vocab)

    def add(name, rows, cols, kind):
        values = (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)
        if kind == GGMLQuantizationType.F32:
            writer.add_tensor(name, values)
        else:
            writer.add_tensor(name, quantize(values, kind), raw_dtype=kind)

    Q = GGMLQuantizationType
    add("token_embd.weight", vocab, hidden, Q.Q8_0)
    add("output.weight", vocab, hidden, Q.Q4_0)
    writer.add_tensor("output_norm.weight", (1 + 0.1 * rng.standard_normal(hidden)).astype(np.float32))
    writer.add_tensor("rope_freqs.weight", np.array([1.0] * 4 + [2.0, 4.0, 8.0, 8.0], np.float32))
    for layer in range(layers):
        p = f"blk.{layer}."
        writer.add_tensor(p + "attn_norm.weight", (1 + 0.1 * rng.standard_normal(hidden)).astype(np.float32))
        writer.add_tensor(p + "ffn_norm.weight", (1 + 0.1 * rng.standard_normal(hidden)).astype(np.float32))
        add(p + "attn_q.weight", hidden, hidden, Q.Q4_1)
        add(p + "attn_k.weight", hidden * kv_heads // heads, hidden, Q.Q4_1)
        add(p + "attn_v.weight", hidden * kv_heads // heads, hidden, Q.Q5_0)
        add(p + "attn_output.weight", hidden, hidden, Q.Q8_0 if layer == 0 else Q.Q5_0)
        add(p + "ffn_gate.weight", ffn, hidden, Q.Q4_0)
        add(p + "ffn_up.weight", ffn, hidden, Q.Q4_0)
        add(p + "ffn_down.weight", hidden, ffn, Q.Q8_0)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


@pytest.mark.parametrize("block_sums", ["indicator product", "reshape and sum"])
def test_a_llama3_style_gguf_computes_what_it_defines(block_sums, smollm_dir, tmp_path, monkeypatch):
    """Untied output layer, rope frequency factors, grouped key/value heads and Q4_0, Q4_1, Q5_0,
    Q8_0 tensors: the float build matches a float64 forward pass, the default build is close and
    picks the same token; with Q4_1's block sums computed either way (small matrices take the
    product, large ones the reshape and sum)."""
    import shutil

    import models.slm.builder.graph as graph_module
    import models.slm.tokenizer as tokenizer_module

    if block_sums == "reshape and sum":
        monkeypatch.setattr(graph_module, "INDICATOR_BYTES", 0)

    vocab = 49152  # SmolLM2's, whose tokenizer files the folder borrows
    gguf = tmp_path / "llama3-style.gguf"
    _llama3_style_gguf(gguf, vocab)
    monkeypatch.setattr(
        tokenizer_module,
        "save_tokenizer_files",
        lambda _gguf, out: [
            shutil.copy(smollm_dir / name, out / name) for name in ("tokenizer.json", "tokenizer_config.json")
        ],
    )
    ids = [1, 504, 3000, 17, 42, 9000, 123, 7, 7, 31000]
    expected = llama_last_logits(gguf, ids)
    for activations, tolerance in (("float", 1e-3), ("mixed", 0.1)):
        out = tmp_path / activations
        out.mkdir()
        build_from_gguf(gguf, out, activations=activations)
        logits = OnnxLanguageModel.load(out, threads=2).last_logits(ids)
        assert np.abs(logits - expected).max() < tolerance, activations
        assert json.loads((out / "confide-build.json").read_text())["weights_exact"] is True
    assert int(np.argmax(logits)) == int(np.argmax(expected))
    graph = onnx.load(str(tmp_path / "mixed" / "model.onnx"), load_external_data=False).graph
    by_product = any(tensor.name.startswith("block_indicator") for tensor in graph.initializer)
    assert by_product == (block_sums == "indicator product")


def random_q4_k(rng, rows: int, cols: int) -> np.ndarray:
    """Q4_K blocks of random codes, scales and minimums (the gguf library cannot quantize to
    Q4_K): 256 values in 144 bytes, d and dmin first as float16."""
    blocks = rng.integers(0, 256, (rows, cols // 256, 144), dtype=np.uint8)
    blocks[..., 0:2] = np.frombuffer(np.float16(0.02 / np.sqrt(cols)).tobytes(), np.uint8)
    blocks[..., 2:4] = np.frombuffer(np.float16(0.01 / np.sqrt(cols)).tobytes(), np.uint8)
    return blocks.reshape(rows, -1)


def test_4_bit_embeddings_with_an_offset_stay_4_bit_and_exact(tmp_path):
    """Q4_K and Q4_1 embedding tables are gathered as 4-bit codes with their offsets added after:
    code * scale + offset is the gguf library's dequantization bit for bit, at half the bytes of
    the 8-bit requantization this replaced."""
    from gguf import GGUFReader
    from gguf.quants import quantize

    from models.slm.builder.quant import embedding_table

    rng = np.random.default_rng(3)
    writer = GGUFWriter(str(tmp_path / "emb.gguf"), "llama")
    writer.add_tensor("q4_k", random_q4_k(rng, 16, 512), raw_dtype=GGMLQuantizationType.Q4_K)
    writer.add_tensor(
        "q4_1",
        quantize(rng.standard_normal((16, 512)).astype(np.float32), GGMLQuantizationType.Q4_1),
        raw_dtype=GGMLQuantizationType.Q4_1,
    )
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    for tensor in GGUFReader(tmp_path / "emb.gguf").tensors:
        table = embedding_table(tensor)
        codes = np.stack([table.data & 0x0F, table.data >> 4], axis=-1).reshape(16, -1, table.block).astype(np.float32)
        rebuilt = codes * table.scales[..., None] + table.offsets[..., None]
        expected = dequantize(np.asarray(tensor.data), GGMLQuantizationType(tensor.tensor_type)).reshape(16, -1, 32)
        assert (table.bits, table.exact, table.data.shape) == (4, True, (16, 256)), tensor.name
        assert np.array_equal(rebuilt, expected), tensor.name


def _qwen2_style_gguf(path, vocab: int, tied: bool) -> None:
    """A small random Qwen2: biases on Q, K and V (large enough to matter), rotary halves not
    permuted, rope base 1e6, 2 key/value heads for 4 query heads, and either a tied Q8_0
    embedding or (as in Qwen2.5-Coder-1.5B) a Q4_K embedding beside an untied output layer."""
    from gguf.quants import quantize

    rng = np.random.default_rng(11)
    hidden, ffn, heads, kv_heads, layers = 256, 512, 4, 2, 2
    writer = _decoder_writer(path, "qwen2", layers, hidden, ffn, heads, kv_heads, rope_base=1e6, eps=1e-6)
    writer.add_tokenizer_model("gpt2")  # a vocabulary for the file's own checks (the test borrows SmolLM2's tokenizer)
    writer.add_token_list([f"t{index}" for index in range(vocab)])
    writer.add_token_types([1] * vocab)
    Q = GGMLQuantizationType

    def add(name, rows, cols, kind):
        values = (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)
        writer.add_tensor(name, quantize(values, kind), raw_dtype=kind)

    def vector(name, size, centre, spread):
        writer.add_tensor(name, (centre + spread * rng.standard_normal(size)).astype(np.float32))

    if tied:
        add("token_embd.weight", vocab, hidden, Q.Q8_0)
    else:
        writer.add_tensor("token_embd.weight", random_q4_k(rng, vocab, hidden), raw_dtype=Q.Q4_K)
        add("output.weight", vocab, hidden, Q.Q5_0)
    vector("output_norm.weight", hidden, 1.0, 0.1)
    for layer in range(layers):
        p = f"blk.{layer}."
        vector(p + "attn_norm.weight", hidden, 1.0, 0.1)
        vector(p + "ffn_norm.weight", hidden, 1.0, 0.1)
        add(p + "attn_q.weight", hidden, hidden, Q.Q5_0)
        add(p + "attn_k.weight", hidden * kv_heads // heads, hidden, Q.Q5_0)
        add(p + "attn_v.weight", hidden * kv_heads // heads, hidden, Q.Q8_0)
        vector(p + "attn_q.bias", hidden, 0.0, 1.0)
        vector(p + "attn_k.bias", hidden * kv_heads // heads, 0.0, 1.0)
        vector(p + "attn_v.bias", hidden * kv_heads // heads, 0.0, 0.5)
        add(p + "attn_output.weight", hidden, hidden, Q.Q5_0)
        add(p + "ffn_gate.weight", ffn, hidden, Q.Q4_0)
        add(p + "ffn_up.weight", ffn, hidden, Q.Q4_0)
        add(p + "ffn_down.weight", hidden, ffn, Q.Q8_0)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


@pytest.mark.parametrize("tied", [True, False])
def test_a_qwen2_gguf_computes_what_it_defines(tied, smollm_dir, tmp_path, monkeypatch):
    """The qwen2 architecture (Q, K and V biases, rotary halves, a tied output layer or a 4-bit
    embedding with offsets): the float build matches a float64 forward pass to 1e-3 and picks its
    token, with weights exactly the GGUF's; the default build is within 0.1; and the biases ride
    in the projection node itself (no extra node per layer)."""
    import shutil

    import models.slm.tokenizer as tokenizer_module

    vocab = 49152  # SmolLM2's, whose tokenizer files the folder borrows
    gguf = tmp_path / "qwen2-style.gguf"
    _qwen2_style_gguf(gguf, vocab, tied)
    monkeypatch.setattr(
        tokenizer_module,
        "save_tokenizer_files",
        lambda _gguf, out: [
            shutil.copy(smollm_dir / name, out / name) for name in ("tokenizer.json", "tokenizer_config.json")
        ],
    )
    ids = [1, 504, 3000, 17, 42, 9000, 123, 7, 7, 31000, 88, 12]
    expected = llama_last_logits(gguf, ids)
    for activations, tolerance in (("float", 1e-3), ("mixed", 0.1)):
        out = tmp_path / activations
        out.mkdir()
        build_from_gguf(gguf, out, activations=activations)
        logits = OnnxLanguageModel.load(out, threads=2).last_logits(ids)
        assert np.abs(logits - expected).max() < tolerance, activations
        build = json.loads((out / "confide-build.json").read_text())
        assert build["architecture"] == "qwen2" and build["weights_exact"] is True
        if activations == "float":  # a random model's logits are flat: only the exact build must keep near-ties
            assert int(np.argmax(logits)) == int(np.argmax(expected))
    graph = onnx.load(str(tmp_path / "mixed" / "model.onnx"), load_external_data=False).graph
    qkv = [node for node in graph.node if node.name.endswith("qkv_proj")]
    assert len(qkv) == 2 and all(len(node.input) == 6 and node.input[5] for node in qkv)


def test_float_tensors_are_requantized_to_8_bits_and_marked_inexact(tmp_path):
    """An F16 matrix becomes symmetric 8-bit blocks of 32: each weight within half a step
    (1/254 of its block's largest magnitude) of the original."""
    from gguf import GGUFReader

    rng = np.random.default_rng(2)
    values = rng.standard_normal((64, 96)).astype(np.float16)
    writer = GGUFWriter(str(tmp_path / "f16.gguf"), "llama")
    writer.add_tensor("w", values)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    weight = weight_for_matmul(GGUFReader(tmp_path / "f16.gguf").tensors[0])
    original = values.astype(np.float64).reshape(64, 3, 32)
    error = np.abs(matrix_of(weight).reshape(64, 3, 32) - original)
    assert not weight.exact and weight.bits == 8
    assert (error <= np.abs(original).max(axis=-1, keepdims=True) / 254 + 1e-6).all()
