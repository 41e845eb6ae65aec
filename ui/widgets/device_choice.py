"""The input device list of Record: every microphone by name, the default marked, the one
chosen before selected (else the default). Choosing one emits ``chosen(name)``; filling the
list does not."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox


class DeviceChoice(QComboBox):
    chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Input device")
        self.setMinimumWidth(260)
        self.currentIndexChanged.connect(lambda _index: self.currentData() and self.chosen.emit(self.currentData()))

    def show_devices(self, devices, chosen: str | None) -> None:
        """devices: ui.records.Device; chosen: the name the settings keep, if any."""
        self.blockSignals(True)
        self.clear()
        if chosen not in [device.name for device in devices]:
            chosen = next((device.name for device in devices if device.is_default), None)
        for device in devices:
            self.addItem(device.name + ("  (default)" if device.is_default else ""), device.name)
            if device.name == chosen:
                self.setCurrentIndex(self.count() - 1)
        self.blockSignals(False)
