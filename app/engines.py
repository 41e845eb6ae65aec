"""Finding and loading the engines (language model, speech model) the user chose."""

from __future__ import annotations

from app.paths import DataDir
from models.catalog import DEFAULT_LLM_ID, DEFAULT_SPEECH_ID
from models.errors import ModelError
from models.installed import InstalledModel, find_model


def language_model_entry(data_dir: DataDir, model_id: str | None = None) -> InstalledModel:
    model = find_model(data_dir.model_search_path(), model_id or DEFAULT_LLM_ID, kind="llm")
    if model.format != "onnx-genai":
        raise ModelError(f"The model '{model.id}' is not built to ONNX yet; run `confide models install {model.id}`.")
    if _built_by_another_builder(model):
        raise ModelError(f"The model '{model.id}' was built by another version of Confide; "
                         f"run `confide models install {model.id}` (or import its GGUF again) to rebuild it.")
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
    return find_model(data_dir.model_search_path(), model_id or DEFAULT_SPEECH_ID, kind="speech")


def load_speech_model(data_dir: DataDir, model_id: str | None = None, threads: int | None = None):
    from models.whisper import Transcriber

    return Transcriber.load(speech_model_entry(data_dir, model_id).path, threads=threads)
