"""The default build against llama.cpp's own outputs (shared/reference), fed the reference ids.

How close can two implementations be? Both round every matrix product's activations to 8 bits,
and a rounding that flips on a last-bit difference changes a logit by a few hundredths, which the
next layers amplify: llama.cpp run over the same tokens in one batch instead of one at a time
(its own kernels, only summation orders differ) moves its top-10 logits by 0.24 on average and
up to 0.84, and agrees with its own greedy continuations for 48 tokens on 2 of the 10 SmolLM2
prompts, for 16 tokens on 7 (Gemma 3: 0 of 4 for 32 tokens). Identical text for 48 tokens on 9
of 10 prompts would need llama.cpp's arithmetic bit for bit; these tests hold this engine to
what llama.cpp itself keeps across evaluation orders, with the thresholds set from measurements
(bench/slm.py prints the same figures against llama.cpp run live).
"""

from __future__ import annotations

import numpy as np
import pytest

from models.slm.api import GenerationConfig


def greedy(engine, prompt_ids, count):
    return list(engine.generate(prompt_ids, GenerationConfig(max_new_tokens=count, ignore_eos=True)))[-1].ids


def teacher_forced_argmax(engine, prompt_ids, continuation):
    """The engine's top token at each position of llama.cpp's continuation, decoding one at a time."""
    cache = engine.new_cache(len(prompt_ids) + len(continuation))
    picks = [int(np.argmax(engine.prefill(cache, prompt_ids)))]
    for token in continuation[:-1]:
        picks.append(int(np.argmax(cache.run([token]))))
    return picks


@pytest.mark.parametrize("model, minimum", [("smollm", 0.96), ("gemma", 0.95), ("qwen", 0.975)])
def test_next_token_agrees_with_llama_cpp_along_its_continuations(model, minimum, request):
    """Fed llama.cpp's greedy continuations, the engine picks llama.cpp's token at >= 96% (Gemma:
    95%, Qwen2.5-Coder-0.5B: 97.5%) of the 480 (128, 480) positions (measured: 97.7%, 96.9% and
    99.4%, Qwen built with int8 activations as its catalog entry says); llama.cpp batched agrees
    with itself at 97.5% (96.1%; for Qwen 99.4-99.8%, but its bar stays the higher of the other
    two, which every CPU here has met)."""
    engine = request.getfixturevalue(model)
    reference = request.getfixturevalue(f"{model}_reference")
    agree = total = 0
    for case in reference["greedy"]:
        picks = teacher_forced_argmax(engine, case["prompt_ids"], case["gen_ids"])
        agree += sum(a == b for a, b in zip(picks, case["gen_ids"], strict=True))
        total += len(case["gen_ids"])
    assert agree / total >= minimum, f"{agree}/{total}"


@pytest.mark.parametrize("model, tokens, first16", [("smollm", 48, 6), ("gemma", 32, 1)])
def test_greedy_continuations_follow_llama_cpp(model, tokens, first16, request):
    """Free-running greedy decoding repeats llama.cpp's first 16 tokens on most prompts (measured
    here: 7 of 10 for SmolLM2, as many as llama.cpp's own batched evaluation, and 2 of 4 for
    Gemma 3, whose batched evaluation gets 3; one less is allowed for CPUs whose kernels round
    differently: which prompts keep their 16 tokens is decided by last-bit noise, and the
    teacher-forced test above is the steady measure). Qwen2.5-Coder-0.5B, measured once: 10 of
    10, and 7 of 10 for all 48 tokens; not repeated here, where its 480 decoding steps would only
    restate the teacher-forced test at the cost of a minute of the suite."""
    engine = request.getfixturevalue(model)
    reference = request.getfixturevalue(f"{model}_reference")
    runs = [greedy(engine, case["prompt_ids"], tokens) for case in reference["greedy"]]
    assert all(len(ids) == tokens for ids in runs)
    same16 = sum(ids[:16] == case["gen_ids"][:16] for ids, case in zip(runs, reference["greedy"], strict=True))
    assert same16 >= first16


@pytest.mark.parametrize("model", ["smollm", "gemma", "qwen"])
def test_logits_agree_with_llama_cpp(model, request):
    """The issue's bar: the same top-1 wherever llama.cpp's top-1 leads its top-2 by more than 0.25,
    and each of llama.cpp's top-10 logits matched within 0.5 (measured here: at most 0.42 for
    SmolLM2, 0.48 for Gemma 3, 0.21 for Qwen2.5-Coder-0.5B). The builder's default keeps the down
    projections' inputs in float for this: with int8 there too, single logits land up to 1.06
    away (SmolLM2: 0.55), as llama.cpp's own batched evaluation does (0.84); Qwen's catalog entry
    takes int8 everywhere, which keeps its logits as close (0.21 against 0.31)."""
    engine = request.getfixturevalue(model)
    errors = []
    for case in request.getfixturevalue(f"{model}_reference")["logits"]:
        logits = engine.last_logits(case["prompt_ids"])
        top = case["top10"]
        if top[0][1] - top[1][1] > 0.25:
            assert int(np.argmax(logits)) == top[0][0]
        errors.append(max(abs(float(logits[token]) - value) for token, value in top))
    assert max(errors) < 0.5, errors
