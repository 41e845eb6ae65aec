# Confide's two commands: `make run` and `make test` (see README.md). Both are idempotent:
# stamps in .cache/stamps make a second run skip what is already done.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .cache/stamps
TEST_DATA := .cache/test-data

# PortAudio for the microphone, and the libraries Qt's xcb platform needs to open a window.
RUN_PACKAGES := libportaudio2 libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 \
	libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
	libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libpulse0
# The virtual microphone (PulseAudio null sink), speech synthesis and audio conversion for
# test clips, a virtual screen, the desktop-entry validator, and strace (a test that no
# library connects anywhere, and the crash-point test that kills commands at each commit).
TEST_PACKAGES := pulseaudio pulseaudio-utils libasound2-plugins espeak-ng sox libsox-fmt-all \
	ffmpeg xvfb desktop-file-utils strace

.PHONY: run test test-fast test-install lint system-run system-test venv models test-models bench bench-slm bench-speech bench-speakers bench-quality bench-live-summary bench-live-summary-mic bench-ask bench-history bench-hostile package test-package install-desktop-entry clean

run: system-run venv models
	$(VENV)/bin/confide

test: system-test venv test-models
	$(PY) -m pytest -q

# The quick tier while working: no real model, no audio tool, no window, nothing slow (the
# markers that tests/conftest.py sets); `make test` runs everything.
test-fast: system-test venv
	$(PY) -m pytest -q -m "not real_model and not audio and not gui and not slow"

# Lint, types and the layers' contracts (pyproject.toml's [tool.ruff], [tool.mypy], [tool.importlinter]):
# all three run, and it fails if any of them found something.
lint: venv
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check --quiet . || { echo "ruff format would change the files above"; status=1; }; \
	$(VENV)/bin/mypy || status=1; \
	$(VENV)/bin/lint-imports || status=1; \
	exit $$status

# --- system packages ----------------------------------------------------------------------
system-run:
	@$(MAKE) --no-print-directory .system PACKAGES="$(RUN_PACKAGES)"

system-test:
	@$(MAKE) --no-print-directory .system PACKAGES="$(RUN_PACKAGES) $(TEST_PACKAGES)"

.system:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing system packages: $$missing"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		else \
			echo "Confide needs these system packages; run:"; \
			echo "  sudo apt-get install -y $$missing"; \
			exit 1; \
		fi; \
	fi

# --- the virtual environment --------------------------------------------------------------
venv: $(STAMPS)/venv

$(STAMPS)/venv: pyproject.toml
	@mkdir -p $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e ".[test,bench,lint]"
	@touch $@

# --- models -------------------------------------------------------------------------------
models: venv
	$(VENV)/bin/confide models install

# The suite's own data folder: models are installed once and reused by every later run.
test-models: venv
	$(VENV)/bin/confide --data-dir $(TEST_DATA) models install smollm2-135m-instruct whisper-base speaker-encoder gemma3-270m qwen2.5-coder-0.5b-instruct

# --- benchmarks (never part of `make test`) -----------------------------------------------
# `make bench` runs every part; each bench-* target runs one. They print tables to paste into
# the README, with the machine they ran on.
bench: bench-slm bench-speech bench-speakers bench-quality bench-live-summary bench-live-summary-mic bench-ask bench-history

$(STAMPS)/llama-cpp: $(STAMPS)/venv
	CMAKE_ARGS="-DGGML_NATIVE=ON -DCMAKE_C_FLAGS='-mno-amx-tile -mno-amx-int8 -mno-amx-bf16' -DCMAKE_CXX_FLAGS='-mno-amx-tile -mno-amx-int8 -mno-amx-bf16'" \
		$(PY) -m pip install -q --disable-pip-version-check "llama-cpp-python==0.3.36"
	@touch $@

bench-history: venv
	nice -n 10 $(PY) bench/history.py

# Issue 15's catalogue of hostile inputs and hard crashes, each a subprocess of the command line:
# one table of exit status, last line, time, peak memory and verdict (needs root: mount
# namespaces, runuser, mknod).
bench-hostile: system-test venv test-models
	$(PY) bench/hostile.py

# All three instruction models against llama.cpp (the 1.5B model is installed here, not for tests).
bench-slm: system-test venv test-models $(STAMPS)/llama-cpp
	$(VENV)/bin/confide --data-dir $(TEST_DATA) models install qwen2.5-coder-1.5b-instruct
	$(PY) bench/slm.py --data-dir $(TEST_DATA) --model all --fast --profile

# Confide's transcriber against plain faster-whisper on the same file (speed, WER, memory),
# an hour-long file's memory, and a live recording's lag through the virtual microphone.
bench-speech: system-test venv test-models
	$(PY) bench/speech.py --data-dir $(TEST_DATA)

# Speaker labels (issue 16): DER (pyannote.metrics) on synthetic espeak-ng meetings of 2, 3, 4 and
# 6 speakers with the count given and estimated, one of them through the virtual microphone,
# and diarization's time beside transcription's on a 60-minute file (the speaker encoder comes
# with test-models).
bench-speakers: system-test venv test-models
	$(PY) bench/speakers.py --data-dir $(TEST_DATA) --speed --app

# Summaries and replies on ../shared/eval against the human references, and a plain prompt.
bench-quality: system-test venv test-models
	$(PY) bench/quality.py

# An hour-long meeting summarized while it is "recorded" (fed in order), then timed after Stop,
# beside the same summary with nothing prepared.
bench-live-summary: venv test-models
	$(PY) bench/live_summary.py

# The same through the microphone: an hour of the speech benchmark's meeting played into the
# virtual microphone, transcribed live and summarized ahead as the window does, timed from Stop.
bench-live-summary-mic: system-test venv test-models
	$(PY) bench/live_summary_mic.py

# Asking the history (issue 17): QMSum's queries over the ten eval meetings beside a baseline,
# questions no meeting answers, and retrieval time on 2,000 recordings.
bench-ask: venv test-models
	$(PY) bench/ask.py

# --- the double-clickable app (packaging/) ------------------------------------------------
$(STAMPS)/package-tools: $(STAMPS)/venv
	$(PY) -m pip install -q --disable-pip-version-check -e ".[package]"
	@touch $@

package: system-test venv test-models $(STAMPS)/package-tools
	$(PY) packaging/build.py --data-dir $(TEST_DATA)

# The bundle's self-test offscreen, with no network, no .venv and no checkout on its path.
test-package: package
	desktop-file-validate dist/Confide/confide.desktop
	rm -rf /tmp/confide-package-home
	cd /tmp && env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME=/tmp/confide-package-home QT_QPA_PLATFORM=offscreen \
		CONFIDE_DATA_DIR=/tmp/confide-package-home/data unshare -n $(CURDIR)/dist/Confide/Confide --self-test

# Confide as `pip install .` (not editable) makes it, in a clean virtual environment outside the
# checkout: its self-test offscreen with no network, and a screenshot of its window.
test-install: system-test test-models
	$(PYTHON) packaging/test_install.py --data-dir $(TEST_DATA)

# Puts Confide in the desktop's menu (run on purpose; not part of `make run`).
install-desktop-entry:
	sh packaging/install-desktop-entry.sh $(CURDIR)/dist/Confide

clean:
	rm -rf $(VENV) .cache build dist
