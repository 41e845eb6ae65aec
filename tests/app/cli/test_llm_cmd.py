"""`confide tokenize` and `confide generate` as docs/cli.md specifies them."""

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
    result = run_confide(
        "generate", prompt, "--raw", "--max-new-tokens", "8", "--ignore-eos", "--json", data_dir=data_dir_with_models
    )
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


def test_generate_renders_the_chat_template_and_prints_text_for_people(data_dir_with_models):
    """Without --raw the prompt is one user message in the model's template; without --json the
    text goes to stdout and the speeds to stderr."""
    result = run_confide("generate", "Say hi.", "--max-new-tokens", "6", data_dir=data_dir_with_models)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() and "tok/s" in result.stderr and "tok/s" not in result.stdout
    data = json.loads(
        run_confide("generate", "Say hi.", "--max-new-tokens", "6", "--json", data_dir=data_dir_with_models).stdout
    )
    chat = json.loads(
        run_confide(
            "tokenize",
            "<|im_start|>user\nSay hi.<|im_end|>\n<|im_start|>assistant\n",
            "--json",
            data_dir=data_dir_with_models,
        ).stdout
    )["ids"]
    assert data["prompt_ids"][0] == 1 and data["prompt_ids"][-len(chat) :] == chat  # SmolLM2's system line first
    assert data["text"] == result.stdout.strip()


def test_generate_with_another_model_and_sampling_options(data_dir_with_models):
    """--model picks Gemma 3 (a BOS is added to a raw prompt, as its metadata says); a seed makes
    sampling repeatable."""
    args = (
        "generate",
        "The capital of France is",
        "--raw",
        "--model",
        "gemma3-270m",
        "--max-new-tokens",
        "5",
        "--temperature",
        "0.9",
        "--top-k",
        "40",
        "--top-p",
        "0.9",
        "--seed",
        "11",
        "--ignore-eos",
        "--json",
    )
    first = run_confide(*args, data_dir=data_dir_with_models)
    assert first.returncode == 0, first.stderr
    again = json.loads(run_confide(*args, data_dir=data_dir_with_models).stdout)
    assert json.loads(first.stdout)["prompt_ids"][0] == 2 and json.loads(first.stdout)["ids"] == again["ids"]
    assert len(again["ids"]) == 5


def test_generate_with_a_model_an_older_builder_made(data_dir, models_data_dir):
    """A build from another Confide version is refused with the command that rebuilds it."""
    installed = models_data_dir / "models" / "smollm2-135m-instruct"
    stale = data_dir / "models" / "smollm2-135m-instruct"
    stale.mkdir(parents=True)
    for path in installed.iterdir():
        if path.name != "confide-build.json":
            (stale / path.name).symlink_to(path)
    info = json.loads((installed / "confide-build.json").read_text())
    (stale / "confide-build.json").write_text(json.dumps(dict(info, builder_version=info["builder_version"] - 1)))
    result = run_confide("generate", "hi", "--max-new-tokens", "2", data_dir=data_dir)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "another version of Confide" in result.stderr
    assert "confide models install smollm2-135m-instruct" in result.stderr
