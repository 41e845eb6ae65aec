"""Crafted vocabularies in a GGUF give a tokenizer or one ModelError, never another exception:
`tokenizers` raises plain Exceptions, or panics (a pyo3 PanicException, which is not even an
Exception), on merges whose parts or result the vocabulary lacks."""

from __future__ import annotations

import pytest
from crafted_gguf import ARRAY, I32, STRING, U32, llama_file

from models.errors import ModelError
from models.slm.tokenizer import load_tokenizer, save_tokenizer_files, tokenizer_from_vocab
from models.slm.tokenizer_gguf import read_gguf_vocab

CASES = {
    "a merge whose result is not a token": {},  # the base's only merge, "a b", makes "ab"
    "a merge of unknown parts": {"tokenizer__ggml__merges": (ARRAY, (STRING, ["zz qq", "a b"]))},
    "every token the same text": {"tokenizer__ggml__tokens": (ARRAY, (STRING, ["a"] * 16))},
    "every token a control token": {"tokenizer__ggml__token_type": (ARRAY, (I32, [3] * 16))},
    "token types out of range": {"tokenizer__ggml__token_type": (ARRAY, (I32, [99] * 16))},
    "empty token texts": {"tokenizer__ggml__tokens": (ARRAY, (STRING, [""] * 16))},
    "a BOS id past the vocabulary": {"tokenizer__ggml__bos_token_id": (U32, 2**31)},
    "SentencePiece without scores": {"tokenizer__ggml__model": (STRING, "llama")},
    "tokens that are numbers": {"tokenizer__ggml__tokens": (ARRAY, (U32, [1] * 16))},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_crafted_vocabulary_gives_a_tokenizer_or_one_model_error(case, tmp_path):
    """Built, saved and loaded back (and encoding works), or refused with a ModelError."""
    path = llama_file(tmp_path / "vocab.gguf", **CASES[case])
    try:
        tokenizer_from_vocab(read_gguf_vocab(path))
        save_tokenizer_files(path, tmp_path)
        load_tokenizer(tmp_path).encode("abc <|im_end|>")
    except ModelError as exc:
        assert "\n" not in str(exc)
