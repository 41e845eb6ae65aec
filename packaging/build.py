"""Builds the double-clickable Confide bundle: PyInstaller one-folder build, then the built
default models, the desktop entry, the icon and the licences inside it, and a tarball.

Prints the bundle's size and its cold-start time to a shown window (median of 3).
Usage: python packaging/build.py --data-dir DIR   (DIR holds the installed default models)
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.installed import MANIFEST, read_manifest  # noqa: E402

DIST = ROOT / "dist"
BUNDLE = DIST / "Confide"
BUNDLED_MODELS = ("smollm2-135m-instruct", "whisper-base", "speaker-encoder")
# The GGUF and the PyTorch checkpoint are only the builders' inputs; the bundle carries the ONNX models.
NOT_BUNDLED = ("model.gguf", "pretrained.pt")
LICENSE_NAMES = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS")


def run_pyinstaller() -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(ROOT / "build"),
            str(ROOT / "packaging" / "confide.spec"),
        ],
        check=True,
        cwd=ROOT,
    )


def internal_dir() -> Path:
    return BUNDLE / "_internal"


def copy_models(data_dir: Path) -> None:
    target_root = internal_dir() / "bundled-models"
    target_root.mkdir(parents=True, exist_ok=True)
    for model_id in BUNDLED_MODELS:
        model = read_manifest(data_dir / "models" / model_id)
        if model is None or not model.verified:
            raise SystemExit(
                f"{model_id} is not installed and verified in {data_dir}; run `confide models install` first."
            )
        if model.kind == "llm" and model.format != "onnx-genai":
            raise SystemExit(f"{model_id} is not built to ONNX yet; the bundle carries ONNX models only.")
        target = target_root / model_id
        shutil.copytree(model.path, target, ignore=shutil.ignore_patterns(*NOT_BUNDLED, MANIFEST))
        manifest = json.loads((model.path / MANIFEST).read_text())
        manifest["files"] = {name: entry for name, entry in manifest["files"].items() if (target / name).is_file()}
        manifest["source"] = manifest["source"] + " (bundled)"
        (target / MANIFEST).write_text(json.dumps(manifest, indent=1))


def copy_licences() -> None:
    """The licences of every bundled distribution, plus the models' own."""
    target = BUNDLE / "licenses"
    target.mkdir(exist_ok=True)
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        files = [f for f in (dist.files or []) if Path(str(f)).name.upper().startswith(LICENSE_NAMES)]
        top_level = (dist.read_text("top_level.txt") or "").split()
        bundled = any((internal_dir() / pkg).exists() for pkg in top_level) or any(
            (internal_dir() / str(f).split("/")[0]).exists() for f in (dist.files or [])[:5]
        )
        if not files or not bundled:
            continue
        folder = target / name
        folder.mkdir(exist_ok=True)
        for file in files:
            source = Path(dist.locate_file(file))
            if source.is_file():
                shutil.copy2(source, folder / Path(str(file)).name)
    shutil.copy2(ROOT / "resources" / "licenses" / "MODELS.md", target / "MODELS.md")


def copy_desktop_files() -> None:
    for name in ("confide.desktop", "confide.svg", "confide.png"):
        source = ROOT / "resources" / name
        if source.exists():
            shutil.copy2(source, BUNDLE / name)


def make_tarball() -> Path:
    archive = DIST / "Confide-linux-x86_64.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(BUNDLE, arcname="Confide")
    return archive


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def cold_start_seconds(runs: int = 3) -> float:
    """Time from launch to the window shown and captured, in a clean environment."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            env = {
                "QT_QPA_PLATFORM": "offscreen",
                "HOME": scratch,
                "CONFIDE_DATA_DIR": f"{scratch}/data",
                "PATH": "/usr/bin:/bin",
            }
            start = time.perf_counter()
            subprocess.run(
                [str(BUNDLE / "Confide"), "--screenshot", f"{scratch}/shot.png"],
                check=True,
                env=env,
                cwd=scratch,
                capture_output=True,
                timeout=120,
            )
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True, type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    if BUNDLE.exists():
        shutil.rmtree(BUNDLE)
    run_pyinstaller()
    copy_models(args.data_dir)
    copy_licences()
    copy_desktop_files()
    build_seconds = time.perf_counter() - started
    archive = make_tarball()
    report = {
        "bundle": str(BUNDLE),
        "bundle_mb": round(folder_size(BUNDLE) / 1e6, 1),
        "tarball_mb": round(archive.stat().st_size / 1e6, 1),
        "build_s": round(build_seconds, 1),
        "cold_start_to_window_s": round(cold_start_seconds(), 2),
    }
    (DIST / "build-report.json").write_text(json.dumps(report, indent=1))
    print(f"bundle: {report['bundle']} ({report['bundle_mb']} MB; tarball {report['tarball_mb']} MB)")
    print(
        f"built in {report['build_s']} s; "
        f"cold start to a shown window: {report['cold_start_to_window_s']} s (median of 3)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
