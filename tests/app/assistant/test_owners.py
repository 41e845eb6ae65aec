"""Owners of action items are people: a participant's name or speaker label, never a day, a
month or a common noun; "I will ..." belongs to whoever said it and is never lost."""

from __future__ import annotations

import re

from fakes import ScriptedModel, last_user_message
from meetings import FIRST_PERSON_ITEMS, LAUNCH_SYNC, launch_sync
from short_meetings import segments as short_launch

from app.assistant.chunking import Utterance, prepare_utterances
from app.assistant.extract import find_actions, find_decisions
from app.assistant.grounding import DATE_WORDS, NameBook
from app.assistant.owners import owner_for
from app.assistant.summarize import run_summary
from app.assistant.transcript_input import TranscriptSegment
from app.assistant.wording import lost_its_object, tidy, to_do

# A day or a month as the one who does something: "Friday will update the release notice".
DAY_OR_MONTH = re.compile(
    r"^(?:" + "|".join(DATE_WORDS) + r") (?:will|is going to|should|has to|needs to)\b", re.IGNORECASE
)


def _book(segments) -> NameBook:
    return NameBook.of([(s.speaker, s.text) for s in segments])


def test_days_months_and_common_nouns_are_never_people():
    """'by Friday', 'from October 3', 'Friday is also...', 'October will be busy': none of these
    makes a day or a month a person; a word also said in lower case ('the Board' / 'the board')
    is a thing; the names called out in the meeting are people."""
    book = _book(launch_sync(labelled=False))
    for word in ("Friday", "October", "Wednesday", "Monday", "Thursday", "Tuesday"):
        assert book.find(word) is None, word
    assert {book.find(n) for n in ("Priya", "Leo", "Marcus")} == {"Priya", "Leo", "Marcus"}
    things = NameBook([], ["We asked the Board twice.", "Then the board said no."])
    assert things.find("Board") is None
    busy = Utterance(0, 0, 0.0, None, "October will be busy, so the announcement should stay short.")
    assert owner_for(busy, [], book) is None
    asked = Utterance(1, 1, 5.0, None, "Friday, can you update the notice?")
    assert owner_for(asked, [], book) is None


def test_first_person_commitments_belong_to_their_speaker():
    """'I will send the report by Wednesday' -> the speaker: the label itself, or the name the
    speaker gave ('I'm Priya' said as Speaker 1)."""
    said = "Fine. I will send the report on the new date to the board by Wednesday."
    labelled = _book(launch_sync())
    assert owner_for(Utterance(0, 13, 78.0, "Priya", said), [], labelled) == "Priya"
    labels = {"Priya": "Speaker 1", "Marcus": "Speaker 2", "Dana": "Speaker 3", "Leo": "Speaker 4"}
    anonymous = _book(launch_sync(labels=labels))
    assert owner_for(Utterance(0, 13, 78.0, "Speaker 1", said), [], anonymous) == "Priya"
    assert (
        owner_for(Utterance(1, 11, 66.0, "Speaker 3", "I will send the FAQ by Thursday."), [], anonymous) == "Speaker 3"
    )


def test_without_labels_the_words_tell_who_or_nobody():
    """A transcript of one microphone: an answer to 'Leo, where are we...?' is Leo's; 'I'm Priya,
    and I'll...' is Priya's; otherwise the owner stays unknown (never a guess)."""
    segments = launch_sync(labelled=False)
    book = _book(segments)
    utterances = prepare_utterances(segments)
    found = {c.text: c for c in find_actions(utterances, 10)}
    leo = found["I will update the release notice by Friday."]
    assert owner_for(leo.utterance, leo.following, book, leo.text, leo.before) == "Leo"
    faq = found["I will send the updated FAQ to the support team by Thursday."]
    assert owner_for(faq.utterance, faq.following, book, faq.text, faq.before) is None
    breath = Utterance(0, 0, 0.0, None, "Hi, I'm Priya, and I will send the minutes tonight.")
    assert owner_for(breath, [], book) == "Priya"


