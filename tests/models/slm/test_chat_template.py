"""The model's own chat template, rendered in a sandbox exactly as it defines."""

from __future__ import annotations

import pytest

from models.errors import ModelError
from models.slm.chat_template import ChatTemplate

SMOLLM_SYSTEM = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"


def test_smollm_adds_its_default_system_line(smollm):
    """Without a system message SmolLM2's template adds its own, then the generation prompt."""
    rendered = smollm.render_chat([{"role": "user", "content": "Hi"}])
    assert rendered == SMOLLM_SYSTEM + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"


def test_smollm_keeps_a_given_system_message(smollm):
    """A system message replaces the default; no generation prompt when not asked."""
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello."}]
    assert smollm.render_chat(messages, add_generation_prompt=False) == (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        "<|im_start|>assistant\nHello.<|im_end|>\n")


def test_base_model_without_template_gets_a_plain_transcript(gemma):
    """Gemma 3 270M (a base model) has no template: a role-prefixed transcript to continue."""
    assert gemma.render_chat([{"role": "user", "content": "Hi"}]) == "User: Hi\nAssistant:"


def test_templates_run_sandboxed():
    """A template cannot reach Python internals: it fails with a clear model error."""
    hostile = ChatTemplate("{{ messages.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(ModelError, match="chat template failed"):
        hostile.render([{"role": "user", "content": "x"}])


def test_raise_exception_is_available_to_templates():
    """Templates that reject bad input with raise_exception report it as a model error."""
    strict = ChatTemplate("{% if messages[0]['role'] != 'user' %}{{ raise_exception('user first') }}{% endif %}ok")
    assert strict.render([{"role": "user", "content": "x"}]) == "ok"
    with pytest.raises(ModelError, match="user first"):
        strict.render([{"role": "assistant", "content": "x"}])
