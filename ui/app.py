"""Starting the window: run_gui() is what `confide` does without a command."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from app.paths import open_data_dir


class MainWindow(QMainWindow):
    def __init__(self, data_dir):
        super().__init__()
        self.setWindowTitle("Confide")
        self.resize(1100, 720)
        label = QLabel("Confide: private and offline. Nothing leaves this machine.")
        label.setAccessibleName("Welcome")
        self.setCentralWidget(label)


def _save_screenshot(window: QMainWindow, path: str) -> None:
    image = window.grab()
    if not image.save(path, "PNG"):
        raise OSError(f"could not write {path}")


def run_gui(argv, *, data_dir=None, model_id=None, threads=None, screenshot=None, view="record",
            self_test=False) -> int:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Confide")
    folder = open_data_dir(data_dir)
    window = MainWindow(folder)
    window.show()
    if screenshot:
        def capture():
            _save_screenshot(window, str(Path(screenshot)))
            window.close()
            app.quit()
        QTimer.singleShot(200, capture)
    return app.exec()