def test_every_first_person_commitment_is_a_candidate():
    """Without labels, turns run together (one 'utterance' holds Dana's, Priya's and Leo's lines):
    each 'I will' sentence is still an action candidate, and 'October will be busy' is none."""
    utterances = prepare_utterances(launch_sync(labelled=False))
    texts = " | ".join(c.text for c in find_actions(utterances, 10))
    for what in FIRST_PERSON_ITEMS.values():
        assert what in texts, what
    assert "newsletter" in texts and "October will be busy" not in texts


def test_an_unowned_commitment_reads_as_a_to_do():
    """Nobody to name: 'I will update X by Friday' -> 'Update X by Friday.'; a reason before it
    stays; vague ('I can do that') or still first-person lines are left to the model."""
    assert (
        to_do("The draft is done. I will update the release notice by Friday.")
        == "Update the release notice by Friday."
    )
    assert (
        to_do("Friday is also when the newsletter goes out, so I'll add the new date there too.")
        == "Friday is also when the newsletter goes out, so add the new date there too."
    )
    assert to_do("Yes, I can do that on Tuesday.") == ""
    assert to_do("I'll bring my notes.") == ""


def _day_first_model(prompt: str) -> str:
    """A 'model' that makes the due day the subject of every rewrite, as SmolLM2 did."""
    line = last_user_message(prompt)
    day = re.search(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|October)\b", line)
    if day and "third person" not in line:
        return f"{day.group(1)} will take care of it {day.group(0).lower()} as said."
    return "The team discussed the launch and the refund flow."


def test_summary_owners_are_people_and_first_person_items_are_kept():
    """Through the whole pipeline, with a model that writes 'Friday will ...': no owner and no
    item's subject is a day or a month; each person's own commitment is there, under their name
    (labelled) or as a to-do (one microphone), with its due day as said."""
    for labelled in (True, False):
        summary = run_summary(ScriptedModel(_day_first_model), launch_sync(labelled=labelled))
        items = summary.action_items
        for item in items:
            assert item.owner is None or item.owner in {"Priya", "Marcus", "Dana", "Leo"}, item
            assert not DAY_OR_MONTH.match(item.text), item
        for person, what in FIRST_PERSON_ITEMS.items():
            mine = [a for a in items if what in a.text]
            assert mine, (labelled, what, [a.text for a in items])
            if labelled:
                assert mine[0].owner == person and mine[0].text.startswith(person), mine[0]
        report = next(a for a in items if "report" in a.text)
        assert report.due == "by Wednesday"
    assert LAUNCH_SYNC[13][0] == "Priya"  # the report is hers


def _object_dropping_model(prompt: str) -> str:
    return "The User Interface Designer will design."


def test_an_item_that_lost_what_is_to_be_done_falls_back_to_what_was_said():
    """SmolLM2 turned AMI's 'the User Interface Designer is going to do the technical function
    design, user interface concept and user interface design' into 'The User Interface Designer
    will design.': the item then reads as said, under the whole title."""
    said = (
        "Uh the User Interface Designer is going to do the technical function design, user interface "
        "concept and user interface design."
    )
    assert lost_its_object("The User Interface Designer will design.", said)
    assert not lost_its_object("The User Interface Designer will do the function design.", said)
    assert not lost_its_object("Priya will send it.", "I will send it.")  # nothing more was said
    segments = [
        Utterance(0, 0, 0.0, "A", "And we've got our User Interface Designer."),
        Utterance(1, 1, 4.0, "A", said),
        Utterance(2, 2, 9.0, "B", "Okay, sounds good to me."),
    ]
    summary = run_summary(ScriptedModel(_object_dropping_model), segments)
    item = next(a for a in summary.action_items if "function design" in a.text)
    assert item.owner == "User Interface Designer"
    assert item.text.startswith("The User Interface Designer is going to do the technical function design")


