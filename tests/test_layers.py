"""The layers point one way, ui -> app -> models: this test parses every import to keep it so."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"models": 0, "app": 1, "ui": 2}
# Within app/, only the bridge may touch QtCore, and nothing may touch the widgets.
APP_QT_ALLOWED = ("app/bridge.py", "app/bridge/")


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def layer_violations(root: Path) -> list[str]:
    problems = []
    for layer, rank in LAYERS.items():
        for path in sorted((root / layer).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            for line, module in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
                top = module.split(".")[0]
                if top in LAYERS and LAYERS[top] > rank:
                    problems.append(f"{relative}:{line} imports {module} (a higher layer)")
                if top == "PySide6" and layer == "models":
                    problems.append(f"{relative}:{line} imports {module}: models/ has no Qt")
                if top == "PySide6" and layer == "app":
                    if module.startswith(("PySide6.QtWidgets", "PySide6.QtGui")) or not relative.startswith(APP_QT_ALLOWED):
                        problems.append(f"{relative}:{line} imports {module}: only app/bridge may use QtCore")
                if top in ("sqlite3", "sqlite_utils") and layer == "models":
                    problems.append(f"{relative}:{line} imports {module}: models/ has no SQLite")
    return problems


def test_the_project_imports_only_downwards():
    """Every module of models/, app/ and ui/ imports only its own or a lower layer."""
    assert layer_violations(ROOT) == []


def test_an_upward_import_is_caught(tmp_path):
    """The check is not vacuous: models importing app, and app importing QtWidgets, both fail it."""
    for layer in LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "models" / "engine.py").write_text("from app.paths import DataDir\n")
    (tmp_path / "app" / "tasks.py").write_text("import PySide6.QtWidgets\n")
    (tmp_path / "app" / "bridge.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "ui" / "window.py").write_text("from app import errors\nfrom models import catalog\n")
    problems = layer_violations(tmp_path)
    assert len(problems) == 2
    assert problems[0].startswith("models/engine.py:1 imports app.paths")
    assert problems[1].startswith("app/tasks.py:1 imports PySide6.QtWidgets")
