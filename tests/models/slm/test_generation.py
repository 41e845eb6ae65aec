"""Generation: streaming, stopping, sampling, cancelling and the context limit."""

from __future__ import annotations

import threading

import pytest

import models.slm.engine as engine_module
from models.errors import ContextOverflowError
from models.slm.api import GenerationConfig, GenerationResult, TextDelta


def run(engine, prompt, **config):
    events = list(engine.generate(prompt, GenerationConfig(**config)))
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert isinstance(events[-1], GenerationResult) and all(isinstance(e, TextDelta) for e in events[:-1])
    return "".join(deltas), events[-1]


def chat(engine, text):
    return engine.render_chat([{"role": "user", "content": text}])


def test_streamed_deltas_add_up_to_the_text_and_never_split_characters(smollm):
    """Deltas concatenate to the final text, and none holds half a UTF-8 character."""
    streamed, result = run(smollm, chat(smollm, "Write three emoji and a French word with accents."), max_new_tokens=40)
    assert streamed == result.text
    assert "\ufffd" not in streamed


def test_stops_at_end_of_turn(smollm):
    """A chat answer ends at the model's end-of-turn token, which is not in the text."""
    _, result = run(smollm, chat(smollm, "Say hello."), max_new_tokens=200)
    assert result.stop_reason == "eos" and "<|im_end|>" not in result.text


def test_stop_strings_cut_the_text_before_them(smollm):
    """A stop string ends generation and neither it nor what follows is returned."""
    free, _ = run(smollm, chat(smollm, "Count from 1 to 20, separated by commas."), max_new_tokens=60)
    assert "5" in free
    streamed, result = run(
        smollm, chat(smollm, "Count from 1 to 20, separated by commas."), max_new_tokens=60, stop_strings=("5",)
    )
    assert result.stop_reason == "stop_string" and "5" not in result.text and streamed == result.text
    assert free.startswith(result.text)


def test_sampling_is_reproducible_with_a_seed(smollm):
    """The same seed gives the same sampled text; another seed (usually) another."""
    prompt = chat(smollm, "Give me a name for a cat.")
    first = run(smollm, prompt, max_new_tokens=20, temperature=1.0, top_p=0.95, seed=7)[1].ids
    again = run(smollm, prompt, max_new_tokens=20, temperature=1.0, top_p=0.95, seed=7)[1].ids
    assert first == again


def test_no_repeat_ngram_blocks_loops(smollm):
    """With n-gram blocking no 3-gram of generated tokens occurs twice."""
    _, result = run(smollm, "la la la la la la la la", max_new_tokens=40, ignore_eos=True, no_repeat_ngram_size=3)
    grams = [tuple(result.ids[i : i + 3]) for i in range(len(result.ids) - 2)]
    assert len(grams) == len(set(grams))


def test_cancel_stops_between_tokens(smollm):
    """Setting the cancel token ends generation at the next token with reason 'cancelled'."""
    cancel = threading.Event()
    events = smollm.generate(
        chat(smollm, "Tell me a long story."), GenerationConfig(max_new_tokens=200, ignore_eos=True), cancel
    )
    seen = 0
    for event in events:
        if isinstance(event, TextDelta):
            seen += 1
            if seen == 3:
                cancel.set()
        else:
            result = event
    assert result.stop_reason == "cancelled" and len(result.ids) < 10


def test_prefill_in_pieces_gives_the_same_logits(smollm, monkeypatch):
    """A long prompt prefilled in pieces (with a cancel check between) matches a single piece."""
    ids = smollm.prompt_ids("The meeting notes: " + "we agreed to ship the release on Friday. " * 40)
    assert len(ids) > 300
    whole = smollm.last_logits(ids)
    monkeypatch.setattr(engine_module, "PREFILL_PIECE", 64)
    pieces = smollm.last_logits(ids)
    assert abs(whole - pieces).max() < 1e-2
    assert whole.argmax() == pieces.argmax()


def test_a_prompt_longer_than_the_context_is_a_clear_error(smollm):
    """A prompt that cannot fit raises ContextOverflowError, with a sentence for the user, as soon as
    generate is called."""
    with pytest.raises(ContextOverflowError, match="context holds 8192"):
        smollm.generate(list(range(100, 100 + 8200)))


def test_the_kv_buffer_is_sized_per_request(smollm, monkeypatch):
    """The cache holds prompt + max_new_tokens rounded up to 256 (the context's end is tested on a
    small model in test_foreign_folder.py)."""
    sizes = []
    real = smollm.new_cache
    monkeypatch.setattr(smollm, "new_cache", lambda capacity: sizes.append(capacity) or real(capacity))
    run(smollm, list(range(1000, 1040)), max_new_tokens=8, ignore_eos=True)
    run(smollm, list(range(1000, 1040)), max_new_tokens=300, ignore_eos=True)
    assert sizes == [256, 512]


def test_streaming_never_splits_a_character(smollm):
    """Byte-level tokens that each carry half of "é" give one delta with the whole character."""
    from tokenizers import Tokenizer

    from models.slm.streaming import TextStream

    vocabulary = Tokenizer.from_file(str(smollm.model_dir / "tokenizer.json"))
    byte_ids = [vocabulary.token_to_id(piece) for piece in ("Ã", "©")]  # byte-level names of bytes C3 and A9
    assert None not in byte_ids
    stream = TextStream(smollm.tokenizer)
    hello = smollm.tokenizer.encode("Caf")
    generated, deltas = [], []
    for token in hello + byte_ids:
        generated.append(token)
        deltas.append(stream.push(generated)[0])
    assert deltas[-2] == "" and "".join(deltas) == "Café" and stream.finish() == ""


def test_top_k_one_is_greedy_and_repetition_penalty_breaks_loops(smollm):
    """Sampling restricted to the top token picks what greedy picks, whatever the seed; a
    repetition penalty makes a looping continuation repeat itself less."""
    prompt = "la la la la la la la la"
    greedy = run(smollm, prompt, max_new_tokens=20, ignore_eos=True)[1].ids
    sampled = run(smollm, prompt, max_new_tokens=20, ignore_eos=True, temperature=0.8, top_k=1, seed=3)[1].ids
    penalised = run(smollm, prompt, max_new_tokens=20, ignore_eos=True, repetition_penalty=1.5)[1].ids
    assert sampled == greedy
    assert len(set(penalised)) > len(set(greedy))
