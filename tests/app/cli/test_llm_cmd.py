"""`confide tokenize` and `confide generate` as shared/cli.md specifies them."""

from __future__ import annotations

import json

from support import run_confide


def test_tokenize_parses_special_tokens_unless_told_not_to(data_dir_with_models):
    """Special tokens are one id by default and plain text with --no-special; no BOS is added."""
    parsed = run_confide("tokenize", "Hello<|im_end|>", "--json", data_dir=data_dir_with_models)
    literal = run_confide("tokenize", "Hello<|im_end|>", "--json", "--no-special", data_dir=data_dir_with_models)
    assert json.loads(parsed.stdout) == {"ids": [19556, 2]}
    assert json.loads(literal.stdout)["ids"][0] == 19556 and 2 not in json.loads(literal.stdout)["ids"]


def test_generate_raw_matches_the_engine_and_reports_speeds(data_dir_with_models, smollm_reference):
    """--raw feeds the prompt verbatim: the reference prompt's ids and llama.cpp's first tokens."""
    case = smollm_reference["greedy"][0]
    prompt = smollm_reference["template"].replace("{question}", case["question"])
    result = run_confide("generate", prompt, "--raw", "--max-new-tokens", "8", "--ignore-eos", "--json",
                         data_dir=data_dir_with_models)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"prompt_ids", "ids", "text", "prefill_tokens_per_s", "decode_tokens_per_s"}
    assert data["prompt_ids"] == case["prompt_ids"] and len(data["ids"]) == 8
    assert data["decode_tokens_per_s"] > 0


def test_generate_with_a_model_that_is_not_installed(data_dir):
    """No model: exit 1 with one sentence that says how to install it."""
    result = run_confide("generate", "hi", data_dir=data_dir)
    assert result.returncode == 1
    assert "confide models install" in result.stderr and "Traceback" not in result.stderr
