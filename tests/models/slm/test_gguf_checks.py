"""The decoder metadata checks (models/slm/gguf_checks.py) on tiny crafted GGUF files."""

from __future__ import annotations

import pytest
from crafted_gguf import STRING, U32, llama_file

from models.errors import ModelError
from models.gguf_file import GGUFFile
from models.slm.builder.architectures import ARCHITECTURES
from models.slm.gguf_checks import DECODER_ARCHITECTURES, check_decoder_metadata


def test_the_checked_architectures_are_the_builders():
    """The importer's early check knows exactly the architectures the builder converts."""
    assert set(ARCHITECTURES) == DECODER_ARCHITECTURES


def test_a_valid_tiny_llama_passes(tmp_path):
    """The crafted files' base is a valid model as far as the metadata goes."""
    check_decoder_metadata(GGUFFile(llama_file(tmp_path / "ok.gguf")))


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"attention__head_count": None}, "lacks the metadata entry llama.attention.head_count"),
        ({"attention__head_count": (U32, 0)}, "llama.attention.head_count = 0"),
        ({"attention__head_count_kv": (U32, 3), "attention__head_count": (U32, 4)}, "does not divide"),
        ({"block_count": (U32, 2**31)}, "llama.block_count = 2147483648"),
        ({"context_length": (U32, 2**32 - 1)}, "llama.context_length = 4294967295"),
        ({"embedding_length": (STRING, "8")}, "not a whole number"),
        ({"rope__dimension_count": (U32, 3)}, "llama.rope.dimension_count = 3"),
    ],
)
def test_impossible_values_name_their_entry(tmp_path, changes, words):
    """Each value a decoder cannot have is one ModelError naming the entry (no ZeroDivisionError,
    TypeError or huge allocation later in the builder)."""
    with pytest.raises(ModelError, match=words.replace("(", r"\(").replace("*", r"\*")):
        check_decoder_metadata(GGUFFile(llama_file(tmp_path / "bad.gguf", **changes)))


def test_the_embedding_table_must_match(tmp_path):
    """token_embd.weight of another width than embedding_length is refused with the tensors checked."""
    path = llama_file(tmp_path / "wide.gguf", embedding_length=(U32, 16), attention__head_count=(U32, 2))
    check_decoder_metadata(GGUFFile(path), tensors=False)
    with pytest.raises(ModelError, match="token_embd.weight of shape"):
        check_decoder_metadata(GGUFFile(path))
