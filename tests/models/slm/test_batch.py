"""Several sequences over one shared prompt prefix, decoded in one batch (models/slm/batch.py),
on the real Qwen2.5-Coder-0.5B.

What "the same tokens as single runs" can mean here: a decoding step over three rows runs
MatMulNBits with M=3 where a single run has M=1, and with int8 activations onnxruntime takes a
different kernel for each; the same row's logits then differ by up to 0.29 (measured on this
model; 3e-5 with float activations). That is the size of llama.cpp's own batched-vs-one-at-a-time
differences, so greedy texts part at near-ties exactly as they do there. The tests hold the batch
to what is exact (a batch of one, rows within a batch, the shared prefix), to the single run's
own choice wherever that choice is not a near-tie, and to llama.cpp as tightly as single decoding.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from models.slm.api import BatchDelta, BatchResult, GenerationConfig
from models.slm.batch import BatchKvCache

KERNEL_SPREAD = 0.3  # largest measured M=3 vs M=1 logit difference, rounded up


@pytest.fixture(scope="module")
def chat(qwen):
    prefix = qwen.render_chat(
        [
            {"role": "system", "content": "You write short replies."},
            {
                "role": "user",
                "content": "Anna: can we move the launch to Tuesday?\nBen: the payment API is still "
                "blocked.\nWrite a reply to this chat.",
            },
        ]
    )
    suffixes = [qwen.tokenizer.encode("Sure"), qwen.tokenizer.encode("I think"), []]
    return qwen.prompt_ids(prefix), suffixes


def run_batch(engine, prefix, suffixes, config, cancel=None):
    events = list(engine.generate_batch(prefix, suffixes, config, cancel))
    assert isinstance(events[-1], BatchResult) and not any(isinstance(e, BatchResult) for e in events[:-1])
    return events[:-1], events[-1].results


def test_a_batch_of_one_is_exactly_a_single_run(qwen, chat):
    """One row over the prefix and its suffix computes exactly what generate() computes."""
    prefix, suffixes = chat
    config = GenerationConfig(max_new_tokens=24)
    single = list(qwen.generate(prefix + suffixes[1], config))[-1]
    _events, (result,) = run_batch(qwen, prefix, [suffixes[1]], config)
    assert result.ids == single.ids and result.text == single.text


def test_three_rows_follow_what_single_runs_choose(qwen, chat):
    """A batch of three (different suffixes and lengths) against three single runs fed each row's
    own tokens: the single run picks the row's token at every position where its own choice is not
    a near-tie (its top two within KERNEL_SPREAD), and the streamed text is each row's text.
    (Measured here over 32 tokens: greedy identical to the single runs on 2 of 3 rows; the third
    parted at a 0.016 tie.)"""
    prefix, suffixes = chat
    events, results = run_batch(qwen, prefix, suffixes, GenerationConfig(max_new_tokens=32))
    for row, (suffix, result) in enumerate(zip(suffixes, results, strict=True)):
        assert "".join(e.text for e in events if isinstance(e, BatchDelta) and e.index == row) == result.text
        assert result.prompt_ids == prefix + suffix and len(result.ids) >= 8
        cache = qwen.new_cache(len(result.prompt_ids) + len(result.ids))
        logits = qwen.prefill(cache, result.prompt_ids).copy()
        for position, token in enumerate(result.ids):
            best = int(np.argmax(logits))
            assert best == token or logits[best] - logits[token] < KERNEL_SPREAD, (row, position)
            logits = cache.run([token]).copy()


def test_rows_with_the_same_prompt_are_identical_and_share_the_prefix(qwen, chat):
    """Rows over the same suffix give the same tokens (one step computes every row alike), and
    every row's cached prefix is row 0's, copied."""
    prefix, suffixes = chat
    _events, results = run_batch(qwen, prefix, [suffixes[1]] * 3, GenerationConfig(max_new_tokens=16))
    assert results[0].ids == results[1].ids == results[2].ids
    cache = BatchKvCache(qwen.session, qwen.config, qwen.io, 3, len(prefix) + 8)
    cache.run_row(0, prefix)
    cache.copy_row(0, [1, 2])
    for array in cache.arrays:
        assert np.array_equal(array[1, :, : len(prefix)], array[0, :, : len(prefix)])
        assert np.array_equal(array[2, :, : len(prefix)], array[0, :, : len(prefix)])


@pytest.mark.timeout(600)  # 480 teacher-forced steps of three rows: 4 minutes on two busy cores
def test_batched_decoding_agrees_with_llama_cpp_as_single_decoding_does(qwen, qwen_reference):
    """Teacher-forced along llama.cpp's continuations with three rows a step, the picks agree
    with llama.cpp at >= 97.5% of the 480 positions, the bar of single decoding (measured: 99.2%,
    the same 476 of 480 as single decoding)."""
    agree = total = 0
    for case in qwen_reference["greedy"]:
        prompt, continuation = case["prompt_ids"], case["gen_ids"]
        cache = BatchKvCache(qwen.session, qwen.config, qwen.io, 3, len(prompt) + len(continuation))
        picks = [int(np.argmax(cache.run_row(0, prompt)))]
        cache.copy_row(0, [1, 2])
        for token in continuation[:-1]:
            picks.append(int(np.argmax(cache.run_all([token] * 3)[0])))
        agree += sum(a == b for a, b in zip(picks, continuation, strict=True))
        total += len(continuation)
    assert agree / total >= 0.975, f"{agree}/{total}"


def test_rows_stop_on_their_own_and_cancel_stops_all(qwen, chat):
    """A row that reaches its end of turn stops while the others go on; a cancel ends every
    row between steps, each marked cancelled."""
    prefix, suffixes = chat
    _events, results = run_batch(qwen, prefix, suffixes, GenerationConfig(max_new_tokens=64))
    assert {r.stop_reason for r in results} <= {"eos", "max_new_tokens"} and "eos" in {r.stop_reason for r in results}
    cancel = threading.Event()
    stream = qwen.generate_batch(prefix, suffixes, GenerationConfig(max_new_tokens=200), cancel)
    for event in stream:
        if isinstance(event, BatchDelta):
            cancel.set()
        if isinstance(event, BatchResult):
            assert all(r.stop_reason == "cancelled" for r in event.results)
            assert max(len(r.ids) for r in event.results) <= 3


def test_a_batch_that_does_not_fit_is_refused_before_it_starts(qwen, chat):
    """The longest row decides whether the batch fits the context."""
    from models.errors import ContextOverflowError

    prefix, suffixes = chat
    with pytest.raises(ContextOverflowError):
        qwen.generate_batch(prefix, [suffixes[0], [13] * qwen.context_length])