def test_a_decision_rewritten_without_a_verb_falls_back_to_what_was_said():
    """SmolLM2 rewrote ES2002d's "we're gonna have again the foggy yellow from last time" as the
    decision "The foggy yellow from last time.": a fragment decides nothing; the item reads as said."""
    segments = [
        Utterance(0, 0, 0.0, "D", "So we decided to keep the foggy yellow light from last time for the buttons."),
        Utterance(1, 1, 5.0, "A", "Okay, sounds good to me."),
    ]
    summary = run_summary(ScriptedModel(lambda prompt: "The foggy yellow light from last time."), segments)
    assert [d.text for d in summary.decisions] == [
        "The team decided to keep the foggy yellow light from last time for the buttons."
    ]


def test_a_decision_written_from_its_reason_is_no_decision():
    """SmolLM2 rewrote ES2002d's "It needs to be more than one big button because ... the panel
    itself is a single panel" as the decision "The phone is a single panel.": the reason, not what
    was decided. Written from the deciding words, it stands."""
    segments = [
        Utterance(
            0,
            0,
            0.0,
            "A",
            "We decided the remote needs more than one big button because in a phone the panel is a single panel.",
        ),
        Utterance(1, 1, 5.0, "B", "Okay, sounds good to me."),
    ]
    summary = run_summary(ScriptedModel(lambda prompt: "The phone is a single panel."), segments)
    assert "The phone is a single panel." not in [d.text for d in summary.decisions]
    summary = run_summary(ScriptedModel(lambda prompt: "The remote needs more than one big button."), segments)
    assert [d.text for d in summary.decisions] == ["The remote needs more than one big button."]


def test_wondering_whether_one_has_to_is_no_commitment():
    """ES2002d's "Okay, just wondering if I need to include it in the minutes" became the action item
    "B will include the minutes if you're submitting it anyway."; asking is no task."""
    said = [
        TranscriptSegment(
            0.0,
            4.0,
            "Okay, just wondering if I need to include it in the minutes, because if you're submitting it",
            "B",
        ),
        TranscriptSegment(4.0, 8.0, "I'll include the cost figures in the minutes tonight.", "C"),
    ]
    texts = [c.text for c in find_actions(prepare_utterances(said), 10)]
    assert texts == ["I'll include the cost figures in the minutes tonight."]


def test_a_sentence_that_runs_on_to_another_commitment_gives_each_its_own_item():
    """ "Anna will update the budget by Friday, and Ben will write the press release": two action
    candidates, one task each (such a sentence once came out as one item holding both)."""
    said = [Utterance(0, 0, 0.0, None, "Anna will update the budget by Friday, and Ben will write the press release.")]
    assert [c.text for c in find_actions(said, 5)] == [
        "Anna will update the budget by Friday",
        "Ben will write the press release.",
    ]
    whole = [Utterance(0, 0, 0.0, None, "If the budget is approved, I'll book the venue for the launch.")]
    assert [c.text for c in find_actions(whole, 5)] == [whole[0].text]


def test_telling_someone_outside_the_meeting_is_a_commitment():
    """ "I'll tell you about the setting" is meeting talk; "And I will tell the board about the
    new date on Monday" (the short launch meeting's fourth commitment, lost by it) is an item."""
    texts = [c.text for c in find_actions(prepare_utterances(short_launch()), 10)]
    assert any("tell the board" in t for t in texts), texts
    said = [TranscriptSegment(0.0, 5.0, "First I'll tell you a little bit about the setting of this project today.")]
    assert find_actions(prepare_utterances(said), 10) == []


