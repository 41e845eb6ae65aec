"""The checked GGUF reader (models/gguf_header.py, models/gguf_file.py) reads real model files
exactly as the `gguf` library's GGUFReader does, and refuses lies about sizes before believing
them."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from gguf import GGUFReader

from crafted_gguf import ARRAY, STRING, U8, entry, llama_entries, raw_entry, tensor_record, write
from models.errors import ModelError
from models.gguf_file import GGUFFile
from models.gguf_header import MAX_ARRAY_LENGTH, read_gguf_header


def test_a_real_model_reads_as_gguf_reader_reads_it(models_data_dir):
    """SmolLM2's GGUF: every metadata value, and every tensor's type, shape, offset and bytes."""
    path = models_data_dir / "models" / "smollm2-135m-instruct" / "model.gguf"
    ours, theirs = GGUFFile(path), GGUFReader(path)
    assert {k: f.contents() for k, f in theirs.fields.items() if not k.startswith("GGUF.")} == ours.metadata
    assert [t.name for t in theirs.tensors] == list(ours.tensors)
    for reference in theirs.tensors:
        tensor = ours.tensor(reference.name)
        assert (tensor.tensor_type, list(tensor.shape), tensor.data_offset, tensor.n_bytes) == \
            (reference.tensor_type, reference.shape.tolist(), reference.data_offset, reference.n_bytes)
        assert tensor.data.shape == reference.data.shape and tensor.data.dtype == reference.data.dtype
        assert np.array_equal(tensor.data.view(np.uint8), np.asarray(reference.data).view(np.uint8))


@pytest.mark.parametrize("body, words", [
    (struct.pack("<IQ", U8, 2**60), "claims 1152921504606846976 elements"),
    (struct.pack("<IQ", U8, MAX_ARRAY_LENGTH), "runs past the end of the file"),
    (struct.pack("<IQ", ARRAY, 1) * 10_000, "nests arrays more than"),
    (struct.pack("<IQ", 99, 1), "unknown element type 99"),
])
def test_array_lies_are_refused_before_allocating(tmp_path, body, words):
    """An array's element count is checked against the limit and the bytes left; nesting is
    limited (no RecursionError); unknown element types are named."""
    path = write(tmp_path / "lie.gguf", [raw_entry("general.lie", ARRAY, body)])
    with pytest.raises(ModelError, match=words):
        read_gguf_header(path)


def test_tensor_records_are_checked(tmp_path):
    """Dimensions multiplied in Python integers (no wrap-around to a small size), offsets
    aligned and inside the file, names unique and printable."""
    entries = llama_entries()
    cases = {
        "runs past its end": [tensor_record("a", [2**32, 2**32, 2**32, 2**32])],
        "not aligned": [tensor_record("a", [8], offset=3)],
        "appears twice": [tensor_record("a", [8]), tensor_record("a", [8], offset=32)],
        "is not a name": [tensor_record("a\nb", [8])],
        "empty dimension": [tensor_record("a", [8, 0])],
    }
    for words, tensors in cases.items():
        path = write(tmp_path / "t.gguf", entries, tensors, b"\0" * 64)
        with pytest.raises(ModelError, match=words):
            read_gguf_header(path)


def test_alignment_must_be_a_power_of_two(tmp_path):
    """general.alignment of 0 or 3 would make every offset meaningless."""
    for alignment in (0, 3):
        path = write(tmp_path / "a.gguf", [entry("general.alignment", 4, alignment)])  # 4: uint32
        with pytest.raises(ModelError, match="general.alignment"):
            read_gguf_header(path)


def test_metadata_only_reading_skips_the_tensors(tmp_path):
    """The tokenizer's reading of the metadata does not need a sound tensor directory."""
    path = write(tmp_path / "m.gguf", [entry("general.name", STRING, "x")], [tensor_record("a", [8])])
    assert read_gguf_header(path, tensors=False).metadata == {"general.name": "x"}
