"""The checked GGUF reader (models/gguf_header.py, models/gguf_file.py) reads real model files
exactly as the `gguf` library's GGUFReader does, and refuses lies about sizes before believing
them."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from crafted_gguf import ARRAY, STRING, U8, entry, llama_entries, raw_entry, tensor_record, write
from gguf import GGMLQuantizationType, GGUFReader, GGUFWriter

from models.errors import ModelError
from models.gguf_file import GGUFFile
from models.gguf_header import MAX_ARRAY_LENGTH, read_gguf_header


def _library_written(path):
    """A GGUF written by the `gguf` library: metadata of every kind, float and quantized tensors."""
    writer = GGUFWriter(str(path), "llama")
    writer.add_uint32("llama.block_count", 2)
    writer.add_float32("llama.rope.freq_base", 10000.0)
    writer.add_bool("tokenizer.ggml.add_bos_token", True)
    writer.add_string("tokenizer.chat_template", "{{ messages }} ünïcode")
    writer.add_array("tokenizer.ggml.tokens", ["a", "b", "ç", ""])
    writer.add_array("tokenizer.ggml.scores", [0.5, -1.0, 2.0, 0.0])
    writer.add_int64("general.big", -(2**40))
    rng = np.random.default_rng(0)
    writer.add_tensor("f32", rng.standard_normal((3, 5)).astype(np.float32))
    writer.add_tensor("f16", rng.standard_normal((2, 4)).astype(np.float16))
    writer.add_tensor("q8", rng.integers(0, 255, (2, 34), dtype=np.uint8), raw_dtype=GGMLQuantizationType.Q8_0)
    writer.add_tensor("q4k", rng.integers(0, 255, (1, 144), dtype=np.uint8), raw_dtype=GGMLQuantizationType.Q4_K)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_a_file_reads_as_gguf_reader_reads_it(tmp_path):
    """Every metadata value, and every tensor's type, shape, offset and data (values for float
    types, bytes per row for quantized ones), as the `gguf` library's own reader gives them.
    (The builder's tests check real models end to end against llama.cpp.)"""
    path = _library_written(tmp_path / "library.gguf")
    ours, theirs = GGUFFile(path), GGUFReader(path)
    assert {k: f.contents() for k, f in theirs.fields.items() if not k.startswith("GGUF.")} == ours.metadata
    assert [t.name for t in theirs.tensors] == list(ours.tensors)
    for reference in theirs.tensors:
        tensor = ours.tensor(reference.name)
        assert (tensor.tensor_type, list(tensor.shape), tensor.data_offset, tensor.n_bytes) == (
            reference.tensor_type,
            reference.shape.tolist(),
            reference.data_offset,
            reference.n_bytes,
        )
        assert tensor.data.shape == reference.data.shape and tensor.data.dtype == reference.data.dtype
        assert np.array_equal(tensor.data.view(np.uint8), np.asarray(reference.data).view(np.uint8))


@pytest.mark.parametrize(
    "body, words",
    [
        (struct.pack("<IQ", U8, 2**60), "claims 1152921504606846976 elements"),
        (struct.pack("<IQ", U8, MAX_ARRAY_LENGTH), "runs past the end of the file"),
        (struct.pack("<IQ", ARRAY, 1) * 10_000, "nests arrays more than"),
        (struct.pack("<IQ", 99, 1), "unknown element type 99"),
    ],
)
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


def test_all_arrays_together_are_limited(tmp_path):
    """Many arrays each under the limit cannot add up to gigabytes of Python objects."""
    from models.gguf_header import MAX_TOTAL_ELEMENTS

    count = MAX_ARRAY_LENGTH
    arrays = [
        raw_entry(f"general.part{i}", ARRAY, struct.pack("<IQ", U8, count) + b"\0" * count)
        for i in range(MAX_TOTAL_ELEMENTS // count + 1)
    ]
    with pytest.raises(ModelError, match="elements in all"):
        read_gguf_header(write(tmp_path / "many.gguf", arrays))
