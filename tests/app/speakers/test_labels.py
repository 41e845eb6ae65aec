"""Speakers laid onto a transcript's segments."""

from __future__ import annotations

import numpy as np

from app.speakers.labels import SpeakerTurn, label_segments
from app.speakers.task import recognise, speech_regions_of
from models.types import Segment, Word


def _words(*timed: tuple[float, float, str]) -> tuple[Word, ...]:
    return tuple(Word(start, end, text) for start, end, text in timed)


def test_a_segment_across_a_change_of_voice_is_split_at_the_word():
    words = _words((0.0, 0.4, "Shall"), (0.4, 0.8, "we"), (0.8, 1.3, "start?"), (1.6, 2.0, "Yes,"), (2.0, 2.6, "now."))
    segment = Segment(0.0, 2.6, "Shall we start? Yes, now.", words)
    turns = [SpeakerTurn(0.0, 1.45, 0), SpeakerTurn(1.45, 2.6, 1)]
    labelled = label_segments([segment], turns)
    assert [(s.speaker, s.text) for s in labelled] == [("Speaker 1", "Shall we start?"), ("Speaker 2", "Yes, now.")]
    assert (labelled[0].start, labelled[0].end, labelled[1].start, labelled[1].end) == (0.0, 1.3, 1.6, 2.6)


def test_a_word_blurred_into_the_next_voice_stays_with_its_sentence():
    words = _words((0.0, 0.5, "Thank"), (0.5, 1.0, "you"), (1.0, 1.2, "all."))
    turns = [SpeakerTurn(0.0, 1.05, 0), SpeakerTurn(1.05, 3.0, 1)]  # "all." (0.2 s) under the next voice
    assert [s.speaker for s in label_segments([Segment(0.0, 1.2, "Thank you all.", words)], turns)] == ["Speaker 1"]


def test_without_word_times_a_segment_goes_to_whoever_spoke_most_of_it():
    segments = [Segment(0.0, 4.0, "one"), Segment(4.0, 9.0, "two")]
    turns = [SpeakerTurn(0.0, 3.0, 1), SpeakerTurn(3.0, 9.0, 0)]
    assert [s.speaker for s in label_segments(segments, turns)] == ["Speaker 1", "Speaker 2"]


def test_speakers_are_numbered_by_first_appearance_and_remembered_ones_named():
    segments = [Segment(0.0, 1.0, "a"), Segment(1.0, 2.0, "b"), Segment(2.0, 3.0, "c")]
    turns = [SpeakerTurn(0.0, 1.0, 2), SpeakerTurn(1.0, 2.0, 0), SpeakerTurn(2.0, 3.0, 1)]
    assert [s.speaker for s in label_segments(segments, turns, {0: "Elena"})] == ["Speaker 1", "Elena", "Speaker 3"]


def test_a_remembered_voice_names_the_closest_speaker_only_when_close():
    elena, ben = np.eye(3)[0], np.eye(3)[1]
    voices = {0: np.array([0.1, 0.995, 0.0]), 1: np.array([0.99, 0.14, 0.0]), 2: np.eye(3)[2]}
    assert recognise(voices, [("Elena", elena), ("Ben", ben)]) == {1: "Elena", 0: "Ben"}
    assert recognise({0: np.array([0.7, 0.714, 0.0])}, [("Elena", elena)]) == {}


def test_speech_is_where_the_words_are():
    segments = [Segment(0.0, 5.0, "a b", _words((0.5, 1.0, "a"), (3.0, 3.4, "b"))), Segment(6.0, 7.0, "c")]
    assert speech_regions_of(segments) == [(0.5, 1.0), (3.0, 3.4), (6.0, 7.0)]
