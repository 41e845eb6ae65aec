"""`confide generate`, `tokenize` and `doctor` use the language model and threads chosen in
settings.json (generate and tokenize: the summary model), and --model / --threads still win.
Seen through what each command says it loaded, or through a model's own tokenizer."""

from __future__ import annotations

import json

from support import run_confide


def choose(data_dir, **settings) -> None:
    (data_dir / "settings.json").write_text(json.dumps(settings))


def doctor(data_dir, *extra) -> dict[str, dict]:
    result = run_confide(*extra, "doctor", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return {check["name"]: check for check in json.loads(result.stdout)["checks"]}


def token_ids(data_dir, *extra) -> list[int]:
    result = run_confide(*extra, "tokenize", "Budget review on Friday", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["ids"]


def test_generate_uses_the_summary_model_and_threads_of_the_settings(data_dir_with_models):
    """With threads 1 in Settings, generate runs SmolLM2 on one thread; --threads 2 wins."""
    choose(data_dir_with_models, summary_model="smollm2-135m-instruct", reply_model="gemma3-270m", threads=1)
    for extra, said in (
        ((), "[smollm2-135m-instruct on 1 thread: "),
        (("--threads", "2"), "[smollm2-135m-instruct on 2 threads: "),
    ):
        result = run_confide(*extra, "generate", "Hi", "--max-new-tokens", "2", data_dir=data_dir_with_models)
        assert result.returncode == 0 and said in result.stderr, result.stderr


def test_generate_asks_for_the_summary_model_and_model_overrides(tmp_path, data_dir):
    """Settings name a summary model that is not installed: generate asks for that one, not the
    default or the reply model; with --model it asks for the flag's."""
    choose(data_dir, summary_model="summary-choice", reply_model="reply-choice")
    result = run_confide("generate", "Hi", data_dir=data_dir)
    assert result.returncode == 1 and "'summary-choice' is not installed" in result.stderr, result.stderr
    result = run_confide("--model", "flag-choice", "generate", "Hi", data_dir=data_dir)
    assert result.returncode == 1 and "'flag-choice' is not installed" in result.stderr, result.stderr


def test_tokenize_uses_the_summary_models_tokenizer(data_dir_with_models):
    """Gemma as the summary model in Settings: tokenize gives Gemma's ids (not SmolLM2's, the
    default); --model smollm2 gives SmolLM2's again."""
    gemma = token_ids(data_dir_with_models, "--model", "gemma3-270m")
    smollm = token_ids(data_dir_with_models, "--model", "smollm2-135m-instruct")
    assert gemma != smollm
    assert token_ids(data_dir_with_models) == smollm
    choose(data_dir_with_models, summary_model="gemma3-270m")
    assert token_ids(data_dir_with_models) == gemma
    assert token_ids(data_dir_with_models, "--model", "smollm2-135m-instruct") == smollm


def test_doctor_reports_the_models_and_threads_of_the_settings(data_dir_with_models):
    """doctor checks the summary, reply and speech models of the settings and says their
    threads; --model replaces both language models, --threads the threads."""
    choose(data_dir_with_models, summary_model="gemma3-270m", reply_model="not-installed-model", threads=1)
    checks = doctor(data_dir_with_models)
    assert checks["summary model"]["ok"] and checks["summary model"]["detail"].startswith("gemma3-270m ")
    assert not checks["reply model"]["ok"] and "not-installed-model is not installed" in checks["reply model"]["detail"]
    assert checks["speech model"]["ok"] and checks["speech model"]["detail"].startswith("whisper-base ")
    assert checks["threads"]["detail"] == "1 for each engine (from Settings)"
    checks = doctor(data_dir_with_models, "--model", "smollm2-135m-instruct", "--threads", "2")
    for name in ("summary model", "reply model"):
        assert checks[name]["ok"] and checks[name]["detail"].startswith("smollm2-135m-instruct "), checks[name]
    assert checks["threads"]["detail"] == "2 for each engine (from --threads)"
