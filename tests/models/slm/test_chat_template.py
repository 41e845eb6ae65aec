"""The model's own chat template, rendered in a sandbox exactly as the template defines it."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from models.errors import ModelError
from models.slm.chat_template import ChatTemplate
from models.slm.tokenizer import load_tokenizer

SMOLLM_SYSTEM = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"


@pytest.fixture(scope="module")
def smollm_template(tokenizer_dir):
    return ChatTemplate.from_model_dir(tokenizer_dir("smollm"))


def test_smollm_adds_its_default_system_line(smollm_template):
    """Without a system message SmolLM2's template adds its own, then the generation prompt."""
    rendered = smollm_template.render([{"role": "user", "content": "Hi"}])
    assert rendered == SMOLLM_SYSTEM + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"


def test_smollm_keeps_a_given_system_message(smollm_template):
    """A system message replaces the default; no generation prompt when not asked."""
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello."},
    ]
    assert smollm_template.render(messages, add_generation_prompt=False) == (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        "<|im_start|>assistant\nHello.<|im_end|>\n"
    )


def test_smollm_chat_renders_the_reference_prompts(smollm_template, smollm_reference, tokenizer_dir):
    """With the reference's system line, rendering a question gives llama.cpp's prompt string
    exactly, and so its prompt ids."""
    tokenizer = load_tokenizer(tokenizer_dir("smollm"))
    for case in smollm_reference["greedy"][:3]:
        messages = [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": case["question"]},
        ]
        rendered = smollm_template.render(messages)
        assert rendered == smollm_reference["template"].replace("{question}", case["question"])
        assert tokenizer.encode(rendered) == case["prompt_ids"]


QWEN_SYSTEM = "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"


def test_qwen_chatml_from_its_gguf_adds_its_default_system_line(tokenizer_dir):
    """Qwen2.5's template (the GGUF's own, with branches for tools) renders ChatML in the sandbox,
    with its default system line when none is given and the given one otherwise."""
    qwen = ChatTemplate.from_model_dir(tokenizer_dir("qwen"))
    assert qwen.render([{"role": "user", "content": "Hi"}]) == (
        QWEN_SYSTEM + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    )
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello."},
    ]
    assert qwen.render(messages, add_generation_prompt=False) == (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        "<|im_start|>assistant\nHello.<|im_end|>\n"
    )


def test_qwen_chat_renders_the_reference_prompts(qwen_reference, tokenizer_dir):
    """With the reference's system line, every question renders to llama.cpp's prompt ids."""
    qwen = ChatTemplate.from_model_dir(tokenizer_dir("qwen"))
    tokenizer = load_tokenizer(tokenizer_dir("qwen"))
    for case in qwen_reference["greedy"]:
        messages = [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": case["question"]},
        ]
        assert tokenizer.encode(qwen.render(messages)) == case["prompt_ids"], case["question"]


def test_base_model_without_template_gets_a_plain_transcript(tokenizer_dir):
    """Gemma 3 270M (a base model) has no template: a role-prefixed transcript to continue."""
    gemma = ChatTemplate.from_model_dir(tokenizer_dir("gemma"))
    assert gemma.template is None
    assert gemma.render([{"role": "user", "content": "Hi"}]) == "User: Hi\nAssistant:"
    messages = [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
    ]
    assert gemma.render(messages, add_generation_prompt=False) == "System: Be kind.\nUser: Hi\nAssistant: Hello!"


def test_helpers_behave_as_in_transformers():
    """tojson keeps non-ASCII text, loop controls work, special tokens are variables, and
    strftime_now gives the local date, as transformers' apply_chat_template provides them."""
    template = ChatTemplate(
        "{{ bos_token }}{% for m in messages %}{% if m.role == 'skip' %}{% continue %}{% endif %}"
        "{{ m | tojson }}{% if loop.index == 3 %}{% break %}{% endif %}{% endfor %}"
        "|{{ strftime_now('%Y') }}{{ eos_token }}",
        bos_token="<s>",
        eos_token="</s>",
    )
    messages = [
        {"role": "user", "content": "Café ☕"},
        {"role": "skip", "content": "x"},
        {"role": "assistant", "content": "Oui"},
        {"role": "user", "content": "never"},
    ]
    expected = (
        f'<s>{{"role": "user", "content": "Café ☕"}}{{"role": "assistant", "content": "Oui"}}|{datetime.now():%Y}</s>'
    )
    assert template.render(messages) == expected


def test_trim_and_lstrip_blocks_as_in_transformers():
    """Block tags eat their line's newline and leading indentation, so multi-line templates
    render without stray whitespace."""
    template = ChatTemplate(
        "{% for m in messages %}\n    {% if m.role == 'user' %}\n[{{ m.content }}]\n    {% endif %}\n{% endfor %}"
    )
    assert template.render([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]) == "[a]\n[b]\n"


def test_only_the_models_own_special_tokens_are_defined():
    """A token the model lacks is undefined (not an empty string), as in transformers."""
    template = ChatTemplate(
        "{% if sep_token is defined %}sep{% endif %}{% if bos_token is defined %}bos{% endif %}", bos_token="<s>"
    )
    assert template.render([]) == "bos"


def test_templates_from_folders_written_elsewhere(tmp_path):
    """A list of named templates (the "default" one is the chat template), tokens written as
    {"content": ...}, and a separate chat_template.jinja are all read."""
    (tmp_path / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "chat_template": [
                    {"name": "tool_use", "template": "tools"},
                    {"name": "default", "template": "{{ bos_token }}chat"},
                ],
                "bos_token": {"__type": "AddedToken", "content": "<s>"},
            }
        )
    )
    assert ChatTemplate.from_model_dir(tmp_path).render([]) == "<s>chat"
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"eos_token": "</s>"}))
    (tmp_path / "chat_template.jinja").write_text("{{ messages[0].content }}{{ eos_token }}")
    assert ChatTemplate.from_model_dir(tmp_path).render([{"role": "user", "content": "x"}]) == "x</s>"


def test_templates_run_sandboxed():
    """A template cannot reach Python internals: it fails with a clear model error."""
    hostile = ChatTemplate("{{ messages.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(ModelError, match="chat template failed"):
        hostile.render([{"role": "user", "content": "x"}])
    mutating = ChatTemplate("{{ messages.append({'role': 'user'}) }}")
    with pytest.raises(ModelError, match="chat template failed"):
        mutating.render([{"role": "user", "content": "x"}])


def test_raise_exception_is_available_to_templates():
    """Templates that reject bad input with raise_exception report it as a model error."""
    strict = ChatTemplate("{% if messages[0]['role'] != 'user' %}{{ raise_exception('user first') }}{% endif %}ok")
    assert strict.render([{"role": "user", "content": "x"}]) == "ok"
    with pytest.raises(ModelError, match="user first"):
        strict.render([{"role": "assistant", "content": "x"}])


def test_a_broken_template_is_a_clear_error():
    """A template that is not valid Jinja, or fails on the messages, is a model error, not a crash."""
    with pytest.raises(ModelError, match="not valid Jinja"):
        ChatTemplate("{% for m in messages %}").render([])
    with pytest.raises(ModelError, match="chat template failed"):
        ChatTemplate("{{ messages[0]['content'] + 1 }}").render([{"role": "user", "content": "x"}])
