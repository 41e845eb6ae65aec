"""Each paste format is parsed into the right speakers and turns, and 'me' is guessed sensibly."""

from __future__ import annotations

import pytest

from app.assistant.conversation_parse import parse_conversation
from app.errors import AppError


def turns(conversation):
    return [(t.speaker, t.text) for t in conversation.turns]


def test_whatsapp_android_export():
    """'3/14/25, 6:02 PM - Name: text': system lines and media placeholders dropped, wrapped
    lines joined to their message, times kept."""
    paste = (
        "3/14/25, 6:01 PM - Messages and calls are end-to-end encrypted. "
        "No one outside of this chat can read them.\n"
        "3/14/25, 6:02 PM - Anna Lee: Are we still on for dinner?\n"
        "3/14/25, 6:03 PM - Ben: Yes! 7pm at Luigi's\n"
        "bring the voucher\n"
        "3/14/25, 6:04 PM - Anna Lee: <Media omitted>\n"
        "3/14/25, 6:05\u202fPM - Anna Lee: Perfect, see you there"
    )
    conversation = parse_conversation(paste)
    assert conversation.format == "whatsapp"
    assert turns(conversation) == [
        ("Anna Lee", "Are we still on for dinner?"),
        ("Ben", "Yes! 7pm at Luigi's\nbring the voucher"),
        ("Anna Lee", "Perfect, see you there"),
    ]
    assert conversation.turns[0].time == "6:02 PM"


def test_whatsapp_ios_export():
    """'[14/03/2025, 18:02:11] Name: text' (iOS) is WhatsApp too."""
    paste = (
        "[14/03/2025, 18:02:11] Anna: Hi\n[14/03/2025, 18:02:30] Ben: Hey, what's up?\n"
        "[14/03/2025, 18:03:01] Anna: Can you send me the report?"
    )
    assert turns(parse_conversation(paste)) == [
        ("Anna", "Hi"),
        ("Ben", "Hey, what's up?"),
        ("Anna", "Can you send me the report?"),
    ]


def test_email_thread_with_nested_quotes():
    """Gmail-style thread: newest on top, 'On ... wrote:' headers (one wrapped over two lines)
    name the authors of the quoted messages; turns come out oldest first, without '>'."""
    paste = """Sounds good, Thursday at 3 works for me.

Thanks,
Alice

On Tue, Mar 4, 2025 at 9:15 AM Bob Jones <bob@example.com> wrote:
> Hi Alice,
> Can we meet Thursday at 3 to go over the budget?
>
> On Mon, Mar 3, 2025 at 5:00 PM Alice Smith <alice@example.com>
> wrote:
>> Hi Bob, do you have time this week?
"""
    conversation = parse_conversation(paste)
    assert conversation.format == "email"
    assert turns(conversation) == [
        ("Alice Smith", "Hi Bob, do you have time this week?"),
        ("Bob Jones", "Hi Alice,\nCan we meet Thursday at 3 to go over the budget?"),
        ("Alice Smith", "Sounds good, Thursday at 3 works for me.\n\nThanks,\nAlice"),
    ]
    assert conversation.me == "Bob Jones" and conversation.me_guessed


def test_outlook_style_thread():
    """'From: / Sent: / To: / Subject:' blocks separate the messages of an Outlook reply."""
    paste = """I can do Friday instead.

From: Carol White <carol@example.com>
Sent: Monday, March 3, 2025 10:00 AM
To: Dan
Subject: Review

Could we move the review to Thursday?"""
    assert turns(parse_conversation(paste, me="Dan")) == [
        ("Carol White", "Could we move the review to Thursday?"),
        ("Dan", "I can do Friday instead."),
    ]


def test_timestamped_lines():
    """'[hh:mm] Name: text' lines; a line without a stamp continues the message before it."""
    paste = (
        "[09:15] Sam: Morning! Did the build pass?\n[09:16] Priya: Not yet, one test is flaky.\n"
        "I'm on it\n[09:20] Sam: Can you rerun it?"
    )
    conversation = parse_conversation(paste)
    assert conversation.format == "timestamped"
    assert turns(conversation) == [
        ("Sam", "Morning! Did the build pass?"),
        ("Priya", "Not yet, one test is flaky.\nI'm on it"),
        ("Sam", "Can you rerun it?"),
    ]


def test_name_colon_lines():
    """'Name: text'; a speaker called Me is the user."""
    conversation = parse_conversation(
        "Mom: Did you eat?\nMe: Yes, pasta\nMom: Good. Call grandma tonight\nshe misses you"
    )
    assert conversation.format == "labelled"
    assert turns(conversation) == [
        ("Mom", "Did you eat?"),
        ("Me", "Yes, pasta"),
        ("Mom", "Good. Call grandma tonight\nshe misses you"),
    ]
    assert conversation.me == "Me"


