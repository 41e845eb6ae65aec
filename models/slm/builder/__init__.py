"""GGUF -> ONNX: one folder per model in the onnxruntime-genai layout.

build_from_gguf(gguf, out_dir) writes model.onnx (+ model.onnx.data), genai_config.json,
the tokenizer files and confide-build.json (how it was built, and whether exactly).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import onnx
from gguf import GGMLQuantizationType

from models.errors import ModelError
from models.gguf_file import GGUFFile
from models.slm.build_info import BUILD_INFO, BUILDER_VERSION
from models.slm.builder.architectures import ARCHITECTURES
from models.slm.builder.decoder import IoNames, build_decoder
from models.slm.builder.quant import SUPPORTED, embedding_table, weight_for_matmul
from models.slm.gguf_checks import check_decoder_metadata

MODEL_FILE = "model.onnx"
DATA_FILE = "model.onnx.data"
# MatMulNBits' accuracy level per kind of activations: 4 rounds a product's input to int8 in blocks
# (as llama.cpp does for its quantized dot products, and about as fast), 0 keeps it float.
ACTIVATIONS = {
    # int8 except the feed-forward's down projection: its input (the gated product) has rare huge
    # values that leave the rest of their block with a few int8 levels. Float there halves the
    # distance to llama.cpp's logits (median 0.34 -> 0.15 on its reference cases) for about 5% of
    # the decoding speed.
    "mixed": (4, 0),
    "int8": (4, None),  # the fastest exact choice
    "float": (0, None),  # the weights computed exactly; slow
}


# The lossy fast build (`confide models import FILE.gguf --fast`): int8 activations everywhere
# and Q4_1's per-block minimum rounded into 8-bit weights; bench/slm.py --fast measures it.
FAST_BUILD: dict[str, Any] = {"activations": "int8", "exact": False}


def build_from_gguf(
    gguf_path: Path,
    out_dir: Path,
    *,
    progress: Callable[[str], None] | None = None,
    activations: str = "mixed",
    exact: bool = True,
    names: IoNames = IoNames(),
) -> None:
    """Writes the model folder into out_dir (an existing, empty folder the caller renames into place).

    activations: a key of ACTIVATIONS. exact=False: the faster, lossy weights of
    quant.approximately_8bit. names: the graph's input and output names."""
    if activations not in ACTIVATIONS:
        raise ValueError(f"activations must be one of {sorted(ACTIVATIONS)}, not {activations!r}")
    out_dir = Path(out_dir)
    before = set(out_dir.iterdir())
    try:
        _build(Path(gguf_path), out_dir, progress or (lambda _m: None), activations, exact, names)
    except BaseException:
        for path in set(out_dir.iterdir()) - before:  # a failed build leaves nothing behind
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        raise


def _build(
    gguf_path: Path, out_dir: Path, progress: Callable[[str], None], activations: str, exact: bool, names: IoNames
) -> None:
    started = time.perf_counter()
    gguf = GGUFFile(gguf_path)
    arch = gguf.architecture
    if arch not in ARCHITECTURES:
        raise ModelError(
            f"{gguf_path.name} is a '{arch}' model; Confide can convert {', '.join(sorted(ARCHITECTURES))}."
        )
    for tensor in gguf.tensors.values():
        if GGMLQuantizationType(tensor.tensor_type) not in SUPPORTED:
            raise ModelError(
                f"Tensor {tensor.name} uses the {GGUFFile.type_name(tensor)} type, which Confide cannot convert yet."
            )
    check_decoder_metadata(gguf)  # before any array is sized from these numbers
    spec, layer_weights, output_norm, lm_head, tied = ARCHITECTURES[arch](gguf, partial(weight_for_matmul, exact=exact))
    shared = tied and lm_head.bits == 8
    embedding = None if shared else embedding_table(gguf.tensor("token_embd.weight"))
    with open(out_dir / DATA_FILE, "wb") as data:
        accuracy_level, down_accuracy_level = ACTIVATIONS[activations]
        model, weights_exact = build_decoder(
            spec,
            embedding,
            layer_weights,
            output_norm,
            lm_head,
            accuracy_level=accuracy_level,
            down_accuracy_level=down_accuracy_level,
            names=names,
            data_file=data,
            data_name=DATA_FILE,
            progress=progress,
        )
        data.flush()
        os.fsync(data.fileno())
    onnx.save_model(model, str(out_dir / MODEL_FILE))
    del model
    _write_genai_config(gguf, spec, out_dir, names)
    from models.slm.tokenizer import save_tokenizer_files

    save_tokenizer_files(gguf, out_dir)  # the already parsed file: parsing its vocabulary again takes seconds
    (out_dir / BUILD_INFO).write_text(
        json.dumps(
            {
                "builder_version": BUILDER_VERSION,
                "architecture": arch,
                "source": gguf_path.name,
                "activations": activations,
                "weights_exact": weights_exact,
                "build_seconds": round(time.perf_counter() - started, 1),
            },
            indent=1,
        )
    )
    progress(f"built {arch} model in {time.perf_counter() - started:.1f} s")


def _write_genai_config(gguf: GGUFFile, spec, out_dir: Path, names: IoNames) -> None:
    eos = gguf.get("tokenizer.ggml.eos_token_id")
    eos_ids = [int(eos)] if eos is not None else []
    config = {
        "model": {
            "type": gguf.architecture,
            "context_length": spec.context_length,
            "vocab_size": spec.vocab,
            "bos_token_id": int(gguf.get("tokenizer.ggml.bos_token_id", 1)),
            "eos_token_id": eos_ids,
            "pad_token_id": int(gguf.get("tokenizer.ggml.padding_token_id", eos_ids[0] if eos_ids else 0)),
            "decoder": {
                "filename": MODEL_FILE,
                "head_size": spec.head_dim,
                "hidden_size": spec.hidden,
                "num_attention_heads": spec.n_heads,
                "num_hidden_layers": spec.n_layers,
                "num_key_value_heads": spec.n_kv_heads,
                "session_options": {"log_id": "confide", "provider_options": []},
                "inputs": {
                    "input_ids": names.input_ids,
                    "attention_mask": names.attention_mask,
                    "past_key_names": names.past_key,
                    "past_value_names": names.past_value,
                },
                "outputs": {
                    "logits": names.logits,
                    "present_key_names": names.present_key,
                    "present_value_names": names.present_value,
                },
            },
        },
        "search": {
            "do_sample": False,
            "max_length": spec.context_length,
            "min_length": 0,
            "num_beams": 1,
            "num_return_sequences": 1,
            "past_present_share_buffer": True,
            "repetition_penalty": 1.0,
            "temperature": 1.0,
            "top_k": 1,
            "top_p": 1.0,
        },
    }
    (out_dir / "genai_config.json").write_text(json.dumps(config, indent=1))
