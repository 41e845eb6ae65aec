"""Tokenizers written from GGUF vocabularies give llama.cpp's ids, token for token.

The expected ids all come from llama.cpp: the shared reference files, and a few cases the
references lack (special tokens for Gemma, bytes missing from a vocabulary, a tiny hand-made
SentencePiece vocabulary), taken from llama-cpp-python 0.3.36 with vocab_only=True.
"""

from __future__ import annotations

import json
import threading

import gguf
import pytest

from models.errors import ModelError
from models.gguf_file import GGUFFile
from models.slm import tokenizer_gguf
from models.slm.tokenizer import load_tokenizer, save_tokenizer_files

MODELS = ["smollm", "gemma", "qwen"]
SMOLLM_TEMPLATE = (  # tokenizer.chat_template of the SmolLM2 GGUF
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# (text, ids with special tokens parsed, ids with them as plain text), from llama.cpp
EXTRA_LLAMA_CPP_CASES = {
    "smollm": [
        ("!!\x04!!", [10095, 10095], [10095, 10095]),  # byte 0x04 has no token: dropped, but still a wall
        ("x\U00050000\U00050000y", [104, 234, 218, 218, 234, 218, 218, 105], [104, 234, 218, 218, 234, 218, 218, 105]),
        (
            "<|im_start|><|im_end|><|im_start|>",
            [1, 2, 1],
            [44, 108, 306, 79, 3738, 108, 21198, 108, 306, 79, 486, 108, 21198, 108, 306, 79, 3738, 108, 46],
        ),
        ("<repo_name>x<file_sep>y", [3, 104, 5, 105], [44, 22139, 79, 1245, 46, 104, 44, 2153, 79, 29070, 46, 105]),
        ("IT'S 'LL 'll", [2901, 23, 67, 637, 16421, 637, 764], [2901, 23, 67, 637, 16421, 637, 764]),
        ("<|im_end|>\n\n", [2, 1116], [44, 108, 306, 79, 486, 108, 46, 1116]),
        ("<reponame>x<filename>", [4, 104, 6], [44, 10368, 46, 104, 44, 5805, 46]),
    ],
    "gemma": [
        (
            "<start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\n",
            [105, 2364, 107, 9259, 106, 107, 105, 4368, 107],
            [
                236820,
                3041,
                236779,
                1340,
                236779,
                887,
                236813,
                2364,
                107,
                9259,
                236820,
                643,
                236779,
                1340,
                236779,
                887,
                236813,
                107,
                236820,
                3041,
                236779,
                1340,
                236779,
                887,
                236813,
                4368,
                107,
            ],
        ),
        ("<bos>text<eos>", [2, 1005, 1], [236820, 46757, 236813, 1005, 236820, 211827, 236813]),
        ("<unused0>[multimodal]<mask>", [6, 5, 4], [236820, 63634, 236771, 236813, 5, 236820, 1080, 236813]),
        ("two\n\n\nnewlines\n\n", [13498, 109, 208697, 108], [13498, 109, 208697, 108]),
        # "</s>" is user-defined in the GGUF, but llama.cpp makes it an end-of-generation control token
        ("a</s>b <s>", [236746, 212, 236763, 236743, 203], [236746, 954, 236751, 236813, 236763, 236743, 203]),
        (
            "private \U000f0000 use and \x01 control",
            [7128, 236743, 481, 414, 366, 366, 1161, 532, 236743, 249732, 2256],
            [7128, 236743, 481, 414, 366, 366, 1161, 532, 236743, 249732, 2256],
        ),
    ],
}


@pytest.fixture(scope="module")
def tokenizers(tokenizer_dir):
    return {model: load_tokenizer(tokenizer_dir(model)) for model in MODELS}


@pytest.mark.parametrize("model", MODELS)
def test_every_reference_case_tokenizes_like_llama_cpp(model, request, tokenizers):
    """All reference cases (44 SmolLM2, 20 Gemma 3, 44 Qwen2.5 with its `qwen2` pre-tokenizer:
    digits one by one, CJK, emoji, code) match, special tokens parsed and not."""
    reference = request.getfixturevalue(f"{model}_reference")
    tokenizer = tokenizers[model]
    assert len(reference["tokenize"]) == {"smollm": 44, "gemma": 20, "qwen": 44}[model]
    assert reference["meta"]["tokenizer_pre"] == {"smollm": "smollm", "gemma": "default", "qwen": "qwen2"}[model]
    parsed = [case["text"] for case in reference["tokenize"] if tokenizer.encode(case["text"]) != case["ids"]]
    literal = [
        case["text"]
        for case in reference["tokenize"]
        if tokenizer.encode(case["text"], parse_special=False) != case["ids_nospecial"]
    ]
    assert parsed == [] and literal == []


@pytest.mark.parametrize("model", sorted(EXTRA_LLAMA_CPP_CASES))
def test_cases_beyond_the_reference_tokenize_like_llama_cpp(model, tokenizers):
    """Control tokens, user-defined tokens and bytes a vocabulary lacks behave as in llama.cpp."""
    tokenizer = tokenizers[model]
    for text, ids, ids_literal in EXTRA_LLAMA_CPP_CASES[model]:
        assert tokenizer.encode(text) == ids, text
        assert tokenizer.encode(text, parse_special=False) == ids_literal, text


@pytest.mark.parametrize("model", MODELS)
def test_reference_prompts_encode_to_llama_cpp_prompt_ids(model, request, tokenizers):
    """The filled-in reference template encodes to llama.cpp's prompt ids (Gemma: BOS first,
    because its metadata asks for one and SmolLM2's and Qwen's do not)."""
    reference = request.getfixturevalue(f"{model}_reference")
    tokenizer = tokenizers[model]
    assert tokenizer.add_bos == reference["meta"]["add_bos"]
    for case in reference["greedy"]:
        prompt = reference["template"].replace("{question}", case["question"])
        bos = [tokenizer.bos_id] if tokenizer.add_bos else []
        assert bos + tokenizer.encode(prompt) == case["prompt_ids"], case["question"]


@pytest.mark.parametrize("model", MODELS)
def test_special_ids_and_vocabulary_match_llama_cpp(model, request, tokenizers):
    """BOS, EOS and vocabulary size are llama.cpp's; the end-of-generation ids are llama.cpp's
    set: EOS first, then the end-of-turn tokens it recognises by their text (Qwen: its
    <|endoftext|>, the fill-in pad, repository and file markers, and "</s>", a plain word of
    its vocabulary that llama.cpp makes a control token by its text)."""
    meta = request.getfixturevalue(f"{model}_reference")["meta"]
    tokenizer = tokenizers[model]
    assert (tokenizer.bos_id, tokenizer.eos_ids[0], tokenizer.vocab_size) == (meta["bos"], meta["eos"], meta["n_vocab"])
    assert (
        list(tokenizer.eos_ids)
        == {"smollm": [2, 0, 4], "gemma": [1, 106, 212], "qwen": [151645, 128247, 151643, 151662, 151663, 151664]}[
            model
        ]
    )


@pytest.mark.parametrize("model", MODELS)
def test_decode_gives_the_text_back(model, tokenizers):
    """Decoding the ids of a text gives the text back, special tokens included unless skipped."""
    tokenizer = tokenizers[model]
    turn = {
        "smollm": ("<|im_start|>", "<|im_end|>"),
        "gemma": ("<start_of_turn>", "<end_of_turn>"),
        "qwen": ("<|im_start|>", "<|im_end|>"),
    }[model]
    body = "user\nCafé — 3 naïve résumés, 2024!\n\n  indented\tand 日本語 😀👍🏽"
    text = f"{turn[0]}{body}{turn[1]}"
    ids = tokenizer.encode(text)
    assert tokenizer.decode(ids) == text
    assert tokenizer.decode(ids, skip_special=True) == body


def test_files_are_the_onnxruntime_genai_layout(tokenizer_dir):
    """The folder holds exactly the three Hugging Face files, with the GGUF's chat template and
    special tokens; nothing half-written is left beside them."""
    smollm = tokenizer_dir("smollm")
    assert sorted(p.name for p in smollm.iterdir()) == [
        "special_tokens_map.json",
        "tokenizer.json",
        "tokenizer_config.json",
    ]
    config = json.loads((smollm / "tokenizer_config.json").read_text())
    assert config["chat_template"] == SMOLLM_TEMPLATE
    assert (config["bos_token"], config["eos_token"], config["add_bos_token"]) == ("<|im_start|>", "<|im_end|>", False)
    assert config["added_tokens_decoder"]["2"]["special"] is True
    assert json.loads((smollm / "special_tokens_map.json").read_text())["eos_token"] == "<|im_end|>"
    gemma = json.loads((tokenizer_dir("gemma") / "tokenizer_config.json").read_text())
    assert "chat_template" not in gemma and (gemma["bos_token"], gemma["add_bos_token"]) == ("<bos>", True)


def test_parse_special_switch_is_safe_across_threads(tokenizers):
    """Two threads encoding with and without special-token parsing each get their own result."""
    tokenizer = tokenizers["smollm"]
    text = "<|im_start|>user\nhi<|im_end|>"
    parsed, literal = tokenizer.encode(text), tokenizer.encode(text, parse_special=False)
    assert parsed != literal
    wrong = []

    def encode_many(parse_special, expected):
        for _ in range(300):
            if tokenizer.encode(text, parse_special=parse_special) != expected:
                wrong.append(parse_special)

    threads = [threading.Thread(target=encode_many, args=args) for args in ((True, parsed), (False, literal))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


# --- small hand-made GGUFs ---------------------------------------------------------------


def write_gguf(path, model="llama", tokens=None, scores=None, types=None, merges=None, pre=None, add_space_prefix=True):
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_tokenizer_model(model)
    if pre is not None:
        writer.add_tokenizer_pre(pre)
    if tokens is not None:
        writer.add_token_list(tokens)
        writer.add_token_types(types)
    if scores is not None:
        writer.add_token_scores(scores)
    if merges is not None:
        writer.add_token_merges(merges)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_bool("tokenizer.ggml.add_space_prefix", add_space_prefix)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


TINY_TOKENS = (
    ["<unk>", "<s>", "</s>", "<sep>"]
    + [f"<0x{b:02X}>" for b in range(256)]
    + ["▁", "a", "b", "c", "ab", "bc", "abc", "▁a", "▁ab", "ca"]
)
TINY_SCORES = [0.0] * 260 + [-1.0, -2.0, -3.0, -4.0, -20.0, -5.0, -30.0, -10.0, -40.0, -6.0]
TINY_TYPES = [2, 3, 3, 4] + [6] * 256 + [1] * 10


@pytest.mark.parametrize(
    "space_prefix, expected",
    [
        (
            True,
            {
                "abc": [267, 265],
                "abcabc": [267, 265, 266],
                "ab<sep>ab": [268, 3, 268],
                "a</s>b": [267, 2, 260, 262],
                "  ab": [260, 260, 268],
                "é": [260, 199, 173],
            },
        ),
        (
            False,
            {
                "abc": [266],
                "abcabc": [266, 266],
                "ab<sep>ab": [264, 3, 264],
                "a</s>b": [261, 2, 262],
                "  ab": [260, 268],
                "é": [199, 173],
            },
        ),
    ],
)
def test_sentencepiece_joins_by_score_like_llama_cpp(tmp_path, space_prefix, expected):
    """In a tiny SentencePiece vocabulary the best-scored join wins ("bc" before "ab"), a space
    is prefixed to the text and after each special or user-defined token exactly when the GGUF
    asks, and characters outside the vocabulary fall back to bytes: llama.cpp's ids."""
    source = write_gguf(
        tmp_path / "tiny.gguf", tokens=TINY_TOKENS, scores=TINY_SCORES, types=TINY_TYPES, add_space_prefix=space_prefix
    )
    save_tokenizer_files(source, tmp_path)
    tokenizer = load_tokenizer(tmp_path)
    assert {text: tokenizer.encode(text) for text in expected} == expected
    assert tokenizer.decode(tokenizer.encode("ab abc")) == "ab abc"


def test_an_open_gguf_gives_its_tokenizer_without_reading_the_file_again(tmp_path, monkeypatch):
    """The builder passes the GGUFFile it has open: its header is used as it is, not parsed again
    (a large vocabulary takes seconds), and the files are the same as from the path."""
    source = write_gguf(tmp_path / "tiny.gguf", tokens=TINY_TOKENS, scores=TINY_SCORES, types=TINY_TYPES)
    (tmp_path / "from_path").mkdir()
    save_tokenizer_files(source, tmp_path / "from_path")
    opened = GGUFFile(source)
    monkeypatch.setattr(tokenizer_gguf, "read_gguf_metadata", lambda path: pytest.fail(f"{path} parsed again"))
    (tmp_path / "from_file").mkdir()
    save_tokenizer_files(opened, tmp_path / "from_file")
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        assert (tmp_path / "from_file" / name).read_bytes() == (tmp_path / "from_path" / name).read_bytes()


def test_a_file_that_is_not_gguf_is_a_clear_error(tmp_path):
    """A text file posing as a model gives one sentence naming it."""
    fake = tmp_path / "fake.gguf"
    fake.write_text("not a model")
    with pytest.raises(ModelError, match="fake.gguf is not a GGUF file"):
        save_tokenizer_files(fake, tmp_path)


def test_a_truncated_gguf_is_a_clear_error(tmp_path, gguf_path):
    """A GGUF cut off inside its vocabulary is reported as truncated, and nothing is written."""
    cut = tmp_path / "cut.gguf"
    with open(gguf_path("smollm"), "rb") as source:
        cut.write_bytes(source.read(200_000))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ModelError, match="cut.gguf is truncated"):
        save_tokenizer_files(cut, out)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    "kind, message",
    [
        (dict(model="bert", tokens=["a"], types=[1]), "tokenizer model 'bert' is not supported"),
        (
            dict(model="gpt2", tokens=["a", "b"], types=[1, 1], merges=["a b"], pre="tekken"),
            "pre-tokenizer 'tekken' is not supported",
        ),
        (dict(model="llama"), "lacks the metadata entry tokenizer.ggml.tokens"),
    ],
)
def test_unsupported_or_incomplete_tokenizers_are_clear_errors(tmp_path, kind, message):
    """Tokenizer kinds Confide does not implement, and GGUFs without a vocabulary, are one
    clear sentence each."""
    source = write_gguf(tmp_path / "odd.gguf", **kind)
    with pytest.raises(ModelError, match=message):
        save_tokenizer_files(source, tmp_path)


