"""The summary knows who said what from the voices alone: nobody in the meeting says a name."""

from __future__ import annotations

import threading
from dataclasses import replace

from support import run_to_end

from app.assistant.summarize import run_summary
from app.assistant.transcript_input import from_segments
from app.speakers.task import SpeakerOptions, tell_speakers
from models.whisper import TranscriptionResult


def test_action_items_belong_to_the_voice_that_promised_them(
    three_voices, whisper, speaker_encoder, speaker_encoder_dir, smollm
):
    wav, _ = three_voices()  # voice 1 promises to write to the supplier, voice 3 to call the printer
    transcript = [e for e in whisper.transcribe(wav, word_timestamps=True) if isinstance(e, TranscriptionResult)][0]
    found = run_to_end(
        tell_speakers(
            wav, transcript.segments, SpeakerOptions(str(speaker_encoder_dir)), threading.Event(), speaker_encoder
        )
    )
    assert found.count == 3
    names = {"Speaker 1": "Anna", "Speaker 2": "Ben", "Speaker 3": "Carla"}  # as the user names them
    named = [replace(segment, speaker=names[segment.speaker]) for segment in found.segments]
    items = run_summary(smollm, from_segments(named)).action_items
    # the model words an item its own way: "write to them and copy the finance team" may come back as either
    anna = [a.owner for a in items if "write to" in a.text.lower() or "finance" in a.text.lower()]
    carla = [a.owner for a in items if "printer" in a.text.lower()]
    assert (anna, carla) == (["Anna"], ["Carla"]), items
