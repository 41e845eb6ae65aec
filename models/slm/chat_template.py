"""The model's own chat template, rendered as transformers renders it: jinja2's immutable
sandbox (a template comes with a model file, so it is untrusted code), trim_blocks and
lstrip_blocks, `raise_exception` and a `tojson` filter. Base models without a template get a
plain role-prefixed transcript."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from models.errors import ModelError


def _raise(message: str):
    raise TemplateError(message)


def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = _raise
    env.filters["tojson"] = lambda value, indent=None: json.dumps(value, ensure_ascii=False, indent=indent)
    return env


@dataclass
class ChatTemplate:
    template: str | None
    bos_token: str = ""
    eos_token: str = ""

    @classmethod
    def from_model_dir(cls, model_dir: Path) -> "ChatTemplate":
        try:
            config = json.loads((Path(model_dir) / "tokenizer_config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            config = {}
        template = config.get("chat_template")
        if isinstance(template, list):  # some models ship named templates; "default" is the chat one
            template = next((t["template"] for t in template if t.get("name") == "default"), None)
        if template is None and (Path(model_dir) / "chat_template.jinja").is_file():
            template = (Path(model_dir) / "chat_template.jinja").read_text(encoding="utf-8")
        token = lambda key: config.get(key)["content"] if isinstance(config.get(key), dict) else (config.get(key) or "")  # noqa: E731
        return cls(template, token("bos_token"), token("eos_token"))

    def render(self, messages: list[dict], add_generation_prompt: bool = True) -> str:
        if not self.template:
            return self._plain(messages, add_generation_prompt)
        try:
            compiled = _environment().from_string(self.template)
            return compiled.render(messages=messages, add_generation_prompt=add_generation_prompt,
                                   bos_token=self.bos_token, eos_token=self.eos_token)
        except TemplateError as exc:
            raise ModelError(f"The model's chat template failed: {exc}.") from exc

    @staticmethod
    def _plain(messages: list[dict], add_generation_prompt: bool) -> str:
        """For base models: a transcript they can continue."""
        lines = [f"{m['role'].capitalize()}: {m['content']}" for m in messages]
        if add_generation_prompt:
            lines.append("Assistant:")
        return "\n".join(lines)
