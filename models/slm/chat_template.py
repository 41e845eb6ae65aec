"""The model's own chat template, rendered as transformers' apply_chat_template renders it.

A template comes with a model file, so it is untrusted code: it runs in jinja2's immutable
sandbox, with transformers' settings (trim_blocks, lstrip_blocks, the loop-controls extension)
and helpers (`raise_exception`, `strftime_now`, a `tojson` that keeps non-ASCII text). The
special tokens of tokenizer_config.json (bos_token, eos_token, ...) are variables of the
template. A base model without a template gets a plain role-prefixed transcript to continue.

Rendering is bounded in time, steps and size (template_limits.py): a template past the limits
is unusable, and the plain transcript is used instead, with a warning that says so.

Control-token texts inside message contents are marked as literal text (literal_text.py) before
rendering, so that only the template itself puts control tokens into a prompt.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import datetime
from functools import cached_property
from pathlib import Path

from jinja2 import Template, TemplateError
from jinja2.ext import loopcontrols

from models.errors import ModelError
from models.slm.literal_text import LiteralMarker
from models.slm.template_limits import BoundedSandbox, TemplateLimitError, render_bounded

log = logging.getLogger("confide.models")
OUTPUT_ALLOWANCE = 1 << 20  # characters a template may add around the messages' own text

SPECIAL_TOKEN_KEYS = ("bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token")


def _raise_exception(message: str):
    raise TemplateError(message)


def _tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def _strftime_now(format: str) -> str:
    return datetime.now().strftime(format)


def _environment() -> BoundedSandbox:
    env = BoundedSandbox(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = _tojson
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    return env


def _token_text(value) -> str | None:
    """A special token as tokenizer_config.json writes it: a string or {"content": ...}."""
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else None


class ChatTemplate:
    def __init__(
        self,
        template: str | None,
        bos_token: str | None = None,
        eos_token: str | None = None,
        *,
        literal_texts: Iterable[str] = (),
        **special_tokens: str | None,
    ):
        """literal_texts: the texts of the tokenizer's control tokens, marked as plain text
        wherever they occur in a message's content."""
        self.template = template or None
        self.marker = LiteralMarker(literal_texts)
        self.unusable: str | None = None  # why the template was given up for the plain transcript
        # as transformers does, only the tokens the model has become variables (a template may
        # test `bos_token is defined`)
        given = {"bos_token": bos_token, "eos_token": eos_token, **special_tokens}
        self.special_tokens = {key: value for key, value in given.items() if value}

    @classmethod
    def from_model_dir(cls, model_dir: Path, *, literal_texts: Iterable[str] = ()) -> ChatTemplate:
        """The template of a model folder: tokenizer_config.json's chat_template (a string, or
        a list of named templates of which "default" is the chat one), else chat_template.jinja."""
        model_dir = Path(model_dir)
        try:
            config = json.loads((model_dir / "tokenizer_config.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            config = {}
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"The tokenizer_config.json of {model_dir.name} is unreadable; install the model again."
            ) from exc
        template = config.get("chat_template")
        if isinstance(template, list):
            template = next((entry.get("template") for entry in template if entry.get("name") == "default"), None)
        jinja_file = model_dir / "chat_template.jinja"
        if not template and jinja_file.is_file():
            template = jinja_file.read_text(encoding="utf-8")
        tokens = {key: _token_text(config.get(key)) for key in SPECIAL_TOKEN_KEYS}
        return cls(template if isinstance(template, str) else None, literal_texts=literal_texts, **tokens)

    @cached_property
    def _compiled(self) -> Template:
        try:
            return _environment().from_string(self.template or "")
        except TemplateError as exc:
            raise ModelError(f"The model's chat template is not valid Jinja ({exc}); use --raw prompts.") from exc

    def render(self, messages: list[dict], add_generation_prompt: bool = True) -> str:
        messages = self.marker.mark_messages(messages)
        if self.template is None or self.unusable is not None:
            return plain_transcript(messages, add_generation_prompt)
        text_size = sum(len(str(message.get("content", ""))) for message in messages if isinstance(message, dict))
        try:
            return render_bounded(
                self._compiled,
                OUTPUT_ALLOWANCE + 8 * text_size,
                messages=messages,
                add_generation_prompt=add_generation_prompt,
                **self.special_tokens,
            )
        except (TemplateLimitError, OverflowError, MemoryError, RecursionError) as exc:
            # a template that never ends or fills the memory: given up for good, not retried per prompt
            self.unusable = (
                f"This model's chat template is unusable ({exc or type(exc).__name__}); "
                "Confide uses a plain prompt for it instead."
            )
            log.warning(self.unusable)
            return plain_transcript(messages, add_generation_prompt)
        except (TemplateError, TypeError, ValueError, LookupError, AttributeError) as exc:
            # the template is the model's code: its failures are the model's, not Confide's bugs
            raise ModelError(f"The model's chat template failed: {exc}.") from exc


def plain_transcript(messages: list[dict], add_generation_prompt: bool = True) -> str:
    """For base models: "User: ...\\nAssistant: ..." lines, ending with "Assistant:" to continue."""
    lines = [f"{str(message['role']).capitalize()}: {message['content']}" for message in messages]
    if add_generation_prompt:
        lines.append("Assistant:")
    return "\n".join(lines)
