"""A scripted fake engine for fast GUI wiring tests (the real engines are tested beside it).

Every runner behaves like the real ones where the window can tell: it loads its session lazily
through the worker's slot, yields Progress events and pieces of results at a realistic pace, checks the
cancel token every few milliseconds, and ends with Done(result) of the real result types.
"""

from __future__ import annotations

import math
import struct
import threading
import time
import wave
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from app.assistant.replies import Replies, ReplyDraft
from app.records import ActionItem, Summary, SummaryItem
from app.tasks.events import AnswerSoFar, Done, DraftReady, LevelReading, Progress, SummarySoFar, TranscriptPiece
from app.tasks.record import NOT_TRANSCRIBED
from app.tasks.transcribe import SpeechResult
from models.types import Segment
from ui.engine_kit import EngineKit
from ui.records import Device

SCRIPT = (
    "Good morning everyone, let's review the launch plan.",
    "We decided to move the launch to March.",
    "Anna will update the budget by Friday.",
    "Ben will write the press release.",
    "The designers need two more weeks for the mobile layout.",
)


@dataclass
class FakeEngine:
    """Knobs and a record of what happened, shared by the runners of one test."""

    step_s: float = 0.05  # time per streamed piece
    burn_cpu: bool = False  # do numpy work (GIL released) as a real engine would
    devices: list = field(default_factory=lambda: [Device("Fake microphone", True)])
    loads: list = field(default_factory=list)
    stopped_at: dict = field(default_factory=dict)  # runner name -> when it noticed the cancel
    fail_with: Exception | None = None
    reply_tasks: list = field(default_factory=list)  # every ReplyTask the window submitted
    ask_jobs: list = field(default_factory=list)  # every AnswerJob the window submitted
    ask_partials: list = field(default_factory=list)  # every answer-so-far it sent
    prepared: list = field(default_factory=list)  # segment counts of every summary prepared while recording
    speech_tasks: list = field(default_factory=list)  # every TranscribeTask and RecordTask the window submitted
    measured: list = field(default_factory=list)  # (recording id, speaker) of every voice measured

    def kit(self) -> EngineKit:
        return EngineKit(
            load_language=self.load("language"),
            load_speech=self.load("speech"),
            summarize=self.summarize,
            prepare_summary=self.prepare_summary,
            replies=self.replies,
            ask=self.ask,
            transcribe=self.transcribe,
            record=self.record,
            import_model=self.import_model,
            list_devices=self.list_devices,
            recover_recordings=lambda folder: [],
            measure_voice=self.measure_voice,
        )

    def load(self, name):
        def loader(data_dir, model_id, threads):
            self.loads.append((name, model_id, threads, threading.get_ident()))
            return f"fake-{name}-session"

        return loader

    def list_devices(self):
        return list(self.devices)

    def _wait(self, cancel, seconds: float) -> bool:
        """Works for `seconds` (checking the token every 5 ms); False when cancelled."""
        end = time.monotonic() + seconds
        matrix = np.ones((96, 96), dtype=np.float32) if self.burn_cpu else None
        while time.monotonic() < end:
            if cancel.is_set():
                return False
            if matrix is not None:
                matrix = np.tanh(matrix @ matrix.T / 96.0)
            else:
                time.sleep(0.005)
        return not cancel.is_set()

    def _noticed(self, name: str) -> None:
        self.stopped_at[name] = time.monotonic()

    # --- language ---------------------------------------------------------------------
    def prepare_summary(self, task, slot, cancel):
        """Works a step on the transcript so far, as the real one asks about its finished parts."""
        slot.get()
        yield Progress(None, "Reading the meeting so far")
        if self._wait(cancel, self.step_s):
            self.prepared.append(len(task.segments))
            yield Done(None)

    def summarize(self, task, slot, cancel):
        try:
            slot.get()
            if self.fail_with is not None:
                raise self.fail_with
            segments = task.segments
            starts = [s.start for s in segments] or [None]
            steps = [
                ("key_point", SummaryItem(f"Point {i + 1}: {s.text[:40]}", s.start)) for i, s in enumerate(segments[:3])
            ]
            steps.append(("decision", SummaryItem("The launch moves to March.", starts[min(1, len(starts) - 1)])))
            steps.append(
                ("action_item", ActionItem("Update the budget.", "Anna", "by Friday", starts[min(2, len(starts) - 1)]))
            )

            def so_far(count: int, overview: str = "", title: str = "") -> Summary:
                return Summary(
                    title,
                    overview,
                    *(
                        tuple(item for kind, item in steps[:count] if kind == wanted)
                        for wanted in ("key_point", "decision", "action_item")
                    ),
                )

            for index in range(len(steps)):
                yield Progress((index + 1) / (len(steps) + 2), f"Summarizing part {index + 1}")
                if not self._wait(cancel, self.step_s):
                    return
                yield SummarySoFar(so_far(index + 1))
            overview = "The team reviewed the launch plan and agreed on new dates."
            for _word in overview.split():
                if not self._wait(cancel, self.step_s / 4):
                    return
            yield SummarySoFar(so_far(len(steps), overview))
            yield Done(so_far(len(steps), overview, "Launch plan review"))
        finally:
            self._noticed("summarize")

    def replies(self, task, slot, cancel):
        try:
            slot.get()
            conversation = task.conversation
            self.reply_tasks.append(task)
            texts = [
                f"Sounds good, see you then! ({task.tone}, {task.length})",
                "Sorry, I can't make it this time.",
                "Could we move it to next week?",
            ]
            if task.fresh:  # as the real one: sampled anew, never a draft already shown
                texts = [f"{text} (take {len(self.reply_tasks)})" for text in texts]
                assert not set(texts) & set(task.shown)
            for index, text in enumerate(texts):
                yield Progress(index / 3, f"Drafting reply {index + 1} of 3")
                if not self._wait(cancel, self.step_s * 2):
                    return
                yield DraftReady(index, text)
            yield Done(Replies(conversation.me, conversation.turns, tuple(ReplyDraft(t) for t in texts), False))
        finally:
            self._noticed("replies")

    def ask(self, job, slot, cancel):
        """The real checks over a scripted answer: the best passage's own words, citing it."""
        from app.assistant.ask_history import NOT_FOUND, HistoryAnswer, check_answer

        try:
            self.ask_jobs.append(job)
            if not job.passages:
                yield Done(HistoryAnswer(job.task.question, NOT_FOUND, ()))
                return
            slot.get()
            yield Progress(None, "Reading what was said")
            if not self._wait(cancel, self.step_s):
                return
            answer = check_answer(job.task.question, f"{job.passages[0].quote} [1]", job.passages)
            yield AnswerSoFar(answer)  # as the real one streams its checked sentences
            self.ask_partials.append(answer)
            if not self._wait(cancel, self.step_s):
                return
            yield Done(answer)
        finally:
            self._noticed("ask")

    # --- speech -----------------------------------------------------------------------
    def transcribe(self, task, slot, cancel):
        self.speech_tasks.append(task)
        try:
            slot.get()
            if not Path(task.path).is_file():
                from app.errors import AudioError

                raise AudioError(f"{Path(task.path).name} cannot be read; check that it is an audio or video file.")
            segments = []
            for index, text in enumerate(SCRIPT):
                if not self._wait(cancel, self.step_s):
                    return
                segment = Segment(index * 3.0, index * 3.0 + 2.5, text)
                segments.append(segment)
                yield TranscriptPiece(segment)
                done = (index + 1) / len(SCRIPT)
                yield Progress(done, "Transcribing", eta_seconds=(len(SCRIPT) - index - 1) * self.step_s)
            segments, note = yield from self._tell_speakers(task.speakers, segments, cancel)
            yield Done(
                SpeechResult(
                    task.path,
                    len(SCRIPT) * 3.0,
                    tuple(segments),
                    "en",
                    title=Path(task.path).stem,
                    imported_from=task.path,
                    note=note,
                )
            )
        finally:
            self._noticed("transcribe")

    def record(self, task, slot, cancel):
        """Levels every 50 ms, a transcript line every 0.3 s of recording, until stopped."""
        self.speech_tasks.append(task)
        control = task.control
        folder = Path(task.recordings_dir)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"fake-{int(time.time() * 1000)}.wav"
        recorded = 0.0
        segments = []
        try:
            slot.get()
            next_line = 0.3
            while not control.stop_requested.is_set():
                if cancel.is_set():
                    return
                time.sleep(0.05)
                if control.paused.is_set():
                    yield LevelReading(level=0.0, elapsed=recorded, paused=True)
                    continue
                recorded += 0.05
                level = 0.3 + 0.2 * math.sin(recorded * 7)
                yield LevelReading(level=level, peak=min(1.0, level * 1.5), elapsed=recorded)
                if recorded >= next_line:
                    text = SCRIPT[len(segments) % len(SCRIPT)]
                    segment = Segment(round(recorded - 0.3, 2), round(recorded, 2), text)
                    segments.append(segment)
                    yield TranscriptPiece(segment)
                    next_line += 0.3
            if control.skip_transcript.is_set():  # cancelled from the window: the audio alone, at once
                _write_tone(path, max(recorded, 0.5))
                yield Done(SpeechResult(str(path), recorded, (), None, note=NOT_TRANSCRIBED))
                return
            yield Progress(0.5, "Finishing the transcript")
            if not self._wait(cancel, self.step_s):
                return
            _write_tone(path, max(recorded, 0.5))
            segments, note = yield from self._tell_speakers(task.speakers, segments, cancel)
            yield Done(SpeechResult(str(path), recorded, tuple(segments), "en", note=note))
        finally:
            self._noticed("record")

    def _tell_speakers(self, options, segments, cancel):
        """As app.speakers.task: with speaker options, the lines go to `count` speakers in turn
        (two when estimated), the first named after the first remembered voice, which the note
        says was recognised; returns (segments, note)."""
        if options is None or not segments:
            return segments, None
        yield Progress(None, "Telling the voices apart…")
        if not self._wait(cancel, self.step_s):
            return segments, None
        count = options.count or 2
        known = [name for name, _voice in options.known]
        labels = [known[0] if known else "Speaker 1"] + [f"Speaker {n}" for n in range(2, count + 1)]
        told = [replace(segment, speaker=labels[i % count]) for i, segment in enumerate(segments)]
        return told, (f"Recognised: {known[0]}." if known else None)

    def measure_voice(self, task, slot, cancel):
        """A voice of 256 numbers that differs from speaker to speaker, after a short wait."""
        self.measured.append((task.recording.id, task.speaker))
        yield Progress(None, f"Listening to {task.speaker}'s voice…")
        if not self._wait(cancel, self.step_s):
            return
        seed = sum(task.speaker.encode())
        yield Done(np.random.default_rng(seed).standard_normal(256).astype(np.float32))

    def import_model(self, task, slot, cancel):
        yield Progress(None, "Importing")
        if not self._wait(cancel, self.step_s):
            return
        yield Done(None)


def _write_tone(path: Path, seconds: float, rate: int = 16000) -> None:
    samples = int(seconds * rate)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(
            b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(samples))
        )