def test_guiding_the_meeting_and_saying_when_one_is_free_are_no_tasks():
    """TS3003a's project manager opened with "so I'll direct you through the project", which became
    the action item "Bart will direct you through the project."; QMSum's "I can do earlier in the
    day on Thursday" (when a speaker is free) was one too. Taking a task for a day still is one."""
    said = [
        TranscriptSegment(0.0, 4.0, "Okay, so I'll direct you through the project and its three phases.", "Bart"),
        TranscriptSegment(4.0, 9.0, "I can do earlier in the day on Thursday, or most of the time on Friday.", "F"),
        TranscriptSegment(9.0, 14.0, "I can do the budget slides by Thursday for the review.", "Anna"),
        # QMSum: "Grad C will hear about the activities. (due: today)"
        TranscriptSegment(14.0, 19.0, "They work on various activities, some of which you will hear about today.", "C"),
    ]
    texts = [c.text for c in find_actions(prepare_utterances(said), 10)]
    assert texts == ["I can do the budget slides by Thursday for the review."]


def test_what_matters_is_no_task_and_what_can_be_done_after_one_is_no_part_of_it():
    """TS3003a's summary had the action item "The only thing we have to look after is that we use
    different colours, and different line width." (how to draw on the whiteboard) and "Bart will put
    the minutes ... in the project folder, and then we can all work." The first is no task; the
    second is the minutes alone; a task said beside them stays one."""
    said = [
        TranscriptSegment(0.0, 4.0, "The only thing we have to look after is that we use different colours.", "Bart"),
        TranscriptSegment(
            4.0,
            9.0,
            "Okay, then I'll put the minutes from this meeting in the project folder, and then we can all work.",
            "Bart",
        ),
        TranscriptSegment(9.0, 14.0, "Fine. I'll send the invoice to Maria on Friday.", "Anna"),
    ]
    texts = [c.text for c in find_actions(prepare_utterances(said), 10)]
    assert texts == [
        "Okay, then I'll put the minutes from this meeting in the project folder",
        "I'll send the invoice to Maria on Friday.",
    ]


def test_what_the_meeting_is_for_is_no_decision():
    """ES2002d's decisions began with "The end result of this meeting has to be a decision on the
    details of this remote control": the meeting's purpose, said at its start, decided nothing."""
    said = [
        Utterance(0, 0, 0.0, "A", "The end result of this meeting has to be a decision on the details of this remote."),
        Utterance(1, 1, 5.0, "B", "So we decided to go with the rubber buttons and the yellow case."),
    ]
    assert [c.text for c in find_decisions(said, 5)] == [
        "So we decided to go with the rubber buttons and the yellow case."
    ]


def test_what_one_cannot_do_is_no_commitment():
    """ "I can" matched "I can't" (a word boundary falls before the apostrophe), so "I can't
    remember which parser version the demo used" was an action candidate of its speaker. Saying
    one can't is no commitment; saying one can still is a candidate."""
    said = [
        TranscriptSegment(0.0, 4.0, "I can't quite recall whether they actually produced the chunks.", "Anna"),
        TranscriptSegment(4.0, 8.0, "I can\u2019t remember which parser version the demo used.", "Ben"),
        TranscriptSegment(8.0, 12.0, "I can prepare the parser benchmark numbers for the demo.", "Carl"),
    ]
    texts = [c.text for c in find_actions(prepare_utterances(said), 10)]
    assert texts == ["I can prepare the parser benchmark numbers for the demo."]


