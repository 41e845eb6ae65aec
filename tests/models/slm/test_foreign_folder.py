"""The runtime follows genai_config.json rather than assuming its builder's own names, so
onnxruntime-genai folders built elsewhere run too."""

from __future__ import annotations

import json

from models.slm.api import GenerationConfig
from models.slm.builder import build_from_gguf
from models.slm.builder.decoder import IoNames
from models.slm.engine import OnnxLanguageModel

OTHER_NAMES = IoNames(input_ids="tokens", attention_mask="mask", past_key="cache.%d.k", past_value="cache.%d.v",
                      logits="next_token_scores", present_key="cache_out.%d.k", present_value="cache_out.%d.v")


def test_other_names_and_a_growing_cache_give_the_same_text(smollm, smollm_dir, tmp_path):
    """A folder with different input/output names, no shared KV buffer and its own thread count
    generates exactly what the default folder generates."""
    build_from_gguf(smollm_dir / "model.gguf", tmp_path, names=OTHER_NAMES)
    config_path = tmp_path / "genai_config.json"
    config = json.loads(config_path.read_text())
    config["search"]["past_present_share_buffer"] = False
    config["model"]["decoder"]["session_options"]["intra_op_num_threads"] = 1
    config_path.write_text(json.dumps(config))

    foreign = OnnxLanguageModel.load(tmp_path)
    assert foreign.threads == 1 and not foreign._share_buffer
    prompt = smollm.render_chat([{"role": "user", "content": "Name three colours."}])
    settings = GenerationConfig(max_new_tokens=24)
    theirs = list(foreign.generate(prompt, settings))[-1]
    ours = list(smollm.generate(prompt, settings))[-1]
    assert theirs.ids == ours.ids and theirs.text
