"""Record's Speakers choice, for recordings and imports alike: Off, Automatic (the number of
people estimated) or 2 to 8 people. The choice is kept in the settings; the services read it
when a recording or an import starts."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ui.views.reporting import reporting

AUTOMATIC = None  # the settings' value: the number of people is estimated
OFF = 0
CHOICES = (("Off", OFF), ("Automatic", AUTOMATIC), *((str(n), n) for n in range(2, 9)))
HINT = "Who said what is worked out on this computer once the transcript is made."


class SpeakerChoice(QWidget):
    def __init__(self, services, banner, parent=None):
        super().__init__(parent)
        self.services = services
        self.banner = banner  # where a choice that could not be saved is reported
        self.combo = QComboBox()
        self.combo.setAccessibleName("Speakers")
        self.combo.setToolTip("Off, Automatic (how many people spoke is estimated), or how many spoke")
        self.values = [value for _text, value in CHOICES]
        for text, _value in CHOICES:
            self.combo.addItem(text)
        label = QLabel("Speakers:")
        label.setBuddy(self.combo)
        hint = QLabel(HINT)
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addSpacing(8)
        layout.addWidget(hint, 1)
        self.show_value(services.settings.speakers)
        self.combo.activated.connect(self._chosen)

    def value(self) -> int | None:
        return self.values[self.combo.currentIndex()]

    def show_value(self, speakers: int | None) -> None:
        """A count the list does not offer (a settings file edited by hand) is added to it, so
        the list shows what the next recording will do."""
        if speakers not in self.values:
            self.values.append(speakers)
            self.combo.addItem(str(speakers))
        self.combo.setCurrentIndex(self.values.index(speakers))

    def _chosen(self, _index: int) -> None:
        if self.value() == self.services.settings.speakers:
            return
        with reporting(self) as call:
            self.services.update_settings(speakers=self.value())
        if call.failed:
            self.show_value(self.services.settings.speakers)
