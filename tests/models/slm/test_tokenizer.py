"""Tokenizers built from the GGUF vocabularies give llama.cpp's ids, token for token."""

from __future__ import annotations

import pytest

from models.slm.tokenizer import load_tokenizer


@pytest.mark.parametrize("model", ["smollm", "gemma"])
def test_every_reference_case_tokenizes_like_llama_cpp(model, request):
    """All tokenize cases match, with special tokens parsed and with them taken as plain text."""
    folder = request.getfixturevalue(f"{model}_dir")
    reference = request.getfixturevalue(f"{model}_reference")
    tokenizer = load_tokenizer(folder)
    expected = len(reference["tokenize"])
    assert expected == {"smollm": 44, "gemma": 20}[model]
    parsed = [case["text"] for case in reference["tokenize"] if tokenizer.encode(case["text"]) != case["ids"]]
    literal = [case["text"] for case in reference["tokenize"]
               if tokenizer.encode(case["text"], parse_special=False) != case["ids_nospecial"]]
    assert parsed == [] and literal == []


@pytest.mark.parametrize("model", ["smollm", "gemma"])
def test_reference_prompts_encode_to_llama_cpp_prompt_ids(model, request):
    """The filled-in reference template encodes to llama.cpp's prompt ids (Gemma: BOS first)."""
    reference = request.getfixturevalue(f"{model}_reference")
    engine = request.getfixturevalue(model)
    for case in reference["greedy"]:
        prompt = reference["template"].replace("{question}", case["question"])
        assert engine.prompt_ids(prompt) == case["prompt_ids"]


def test_decode_round_trips_text(smollm):
    """Decoding the ids of a text gives the text back, special tokens included."""
    text = "<|im_start|>user\nCafé — 3 naïve résumés, 2024!<|im_end|>"
    assert smollm.tokenizer.decode(smollm.tokenizer.encode(text)) == text
