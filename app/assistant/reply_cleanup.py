"""Making a model's draft sendable as it is, or rejecting it ('' means: do not show this one)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.assistant.text_tools import similarity, split_sentences, words

LEADING_LABEL = re.compile(
    r"^\s*(?:\*\*)?(?:reply|response|answer|draft|message|suggestion|option|assistant|me|you)"
    r"(?:\s*\d+)?(?:\*\*)?\s*[:\-]\s*(?:\*\*)?",
    re.IGNORECASE,
)
NUMBERING = re.compile(r"^\s*(?:\d+[.)]|[-*\u2022])\s+")
PLACEHOLDER = re.compile(r"\[[^\]\n]{1,40}\]|\{[^}\n]{1,40}\}|<[^>\n]{1,40}>|_{3,}|\bX{2,}\b")
YOUR_NAME = re.compile(
    r"\[(?:your name|name|my name|sender)\]|\{(?:your_?name|name)\}|<(?:your name|name)>", re.IGNORECASE
)
AI_ASIDE = re.compile(
    r"\b(?:as an ai|chatbot|language model|i'm an ai|i am an ai|ai assistant|here(?:'s| is) (?:a |an |my |the |your )?"
    r"(?:possible |suggested |short |draft |sample )?(?:reply|response|message|draft)|i can(?:'t| not) (?:assist|help) "
    r"with that|you could (?:say|reply|respond)|happy to help you with that)\b",
    re.IGNORECASE,
)
QUOTE_LINE = re.compile(r"^\s*>|^\s*On .+ wrote:\s*$", re.IGNORECASE)
COPY = 0.7


def clean_draft(
    text: str,
    *,
    me: str,
    others: Sequence[str],
    thread: Sequence[str],
    limits: tuple[int, int],
    truncated: bool = False,
) -> str:
    low, high = limits
    text = text.replace("\r", "").replace("<|im_end|>", "").strip()
    lines = [line for line in text.split("\n") if not QUOTE_LINE.match(line)]
    text = "\n".join(lines).strip()
    if "\n\n" in text and high <= 40:
        text = text.split("\n\n")[0]
    for name in [*others, me]:
        cut = re.search(rf"(?:^|\n)\s*{re.escape(name)}\s*:", text)
        if cut and cut.start() > 0:
            text = text[: cut.start()]
    for _ in range(3):  # "Reply 1: Me: ..." has more than one label
        before = text
        text = NUMBERING.sub("", LEADING_LABEL.sub("", text)).strip()
        text = re.sub(rf"^\s*{re.escape(me)}\s*:\s*", "", text)
        if text == before:
            break
    text = text.strip().strip("\"'\u201c\u201d").strip()
    if YOUR_NAME.search(text):
        real_name = me and me.lower() not in {"me", "you", "i"}
        text = YOUR_NAME.sub(me if real_name else "", text)
        text = re.sub(r"[ \t]+\n", "\n", text).strip(" ,\n")
    if PLACEHOLDER.search(text) or AI_ASIDE.search(text):
        return ""
    if any(similarity(text, turn) >= COPY or (len(text) > 20 and text.lower() in turn.lower()) for turn in thread):
        return ""
    text = _fit_length(text, high, truncated)
    n = len(words(text))
    if n < low:
        return ""
    return text


def _fit_length(text: str, high: int, truncated: bool) -> str:
    """At most `high` words, ending at the end of a sentence when one ends in time."""
    sentences = split_sentences(text.replace("\n", " \n "))
    out = ""
    for sentence in sentences:
        candidate = f"{out} {sentence}".strip() if out else sentence
        if len(words(candidate)) > high:
            break
        out = candidate
    if not out:
        cut = text.split()[:high]
        out = " ".join(cut)
        comma = out.rfind(",")
        if comma > len(out) // 2:
            out = out[:comma]
        out = out.rstrip(",;:- ") + "."
    out = re.sub(r" ?\n ?", "\n", out).strip()
    last = out.rstrip()[-1:] if out else ""
    if truncated and last and last not in ".!?)\u2026" and not _ends_with_emoji(out):
        # The model stopped mid-sentence (token limit): drop the unfinished tail when enough is left.
        complete = re.match(r"^(.*[.!?])\s", out + " ", re.DOTALL)
        if complete and len(words(complete.group(1))) >= 3:
            out = complete.group(1)
    return out.strip()


def _ends_with_emoji(text: str) -> bool:
    return bool(text) and ord(text[-1]) > 0x2000
