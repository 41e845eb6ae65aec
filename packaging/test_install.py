"""`make test-install`: Confide as `pip install .` (not editable) puts it in a clean virtual
environment, checked without the checkout: its self-test offscreen with no network, and a
screenshot of the window (the style sheet and icons come from the installed package data).

The source is the working tree's files that git tracks or would track, copied to a temporary
folder, so no stale build/ or egg-info of the checkout leaks into the wheel.
Usage: python packaging/test_install.py --data-dir DIR   (DIR holds the installed default models)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_source(target: Path) -> None:
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def run(command: list[str], **kwargs) -> None:
    print("+", " ".join(command), flush=True)
    if subprocess.run(command, **kwargs).returncode != 0:
        raise SystemExit(f"the install check failed at: {' '.join(command)}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True, type=Path, help="a data folder with the default models installed")
    args = parser.parse_args()
    models = (args.data_dir / "models").resolve()
    if not models.is_dir():
        raise SystemExit(f"{models} does not exist; run `make test-models` first.")
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="confide-install-") as scratch:
        work = Path(scratch)
        source, venv, home = work / "source", work / "venv", work / "home"
        copy_source(source)
        run([sys.executable, "-m", "venv", str(venv)])
        run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(source)])
        shutil.rmtree(source)  # the installed package must stand on its own
        installed = time.monotonic()

        data = home / "data"
        data.mkdir(parents=True)
        (data / "models").symlink_to(models, target_is_directory=True)
        # A bare environment: no PYTHONPATH, no virtual environment on PATH, Qt offscreen.
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
        confide = [str(venv / "bin" / "confide"), "--data-dir", str(data)]
        offline = ["unshare", "-n"] if os.geteuid() == 0 else []  # a network namespace needs root
        run(offline + confide + ["--self-test"], cwd=home, env=env)
        screenshot = home / "window.png"
        run(offline + confide + ["--screenshot", str(screenshot)], cwd=home, env=env)
        if not screenshot.is_file() or screenshot.stat().st_size == 0:
            raise SystemExit("the installed Confide wrote no screenshot of its window")
    print(f"installed in {installed - began:.0f} s; checked in {time.monotonic() - installed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
