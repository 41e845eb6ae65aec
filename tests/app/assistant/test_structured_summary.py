"""The structured path of a capable model, with scripted answers: dispatch by the model's size
and the transcript's language, JSON items checked against the transcript (owners are people,
due dates and numbers said), reduce, and the SmolLM2 pipeline left as it was."""

from __future__ import annotations

import json
from dataclasses import replace

from capable_folder import capable_folder
from fakes import ScriptedModel
from short_meetings import SHORT_LAUNCH, SHORT_LAUNCH_DE, segments

from app.assistant.model_profile import CAPABLE_PARAMETERS
from app.assistant.structured_prompts import EXTRACT_SHAPE, transcript_language
from app.assistant.structured_summary import summarize_structured
from app.assistant.summarize import run_summary
from app.assistant.summary_options import SummaryOptions
from app.tasks.events import Done

EXTRACTED = {
    "decisions": [
        {
            "decision": "The launch moves from October 3 to October 17.",
            "quote": "We decided to move the launch from October 3 to October 17.",
        },
        {"decision": "Agreed", "quote": "Dana: Great, see you next week."},
    ],
    "action_items": [
        # A weekday for an owner: the one who said "I will" owns it.
        {
            "owner": "Friday",
            "task": "Update the release notice",
            "due": "Friday",
            "quote": "I will update the release notice by Friday.",
        },
        {
            "owner": "Marcus",
            "task": "Have the demo video ready",
            "due": "by Wednesday",
            "quote": "I'll have the demo video ready by Wednesday.",
        },
        # Owner right, but a date nobody said: the task falls back to what Dana said.
        {
            "owner": "Dana",
            "task": "Send the FAQ to the support team by October 24",
            "due": "October 24",
            "quote": "I will send the updated FAQ to the support team by Thursday.",
        },
        # Nothing anyone said: dropped.
        {
            "owner": "Leo",
            "task": "Book the venue for the party",
            "due": None,
            "quote": "Leo will book the venue for the launch party.",
        },
        # Not a commitment.
        {"owner": "Dana", "task": "See everyone next week", "due": "next week", "quote": "Great, see you next week."},
    ],
    "key_points": ["The refund flow needs another week of testing.", "The launch moves to October 17."],
}
REDUCED = {
    "title": "Launch moved to October 17",
    "overview": "The launch moves from October 3 to October 17 because the refund flow needs more testing. "
    "Priya will send the FAQ to the support team. The budget grew by 40 percent.",
}


def scripted(extracted=EXTRACTED, reduced=REDUCED, capable=True, tmp_path=None) -> ScriptedModel:
    def respond(prompt: str) -> str:
        if EXTRACT_SHAPE in prompt:
            return extracted if isinstance(extracted, str) else json.dumps(extracted)
        if '"overview"' in prompt:
            return json.dumps(reduced)
        return "The team talked about the launch."

    model = ScriptedModel(respond)
    if capable:
        model.model_dir = capable_folder(tmp_path / "model", CAPABLE_PARAMETERS * 2)
    return model


def run_structured(model, transcript, options=SummaryOptions()):
    """The structured path to its end, whatever the transcript's language (English goes the
    notes pipeline's way through run_summary: test_english_goes_the_notes_way_on_a_capable_model_too)."""
    return next(e.result for e in summarize_structured(model, transcript, options=options) if isinstance(e, Done))


def test_a_capable_model_is_asked_for_json_and_its_items_are_grounded(tmp_path):
    """One extraction prompt and one reduce prompt; owners are the people who committed (never
    'Friday'), due dates as said, an invented date or item is not shown, the decision is found,
    and an overview sentence that gives Dana's task to Priya or invents a number is dropped."""
    model = scripted(tmp_path=tmp_path)
    summary = run_structured(model, segments())
    assert len(model.calls) == 2 and EXTRACT_SHAPE in model.calls[0].prompt
    items = {a.owner: a for a in summary.action_items}
    assert set(items) == {"Leo", "Marcus", "Dana"}
    assert items["Leo"].due == "by Friday" and items["Leo"].text == "Update the release notice"
    assert items["Marcus"].due == "by Wednesday"
    assert "24" not in items["Dana"].text and items["Dana"].due == "by Thursday"
    assert "FAQ" in items["Dana"].text
    assert not any("venue" in a.text or "next week" in a.text for a in summary.action_items)
    assert [d.text for d in summary.decisions] == ["The launch moves from October 3 to October 17."]
    assert summary.decisions[0].start == 12.0  # the utterance it was said in
    assert summary.overview == (
        "The launch moves from October 3 to October 17 because the refund flow needs more testing."
    )
    assert summary.title == "Launch moved to October 17"
    assert [p.text for p in summary.key_points] == ["The refund flow needs another week of testing."]


