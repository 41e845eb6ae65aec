"""`confide models import` of crafted model files: each is refused with one sentence naming the
field (exit 1, no traceback), quickly and in little memory, and nothing is installed.

Bounds are generous property bounds (a crafted header must not cost what it claims: 2**60
elements, 16 GB), not timings: 5 s includes starting Python on a busy 2-core machine, where the
same command without a model takes about half a second."""

from __future__ import annotations

import json
import shutil
import struct

import pytest
from crafted_gguf import (
    ARRAY,
    STRING,
    U8,
    U32,
    entry,
    llama_entries,
    llama_file,
    raw_entry,
    tensor_record,
    write,
)
from measured import run_confide_measured

SECONDS, MEGABYTES = 5.0, 300


def refused_in_one_sentence(result) -> str:
    """The error line, after checking: exit 1, no traceback, one `confide:` line and it is the
    last (a progress line such as "loading X to check it ..." may come before it, and ONNX
    Runtime's own log line when a graph fails to run)."""
    assert result.returncode == 1, (result.stdout[-500:], result.stderr[-2000:])
    lines = [
        line for line in result.stderr.strip().splitlines() if ":onnxruntime:" not in line and line.strip("\x1b[m ")
    ]
    assert "Traceback" not in result.stderr and lines[-1].startswith("confide: "), result.stderr[-2000:]
    assert sum(line.startswith("confide: ") for line in lines) == 1 and len(lines) <= 2, result.stderr[-2000:]
    return lines[-1]


def nested_arrays(depth: int) -> bytes:
    return struct.pack("<IQ", ARRAY, 1) * depth + struct.pack("<IQ", U8, 0)


