"""The layers point one way, ui -> app -> models: import-linter's contracts in pyproject.toml keep it so.

`make lint` runs the same contracts; these tests keep them in `make test` too, prove that each
contract can fail, and check the one rule import-linter cannot see (which Qt module the bridge uses).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the packages in `cwd`, with the contracts of Confide's pyproject.toml."""
    return subprocess.run(
        [str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_project_keeps_its_import_contracts():
    """ui -> app -> models, no ui -> models, Qt only in ui/ and app/bridge/, no SQLite in models/."""
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_contract_catches_its_breach(tmp_path):
    """The contracts are not vacuous: one breach of each, in a small tree, breaks exactly that contract."""
    files = {
        "models/__init__.py": "",
        "models/engine.py": "from app import paths\n",
        "models/store.py": "import sqlite3\n",
        "app/__init__.py": "",
        "app/paths.py": "",
        "app/tasks.py": "from PySide6.QtCore import QObject\n",
        "app/bridge/__init__.py": "from PySide6.QtCore import QObject\n",
        "ui/__init__.py": "",
        "ui/window.py": "from PySide6.QtWidgets import QWidget\nfrom models import engine\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    report = lint_imports(tmp_path).stdout
    assert "Contracts: 0 kept, 4 broken." in report
    assert "models.engine -> app.paths" in report
    assert "ui.window -> models.engine" in report
    assert "app.tasks -> PySide6" in report
    assert "models.store -> sqlite3" in report
    assert "app.bridge -> PySide6" not in report and "ui.window -> PySide6" not in report


def qt_modules_imported(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return [(line, module) for line, module in found if module.split(".")[0] == "PySide6"]


def bridge_widget_imports(root: Path) -> list[str]:
    """Imports of Qt in app/ other than QtCore: import-linter sees PySide6 only as a whole."""
    problems = []
    for path in sorted((root / "app").rglob("*.py")):
        for line, module in qt_modules_imported(ast.parse(path.read_text(encoding="utf-8"))):
            if module != "PySide6" and not module.startswith("PySide6.QtCore"):
                problems.append(f"{path.relative_to(root).as_posix()}:{line} imports {module}")
    return problems


def test_app_uses_only_qtcore():
    """app/bridge/ drives the window through signals; widgets and painting stay in ui/."""
    assert bridge_widget_imports(ROOT) == []


def test_a_widget_import_in_the_bridge_is_caught(tmp_path):
    """The check is not vacuous: QtWidgets in app/bridge/ fails it, QtCore does not."""
    (tmp_path / "app" / "bridge").mkdir(parents=True)
    (tmp_path / "app" / "bridge" / "worker.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "app" / "bridge" / "view.py").write_text("import os\nimport PySide6.QtWidgets\n")
    assert bridge_widget_imports(tmp_path) == ["app/bridge/view.py:2 imports PySide6.QtWidgets"]
