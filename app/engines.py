"""Which engine each job uses (resolve), and finding and loading it.

resolve() is the one rule for the command line and the window alike: a choice given at the
start (--model, --threads) wins, then the user's settings, then the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.kinds import ModelKind
from app.paths import DataDir
from app.settings import Settings
from models.catalog import DEFAULT_LLM_ID, DEFAULT_SPEECH_ID, SPEAKER_ENCODER_ID
from models.cpu import physical_cores
from models.errors import ModelError
from models.installed import InstalledModel, find_model, list_installed


class Job(StrEnum):
    SUMMARY = "summary"  # summaries; also `generate` and `tokenize`
    REPLY = "reply"
    SPEECH = "speech"


@dataclass(frozen=True)
class EngineChoice:
    model_id: str
    threads: int


def resolve(job: Job, settings: Settings, *, model_id: str | None = None, threads: int | None = None) -> EngineChoice:
    """The model and threads for a job. model_id (--model) names a language model, so it never
    picks the speech model; threads (--threads) serves both engines."""
    if job is Job.SPEECH:
        chosen = settings.speech_model or DEFAULT_SPEECH_ID
    else:
        chosen = model_id or (settings.summary_model_id() if job is Job.SUMMARY else settings.reply_model_id())
    return EngineChoice(chosen, threads or settings.threads or default_threads())


def default_threads() -> int:
    """Threads when neither --threads nor the settings choose: the physical cores."""
    return physical_cores()


def installed_models(data_dir: DataDir) -> list[InstalledModel]:
    return list_installed(data_dir.model_search_path())


def language_model_entry(data_dir: DataDir, model_id: str | None = None) -> InstalledModel:
    model = find_model(data_dir.model_search_path(), model_id or DEFAULT_LLM_ID, kind=ModelKind.LANGUAGE)
    if model.format != "onnx-genai":
        raise ModelError(f"The model '{model.id}' is not built to ONNX yet; run `confide models install {model.id}`.")
    if _built_by_another_builder(model):
        raise ModelError(
            f"The model '{model.id}' was built by another version of Confide; "
            f"run `confide models install {model.id}` (or import its GGUF again) to rebuild it."
        )
    return model


def _built_by_another_builder(model: InstalledModel) -> bool:
    """Confide's own builds record the builder's version; a folder made elsewhere has no record."""
    from models.slm.build_info import BUILD_INFO, build_is_current

    return (model.path / BUILD_INFO).is_file() and not build_is_current(model.path)


def load_language_model(data_dir: DataDir, model_id: str | None = None, threads: int | None = None):
    from models.slm.engine import OnnxLanguageModel

    entry = language_model_entry(data_dir, model_id)
    return OnnxLanguageModel.load(entry.path, threads=threads, model_id=entry.id)


def load_tokenizer_only(data_dir: DataDir, model_id: str | None = None):
    from models.slm.tokenizer import load_tokenizer

    return load_tokenizer(language_model_entry(data_dir, model_id).path)


def speech_model_entry(data_dir: DataDir, model_id: str | None = None) -> InstalledModel:
    return find_model(data_dir.model_search_path(), model_id or DEFAULT_SPEECH_ID, kind=ModelKind.SPEECH)


def load_speech_model(data_dir: DataDir, model_id: str | None = None, threads: int | None = None):
    from models.whisper import Transcriber

    return Transcriber.load(speech_model_entry(data_dir, model_id).path, threads=threads)


def speaker_encoder_entry(data_dir: DataDir) -> InstalledModel:
    """The speaker encoder (installed with the defaults; `models install speaker-encoder` alone
    adds it to an older install)."""
    return find_model(data_dir.model_search_path(), SPEAKER_ENCODER_ID, kind=ModelKind.SPEAKER)