def test_a_small_model_keeps_the_smollm2_pipeline(tmp_path):
    """A model without a capable graph is never asked for JSON: the notes pipeline runs as before."""
    model = scripted(capable=False)
    run_summary(model, segments())
    assert model.calls and not any(EXTRACT_SHAPE in call.prompt for call in model.calls)
    assert all(call.config.token_mask is None for call in model.calls)


def test_english_goes_the_notes_way_on_a_capable_model_too(tmp_path):
    """In English the notes pipeline serves every model (summarize.takes_structured_path: on
    real meetings Qwen2.5-0.5B's JSON answers were copied speech); German stays structured."""
    model = scripted(tmp_path=tmp_path)
    run_summary(model, segments())
    assert model.calls and not any(EXTRACT_SHAPE in call.prompt for call in model.calls)
    german = scripted(tmp_path=tmp_path / "german")
    run_summary(german, segments(SHORT_LAUNCH_DE))
    assert EXTRACT_SHAPE in german.calls[0].prompt


def test_unreadable_json_gives_an_honest_summary_not_an_error(tmp_path):
    """An answer that is not JSON (a model without a constraint) yields no invented items: the
    summary still has a title, and no owner that is not a person."""
    model = scripted(extracted="Sure! Here are the decisions: ...", tmp_path=tmp_path)
    summary = run_structured(model, segments())
    assert summary.action_items == () and summary.decisions == ()
    assert summary.title


def test_german_transcript_asks_for_german_and_checks_german_owners(tmp_path):
    """The language is the transcript's: the prompts ask for German; a German weekday is never an
    owner; a due date is the German phrase said."""
    extracted = {
        "decisions": [],
        "key_points": [],
        "action_items": [
            {
                "owner": "Freitag",
                "task": "Versionshinweise aktualisieren",
                "due": "bis Freitag",
                "quote": "Ich aktualisiere die Versionshinweise bis Freitag.",
            }
        ],
    }
    model = scripted(extracted=extracted, reduced={"title": "", "overview": ""}, tmp_path=tmp_path)
    summary = run_summary(model, segments(SHORT_LAUNCH_DE))
    assert "Write every text in German" in model.calls[0].prompt
    assert [(a.owner, a.due) for a in summary.action_items] == [("Leo", "bis Freitag")]


def test_transcript_language():
    """English, German, French and Spanish meetings are told apart; a few words are not enough."""
    assert transcript_language(" ".join(t for _, t in segments_text())) == "English"
    assert transcript_language(" ".join(t for _, t in SHORT_LAUNCH_DE)) == "German"
    assert (
        transcript_language(
            "Nous avons décidé que le lancement sera reporté. Je vais envoyer la note pour "
            "vendredi, et les tests de remboursement ne sont pas finis."
        )
        == "French"
    )
    assert (
        transcript_language(
            "Hemos decidido que el lanzamiento se mueve. Yo envío la nota para el viernes y "
            "los tests no están listos para la semana."
        )
        == "Spanish"
    )
    assert transcript_language("OK.") == "the language of the transcript"


def segments_text():
    return SHORT_LAUNCH


def test_an_answer_cut_off_by_the_token_limit_keeps_its_complete_items(tmp_path):
    """JSON that stops mid-item (the limit came first) still gives the items written whole."""
    whole = json.dumps(EXTRACTED)
    cut = whole[: whole.index('{"owner": "Dana"') + 30]
    summary = run_structured(scripted(extracted=cut, tmp_path=tmp_path), segments())
    assert {a.owner for a in summary.action_items} == {"Leo", "Marcus"}
    assert summary.decisions


