"""settings.json: the summary model and the reply model are chosen apart, each with its own
default; a file from before the split (one `language_model`) is read as the choice for both."""

from __future__ import annotations

import json

from app.settings import DEFAULT_REPLY_MODEL, DEFAULT_SUMMARY_MODEL, Settings, load_settings, save_settings
from models.catalog import load_catalog


def test_each_job_has_its_own_default_an_installable_language_model():
    """Without a choice, summaries and replies use their own default (one constant each), and
    each is a language model of the catalog."""
    settings = Settings()
    assert settings.summary_model_id() == DEFAULT_SUMMARY_MODEL
    assert settings.reply_model_id() == DEFAULT_REPLY_MODEL
    catalog = load_catalog()
    assert all(catalog[model_id].kind == "llm" for model_id in (DEFAULT_SUMMARY_MODEL, DEFAULT_REPLY_MODEL))


def test_the_two_choices_are_saved_and_read_apart(tmp_path):
    """A summary model and another reply model survive a save and a load, unknown keys too."""
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"future_key": [1, 2]}))
    save_settings(
        path,
        load_settings(path).with_changes(
            summary_model="qwen2.5-coder-1.5b-instruct", reply_model="smollm2-135m-instruct"
        ),
    )
    again = load_settings(path)
    assert (again.summary_model_id(), again.reply_model_id()) == (
        "qwen2.5-coder-1.5b-instruct",
        "smollm2-135m-instruct",
    )
    assert json.loads(path.read_text())["future_key"] == [1, 2]


def test_an_old_language_model_choice_becomes_the_choice_for_both_jobs(tmp_path):
    """{"language_model": X} from an older Confide: summaries and replies both use X; saved
    again, the file names the two choices and no longer the old key."""
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"language_model": "qwen2.5-coder-0.5b-instruct", "threads": 2}))
    settings = load_settings(path)
    assert settings.summary_model == settings.reply_model == "qwen2.5-coder-0.5b-instruct"
    assert settings.threads == 2 and "language_model" not in settings.extra
    save_settings(path, settings)
    written = json.loads(path.read_text())
    assert written["summary_model"] == written["reply_model"] == "qwen2.5-coder-0.5b-instruct"
    assert "language_model" not in written


def test_new_keys_win_over_the_old_one_and_junk_is_the_default(tmp_path):
    """A file with both the old key and a new one keeps the new one; a model id that is not a
    string (a hand-edited file) means the default."""
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"language_model": "old-model", "reply_model": "smollm2-135m-instruct", "summary_model": 42})
    )
    settings = load_settings(path)
    assert settings.reply_model == "smollm2-135m-instruct"
    assert settings.summary_model is None and settings.summary_model_id() == DEFAULT_SUMMARY_MODEL
