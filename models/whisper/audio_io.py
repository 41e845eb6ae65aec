"""Reading audio and video files with PyAV: probe their length, decode them as a stream of
16 kHz mono float32 blocks, so that no whole file is ever held in memory.

Every way a file can be unreadable (missing, empty, not a media file, no audio track, no
samples at all) becomes an AudioError with one sentence that names the file.
"""

from __future__ import annotations

import errno
import stat
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.errors import AudioError

SAMPLE_RATE = 16000
DEFAULT_BLOCK_SECONDS = 5.0


@dataclass(frozen=True)
class AudioInfo:
    """What probing a file found: its length in seconds (None when the container does not
    say) and the codec of the audio track that will be decoded."""

    duration: float | None
    codec: str


def probe(path: Path) -> AudioInfo:
    """Opens the file only far enough to find its audio track and length."""
    av = _pyav()
    path = _readable(path)
    with _open(av, path) as container:
        stream = _audio_stream(container, path)
        return AudioInfo(_duration(container, stream), stream.codec_context.name)


def check_readable(path: Path) -> AudioInfo:
    """Probes the file and decodes its first half second: raises the AudioError a full decode
    would, at a fraction of the cost (e.g. before a model is loaded for it)."""
    info = probe(path)
    blocks = decode_blocks(path, block_seconds=0.5)
    try:
        next(blocks)
    finally:
        blocks.close()
    return info


def decode_blocks(path: Path, block_seconds: float = DEFAULT_BLOCK_SECONDS) -> Generator[np.ndarray, None, None]:
    """Yields the file's first audio track as 16 kHz mono float32 blocks of about
    block_seconds each (the last may be shorter). Raises AudioError when the file holds no
    audio at all; a damaged stretch inside an otherwise readable file is skipped."""
    av = _pyav()
    path = _readable(path)
    block_samples = max(1, int(block_seconds * SAMPLE_RATE))
    produced = 0
    with _open(av, path) as container:
        stream = _audio_stream(container, path)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        pending: list[np.ndarray] = []
        pending_samples = 0
        try:
            for frame in _frames(av, container, stream, path):
                frame.pts = None  # resample by sample count, not by possibly broken timestamps
                for out in resampler.resample(frame):
                    samples = out.to_ndarray().reshape(-1)
                    pending.append(samples)
                    pending_samples += samples.size
                while pending_samples >= block_samples:
                    block, pending, pending_samples = _take(pending, block_samples)
                    produced += block.size
                    yield block
            for out in resampler.resample(None):
                samples = out.to_ndarray().reshape(-1)
                pending.append(samples)
                pending_samples += samples.size
        except av.error.FFmpegError as exc:
            if produced + pending_samples == 0:
                raise _not_media(path) from exc
            # a damaged tail: keep what was decoded before it
        if pending_samples:
            block = np.concatenate(pending).astype(np.float32, copy=False)
            produced += block.size
            yield block
    if produced == 0:
        raise AudioError(f"{path.name} holds no audio (it is zero seconds long); choose another file.")


def _take(pending: list[np.ndarray], count: int) -> tuple[np.ndarray, list[np.ndarray], int]:
    joined = np.concatenate(pending)
    block = joined[:count].astype(np.float32, copy=True)
    rest = joined[count:]
    return block, ([rest] if rest.size else []), int(rest.size)


def _frames(av, container, stream, path: Path):
    """The decoded frames of one stream; undecodable packets in the middle are skipped."""
    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            continue
        yield from frames


def _pyav():
    try:
        import av
    except ImportError as exc:  # a broken installation, not the user's file
        raise AudioError("The audio decoder (PyAV) is missing from this installation; reinstall Confide.") from exc
    return av


def _readable(path) -> Path:
    path = Path(path)
    try:
        info = path.stat()  # one call: exists() and is_dir() raise too when a folder on the way is closed
    except FileNotFoundError:
        raise AudioError(f"{path} does not exist; check the path.") from None
    except OSError as exc:
        raise AudioError(f"{path.name} cannot be read ({exc.strerror}); check its permissions.") from exc
    if stat.S_ISDIR(info.st_mode):
        raise AudioError(f"{path} is a folder, not an audio file; give the path of a file.")
    size = info.st_size
    if size == 0:
        raise AudioError(f"{path.name} is empty (0 bytes); choose another file.")
    return path


def _open(av, path: Path):
    try:
        return av.open(str(path), mode="r", metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        if getattr(exc, "errno", None) in (errno.EACCES, errno.EPERM):
            raise AudioError(f"{path.name} cannot be read (permission denied); check its permissions.") from exc
        raise _not_media(path) from exc


def _not_media(path: Path) -> AudioError:
    return AudioError(
        f"{path.name} is not an audio or video file Confide can read (it may be damaged); "
        "use wav, flac, mp3, m4a, ogg, opus, mp4, webm or mkv."
    )


# What a real audio track has; a header outside these is damaged or crafted (a sample rate of
# 1 Hz would be upsampled 16,000 times: hours of "audio" from one second of data).
MIN_SAMPLE_RATE = 4_000
MAX_SAMPLE_RATE = 768_000
MAX_CHANNELS = 64


def _audio_stream(container, path: Path):
    if not container.streams.audio:
        raise AudioError(f"{path.name} has no audio track; choose a file with sound.")
    stream = container.streams.audio[0]
    codec = stream.codec_context
    if codec is None:
        raise _not_media(path)
    rate = codec.sample_rate or 0
    channels = getattr(codec, "channels", None) or len(getattr(codec.layout, "channels", ()) or ())
    if not MIN_SAMPLE_RATE <= rate <= MAX_SAMPLE_RATE or not 1 <= channels <= MAX_CHANNELS:
        raise AudioError(
            f"{path.name} has a damaged audio header ({rate} Hz, {channels} "
            f"channel{'' if channels == 1 else 's'}); "
            "Confide reads audio of 4 to 768 kHz and 1 to 64 channels."
        )
    return stream


def _duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        seconds = float(stream.duration * stream.time_base)
        if seconds > 0:
            return seconds
    if container.duration is not None and container.duration > 0:
        return container.duration / 1_000_000  # AV_TIME_BASE is microseconds
    return None