def test_owners_come_from_who_committed_not_from_the_next_line(tmp_path):
    """What Qwen2.5-0.5B answered on the launch meeting: Leo's 'I will update the release notice'
    given to Marcus (who speaks next) and Priya's board update to Dana (who spoke before). The
    owners are the speakers who said 'I will'; the overview sentence built on the wrong owner and
    a 'decision' that is only news are not shown."""
    extracted = {
        "decisions": [
            {
                "decision": "The payment provider says the refund flow needs another week of testing.",
                "quote": "The payment provider says the refund flow needs another week of testing.",
            },
            {
                "decision": "Move the launch from October 3 to October 17",
                "quote": "We decided to move the launch from October 3 to October 17.",
            },
        ],
        "action_items": [
            {
                "owner": "Marcus",
                "task": "Update the release notice by Friday",
                "due": "by Friday",
                "quote": "I will update the release notice by Friday.",
            },
            {
                "owner": "Dana",
                "task": "Tell the board about the new date on Monday",
                "due": "on Monday",
                "quote": "And I will tell the board about the new date on Monday.",
            },
        ],
        "key_points": [],
    }
    reduced = {"title": "", "overview": "Dana is also telling the board about the new date on Monday."}
    summary = run_structured(scripted(extracted=extracted, reduced=reduced, tmp_path=tmp_path), segments())
    assert [(a.owner, a.due) for a in summary.action_items] == [("Leo", "by Friday"), ("Priya", "on Monday")]
    assert [d.text for d in summary.decisions] == ["Move the launch from October 3 to October 17"]
    assert "Dana" not in summary.overview
    assert summary.overview == "Move the launch from October 3 to October 17."  # its one decision, whole
    assert summary.title == "Move the launch from October 3 to October 17"


def test_german_items_need_a_commitment_or_decision_and_get_the_time_said(tmp_path):
    """What Qwen2.5-0.5B answered on the German meeting: news given as a task, fragments given as
    decisions, tasks without their due day. Only commitments stay, with the day said ('bis
    Freitag'); only the decision that was one stays; an overview of a comma is no overview."""
    extracted = {
        "decisions": [
            {"decision": "Leo zu aktualisieren", "quote": "Ich aktualisiere die Versionshinweise bis Freitag."},
            {
                "decision": "Priya und Marcus zu verschieben",
                "quote": "Wir haben beschlossen, den Start vom 3. Oktober auf den 17. Oktober zu verschieben.",
            },
            {
                "decision": "Den Start vom 3. Oktober auf den 17. Oktober verschieben",
                "quote": "Wir haben beschlossen, den Start vom 3. Oktober auf den 17. Oktober zu verschieben.",
            },
        ],
        "action_items": [
            {
                "owner": "Marcus",
                "task": "Die Rückerstattung braucht noch eine Woche Tests",
                "due": None,
                "quote": "Der Zahlungsanbieter sagt, die Rückerstattung braucht noch eine Woche Tests.",
            },
            {
                "owner": "Leo",
                "task": "Leo aktualisiere die Versionshinweise bis Freitag",
                "due": None,
                "quote": "Ich aktualisiere die Versionshinweise bis Freitag.",
            },
        ],
        "key_points": [],
    }
    summary = run_structured(
        scripted(extracted=extracted, reduced={"title": "", "overview": ","}, tmp_path=tmp_path),
        segments(SHORT_LAUNCH_DE),
    )
    assert [(a.owner, a.due) for a in summary.action_items] == [("Leo", "bis Freitag")]
    assert [d.text for d in summary.decisions] == ["Den Start vom 3. Oktober auf den 17. Oktober verschieben"]
    assert summary.overview == "Den Start vom 3. Oktober auf den 17. Oktober verschieben."
    reduced = {"title": "", "overview": ", Leo aktualisiere die Versionshinweise bis Freitag."}
    again = run_structured(
        scripted(extracted=extracted, reduced=reduced, tmp_path=tmp_path / "again"), segments(SHORT_LAUNCH_DE)
    )
    assert again.overview == "Leo aktualisiere die Versionshinweise bis Freitag."
    assert summary.title and "ckerstattung" not in summary.title


