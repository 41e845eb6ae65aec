"""Starting the window: run_gui() is what `confide` does without a command."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

log = logging.getLogger("confide")

SCREENSHOT_SIZE = (1280, 720)


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or sys.platform in ("darwin", "win32")


def _log_to_file(folder) -> None:
    """Tracebacks of bugs go to DATA/logs/confide.log (the window shows one sentence)."""
    try:
        logs = Path(folder.root) / "logs"
        logs.mkdir(mode=0o700, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            logs / "confide.log", maxBytes=1_000_000, backupCount=2, encoding="utf-8"
        )
        os.chmod(logs / "confide.log", 0o600)
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger().addHandler(handler)


def create_application(argv):
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from ui.resources import resource, resource_text

    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Confide")
    app.setApplicationDisplayName("Confide")
    app.setDesktopFileName("confide")
    app.setWindowIcon(QIcon(str(resource("confide.svg"))))
    app.setStyleSheet(resource_text("style.qss"))
    return app


def build_window(data_dir, *, model_id=None, threads=None, kit=None, history=None):
    """The window over real services (or the given engine kit / history, for tests)."""
    from ui.services import Services
    from ui.window import MainWindow

    services = Services(data_dir, kit=kit, history=history, model_id=model_id, threads=threads)
    return MainWindow(services)


def save_screenshot(window, path: str) -> None:
    from app.errors import AppError

    image = window.grab()
    if image.isNull() or not image.save(str(path), "PNG"):
        raise AppError(f"Could not write the screenshot to {path}; check that its folder exists and is writable.")


def run_gui(
    argv, *, data_dir=None, model_id=None, threads=None, screenshot=None, view="record", self_test=False
) -> int:
    headless = bool(screenshot or self_test)
    if not _has_display() and not os.environ.get("QT_QPA_PLATFORM"):
        if not headless:
            print(
                "confide: no display to open the window on; run it on a desktop, or use a command (`confide --help`).",
                file=sys.stderr,
            )
            return 1
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    from app.errors import AppError
    from app.paths import open_data_dir

    try:
        folder = open_data_dir(data_dir)
    except AppError as error:
        print(f"confide: {error}", file=sys.stderr)
        return 1
    if self_test:
        from ui.self_test import run_self_test

        return run_self_test(argv, folder, model_id=model_id, threads=threads)

    from PySide6.QtCore import QTimer

    _log_to_file(folder)
    app = create_application(argv)
    app.setQuitOnLastWindowClosed(False)
    window = build_window(folder, model_id=model_id, threads=threads)
    outcome = {"code": 0, "clean": True}

    def closed(clean: bool) -> None:
        outcome["clean"] = clean
        app.exit(outcome["code"])

    window.closed.connect(closed)
    if screenshot:
        window.resize(*SCREENSHOT_SIZE)
        window.show_view(view)
        if view == "replies":
            window.show_newest_conversation()
        window.show()

        def capture() -> None:
            try:
                save_screenshot(window, screenshot)
            except AppError as error:
                print(f"confide: {error}", file=sys.stderr)
                outcome["code"] = 1
            window.close()

        QTimer.singleShot(400, window, capture)
    else:
        window.show()
    code = app.exec()
    if not outcome["clean"]:
        # A worker is stuck inside native code past the bounded wait. Destroying its QThread
        # would abort the process, so leave without running destructors; nothing is half-written
        # (files are written to a temporary name and renamed; the database commits or not).
        log.warning("a worker thread did not stop in time; exiting without waiting for it")
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
