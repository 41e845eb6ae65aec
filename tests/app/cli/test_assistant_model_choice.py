"""`confide summarize` and `confide reply` load the language model configured for their job
(summary_model, reply_model in settings.json; an old language_model for both); --model
overrides both. Seen through the model each command asks for in a data folder without models."""

from __future__ import annotations

import json

from support import run_confide

SRT = "1\n00:00:00,000 --> 00:00:03,000\nAnna will update the budget by Friday.\n"
CHAT = "Anna: Lunch on Friday?\n"


def asked_for(command: str, tmp_path, data_dir, *extra) -> str:
    """The stderr of a command that needs a language model none of which is installed."""
    source = tmp_path / ("t.srt" if command == "summarize" else "chat.txt")
    source.write_text(SRT if command == "summarize" else CHAT)
    result = run_confide(*extra, command, str(source), data_dir=data_dir)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    return result.stderr


def test_each_command_loads_the_model_of_its_job(tmp_path, data_dir):
    """Settings name one model for summaries and another for replies: summarize asks for the
    first, reply for the second."""
    (data_dir / "settings.json").write_text(
        json.dumps({"summary_model": "summary-choice", "reply_model": "reply-choice"})
    )
    assert "'summary-choice' is not installed" in asked_for("summarize", tmp_path, data_dir)
    assert "'reply-choice' is not installed" in asked_for("reply", tmp_path, data_dir)


def test_model_flag_overrides_and_an_old_choice_serves_both(tmp_path, data_dir):
    """--model wins over the settings for both commands; an old settings file with one
    language_model gives it to both jobs."""
    (data_dir / "settings.json").write_text(json.dumps({"language_model": "old-choice"}))
    assert "'old-choice' is not installed" in asked_for("summarize", tmp_path, data_dir)
    assert "'old-choice' is not installed" in asked_for("reply", tmp_path, data_dir)
    for command in ("summarize", "reply"):
        assert "'flag-choice' is not installed" in asked_for(command, tmp_path, data_dir, "--model", "flag-choice")
