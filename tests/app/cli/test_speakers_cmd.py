"""`transcribe --speakers` and `voices remember|list|forget`, run as a user would."""

from __future__ import annotations

import json

from support import run_confide

OTHER_LINES = (
    "The venue for the summer party is booked for the second weekend of July.",
    "Lovely, then I will order the food and the drinks from the usual caterer.",
    "Someone should also send out the invitations by the end of next week.",
    "I can do the invitations if somebody gives me the final list of guests.",
)


def _json(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_transcribe_with_speakers_says_who_said_each_line(data_dir_with_models, three_voices):
    wav, _truth = three_voices()
    segments = _json(run_confide("transcribe", str(wav), "--speakers", "--json", data_dir=data_dir_with_models))[
        "segments"
    ]
    said = [(s["speaker"], s["text"]) for s in segments]
    by_line = [next(who for who, text in said if word in text) for word in ("budget", "printing", "supplier")]
    assert by_line == ["Speaker 1", "Speaker 2", "Speaker 3"], said
    assert {who for who, _ in said} == {"Speaker 1", "Speaker 2", "Speaker 3"}
    plain = run_confide("transcribe", str(wav), "--speakers", "3", data_dir=data_dir_with_models)
    assert plain.returncode == 0 and plain.stdout.splitlines()[0].startswith("Speaker 1: ")


def test_a_speaker_count_that_is_not_a_count_is_refused(data_dir_with_models, three_voices):
    wav, _ = three_voices()
    result = run_confide("transcribe", str(wav), "--speakers", "0", data_dir=data_dir_with_models)
    assert result.returncode == 2 and "between 1 and 20" in result.stderr and "Traceback" not in result.stderr


def test_a_remembered_voice_is_named_in_the_next_recording_until_it_is_forgotten(data_dir_with_models, three_voices):
    data = data_dir_with_models
    first, _ = three_voices()
    _json(run_confide("transcribe", str(first), "--speakers", "--save", "--json", data_dir=data))
    recording = _json(run_confide("history", "list", "--json", data_dir=data))["items"][0]["id"]
    assert run_confide("history", "rename-speaker", str(recording), "Speaker 2", "Elena", data_dir=data).returncode == 0
    unnamed = run_confide("voices", "remember", str(recording), "Speaker 1", data_dir=data)
    assert unnamed.returncode == 1 and "name" in unnamed.stderr.lower()
    assert _json(run_confide("voices", "remember", str(recording), "elena", "--json", data_dir=data))["name"] == "Elena"
    assert [v["name"] for v in _json(run_confide("voices", "list", "--json", data_dir=data))["voices"]] == ["Elena"]

    # A new meeting: other words, Elena's voice second to speak again, and a voice she is not.
    later, _ = three_voices(OTHER_LINES, (2, 1, 2, 1))
    heard = run_confide("transcribe", str(later), "--speakers", "--json", data_dir=data)
    assert "Recognised: Elena." in heard.stderr
    speakers = [s["speaker"] for s in _json(heard)["segments"]]
    assert "Elena" in speakers and speakers[0] == "Speaker 1"

    assert run_confide("voices", "forget", "Elena", data_dir=data).returncode == 0
    again = run_confide("transcribe", str(later), "--speakers", "--json", data_dir=data)
    assert "Recognised" not in again.stderr and "Elena" not in {s["speaker"] for s in _json(again)["segments"]}


def test_a_live_recording_through_the_microphone_knows_its_three_voices(
    data_dir_with_models, virtual_mic, three_voices
):
    """The three-voice meeting played into the virtual microphone during `record --live
    --speakers`: the stored transcript has three speakers, in the order they first spoke."""
    from test_speech_cmd import start_recording

    wav, _ = three_voices()
    process = start_recording(data_dir_with_models, "--seconds", "36", "--live", "--speakers", "--json")
    virtual_mic(wav).wait(timeout=90)
    stdout, stderr = process.communicate(timeout=180)
    assert process.returncode == 0, stderr
    recording = json.loads(stdout)["recording_id"]
    shown = _json(run_confide("history", "show", str(recording), "--json", data_dir=data_dir_with_models))
    said = [(s["speaker"], s["text"]) for s in shown["segments"]]
    by_line = [next(who for who, text in said if word in text) for word in ("budget", "printing", "supplier")]
    assert by_line == ["Speaker 1", "Speaker 2", "Speaker 3"], said
