"""The three reply drafts from the real SmolLM2 engine, decoded as one batch over their shared
prompt (models/slm/batch.py), observed inside the engine."""

from __future__ import annotations

from app.assistant.conversation_parse import parse_conversation
from app.assistant.replies import ReplyTask, run_replies
from app.assistant.text_tools import similarity, words

# Ten turns; the last message asks three questions (the time, the shoes, brunch).
CLIMBING_CHAT = """\
Jonas: Hey! Are you still up for climbing this week?
Mira: Definitely, I need it after this week at work.
Jonas: Same. I was thinking of trying the new gym on Harbour Street, Boulderwerk.
Mira: Oh nice, I heard they have a huge bouldering area.
Jonas: Yes, and a day pass is 14 euros, or 10 before noon.
Mira: Morning works for me, I'm off on Saturday.
Jonas: Cool. My sister Lena might come too, she's a beginner.
Mira: The more the merrier, I can show her the easy routes.
Jonas: She'll be happy. She doesn't have climbing shoes yet though.
Jonas: So: can you do Saturday at 9? Do you still have your old pair of shoes she could borrow? \
And should we get brunch after, or do you have plans?
"""


def test_three_distinct_drafts_from_one_batched_decode(smollm, monkeypatch):
    """The climbing chat: three distinct, non-empty drafts, all the model's own; the engine was
    asked for batches only (no single generation), and inside each batch the shared prompt was
    prefilled once (row 0 of the batch's KV cache) while the other rows prefilled only their
    few opening tokens."""
    from models.slm import batch as batch_module

    fed: list[tuple[int, int]] = []  # (row, tokens) of every prefill piece of a batch
    batches: list[tuple[int, list[int]]] = []  # (prefix tokens, suffix tokens per row)
    singles: list[str] = []
    run_row = batch_module.BatchKvCache.run_row

    def spy_run_row(cache, row, ids):
        fed.append((row, len(ids)))
        return run_row(cache, row, ids)

    def spy_batch(prefix, suffixes, config, cancel=None):
        batches.append((len(smollm.prompt_ids(prefix)), [len(smollm.tokenizer.encode(s)) for s in suffixes]))
        return type(smollm).generate_batch(smollm, prefix, suffixes, config, cancel)

    def spy_generate(prompt, config, cancel=None):
        singles.append(prompt)
        return type(smollm).generate(smollm, prompt, config, cancel)

    monkeypatch.setattr(batch_module.BatchKvCache, "run_row", spy_run_row)
    monkeypatch.setattr(smollm, "generate_batch", spy_batch, raising=False)
    monkeypatch.setattr(smollm, "generate", spy_generate)
    replies = run_replies(smollm, ReplyTask(parse_conversation(CLIMBING_CHAT, me="Mira")))

    texts = [d.text for d in replies.drafts]
    assert len(texts) == 3 and all(d.from_model for d in replies.drafts), texts
    assert all(len(words(t)) >= 3 for t in texts)
    assert all(similarity(a, b) < 0.5 for i, a in enumerate(texts) for b in texts[i + 1 :]), texts
    assert singles == [] and batches and all(len(suffixes) == 3 for _, suffixes in batches)
    prefix_tokens = {prefix for prefix, _ in batches}
    assert len(prefix_tokens) == 1 and prefix_tokens.pop() > 150  # one prompt (the ten turns)
    # Row 0 carries the shared prompt (and its own opening, in a round after the first).
    assert sum(n for row, n in fed if row == 0) == sum(prefix + suffixes[0] for prefix, suffixes in batches)
    assert sum(n for row, n in fed if row > 0) == sum(sum(suffixes[1:]) for _, suffixes in batches)
    assert all(n <= 8 for row, n in fed if row > 0)  # openings only, never the prompt again
