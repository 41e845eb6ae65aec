"""Which functions do the engines' work: the real app/ tasks by default, scripted fakes in
tests. Each runner is a plain generator function ``runner(task, engine_slot, cancel)`` that the
bridge runs in the engine's worker thread (app.bridge.jobs); loaders load a model session and
are called lazily in that thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.tasks.events import Progress


@dataclass(frozen=True)
class EngineKit:
    load_language: Callable[..., Any]  # (data_dir, model_id, threads) -> LanguageModel
    load_speech: Callable[..., Any]  # (data_dir, model_id, threads) -> models.whisper.Transcriber
    summarize: Callable  # runner over app.assistant.summarize.SummarizeTask
    prepare_summary: Callable  # runner over a SummarizeTask of a recording still going on
    replies: Callable  # runner over app.assistant.replies.ReplyTask
    ask: Callable  # runner over app.tasks.ask.AnswerJob
    transcribe: Callable  # runner over app.tasks.transcribe.TranscribeTask
    record: Callable  # runner over app.tasks.record.RecordTask
    import_model: Callable  # runner over an ImportModelTask
    list_devices: Callable[[], list]  # -> [ui.records.Device]; raises AudioError without audio
    recover_recordings: Callable  # (recordings folder) -> [RecoveredRecording] repaired after a crash
    measure_voice: Callable  # runner over app.speakers.voice_task.MeasureVoiceTask


def loading_message(slot, what: str):
    """A Progress to yield before the first get() of a slot, so the wait is explained."""
    return None if slot.loaded else Progress(None, f"Loading the {what}…")


# --- the real ones ----------------------------------------------------------------------


def _load_language(data_dir, model_id, threads):
    from app.engines import load_language_model

    return load_language_model(data_dir, model_id, threads=threads)


def _load_speech(data_dir, model_id, threads):
    from app.engines import load_speech_model

    return load_speech_model(data_dir, model_id, threads=threads)


def _summarize(task, slot, cancel):
    from app.assistant.prompt_memory import remembering
    from app.assistant.summarize import summarize

    waiting = loading_message(slot, "language model")
    if waiting:
        yield waiting
    yield from summarize(remembering(slot.get()), task.segments, cancel, task.options)


def _prepare_summary(task, slot, cancel):
    from app.assistant.prompt_memory import remembering
    from app.assistant.summarize import prepare_summary

    yield from prepare_summary(remembering(slot.get()), task.segments, cancel, task.options)


def _replies(task, slot, cancel):
    from app.assistant.replies import draft_replies

    waiting = loading_message(slot, "language model")
    if waiting:
        yield waiting
    yield from draft_replies(slot.get(), task, cancel)


def _ask(job, slot, cancel):
    from app.tasks.ask import answer_from

    if job.passages:
        waiting = loading_message(slot, "language model")
        if waiting:
            yield waiting
    yield from answer_from(slot.get, job.task, job.passages, cancel)


def _transcribe(task, slot, cancel):
    from app.tasks.transcribe import transcribe_file

    yield from transcribe_file(task, slot, cancel)


def _record(task, slot, cancel):
    from app.tasks.record import record

    yield from record(task, slot, cancel)


def _import_model(task, slot, cancel):
    from app.tasks.install_model import run_import

    yield from run_import(task, slot, cancel)


def _measure_voice(task, slot, cancel):
    from app.speakers.voice_task import measure_voice

    yield from measure_voice(task, slot, cancel)


def _list_devices():
    from app.audio.devices import list_input_devices
    from ui.records import Device

    return [Device(d.name, d.is_default) for d in list_input_devices()]


def _recover_recordings(folder):
    from app.audio.recovery import recover_recordings

    return recover_recordings(folder)


def real_kit() -> EngineKit:
    return EngineKit(
        load_language=_load_language,
        load_speech=_load_speech,
        summarize=_summarize,
        prepare_summary=_prepare_summary,
        replies=_replies,
        ask=_ask,
        transcribe=_transcribe,
        record=_record,
        import_model=_import_model,
        list_devices=_list_devices,
        recover_recordings=_recover_recordings,
        measure_voice=_measure_voice,
    )