def test_plain_alternating_lines():
    """No labels: lines alternate, counted back from the last one, which is the other person's;
    a colon inside a line does not make it a label."""
    conversation = parse_conversation(
        "Hey, are you coming to the party?\nNot sure yet: I have work\nCome on, it'll be fun!"
    )
    assert conversation.format == "plain"
    assert turns(conversation) == [
        ("Them", "Hey, are you coming to the party?"),
        ("Me", "Not sure yet: I have work"),
        ("Them", "Come on, it'll be fun!"),
    ]
    assert conversation.me == "Me" and not conversation.last_is_mine


def test_plain_blocks_separated_by_blank_lines():
    """Paragraphs separated by blank lines are one message each."""
    conversation = parse_conversation("Hi Jo,\nthanks for the photos.\n\nGlad you like them!\n\nWhen can we meet?")
    assert [t.text for t in conversation.turns] == [
        "Hi Jo,\nthanks for the photos.",
        "Glad you like them!",
        "When can we meet?",
    ]


def test_me_from_the_option_the_settings_and_the_guess():
    """--me matches a speaker case-insensitively (or by first name); the settings' name is used
    when it is a speaker; otherwise the guess is who spoke before the last message."""
    paste = "Anna Lee: Lunch?\nBen: Sure, where?\nAnna Lee: The usual place"
    assert parse_conversation(paste, me="anna").me == "Anna Lee"
    assert parse_conversation(paste, me="anna").last_is_mine
    assert parse_conversation(paste, default_me="Anna Lee").me == "Anna Lee"
    guessed = parse_conversation(paste, default_me="Zoe")
    assert guessed.me == "Ben" and guessed.me_guessed
    assert parse_conversation(paste).with_me("ANNA LEE").me == "Anna Lee"


def test_empty_paste_is_refused():
    with pytest.raises(AppError, match="empty"):
        parse_conversation("  \n\n ")


def test_the_top_message_of_an_email_is_from_whoever_signed_it(karen_email):
    """Karen's reply on top has no "wrote:" line: her signature names her (not "Them"); her
    contact block is kept apart from what she wrote; Jordan, quoted below, is the user."""
    conversation = parse_conversation(karen_email)
    assert conversation.format == "email"
    assert [t.speaker for t in conversation.turns] == ["Jordan Lee", "Karen Liu"]
    karen = conversation.turns[-1]
    assert karen.text.startswith("Hi Jordan,") and karen.text.endswith("Best regards,\nKaren")
    assert "Head of Operations" not in karen.text and "Head of Operations" in karen.signature
    assert conversation.turns[0].text.endswith("Thanks,\nJordan") and not conversation.turns[0].signature
    assert conversation.me == "Jordan Lee"
    assert parse_conversation(karen_email, default_me="Jordan").me == "Jordan Lee"


def test_an_unsigned_top_message_is_from_whom_the_quoted_one_greeted():
    """No signature under the top message: the quoted message it answers ("Hi Karen," from
    Jordan Lee) says who it was written to, so the reply on top is Karen's."""
    paste = (
        "Thursday works, see you then.\n\n"
        "On Mon, Jun 2, 2025 at 4:37 PM Jordan Lee <jordan@example.com> wrote:\n"
        "> Hi Karen,\n> Can we go over the scanner quotes on Thursday?\n"
    )
    conversation = parse_conversation(paste)
    assert [(t.speaker, t.text) for t in conversation.turns] == [
        ("Jordan Lee", "Hi Karen,\nCan we go over the scanner quotes on Thursday?"),
        ("Karen", "Thursday works, see you then."),
    ]


def test_a_reply_written_under_the_quote_is_the_newest_message():
    """Bottom-posting: the quote comes first and the reply under it; the reply is a message
    of its own (not part of the quote), the newest one, from whoever signed it."""
    paste = (
        "On Mon, Jun 2, 2025 at 4:37 PM Jordan Lee <jordan@example.com> wrote:\n"
        "> Hi Karen,\n> Which vendor do you prefer?\n\n"
        "Brightline, please ask them for the final quote.\n\n"
        "Karen Liu\nHead of Operations\nNorthwind Logistics\n"
    )
    conversation = parse_conversation(paste, me="Jordan")
    assert [(t.speaker, t.text) for t in conversation.turns] == [
        ("Jordan Lee", "Hi Karen,\nWhich vendor do you prefer?"),
        ("Karen Liu", "Brightline, please ask them for the final quote."),
    ]
    assert conversation.me == "Jordan Lee" and not conversation.last_is_mine
