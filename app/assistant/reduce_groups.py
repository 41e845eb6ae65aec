"""Notes too long for one overview prompt: grouped for rounds of merging (the reduce step)."""

from __future__ import annotations


def bullets(texts: list[str]) -> str:
    return "\n".join(f"- {t}" for t in texts)


def groups(texts: list[str], budget: int, count_tokens) -> list[list[str]]:
    """Consecutive notes in groups whose bullets fit the budget, of about equal size."""
    total = count_tokens(bullets(texts))
    count = max(2, -(-total // budget))
    size = max(1, -(-len(texts) // count))
    groups = [texts[i : i + size] for i in range(0, len(texts), size)]
    out = []
    for group in groups:
        while len(group) > 1 and count_tokens(bullets(group)) > budget:
            out.append(group[: len(group) // 2])
            group = group[len(group) // 2 :]
        out.append(group)
    return out


def spread(texts: list[str], budget: int, count_tokens) -> list[str]:
    """An even selection across the meeting that fits the budget (the last resort of reduce)."""
    keep = list(texts)
    while len(keep) > 1 and count_tokens(bullets(keep)) > budget:
        keep = keep[::2]
    if count_tokens(bullets(keep)) > budget:
        words = keep[0].split()
        while len(words) > 4 and count_tokens(bullets([" ".join(words)])) > budget:
            words = words[: len(words) * 3 // 4]
        keep = [" ".join(words)]
    return keep
