"""What a decoder model's GGUF metadata may say before Confide builds anything from it.

The builder sizes arrays from these numbers (a rotary table of context_length rows, a graph of
block_count layers, heads of embedding_length / head_count values), so a crafted value would
become a huge allocation, a ZeroDivisionError or a graph that cannot run. Each one is checked
against what a model of this kind can have and what the runtime supports, and refused in one
sentence that names the entry.
"""

from __future__ import annotations

from models.errors import ModelError
from models.gguf_file import GGUFFile

# The architectures the builder converts (builder/architectures.py; a test keeps the two equal),
# named here so that the importer can check a file before importing the builder and ONNX.
DECODER_ARCHITECTURES = frozenset({"llama", "qwen2", "gemma3"})
MAX_LAYERS = 512
MAX_HIDDEN = 1 << 16
MAX_HEADS = 1024
MAX_HEAD_SIZE = 1 << 12
MAX_FEED_FORWARD = 1 << 18
MAX_VOCAB = 1 << 21
# The builder writes a rotary table of context_length rows into the graph: 131,072 rows of a
# head of 128 are 64 MB, and no model Confide can run on a CPU needs a longer context.
MAX_CONTEXT = 1 << 17


def check_decoder_metadata(gguf: GGUFFile, *, tensors: bool = True) -> None:
    """Raises a ModelError naming the first entry a runnable decoder cannot have; tensors=False
    leaves out the check of the embedding table against the metadata (for a first look before
    the builder has checked the tensor types)."""
    name = gguf.path.name
    arch = gguf.architecture  # a printable name, or a ModelError

    def optional(key: str, low: int, high: int) -> int | None:
        value = gguf.get(f"{arch}.{key}")
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise ModelError(f"{name} has {arch}.{key} = {_short(value)}, which is not a whole number.")
        if not low <= value <= high:
            raise ModelError(f"{name} has {arch}.{key} = {value}; a model Confide can run has {low} to {high}.")
        return value

    def whole(key: str, low: int, high: int) -> int:
        value = optional(key, low, high)
        if value is None:
            raise ModelError(f"{name} lacks the metadata entry {arch}.{key}; it is not a complete model file.")
        return value

    whole("block_count", 1, MAX_LAYERS)
    hidden = whole("embedding_length", 1, MAX_HIDDEN)
    heads = whole("attention.head_count", 1, MAX_HEADS)
    kv_heads = optional("attention.head_count_kv", 1, heads) or heads
    if heads % kv_heads:
        raise ModelError(
            f"{name} has {arch}.attention.head_count_kv = {kv_heads}, which does not divide "
            f"{arch}.attention.head_count = {heads}."
        )
    head_size = optional("attention.key_length", 2, MAX_HEAD_SIZE)
    if head_size is None:
        if hidden % heads:
            raise ModelError(
                f"{name} has {arch}.embedding_length = {hidden}, which is not divisible by "
                f"{arch}.attention.head_count = {heads}."
            )
        head_size = hidden // heads
    rotary = optional("rope.dimension_count", 2, head_size)
    if head_size % 2:
        raise ModelError(
            f"{name} has attention heads of {head_size} values (odd); rotary embeddings need an even number."
        )
    if rotary is not None and rotary % 2:
        raise ModelError(f"{name} has {arch}.rope.dimension_count = {rotary}; rotary embeddings need an even number.")
    optional("context_length", 1, MAX_CONTEXT)
    optional("feed_forward_length", 1, MAX_FEED_FORWARD)
    if not tensors:
        return
    embedding = gguf.tensor("token_embd.weight")
    if len(embedding.shape) != 2 or embedding.shape[0] != hidden or not 1 <= embedding.shape[1] <= MAX_VOCAB:
        raise ModelError(
            f"{name} has a token_embd.weight of shape {list(embedding.shape)}, which does not match "
            f"{arch}.embedding_length = {hidden}."
        )


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