def test_a_task_quoted_at_another_line_goes_with_the_line_that_says_it(tmp_path):
    """What Qwen2.5-1.5B answered on the German meeting: Marcus's video task quoted at Leo's line,
    with Leo as its owner and Leo's 'bis Freitag' as its due day. The task's day is not said on
    that line, so the task goes with the line that says it (Marcus, 'bis Mittwoch', its time);
    a task with a day no line of its own says is dropped."""
    extracted = {
        "decisions": [],
        "action_items": [
            {
                "owner": "Leo",
                "task": "Ich mache das Demovideo bis Mittwoch fertig.",
                "due": "bis Freitag",
                "quote": "Ich aktualisiere die Versionshinweise bis Freitag.",
            },
            {
                "owner": "Dana",
                "task": "Dana schickt die neuen FAQ bis Samstag an den Support",
                "due": "bis Samstag",
                "quote": "Ich schicke die neuen FAQ bis Donnerstag an den Support.",
            },
        ],
        "key_points": [],
    }
    summary = run_structured(scripted(extracted=extracted, tmp_path=tmp_path), segments(SHORT_LAUNCH_DE))
    assert [(a.owner, a.due, a.start) for a in summary.action_items] == [("Marcus", "bis Mittwoch", 24.0)]


def test_a_german_fragment_is_no_key_point_and_no_overview_sentence(tmp_path):
    """What Qwen2.5-0.5B wrote for the German meeting's overview and key point: "Priya und Marcus
    zu verschieben", two words besides the names, as decisions already are refused for; the
    sentences that say something stay. Its title was the heading of the notes it was given,
    "Action items": no title."""
    extracted = {
        "decisions": [],
        "action_items": [],
        "key_points": ["Priya und Marcus zu verschieben", "Die Rückerstattung braucht noch eine Woche Tests"],
    }
    reduced = {
        "title": "Action items",
        "overview": "Priya und Marcus zu verschieben. Der Start wird auf den 17. Oktober verschoben.",
    }
    summary = run_structured(
        scripted(extracted=extracted, reduced=reduced, tmp_path=tmp_path), segments(SHORT_LAUNCH_DE)
    )
    assert [p.text for p in summary.key_points] == ["Die Rückerstattung braucht noch eine Woche Tests"]
    assert summary.overview == "Der Start wird auf den 17. Oktober verschoben."
    assert summary.title and summary.title != "Action items"


def test_an_overview_naming_everyone_is_checked_clause_by_clause(tmp_path):
    """Qwen2.5-0.5B's overview of the launch meeting: its first sentence puts Leo in a talk he
    was not in (dropped); its second gives each person their own task, clause by clause (kept);
    its title says 'October 17th' for 'October 17' (kept)."""
    reduced = {
        "title": "Meeting on October 17th",
        "overview": "Leo and Marcus are discussing the refund flow for the payment provider. Leo is updating "
        "the release notice by Friday, Marcus is having the demo video ready by Wednesday, Dana "
        "is sending the updated FAQ to the support team by Thursday, and Priya is telling the "
        "board about the new date on Monday.",
    }
    summary = run_structured(scripted(reduced=reduced, tmp_path=tmp_path), segments())
    assert summary.overview.startswith("Leo is updating the release notice by Friday, Marcus is having")
    assert "discussing" not in summary.overview
    assert summary.title == "Meeting on October 17th"


def test_a_capable_model_reads_its_finished_chunks_while_recording(tmp_path):
    """prepare_summary on a capable model: one extraction per chunk that will not move any
    more (all but the last two), none of the reduce; the summary at Stop then asks only about
    the rest, and is the one it would have been."""
    from app.assistant.prompt_memory import remembering
    from app.assistant.summarize import prepare_summary

    long_meeting = [  # each round said a little differently: no two chunks alike (German: structured)
        replace(s, start=s.start + 60.0 * repeat, end=s.end + 60.0 * repeat, text=f"{s.text} Das war Runde {repeat}.")
        for repeat in range(30)
        for s in segments(SHORT_LAUNCH_DE)
    ]
    plain_model = scripted(tmp_path=tmp_path)
    plain = run_summary(plain_model, long_meeting)
    extractions = sum(EXTRACT_SHAPE in c.prompt for c in plain_model.calls)
    assert extractions >= 4

    model = scripted(tmp_path=tmp_path)
    list(prepare_summary(remembering(model), long_meeting))
    assert len(model.calls) == extractions - 2 and all(EXTRACT_SHAPE in c.prompt for c in model.calls)
    assert run_summary(remembering(model), long_meeting) == plain
    assert len(model.calls) == len(plain_model.calls)  # nothing asked twice