def test_reported_words_and_conditions_are_no_items():
    """QMSum with SmolLM2: "this one of these planning modules comes along and says "hey, right now
    we need to ask a question"" was an action item (the words in quotes are reported, no one
    commits), and "If we if our if our module decided that Enter is the case, View and Approach
    will not be there" a decision, cut to "If ... decided that Enter is the case, View." (a
    condition weighs a case, it decides nothing). A conditional commitment stays an action."""
    said = [
        TranscriptSegment(
            0.0, 4.0, 'The planner comes along and says "hey, we need to ask the user a question".', "Ann"
        ),
        TranscriptSegment(
            4.0, 8.0, "If our module decided that Enter is the case, View and Approach will not be there.", "Ben"
        ),
        TranscriptSegment(
            8.0, 12.0, "So, if you have some bottom line decision about which mode, what matters most.", "Ann"
        ),
        TranscriptSegment(12.0, 16.0, "We decided to keep the parser interface as it is for the demo.", "Carl"),
        TranscriptSegment(16.0, 20.0, "If the parser breaks again, I will send the logs to Johno tonight.", "Ben"),
        TranscriptSegment(20.0, 24.0, "I suppose we decided on the blue rubber case for the remote then.", "Ann"),
    ]
    utterances = prepare_utterances(said)
    assert [c.text for c in find_decisions(utterances, 5)] == [
        "We decided to keep the parser interface as it is for the demo.",
        "I suppose we decided on the blue rubber case for the remote then.",
    ]
    assert [c.text for c in find_actions(utterances, 10)] == [
        "If the parser breaks again, I will send the logs to Johno tonight."
    ]


def test_how_a_thing_will_look_is_no_task_and_an_answering_no_is_no_part_of_a_decision():
    """QMSum with SmolLM2: "So if this is what M-three-L will look like and what it'll give us"
    became the action item "Grad D will look like and what it 'll give us." (a thing's looks are
    no one's task), and "Well, no the Bayes-nets will be specific for each decision" (the "no"
    answers the turn before) the decision "No the Bayes - nets will be ...". "No one" stays."""
    said = [
        TranscriptSegment(
            0.0, 4.0, "So by Friday this is what the parser output will look like and what it gives us.", "Ann"
        ),
        TranscriptSegment(4.0, 8.0, "I will look into the parser output format before the next demo.", "Ben"),
        TranscriptSegment(8.0, 12.0, "Well, no the Bayes nets will be specific for each kind of decision.", "Carl"),
        TranscriptSegment(12.0, 16.0, "No one will have to change the ontology module, we decided.", "Ann"),
    ]
    utterances = prepare_utterances(said)
    assert find_actions(utterances[:1], 10) == []
    assert [c.text for c in find_actions(utterances[1:2], 10)] == [
        "I will look into the parser output format before the next demo."
    ]
    decisions = [c.text for c in find_decisions(utterances, 5)]
    assert "the Bayes nets will be specific for each kind of decision." in decisions
    assert "No one will have to change the ontology module, we decided." in decisions
    # The same line as a note (a key point written from what was said) loses its "no" too.
    assert tidy("Well, no the Bayes nets will be specific.") == "The Bayes nets will be specific."
    assert tidy("No changes will be made to the parser.") == "No changes will be made to the parser."


def test_a_day_is_no_place_a_thing_goes_unless_it_was_said_so():
    """The launch sync with SmolLM2: "Friday is also when the newsletter goes out, so I'll add the
    new date there too." became "Leo will add the new date to Friday." ("there" read as the day);
    the item reads as said. "Move the launch to October" said so stays the model's wording."""
    segments = [
        TranscriptSegment(0.0, 4.0, "Leo, where are we with the release notice for the launch?", "Priya"),
        TranscriptSegment(
            4.0, 8.0, "Friday is also when the newsletter goes out, so I'll add the new date there too.", "Leo"
        ),
        TranscriptSegment(8.0, 12.0, "Then I will move the launch event to October and tell the board.", "Priya"),
    ]

    def rewriter(prompt: str) -> str:
        user = last_user_message(prompt)
        if "newsletter" in user and "Friday is also" in user:
            return "Leo will add the new date to Friday."
        if "launch event to October" in user:
            return "Priya will move the launch event to October and tell the board."
        return "The team discussed the launch."

    actions = {a.owner: a.text for a in run_summary(ScriptedModel(rewriter), segments).action_items}
    assert actions["Leo"] == "Friday is also when the newsletter goes out, so Leo will add the new date there too."
    assert actions["Priya"] == "Priya will move the launch event to October and tell the board."
