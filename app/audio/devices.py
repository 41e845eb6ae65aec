"""The microphones PortAudio can see, through sounddevice, imported only when needed.

Without PortAudio, or without an input device, the rest of Confide still works: every problem
here is an AudioError with one sentence, raised only when recording is asked for. PortAudio
lists devices once, when it initializes; a sound server started later (or a headset plugged in)
is seen only after it is initialized again, which refresh() does whenever no stream is open.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from app.errors import AudioError

_lock = threading.Lock()
_open_streams = 0


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_samplerate: float
    is_default: bool = False


def sounddevice_module():
    try:
        import sounddevice
    except OSError as exc:  # "PortAudio library not found", or a broken libportaudio
        raise AudioError(
            "Recording needs the PortAudio library, which is missing or broken "
            "(install libportaudio2); importing audio files still works."
        ) from exc
    return sounddevice


def refresh() -> None:
    """Re-initializes PortAudio so that its device list is current (skipped while a stream
    is open in this process, since that would end it)."""
    sd = sounddevice_module()
    with _lock:
        if _open_streams:
            return
        try:
            sd._terminate()
            sd._initialize()
        except sd.PortAudioError as exc:
            raise AudioError(f"PortAudio cannot start ({exc}); check the sound system.") from exc


def list_input_devices(*, current: bool = True) -> list[InputDevice]:
    """current=False takes PortAudio's list as it is, skipping the re-initialization (which
    costs tenths of a second on a busy machine: time in which a pressed Record hears nothing)."""
    if current:
        refresh()
    sd = sounddevice_module()
    try:
        devices = sd.query_devices()
        default_input = sd.default.device[0]
    except sd.PortAudioError as exc:
        raise AudioError(f"PortAudio cannot list the audio devices ({exc}); check the sound system.") from exc
    if default_input is None or default_input < 0:
        default_input = next((d["index"] for d in devices if d["max_input_channels"] > 0), -1)
    return [
        InputDevice(
            int(d["index"]),
            str(d["name"]),
            int(d["max_input_channels"]),
            float(d["default_samplerate"]),
            int(d["index"]) == default_input,
        )
        for d in devices
        if d["max_input_channels"] > 0
    ]


def find_input_device(name: str | None = None, *, current: bool = True) -> InputDevice:
    """The device called name (exactly, else the one whose name contains it, case aside),
    or the default input when name is None. current=False: see list_input_devices."""
    devices = list_input_devices(current=current)
    if not devices:
        raise AudioError("No microphone was found; plug one in (importing audio files still works).")
    if not name:
        return next((d for d in devices if d.is_default), devices[0])
    exact = [d for d in devices if d.name == name]
    if exact:
        return exact[0]
    partial = [d for d in devices if name.lower() in d.name.lower()]
    if len(partial) == 1:
        return partial[0]
    known = ", ".join(d.name for d in devices)
    if partial:
        raise AudioError(
            f"Several microphones match '{name}' ({', '.join(d.name for d in partial)}); give the full name."
        )
    raise AudioError(f"No microphone is called '{name}'; the inputs are: {known}.")


def stream_opened() -> None:
    global _open_streams
    with _lock:
        _open_streams += 1


def stream_closed() -> None:
    global _open_streams
    with _lock:
        _open_streams = max(0, _open_streams - 1)
