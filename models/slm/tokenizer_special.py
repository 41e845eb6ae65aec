"""Which vocabulary entries llama.cpp matches as whole tokens before tokenizing, and which end
a generation.

llama.cpp cuts the text at every control, user-defined and unknown token before the BPE or
SentencePiece step; without special-token parsing it skips the control and unknown ones, so
user-defined tokens (Gemma's runs of newlines, for example) always match. In `tokenizers` terms:
control and unknown tokens are special added tokens, user-defined ones plain added tokens, all
matched on the raw text. llama.cpp also treats a few well-known texts as control tokens whatever
their type says, and stops generating at them.
"""

from __future__ import annotations

from tokenizers import AddedToken

from models.slm.tokenizer_gguf import CONTROL, UNKNOWN, USER_DEFINED, GGUFVocab

# Texts that llama.cpp (llama_vocab::impl::load) recognises whatever type the GGUF gives them:
# end-of-generation tokens and fill-in-the-middle markers become control tokens, and generation
# stops at every end-of-generation token and at the fill-in pad, repository and file markers.
END_OF_GENERATION_TEXTS = frozenset(
    {
        "<|eot_id|>",
        "<|im_end|>",
        "<|end|>",
        "<|return|>",
        "<|call|>",
        "<|flush|>",
        "<|calls|>",
        "<end_of_turn>",
        "<|endoftext|>",
        "</s>",
        "<|eom_id|>",
        "<EOT>",
        "_<EOT>",
        "[EOT]",
        "[EOS]",
        "<|end_of_text|>",
        "<end_of_utterance>",
        "<eos>",
        "<turn|>",
        "<|tool_response>",
        "<\uff5cend\u2581of\u2581sentence\uff5c>",
        "[e~[",
    }
)
FILL_IN_STOP_TEXTS = frozenset(
    {
        "<|fim_pad|>",
        "<fim-pad>",
        "<fim_pad>",
        "<PAD>",
        "[PAD]",  # padding
        "<|fim_repo|>",
        "<|repo_name|>",
        "<fim-repo>",
        "<REPO>",
        "<reponame>",  # repository name
        "<|file_sep|>",  # file separator
    }
)
FILL_IN_TEXTS = FILL_IN_STOP_TEXTS | {
    "<|fim_prefix|>",
    "<fim-prefix>",
    "<fim_prefix>",
    "<\uff5cfim\u2581begin\uff5c>",
    "<PRE>",
    "\u2581<PRE>",
    "<|code_prefix|>",
    "<|prefix|>",
    "<|fim_suffix|>",
    "<fim-suffix>",
    "<fim_suffix>",
    "<\uff5cfim\u2581hole\uff5c>",
    "<SUF>",
    "\u2581<SUF>",
    "<|code_suffix|>",
    "<|suffix|>",
    "<|fim_middle|>",
    "<fim-middle>",
    "<fim_middle>",
    "<\uff5cfim\u2581end\uff5c>",
    "<MID>",
    "\u2581<MID>",
    "<|code_middle|>",
    "<|middle|>",
}
# gpt-oss markers llama.cpp always treats as plain user-defined tokens
ALWAYS_USER_DEFINED_TEXTS = frozenset({"<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"})


def effective_types(vocab: GGUFVocab) -> list[int]:
    """Token types as llama.cpp uses them, after its overrides by text."""
    types = list(vocab.token_types)
    for index, text in enumerate(vocab.tokens):
        if text in ALWAYS_USER_DEFINED_TEXTS:
            types[index] = USER_DEFINED
        elif text in END_OF_GENERATION_TEXTS or text in FILL_IN_TEXTS:
            types[index] = CONTROL
    return types


def is_special(kind: int) -> bool:
    return kind in (CONTROL, UNKNOWN)


def added_tokens(vocab: GGUFVocab) -> list[AddedToken]:
    added = []
    for text, kind in zip(vocab.tokens, effective_types(vocab), strict=True):
        if is_special(kind) or kind == USER_DEFINED:
            added.append(AddedToken(text, special=is_special(kind), normalized=False))
    return added


def end_of_generation_ids(vocab: GGUFVocab) -> list[int]:
    """The ids at which llama.cpp stops generating: EOS first, then the GGUF's end-of-turn ids,
    then the tokens llama.cpp recognises by their text."""
    ids = [vocab.eos_id] if vocab.eos_id is not None else []
    ids += [index for index in vocab.end_of_turn_ids if index not in ids]
    for index, text in enumerate(vocab.tokens):
        if (text in END_OF_GENERATION_TEXTS or text in FILL_IN_STOP_TEXTS) and index not in ids:
            ids.append(index)
    return ids
