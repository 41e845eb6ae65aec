"""`confide models remove ID` takes a model id, never a path: nothing outside the models folder
is ever removed, whatever the id says."""

from __future__ import annotations

import json

import pytest
from support import run_confide


def _decoy(folder):
    """A folder that looks like an imported model to anything that only reads its manifest."""
    folder.mkdir(parents=True)
    (folder / "precious.txt").write_text("keep me")
    (folder / "confide-model.json").write_text(
        json.dumps(
            {
                "id": folder.name,
                "kind": "llm",
                "format": "onnx-genai",
                "source": "import:/somewhere",
                "verified_at_install": True,
                "files": {},
            }
        )
    )
    return folder


@pytest.mark.parametrize("given", ["../../X", "../X", "..", "/ABS/X", "X/../../../X"])
def test_a_path_as_id_removes_nothing_outside(data_dir, tmp_path, given):
    """An id that is a path (relative or absolute) to a decoy folder holding a manifest is refused
    with one sentence (exit 1, no traceback) and the decoy is still there."""
    decoy = _decoy(tmp_path / "X")
    (data_dir / "models").mkdir()
    result = run_confide("models", "remove", given.replace("/ABS", str(tmp_path)), data_dir=data_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0
    assert "is not a model id" in result.stderr
    assert (decoy / "precious.txt").read_text() == "keep me"


def test_a_link_out_of_the_models_folder_is_not_followed(data_dir, tmp_path):
    """A model folder that is a symbolic link to a folder elsewhere is refused: removal is confined
    to the models folder by resolved paths, and the folder it points to stays."""
    decoy = _decoy(tmp_path / "elsewhere" / "linked")
    (data_dir / "models").mkdir()
    (data_dir / "models" / "linked").symlink_to(decoy, target_is_directory=True)
    result = run_confide("models", "remove", "linked", data_dir=data_dir)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not inside the models folder" in result.stderr
    assert (decoy / "precious.txt").exists()


@pytest.mark.parametrize("name", ["../evil", ".evil"])
def test_import_refuses_a_path_or_hidden_name(data_dir, tmp_path, models_data_dir, name):
    """--name is an id too: a path or a hidden name (which `models list` would never show) is
    refused before anything is copied."""
    source = models_data_dir / "models" / "whisper-base"
    result = run_confide("models", "import", str(source), "--name", name, data_dir=data_dir)
    assert result.returncode == 1 and "is not a model id" in result.stderr
    assert not (data_dir / "evil").exists() and not (tmp_path / "evil").exists()
    assert not (data_dir / "models" / ".evil").exists()