def test_a_folder_without_tokenizer_is_a_clear_error(tmp_path):
    """Loading from a folder with no tokenizer.json says so in one sentence."""
    with pytest.raises(ModelError, match="tokenizer of .* is missing or damaged"):
        load_tokenizer(tmp_path)


def test_folders_written_elsewhere_load_with_their_own_conventions(tmp_path):
    """A Hugging Face folder Confide did not write (Phi-3 style: Metaspace pre-tokenizer, tokens
    as {"content": ...}, no add_bos_token, a post-processor that adds <s>, and several EOS ids in
    genai_config.json) loads: BOS from the post-processor, EOS ids from genai_config first."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2, "▁": 3, "h": 4, "i": 5, "▁h": 6, "▁hi": 7, "<|end|>": 8, "<|user|>": 9}
    tokenizer = Tokenizer(models.BPE(vocab, [("▁", "h"), ("▁h", "i")], unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.add_special_tokens(
        [AddedToken(t, normalized=False) for t in ("<unk>", "<s>", "</s>", "<|end|>", "<|user|>")]
    )
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)]
    )
    tokenizer.save(str(tmp_path / "tokenizer.json"))
    (tmp_path / "tokenizer_config.json").write_text(
        json.dumps({"bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": False}, "eos_token": "<|end|>"})
    )
    (tmp_path / "genai_config.json").write_text(json.dumps({"model": {"eos_token_id": [2, 9], "bos_token_id": 1}}))

    foreign = load_tokenizer(tmp_path)
    assert (foreign.bos_id, foreign.add_bos, list(foreign.eos_ids)) == (1, True, [2, 9, 8])
    assert foreign.encode("<|user|>hi<|end|>") == [9, 7, 8]
    assert 8 not in foreign.encode("hi<|end|>", parse_special=False)
    assert foreign.decode([9, 7, 8], skip_special=True) == "hi"
