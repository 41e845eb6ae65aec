"""`confide summarize` and `confide reply` as docs/cli.md specifies them, run as a user would
(a subprocess, the real default model, a real history database)."""

from __future__ import annotations

import json

from support import run_confide

from app.history import HistoryStore
from app.history.records import NewConversation
from app.paths import DataDir
from app.records import Turn

SRT = """1
00:00:02,000 --> 00:00:06,000
Nora: Thanks for joining, today we pick the venue for the team offsite.

2
00:00:06,500 --> 00:00:11,000
Felix: The lake hotel has meeting rooms and costs less than the city hotel.

3
00:00:11,500 --> 00:00:15,000
Nora: Then we decided on the lake hotel for the offsite.

4
00:00:15,500 --> 00:00:20,000
Felix: I'll book the rooms at the lake hotel by Friday.
"""

CHAT = (
    "Jonas: Hey, are you coming to the climbing gym on Saturday?\nMira: Maybe, what time?\n"
    "Jonas: Around 10, and we could get lunch after."
)


def test_summarize_a_subtitle_file_as_json_and_save_it(tmp_path, data_dir_with_models):
    """--json prints exactly the documented shape; every start is a cue's start; --save stores
    the summary in the history as a recording (its transcript and summary both there)."""
    transcript = tmp_path / "offsite.srt"
    transcript.write_text(SRT)
    result = run_confide("summarize", str(transcript), "--json", "--save", data_dir=data_dir_with_models)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["title", "overview", "key_points", "decisions", "action_items"]
    assert data["title"] and data["overview"] and data["key_points"]
    starts = {2.0, 6.5, 11.5, 15.5}
    for key in ("key_points", "decisions"):
        assert all(set(item) == {"text", "start"} and item["start"] in starts for item in data[key])
    assert all(set(item) == {"text", "owner", "due", "start"} for item in data["action_items"])
    assert all(item["owner"] in (None, "Nora", "Felix") for item in data["action_items"])
    assert "Reading part 1 of 1" in result.stderr  # progress goes to stderr, not into the JSON
    with HistoryStore.for_data_dir(DataDir(data_dir_with_models)) as store:
        recordings = store.list_items(kind="recording")
        assert len(recordings) == 1
        detail = store.get_item(recordings[0].id)
    assert detail.summary.title == data["title"] and len(detail.segments) == 4


def test_summarize_a_recording_from_the_history_as_markdown(data_dir_with_models):
    """recording:ID reads the stored transcript; --format md prints the Markdown export with times."""
    with HistoryStore.for_data_dir(DataDir(data_dir_with_models)) as store:
        recording = store.add_recording("Standup", status="done")
        store.add_segments(
            recording,
            [
                {
                    "start": 0.0,
                    "end": 4.0,
                    "text": "Ana: The release build failed last night because of a broken test.",
                },
                {"start": 65.0, "end": 70.0, "text": "Ben: I will fix the broken test this morning."},
                {"start": 71.0, "end": 75.0, "text": "Ana: Good, then we ship the release tomorrow."},
            ],
        )
    result = run_confide("summarize", f"recording:{recording}", "--format", "md", data_dir=data_dir_with_models)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# ") and "## Key points\n- [0" in result.stdout


def test_reply_drafts_as_json_and_saved_with_personal_style(tmp_path, data_dir_with_models):
    """Three suggestions in the documented shape; --me picks who I am; replies picked before
    (from the history) shape the drafts (their shared emoji); --save keeps turns and drafts."""
    with HistoryStore.for_data_dir(DataDir(data_dir_with_models)) as store:
        old = store.add_conversation(NewConversation("Eva: lunch?", (Turn("Eva", "lunch?"),), "Mira"))
        for draft_id in store.add_drafts(old, ["sure \U0001f60a", "yes please \U0001f60a", "on my way \U0001f60a"]):
            store.pick_draft(draft_id)
    chat = tmp_path / "chat.txt"
    chat.write_text(CHAT)
    result = run_confide("reply", str(chat), "--me", "mira", "--json", "--save", data_dir=data_dir_with_models)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["me", "turns", "suggestions"] and data["me"] == "Mira"
    assert [t["speaker"] for t in data["turns"]] == ["Jonas", "Mira", "Jonas"]
    texts = [s["text"] for s in data["suggestions"]]
    assert len(texts) == 3 and len(set(texts)) == 3
    assert all(text.endswith("\U0001f60a") for text in texts)
    with HistoryStore.for_data_dir(DataDir(data_dir_with_models)) as store:
        conversations = store.list_items(kind="conversation")
        newest = store.get_item(conversations[0].id)
    assert len(conversations) == 2 and [d.text for d in newest.drafts] == texts


def test_reply_from_stdin_says_who_it_guessed(data_dir_with_models):
    """Without --me the guess is said (people output), with the three numbered drafts."""
    result = run_confide("reply", "-", "--tone", "formal", input=CHAT, data_dir=data_dir_with_models)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Replying as Mira (a guess: use --me NAME to change it).")
    assert [line[:3] for line in result.stdout.splitlines() if line[:2] in ("1.", "2.", "3.")] == ["1. ", "2. ", "3. "]


def test_bad_input_is_one_line_without_a_traceback(tmp_path, data_dir):
    """A missing file, an empty transcript, an empty paste: exit 1, one sentence on stderr; an
    unknown tone is a usage error (exit 2). None of these needs a model."""
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    for args, code in (
        (["summarize", str(tmp_path / "nope.txt")], 1),
        (["summarize", str(empty)], 1),
        (["reply", str(empty)], 1),
        (["reply", "-", "--tone", "sarcastic"], 2),
    ):
        result = run_confide(*args, input="", data_dir=data_dir)
        assert result.returncode == code, (args, result.stderr)
        assert "Traceback" not in result.stderr
        if code == 1:
            assert len(result.stderr.strip().splitlines()) == 1


def test_summarize_without_an_installed_model_says_how_to_install_it(tmp_path, data_dir):
    """The transcript is fine but no model is installed: exit 1 and the install command."""
    transcript = tmp_path / "t.srt"
    transcript.write_text(SRT)
    result = run_confide("summarize", str(transcript), data_dir=data_dir)
    assert result.returncode == 1 and "confide models install" in result.stderr


def test_summarize_an_audio_file(speech_clip, data_dir_with_models):
    """Audio in: transcribed by the speech model first, then summarized; items point at the
    times of real speech; --save keeps the audio with the recording."""
    clip = speech_clip(
        "Good morning. Today we plan the garden party. Maria will buy the drinks by Friday. "
        "We decided to start the party at six in the evening."
    )
    result = run_confide("summarize", str(clip), "--json", "--save", data_dir=data_dir_with_models)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["key_points"] and all(isinstance(p["start"], float) for p in data["key_points"])
    assert "drinks" in json.dumps(data).lower()
    with HistoryStore.for_data_dir(DataDir(data_dir_with_models)) as store:
        detail = store.get_item(store.list_items(kind="recording")[0].id)
    assert detail.audio_path is not None and detail.audio_path.is_file() and detail.summary