CASES = {
    # name: (writer(path), words the one-line error must contain)
    "uint8 array of 2**60 elements": (
        lambda p: write(p, llama_entries() + [raw_entry("general.junk", ARRAY, struct.pack("<IQ", U8, 2**60))]),
        "general.junk",
    ),
    "string of 2**63 bytes": (
        lambda p: write(p, llama_entries() + [raw_entry("general.name", STRING, struct.pack("<Q", 2**63))]),
        "general.name",
    ),
    "metadata count 2**62": (lambda p: write(p, llama_entries(), kv_count=2**62), "metadata count"),
    "tensor count 2**40": (lambda p: write(p, llama_entries(), tensor_count=2**40), "tensor count"),
    "nested arrays 100,000 deep": (
        lambda p: write(p, llama_entries() + [raw_entry("general.deep", ARRAY, nested_arrays(100_000))]),
        "general.deep",
    ),
    "block count 2**31": (lambda p: llama_file(p, block_count=(U32, 2**31)), "llama.block_count"),
    "embedding length 2**31": (lambda p: llama_file(p, embedding_length=(U32, 2**31)), "llama.embedding_length"),
    "context length 2**32-1": (lambda p: llama_file(p, context_length=(U32, 2**32 - 1)), "llama.context_length"),
    "no attention.head_count": (lambda p: llama_file(p, attention__head_count=None), "llama.attention.head_count"),
    "head_count 0": (lambda p: llama_file(p, attention__head_count=(U32, 0)), "llama.attention.head_count"),
    "hidden size not divisible by heads": (
        lambda p: llama_file(p, attention__head_count=(U32, 3), attention__head_count_kv=(U32, 3)),
        "not divisible",
    ),
    "head_count a string": (lambda p: llama_file(p, attention__head_count=(STRING, "2")), "llama.attention.head_count"),
    "tensor dimensions past the file": (
        lambda p: write(p, llama_entries(), [tensor_record("token_embd.weight", [2**32, 2**32])]),
        "token_embd.weight",
    ),
    "tensor of 5 dimensions": (
        lambda p: write(p, llama_entries(), [tensor_record("token_embd.weight", [1, 1, 1, 1, 1])]),
        "dimensions",
    ),
    "tensor offset outside the file": (
        lambda p: write(p, llama_entries(), [tensor_record("token_embd.weight", [8, 16], offset=2**62)]),
        "token_embd.weight",
    ),
    "tensor of an unknown type": (
        lambda p: write(p, llama_entries(), [tensor_record("token_embd.weight", [8, 16], kind=999)]),
        "unknown type",
    ),
    "key repeated": (lambda p: write(p, llama_entries() + [entry("llama.block_count", U32, 1)]), "appears twice"),
    "truncated in the vocabulary": (lambda p: p.write_bytes(llama_file(p).read_bytes()[:120]), "truncated"),
    "key of 2**40 bytes": (lambda p: write(p, [struct.pack("<Q", 2**40) + b"x"]), "metadata key"),
    "no tensors at all": (
        lambda p: write(p, llama_entries() + [entry("general.name", STRING, "x")]),
        "token_embd.weight",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_crafted_gguf_is_refused_in_one_sentence(case, data_dir, tmp_path):
    """One line naming the field, exit 1, no traceback, under 5 s and 300 MB; nothing installed
    (not even a staging folder)."""
    writer, words = CASES[case]
    path = tmp_path / "crafted.gguf"
    writer(path)
    result = run_confide_measured("models", "import", str(path), data_dir=data_dir, timeout=30)
    assert words in refused_in_one_sentence(result)
    assert result.seconds < SECONDS and result.peak_rss_mb < MEGABYTES, (result.seconds, result.peak_rss_mb)
    models = data_dir / "models"
    assert not models.exists() or list(models.iterdir()) == []


def _onnx_folder(models_data_dir, tmp_path, change=None):
    """A copy of the installed SmolLM2 ONNX folder, its genai_config.json changed by change(config)."""
    folder = tmp_path / "onnx-model"
    shutil.copytree(
        models_data_dir / "models" / "smollm2-135m-instruct",
        folder,
        ignore=shutil.ignore_patterns("model.gguf", "confide-model.json"),
    )
    if change is not None:
        config_path = folder / "genai_config.json"
        config = json.loads(config_path.read_text())
        change(config)
        config_path.write_text(json.dumps(config))
    return folder


def _set(path: str, value):
    def change(config):
        *parents, last = path.split(".")
        node = config
        for key in parents:
            node = node[key]
        node[last] = value

    return change


FOLDER_CASES = {
    "context length 2**32": (
        lambda c: (_set("model.context_length", 2**32)(c), _set("search.max_length", 2**32)(c)),
        "model.context_length",
    ),
    "no layers": (_set("model.decoder.num_hidden_layers", 0), "num_hidden_layers"),
    "10,000 threads": (_set("model.decoder.session_options", {"intra_op_num_threads": 10000}), "intra_op_num_threads"),
    "file name outside the folder": (_set("model.decoder.filename", "../../model.onnx"), "model.decoder.filename"),
    "head size a word": (_set("model.decoder.head_size", "big"), "unreadable"),
    "fewer layers than the graph": (_set("model.decoder.num_hidden_layers", 3), "cannot run"),
    "other key-value heads than the graph": (_set("model.decoder.num_key_value_heads", 7), "cannot run"),
    "not JSON": (None, "unreadable"),
    "no model.onnx": (None, "model.onnx"),
    "random model.onnx": (None, "cannot load"),
}


@pytest.mark.parametrize("case", sorted(FOLDER_CASES))
def test_a_broken_onnx_folder_is_refused_at_import(case, data_dir, tmp_path, models_data_dir):
    """An ONNX genai folder with values no model has, values its graph does not have, no
    model.onnx or a random one is refused in one sentence at import (it is loaded and runs one
    token there), not listed as verified to fail at first use."""
    change, words = FOLDER_CASES[case]
    folder = _onnx_folder(models_data_dir, tmp_path, change)
    if case == "not JSON":
        (folder / "genai_config.json").write_text("{ not json")
    elif case == "no model.onnx":
        (folder / "model.onnx").unlink()
    elif case == "random model.onnx":
        (folder / "model.onnx").write_bytes(bytes(range(256)) * 64)
    result = run_confide_measured("models", "import", str(folder), "--name", "hostile", data_dir=data_dir, timeout=120)
    assert words in refused_in_one_sentence(result)
    assert not (data_dir / "models" / "hostile").exists()


def test_a_whisper_folder_with_a_random_model_bin_is_refused(data_dir, tmp_path, models_data_dir):
    """A Whisper folder whose model.bin is random bytes is loaded at import and refused."""
    folder = tmp_path / "whisper"
    shutil.copytree(
        models_data_dir / "models" / "whisper-base", folder, ignore=shutil.ignore_patterns("confide-model.json")
    )
    (folder / "model.bin").write_bytes(bytes(range(256)) * 256)
    result = run_confide_measured("models", "import", str(folder), "--name", "hostile", data_dir=data_dir, timeout=120)
    assert "cannot be loaded" in refused_in_one_sentence(result)
    assert not (data_dir / "models" / "hostile").exists()


def test_a_valid_onnx_folder_still_imports(data_dir, tmp_path, models_data_dir):
    """The load at import accepts a good folder: it is listed verified."""
    folder = _onnx_folder(models_data_dir, tmp_path)
    result = run_confide_measured("models", "import", str(folder), "--name", "good", data_dir=data_dir, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    listed = run_confide_measured("models", "list", "--json", data_dir=data_dir)
    assert [(m["id"], m["verified"]) for m in json.loads(listed.stdout)["models"]] == [("good", True)]


def test_a_chat_template_past_the_limits_is_called_unusable_at_import(data_dir, tmp_path):
    """A GGUF whose chat template loops 99,999 x 99,999 times is told apart at import, in seconds:
    a warning that the template is unusable and the plain prompt will be used (this tiny file
    then fails to build, as it has no layers)."""
    bomb = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    path = llama_file(tmp_path / "bomb.gguf", tokenizer__chat_template=(STRING, bomb))
    result = run_confide_measured("models", "import", str(path), data_dir=data_dir, timeout=60)
    assert "This model's chat template is unusable" in result.stderr and "plain prompt" in result.stderr
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.seconds < 15 and result.peak_rss_mb < MEGABYTES, (result.seconds, result.peak_rss_mb)