def test_items_the_length_bound_cut_short_keep_only_whole_sentences(tmp_path):
    """The grammar closes a string at its maxLength: what Qwen2.5-1.5B wrote for an AMI meeting
    ("... moving back or forward one page, a") is not shown. A decision cut short falls back to
    the sentence it quotes; an overview keeps its whole sentences."""
    from app.assistant.structured_grounding import uncut
    from app.assistant.structured_prompts import TEXT_CHARS

    assert uncut("Short and whole.") == "Short and whole."
    cut = ("The launch moves to October 17. " + "They will use a tool bar for saving, printing " * 9)[:TEXT_CHARS]
    assert uncut(cut) == "The launch moves to October 17."
    assert uncut("word " * (TEXT_CHARS // 5)) == ""
    whole = "Make one remote control that can operate them all"
    assert uncut(whole) == whole
    assert uncut("The team agreed on the budget. They also discussed how to find out if the") == (
        "The team agreed on the budget."
    )
    assert uncut("Project folder, and they will all work on their") == ""
    extracted = dict(EXTRACTED)
    extracted["decisions"] = [
        {
            "decision": ("The team agreed to move the launch from October 3 to October 17 and " * 4)[:TEXT_CHARS],
            "quote": "We decided to move the launch from October 3 to October 17.",
        }
    ]
    overview = "The launch moves from October 3 to October 17 because the refund flow needs more testing. "
    reduced = {"title": "Launch moved", "overview": (overview + "The team went on to " * 60)[: 150 * 3]}
    summary = run_structured(scripted(extracted=extracted, reduced=reduced, tmp_path=tmp_path), segments())
    assert [d.text for d in summary.decisions] == ["The team decided to move the launch from October 3 to October 17."]
    assert summary.overview == overview.strip()


def test_a_meeting_read_in_more_pieces_gets_a_longer_overview(tmp_path):
    """Three overview sentences for a short meeting, one more for every three pieces after the
    first (three cannot say what an hour went through), asked in the third person and in order."""
    model = scripted(tmp_path=tmp_path)
    run_structured(model, segments(SHORT_LAUNCH * 4), options=SummaryOptions(min_chunks=8))
    pieces = len([c for c in model.calls if EXTRACT_SHAPE in c.prompt])
    assert pieces >= 7
    reduce_prompt = model.calls[-1].prompt
    assert f'"overview", {3 + (pieces - 1) // 3} sentences in the third person' in reduce_prompt
    short = scripted(tmp_path=tmp_path / "short")
    run_structured(short, segments())
    assert '"overview", 3 sentences in the third person' in short.calls[-1].prompt


def test_an_overview_is_prose_said_once_and_items_do_not_loop(tmp_path):
    """What Qwen2.5-0.5B wrote for real meetings: an overview saying one sentence three times,
    another with a question, a "Decisions:" heading and the notes copied as a list, and a key
    point looping on one sentence. Each sentence is shown once, and only prose is an overview;
    a question or a line of speech ("I think you should...") is no key point."""
    once = "The launch moves from October 3 to October 17 because the refund flow needs more testing."
    looping = "The refund flow needs another week of testing. " * 6
    asked = "Should we launch on October 3 with a broken refund flow?"  # asked in the meeting: no point made
    said = "I think you should not launch with a broken refund flow."  # speech copied: no note
    extracted = dict(EXTRACTED, key_points=[looping.strip(), asked, said])
    reduced = {
        "title": "Launch moved",
        "overview": f"{once} {once} Can we close that? Decisions:\n- Move the launch to October 17\n{once}",
    }
    summary = run_structured(scripted(extracted=extracted, reduced=reduced, tmp_path=tmp_path), segments())
    assert summary.overview == once
    assert [p.text for p in summary.key_points] == ["The refund flow needs another week of testing."]


def test_a_title_of_two_words_is_kept_and_an_invented_one_is_not(tmp_path):
    """Qwen2.5-0.5B titled an AMI meeting "Design Evaluation"; a title is no sentence, and the
    three-word rule of overview sentences had replaced it with a copied line of speech. A title
    with a date nobody said still gives way to the first decision."""
    kept = run_structured(scripted(reduced=dict(REDUCED, title="Refund testing"), tmp_path=tmp_path), segments())
    assert kept.title == "Refund testing"
    invented = dict(REDUCED, title="Launch on November 30")
    dropped = run_structured(scripted(reduced=invented, tmp_path=tmp_path / "invented"), segments())
    assert dropped.title == "The launch moves from October 3 to October 17"
