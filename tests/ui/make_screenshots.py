"""Pictures of the five views for the README (run by hand, not a test):

    .venv/bin/python tests/ui/make_screenshots.py docs/screenshots

Each is `confide --screenshot` over a demo history (a summarized meeting, a conversation with
drafts), at 1280x720, offscreen.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from demo_history import write_demo_history  # noqa: E402

from ui.views import VIEWS  # noqa: E402


def main(out_dir: str) -> int:
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        write_demo_history(data)
        installed = ROOT / ".cache" / "test-data" / "models"
        if installed.is_dir():  # show the models the test suite installed
            (data / "models").symlink_to(installed, target_is_directory=True)
        for view in VIEWS:
            target = out / f"{view}.png"
            subprocess.run(
                [sys.executable, "-m", "ui", "--data-dir", str(data), "--screenshot", str(target), "--view", view],
                cwd=ROOT,
                check=True,
            )
            print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
