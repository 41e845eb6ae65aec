"""Adding the user's own model files: a GGUF (built to ONNX), an onnxruntime-genai folder, or a
CTranslate2 Whisper folder. Copied into the models folder through a staging folder."""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from models.catalog import load_catalog
from models.durable import move_into_place
from models.errors import ModelError
from models.installed import MODEL_ID, InstalledModel, model_folder, read_manifest, write_manifest
from models.provision import installed_at, staging_folder
from models.types import ModelKind

GGUF_MAGIC = b"GGUF"
_ID_ALLOWED = re.compile(r"[^a-z0-9._-]+")


def derive_id(path: Path) -> str:
    stem = path.name[:-5] if path.name.lower().endswith(".gguf") else path.name
    model_id = _ID_ALLOWED.sub("-", stem.lower()).strip("-._")[:100].rstrip("-.")
    return model_id if MODEL_ID.fullmatch(model_id) else "imported-model"


def detect_kind(path: Path) -> tuple[ModelKind, str]:
    """(kind, format) of what the user gave, or a ModelError saying what it is not."""
    if path.is_file():
        with open(path, "rb") as handle:
            if handle.read(4) == GGUF_MAGIC:
                return ModelKind.LANGUAGE, "gguf"
        raise ModelError(
            f"{path.name} is not a GGUF file; import a .gguf file, an ONNX model folder or a Whisper folder."
        )
    if path.is_dir():
        if (path / "genai_config.json").is_file():
            return ModelKind.LANGUAGE, "onnx-genai"
        if (path / "model.bin").is_file() and (path / "config.json").is_file():
            return ModelKind.SPEECH, "ctranslate2"
        raise ModelError(
            f"{path} holds neither genai_config.json (an ONNX model) nor model.bin and config.json (a Whisper model)."
        )
    raise ModelError(f"{path} does not exist.")


def import_model(
    path: Path,
    models_dir: Path,
    *,
    name: str | None = None,
    fast: bool = False,
    log: Callable[[str], None] = lambda _m: None,
) -> InstalledModel:
    """fast: a GGUF gets the builder's lossy fast build (FAST_BUILD) instead of the exact one."""
    path = path.expanduser().resolve()
    kind, fmt = detect_kind(path)
    model_id = name or derive_id(path)
    target = model_folder(models_dir, model_id)
    if model_id in load_catalog():
        raise ModelError(f"'{model_id}' is a catalog model id; choose another with --name.")
    if target.exists():
        raise ModelError(f"A model named '{model_id}' is already installed; choose another name with --name.")
    models_dir.mkdir(parents=True, exist_ok=True)
    # the staging folder of an install: the start-up clean-up of another process leaves it alone
    with staging_folder(models_dir, model_id) as staging:
        out_dir = staging / "model"
        if fmt == "gguf":
            check_gguf(path)  # the header and metadata first: a crafted file is refused in a moment
            out_dir.mkdir()
            from models.slm.builder import FAST_BUILD, build_from_gguf

            log(f"building the {'fast ' if fast else ''}ONNX model from {path.name} ...")
            if fast:
                build_from_gguf(path, out_dir, progress=log, **FAST_BUILD)
            else:
                build_from_gguf(path, out_dir, progress=log)
            fmt = "onnx-genai"
        else:
            log(f"loading {path.name} to check it ...")
            check_loads(path, kind)
            shutil.copytree(path, out_dir)
        write_manifest(out_dir, model_id=model_id, kind=kind, fmt=fmt, source=f"import:{path}", verified=True)
        move_into_place(out_dir, target)
    return installed_at(target)


def check_gguf(path: Path) -> None:
    """A GGUF's header and its decoder's metadata, checked before the builder (and its imports)
    starts; the builder checks them again, with the tensors, whoever calls it."""
    from models.gguf_file import GGUFFile
    from models.slm.gguf_checks import DECODER_ARCHITECTURES, check_decoder_metadata

    gguf = GGUFFile(path)
    if gguf.get("general.architecture") in DECODER_ARCHITECTURES:  # the builder names the others
        check_decoder_metadata(gguf, tensors=False)
    template = gguf.get("tokenizer.chat_template")
    if isinstance(template, str):
        from models.slm.chat_template import ChatTemplate

        # One past the limits says now that it is unusable (the plain prompt will be used); one
        # that fails on this one message is judged on real ones, at first use.
        with contextlib.suppress(ModelError):
            ChatTemplate(template).render([{"role": "user", "content": "Hello"}])


def check_loads(folder: Path, kind: ModelKind) -> None:
    """Loads an imported folder as Confide will use it, so that a broken one is refused now and
    never listed as verified (a random model.onnx or model.bin, a genai_config.json with values
    no model has)."""
    if kind == ModelKind.LANGUAGE:
        from models.slm.api import GenerationConfig
        from models.slm.engine import OnnxLanguageModel

        model = OnnxLanguageModel.load(folder, threads=1)
        prompt = model.render_chat([{"role": "user", "content": "Hello"}])
        try:  # one token through the graph: names, layer and head counts must match it
            for _event in model.generate(prompt, GenerationConfig(max_new_tokens=1)):
                pass
        except ModelError:
            raise
        except Exception as exc:  # onnxruntime's own failures, numpy's shape errors
            raise ModelError(
                f"{folder.name} loads but cannot run ({type(exc).__name__}: "
                f"{str(exc).strip().splitlines()[0][:160] if str(exc).strip() else 'no details'}); "
                "its genai_config.json does not match its model.onnx."
            ) from exc
    else:
        from models.whisper.transcriber import Transcriber

        Transcriber.load(folder, threads=1)


def remove_model(models_dir: Path, model_id: str) -> None:
    """Removes an imported model's folder: model_id is a name (never a path) and the folder must
    be a real folder inside models_dir whose manifest has that id."""
    target = model_folder(models_dir, model_id)
    model = read_manifest(target)
    if model is None or model.id != model_id:
        raise ModelError(f"No imported model named '{model_id}' is installed.")
    if not model.source.startswith("import:"):
        raise ModelError(f"'{model_id}' is a catalog model, not an imported one; only imported models can be removed.")
    shutil.rmtree(target)
