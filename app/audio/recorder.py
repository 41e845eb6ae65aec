"""The microphone recorder: a sounddevice InputStream whose callback (PortAudio's own thread)
only copies each block into a queue; a writer thread turns the blocks into 16 kHz mono 16-bit
samples, appends them to the crash-safe file at once, keeps the input level for a meter and,
when asked, hands the same samples on for live transcription.

It stops by itself, keeping what was recorded, when the device goes away (PortAudio ends the
stream, or no audio arrives for two seconds) or the disk fills up (a failed write, or less than
STOP_BELOW left); `failure` then says why, in one sentence.
"""

from __future__ import annotations

import errno
import logging
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.audio import devices
from app.audio.disk import STOP_BELOW, check_room_to_record, free_bytes
from app.audio.levels import rms_and_peak
from app.audio.resample import StreamResampler
from app.audio.wavfile import CrashSafeWav
from app.errors import AudioError

log = logging.getLogger(__name__)

BLOCK_SECONDS = 0.05
DEVICE_SILENT_SECONDS = 2.0
# A sound server may take a while to send the first samples (an idle PulseAudio null sink
# sends its first block after 2 s): the device counts as lost only after this long.
FIRST_AUDIO_SECONDS = 6.0
SYNC_SECONDS = 2.0
DISK_CHECK_SECONDS = 2.0

DEVICE_LOST = "The microphone stopped sending audio (was it unplugged?); the recording was stopped and kept."
DISK_FULL = "The disk is full; the recording was stopped and what was recorded is kept."
SIZE_LIMIT = "The recording reached the largest file allowed here; it was stopped and what was recorded is kept."

_END = object()


@dataclass(frozen=True)
class RecordingInfo:
    path: Path
    duration: float
    failure: str | None = None  # why it stopped by itself, if it did


