"""The runtime follows genai_config.json rather than assuming its builder's own names and options,
so onnxruntime-genai folders built elsewhere run too."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

from models.errors import ContextOverflowError
from models.slm.api import GenerationConfig
from models.slm.engine import OnnxLanguageModel

VOCAB, WIDTH, POSITIONS = 49152, 8, 64  # SmolLM2's vocabulary, so its tokenizer files can be reused


def tiny_weights(seed=0) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "embed": rng.standard_normal((VOCAB, WIDTH)).astype(np.float32),
        "positions": rng.standard_normal((POSITIONS, WIDTH)).astype(np.float32),
        **{
            name: (rng.standard_normal((WIDTH, WIDTH)) / np.sqrt(WIDTH)).astype(np.float32)
            for name in ("wq", "wk", "wv", "wo")
        },
    }


def tiny_decoder(w: dict):
    """One attention layer in plain ONNX ops, with names unlike the builder's, position ids, a
    cache that grows (past + new = present) and logits for every position."""
    f, i64 = TensorProto.FLOAT, TensorProto.INT64
    nodes = [
        helper.make_node("Gather", ["embed", "tokens"], ["tok"]),
        helper.make_node("Gather", ["positions", "pos"], ["posv"]),
        helper.make_node("Add", ["tok", "posv"], ["x"]),
        *[helper.make_node("MatMul", ["x", name], [name[1]]) for name in ("wq", "wk", "wv")],
        *[helper.make_node("Unsqueeze", [name, "axis1"], [name + "4"]) for name in ("q", "k", "v")],
        helper.make_node("Concat", ["cache.0.k", "k4"], ["cache_out.0.k"], axis=2),
        helper.make_node("Concat", ["cache.0.v", "v4"], ["cache_out.0.v"], axis=2),
        helper.make_node("Transpose", ["cache_out.0.k"], ["kt"], perm=[0, 1, 3, 2]),
        helper.make_node("MatMul", ["q4", "kt"], ["raw"]),
        helper.make_node("Mul", ["raw", "scale"], ["scores"]),
        # causal: key j is visible from a query at position p when j <= p and the mask keeps it
        helper.make_node("Shape", ["mask"], ["mask_shape"]),
        helper.make_node("Gather", ["mask_shape", "one"], ["total"], axis=0),
        helper.make_node("Range", ["zero", "total", "one"], ["key_pos"]),
        helper.make_node("Unsqueeze", ["pos", "axis_last"], ["query_pos"]),
        helper.make_node("LessOrEqual", ["key_pos", "query_pos"], ["causal"]),
        helper.make_node("Cast", ["mask"], ["keep_key"], to=TensorProto.BOOL),
        helper.make_node("Unsqueeze", ["keep_key", "axis1"], ["keep_key3"]),
        helper.make_node("And", ["causal", "keep_key3"], ["visible3"]),
        helper.make_node("Unsqueeze", ["visible3", "axis1"], ["visible"]),
        helper.make_node("Where", ["visible", "scores", "minus_inf"], ["masked"]),
        helper.make_node("Softmax", ["masked"], ["probs"], axis=-1),
        helper.make_node("MatMul", ["probs", "cache_out.0.v"], ["mixed4"]),
        helper.make_node("Squeeze", ["mixed4", "axis1"], ["mixed"]),
        helper.make_node("MatMul", ["mixed", "wo"], ["attn"]),
        helper.make_node("Add", ["x", "attn"], ["h"]),
        helper.make_node("Transpose", ["embed"], ["unembed"], perm=[1, 0]),
        helper.make_node("MatMul", ["h", "unembed"], ["next_token_scores"]),
    ]
    constants = {
        **w,
        "axis1": np.array([1], np.int64),
        "axis_last": np.array([-1], np.int64),
        "one": np.array(1, np.int64),
        "zero": np.array(0, np.int64),
        "scale": np.array(WIDTH**-0.5, np.float32),
        "minus_inf": np.array(-1e9, np.float32),
    }
    graph = helper.make_graph(
        nodes,
        "tiny",
        [
            helper.make_tensor_value_info("tokens", i64, ["b", "s"]),
            helper.make_tensor_value_info("pos", i64, ["b", "s"]),
            helper.make_tensor_value_info("mask", i64, ["b", "t"]),
            helper.make_tensor_value_info("cache.0.k", f, ["b", 1, "p", WIDTH]),
            helper.make_tensor_value_info("cache.0.v", f, ["b", 1, "p", WIDTH]),
        ],
        [
            helper.make_tensor_value_info("next_token_scores", f, ["b", "s", VOCAB]),
            helper.make_tensor_value_info("cache_out.0.k", f, ["b", 1, "t", WIDTH]),
            helper.make_tensor_value_info("cache_out.0.v", f, ["b", 1, "t", WIDTH]),
        ],
        [numpy_helper.from_array(value, name) for name, value in constants.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def reference_logits(w: dict, ids: list[int]) -> np.ndarray:
    """The same model in numpy, recomputed from scratch: next-token logits after ids."""
    x = w["embed"][ids].astype(np.float64) + w["positions"][: len(ids)]
    q, k, v = x @ w["wq"], x @ w["wk"], x @ w["wv"]
    scores = q[-1] @ k.T * WIDTH**-0.5
    probs = np.exp(scores - scores.max())
    h = x[-1] + (probs / probs.sum()) @ v @ w["wo"]
    return h @ w["embed"].T


@pytest.fixture(scope="module")
def tiny_folder(smollm_dir, tmp_path_factory):
    import onnx

    folder = tmp_path_factory.mktemp("tiny-genai")
    weights = tiny_weights()
    onnx.save_model(tiny_decoder(weights), str(folder / "decoder.onnx"))
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(smollm_dir / name, folder / name)
    config = {
        "model": {
            "type": "tiny",
            "context_length": POSITIONS,
            "vocab_size": VOCAB,
            "bos_token_id": 1,
            "eos_token_id": 2,
            "pad_token_id": 2,
            "decoder": {
                "filename": "decoder.onnx",
                "head_size": WIDTH,
                "hidden_size": WIDTH,
                "num_attention_heads": 1,
                "num_hidden_layers": 1,
                "num_key_value_heads": 1,
                "session_options": {"intra_op_num_threads": 1, "provider_options": []},
                "inputs": {
                    "input_ids": "tokens",
                    "position_ids": "pos",
                    "attention_mask": "mask",
                    "past_key_names": "cache.%d.k",
                    "past_value_names": "cache.%d.v",
                },
                "outputs": {
                    "logits": "next_token_scores",
                    "present_key_names": "cache_out.%d.k",
                    "present_value_names": "cache_out.%d.v",
                },
            },
        },
        "search": {"max_length": 48, "past_present_share_buffer": False, "do_sample": False},
    }
    (folder / "genai_config.json").write_text(json.dumps(config))
    return folder, weights


def test_a_foreign_folder_generates_what_its_graph_defines(tiny_folder):
    """Its names, position ids, growing cache, logits for every position, thread count and context
    (search.max_length below context_length) are followed: greedy tokens and logits match a numpy
    recomputation of the same model, step by step."""
    folder, weights = tiny_folder
    model = OnnxLanguageModel.load(folder)
    assert model.threads == 1 and not model.share_buffer and model.context_length == 48
    prompt = [100, 2000, 30000, 7]
    result = list(model.generate(prompt, GenerationConfig(max_new_tokens=12, ignore_eos=True)))[-1]
    ids = list(prompt)
    for _ in range(12):
        ids.append(int(np.argmax(reference_logits(weights, ids))))
    assert result.ids == ids[len(prompt) :]
    cache = model.new_cache(32)
    np.testing.assert_allclose(model.prefill(cache, ids[:6]), reference_logits(weights, ids[:6]), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(cache.run([ids[6]]), reference_logits(weights, ids[:7]), rtol=1e-4, atol=1e-4)


def test_a_foreign_folder_stops_at_its_eos_and_its_context(tiny_folder):
    """eos_token_id given as a single id ends generation; a prompt as long as the context is refused."""
    folder, weights = tiny_folder
    model = OnnxLanguageModel.load(folder)
    prompt = [100, 2000, 30000, 7]
    ids = list(prompt)
    for _ in range(4):
        ids.append(int(np.argmax(reference_logits(weights, ids))))
    assert ids[-1] not in ids[len(prompt) : -1]  # (43189 three times, then 44200)
    config = json.loads((folder / "genai_config.json").read_text())
    config["model"]["eos_token_id"] = ids[-1]  # the fourth token the model will pick
    (folder / "genai_config.json").write_text(json.dumps(config))
    try:
        result = list(OnnxLanguageModel.load(folder).generate(prompt, GenerationConfig(max_new_tokens=10)))[-1]
    finally:
        config["model"]["eos_token_id"] = 2
        (folder / "genai_config.json").write_text(json.dumps(config))
    assert result.stop_reason == "eos" and result.ids == ids[len(prompt) : -1]
    with pytest.raises(ContextOverflowError, match="holds 48"):
        model.generate(list(range(100, 148)))
    near_the_end = list(model.generate(list(range(100, 140)), GenerationConfig(max_new_tokens=20, ignore_eos=True)))
    assert len(near_the_end[-1].ids) == 8 and near_the_end[-1].stop_reason == "max_new_tokens"


def linked_asking_for_a_shared_buffer(source, target, shared: bool):
    """target: source's files linked, with genai_config.json's past_present_share_buffer set."""
    for path in source.iterdir():
        if path.name != "genai_config.json":
            (target / path.name).symlink_to(path)
    config = json.loads((source / "genai_config.json").read_text())
    config["search"]["past_present_share_buffer"] = shared
    (target / "genai_config.json").write_text(json.dumps(config))
    return target


def test_our_build_without_a_shared_buffer_gives_the_same_tokens(smollm, smollm_dir, tmp_path):
    """The same graph run with a growing cache (past_present_share_buffer false) decodes the same
    tokens as with the shared fixed-size buffer."""
    growing = OnnxLanguageModel.load(linked_asking_for_a_shared_buffer(smollm_dir, tmp_path, False), threads=2)
    assert not growing.share_buffer and smollm.share_buffer
    prompt = smollm.render_chat([{"role": "user", "content": "Name three colours."}])
    settings = GenerationConfig(max_new_tokens=24)
    theirs = list(growing.generate(prompt, settings))[-1]
    ours = list(smollm.generate(prompt, settings))[-1]
    assert theirs.ids == ours.ids and theirs.text


def test_a_foreign_graph_without_in_place_attention_keeps_a_growing_cache(tiny_folder, tmp_path):
    """A folder whose genai_config.json asks for a shared buffer while its graph has no
    GroupQueryAttention (which alone appends in place) is read and run with a growing cache."""
    model = OnnxLanguageModel.load(linked_asking_for_a_shared_buffer(tiny_folder[0], tmp_path, True))
    assert not model.share_buffer
    result = list(model.generate([100, 2000, 30000, 7], GenerationConfig(max_new_tokens=6, ignore_eos=True)))[-1]
    assert len(result.ids) == 6


def test_a_confide_build_loads_without_reading_its_graph_in_python(smollm_dir):
    """Confide's own builds always append in place, so loading one does not import onnx (which
    took a second of every load on a 2-core AMD EPYC); a fresh interpreter shows it."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    code = (
        "import sys; from pathlib import Path; from models.slm.engine import OnnxLanguageModel\n"
        f"model = OnnxLanguageModel.load(Path({str(smollm_dir)!r}), threads=1)\n"
        "print(model.share_buffer, 'onnx' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["True", "False"], done.stderr[-2000:]
