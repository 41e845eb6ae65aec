"""app.engines.resolve: the one rule for which model and threads a job uses, for every command
and the window - the flag, then the settings, then the default."""

from __future__ import annotations

from app.engines import EngineChoice, Job, default_threads, resolve
from app.settings import DEFAULT_REPLY_MODEL, DEFAULT_SUMMARY_MODEL, Settings
from models.catalog import DEFAULT_SPEECH_ID

CHOSEN = Settings(summary_model="qwen-summary", reply_model="gemma-reply", speech_model="whisper-small", threads=3)


def test_without_a_choice_each_job_takes_its_default():
    """Nothing in the settings and no flags: the default model of each job on the physical cores."""
    assert resolve(Job.SUMMARY, Settings()) == EngineChoice(DEFAULT_SUMMARY_MODEL, default_threads())
    assert resolve(Job.REPLY, Settings()) == EngineChoice(DEFAULT_REPLY_MODEL, default_threads())
    assert resolve(Job.SPEECH, Settings()) == EngineChoice(DEFAULT_SPEECH_ID, default_threads())


def test_the_settings_choose_each_jobs_model_and_the_threads():
    """Summaries, replies and speech each take their own choice; the threads serve all three."""
    assert resolve(Job.SUMMARY, CHOSEN) == EngineChoice("qwen-summary", 3)
    assert resolve(Job.REPLY, CHOSEN) == EngineChoice("gemma-reply", 3)
    assert resolve(Job.SPEECH, CHOSEN) == EngineChoice("whisper-small", 3)


def test_the_flags_win_and_model_names_only_the_language_model():
    """--model replaces both language models but never the speech model; --threads all threads."""
    assert resolve(Job.SUMMARY, CHOSEN, model_id="flag", threads=1) == EngineChoice("flag", 1)
    assert resolve(Job.REPLY, CHOSEN, model_id="flag") == EngineChoice("flag", 3)
    assert resolve(Job.SPEECH, CHOSEN, model_id="flag", threads=2) == EngineChoice("whisper-small", 2)