class Recorder:
    """start(), then pause()/resume(), levels, elapsed and failure from any thread, and stop()."""

    def __init__(self, folder: Path, device: str | None = None, *, tap: bool = False):
        self.folder = Path(folder)
        self.device_name = device
        self.device: devices.InputDevice | None = None
        self.tap: queue.Queue | None = queue.Queue() if tap else None  # 16 kHz blocks, as written
        self._blocks: queue.Queue = queue.Queue()
        self._paused = threading.Event()
        self._stopping = threading.Event()
        self._stream_ended = threading.Event()
        self._receiving = threading.Event()
        self._stream_lock = threading.Lock()
        self._stream: Any = None  # sounddevice's InputStream, once opened
        self._stream_open = False
        self._file: CrashSafeWav | None = None
        self._writer: threading.Thread | None = None
        self._channels = 1
        self._last_audio = 0.0
        self._levels = (0.0, 0.0)
        self.failure: str | None = None

    # --- control ----------------------------------------------------------------------
    def start(self) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        check_room_to_record(self.folder)
        sd = devices.sounddevice_module()
        # PortAudio's device list as it is first (the window refreshed it when it listed the
        # inputs); only if that fails is PortAudio initialized again to see a new device.
        try:
            rate = self._open(sd, current=False)
        except AudioError:
            rate = self._open(sd, current=True)
        devices.stream_opened()
        self._stream_open = True
        resampler = StreamResampler(rate)
        try:
            self._file = file = CrashSafeWav.create(self.folder)
        except OSError as exc:
            self._close_stream(abort=True)
            raise AudioError(
                f"Cannot create a recording in {self.folder} ({exc.strerror}); check that the data folder is writable."
            ) from exc
        self._last_audio = time.monotonic()
        self._writer = writer = threading.Thread(
            target=self._write_loop, args=(resampler, file), name="confide-recorder", daemon=True
        )
        writer.start()
        try:
            self._stream.start()
        except sd.PortAudioError as exc:
            self._stopping.set()
            self._close_stream(abort=True)
            self._blocks.put(_END)
            writer.join()
            file.close_unfinished()
            file.partial_path.unlink(missing_ok=True)
            raise self._cannot_open(exc) from exc

    def pause(self) -> None:
        self._paused.set()
        self._levels = (0.0, 0.0)

    def resume(self) -> None:
        self._last_audio = time.monotonic()
        self._paused.clear()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    @property
    def elapsed(self) -> float:
        """Seconds of audio recorded so far (pauses excluded)."""
        return self._file.seconds if self._file is not None else 0.0

    @property
    def receiving(self) -> bool:
        """True once the device has delivered audio: only from then on is what is said recorded
        (a sound server may take a moment, even seconds, to send the first samples)."""
        return self._receiving.is_set()

    @property
    def levels(self) -> tuple[float, float]:
        """(rms, peak) of the latest block, 0..1."""
        return self._levels

    @property
    def path(self) -> Path | None:
        return self._file.partial_path if self._file is not None else None

    def stop(self) -> RecordingInfo:
        """Ends the recording: the file is completed as NAME.wav."""
        file = self._shut_down()
        try:
            path = file.finish()
        except OSError as exc:
            raise AudioError(
                f"The recording could not be completed ({exc.strerror}); it will be repaired "
                "the next time Confide starts."
            ) from exc
        return RecordingInfo(path, file.seconds, self.failure)

    def interrupt(self) -> RecordingInfo:
        """Ends the recording but leaves its file as a crash would: the next start repairs it
        and lists it as recovered (a cancelled recording is kept, not lost)."""
        file = self._shut_down()
        file.close_unfinished()
        return RecordingInfo(file.partial_path, file.seconds, self.failure)

    # --- PortAudio's thread ---------------------------------------------------------------
    def _on_audio(self, indata, frames, time_info, status) -> None:
        self._last_audio = time.monotonic()
        self._receiving.set()
        if not self._paused.is_set():  # blocks delivered while stopping are still kept
            self._blocks.put(indata.copy())

    # --- the writer thread ----------------------------------------------------------------
    def _write_loop(self, resampler: StreamResampler, file: CrashSafeWav) -> None:
        last_sync = last_disk_check = time.monotonic()
        while True:
            try:
                block = self._blocks.get(timeout=0.1)
            except queue.Empty:
                block = None
            if block is _END:
                break
            if block is not None and self.failure is None:
                mono = block[:, 0] if self._channels == 1 else block.mean(axis=1)
                self._store(resampler.push(mono), file)
            now = time.monotonic()
            if self.failure is None and not self._stopping.is_set():
                patience = DEVICE_SILENT_SECONDS if self._receiving.is_set() else FIRST_AUDIO_SECONDS
                silent = not self._paused.is_set() and now - self._last_audio > patience
                if self._stream_ended.is_set() or silent:
                    self._fail(DEVICE_LOST)
                elif now - last_disk_check > DISK_CHECK_SECONDS:
                    last_disk_check = now
                    if free_bytes(self.folder) < STOP_BELOW:
                        self._fail(DISK_FULL)
            if now - last_sync > SYNC_SECONDS:
                last_sync = now
                self._sync(file)
        if self.failure is None:
            self._store(resampler.flush(), file)

    def _store(self, samples: np.ndarray, file: CrashSafeWav) -> None:
        if samples.size == 0 or self.failure is not None:
            return
        self._levels = rms_and_peak(samples)
        pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        try:
            file.append(pcm)
        except OSError as exc:
            self._fail(
                SIZE_LIMIT
                if exc.errno == errno.EFBIG
                else DISK_FULL
                if exc.errno == errno.ENOSPC
                else f"Writing the recording failed ({exc.strerror}); it was stopped and what was recorded is kept."
            )
            return
        if self.tap is not None:
            self.tap.put(samples)

    def _sync(self, file: CrashSafeWav) -> None:
        try:
            file.sync()
        except OSError as exc:  # reported by the next write, if it matters
            log.warning("fsync of the recording failed: %s", exc)

    def _fail(self, message: str) -> None:
        log.warning("recording stopped: %s", message)
        self.failure = message
        self._levels = (0.0, 0.0)
        self._close_stream(abort=True)

    # --- helpers --------------------------------------------------------------------------
    def _shut_down(self) -> CrashSafeWav:
        """Stops the stream and the writer; the recording's file, still to be completed."""
        file, writer = self._file, self._writer
        if file is None or writer is None:
            raise RuntimeError("the recorder was not started")
        self._stopping.set()
        self._close_stream(abort=False)
        self._blocks.put(_END)
        writer.join()
        return file

    def _close_stream(self, *, abort: bool) -> None:
        with self._stream_lock:
            if not self._stream_open:
                return
            self._stream_open = False
            sd = devices.sounddevice_module()
            try:
                if abort:
                    self._stream.abort()
                else:
                    self._stream.stop()
            except sd.PortAudioError as exc:
                log.info("stopping the input stream: %s", exc)
            try:
                self._stream.close()
            except sd.PortAudioError as exc:
                log.info("closing the input stream: %s", exc)
            devices.stream_closed()

    def _open(self, sd, *, current: bool) -> int:
        """Opens the input stream (not started yet); returns its sample rate."""
        self.device = device = devices.find_input_device(self.device_name, current=current)
        rate = int(device.default_samplerate) or 16000
        self._channels = self._pick_channels(sd, device, rate)
        try:
            self._stream = sd.InputStream(
                device=device.index,
                channels=self._channels,
                samplerate=rate,
                dtype="float32",
                blocksize=int(rate * BLOCK_SECONDS),
                callback=self._on_audio,
                finished_callback=self._stream_ended.set,
            )
        except (sd.PortAudioError, ValueError) as exc:
            raise self._cannot_open(exc) from exc
        return rate

    @staticmethod
    def _pick_channels(sd, device: devices.InputDevice, rate: int) -> int:
        """Mono when the device can give it, else its first two channels (mixed down)."""
        for channels in (1, min(2, device.channels)):
            try:
                sd.check_input_settings(device=device.index, channels=channels, samplerate=rate, dtype="float32")
                return channels
            except (sd.PortAudioError, ValueError):
                continue
        return 1

    @property
    def device_label(self) -> str:
        """The microphone's name: the device opened, else the one asked for, else "default"."""
        return self.device.name if self.device is not None else (self.device_name or "default")

    def _cannot_open(self, exc: Exception) -> AudioError:
        name = self.device_label
        return AudioError(
            f"The microphone '{name}' cannot be opened ({exc}); "
            "check that it is connected and not used by another program."
        )
