"""Short launch meetings for the real-model tests of the structured summary (invented for them):
eight turns, four people, four commitments with due days, one decision to move the launch; in
English and in German. Kept short because the test machine has two shared cores."""

from __future__ import annotations

from app.assistant.transcript_input import TranscriptSegment

SHORT_LAUNCH = (
    ("Priya", "Thanks for joining. The payment provider says the refund flow needs another week of testing."),
    ("Marcus", "Then we should not launch on October 3 with a broken refund flow."),
    ("Priya", "Agreed. We decided to move the launch from October 3 to October 17."),
    ("Leo", "I will update the release notice by Friday."),
    ("Marcus", "I'll have the demo video ready by Wednesday."),
    ("Dana", "I will send the updated FAQ to the support team by Thursday."),
    ("Priya", "And I will tell the board about the new date on Monday."),
    ("Dana", "Great, see you next week."),
)
# Who committed to what (a word any wording keeps) and the day it is due.
SHORT_LAUNCH_ITEMS = {
    "Leo": ("release notice", "Friday"),
    "Marcus": ("video", "Wednesday"),
    "Dana": ("FAQ", "Thursday"),
    "Priya": ("board", "Monday"),
}

SHORT_LAUNCH_DE = (
    ("Priya", "Danke, dass ihr da seid. Der Zahlungsanbieter sagt, die Rückerstattung braucht noch eine Woche Tests."),
    ("Marcus", "Dann sollten wir nicht am 3. Oktober mit einer kaputten Rückerstattung starten."),
    ("Priya", "Einverstanden. Wir haben beschlossen, den Start vom 3. Oktober auf den 17. Oktober zu verschieben."),
    ("Leo", "Ich aktualisiere die Versionshinweise bis Freitag."),
    ("Marcus", "Ich mache das Demovideo bis Mittwoch fertig."),
    ("Dana", "Ich schicke die neuen FAQ bis Donnerstag an den Support."),
    ("Priya", "Und ich informiere am Montag den Vorstand über den neuen Termin."),
    ("Dana", "Gut, bis nächste Woche."),
)
SHORT_LAUNCH_DE_ITEMS = {
    "Leo": ("Versionshinweise", "Freitag"),
    "Marcus": ("Demovideo", "Mittwoch"),
    "Dana": ("FAQ", "Donnerstag"),
    "Priya": ("Vorstand", "Montag"),
}


def segments(turns=SHORT_LAUNCH) -> list[TranscriptSegment]:
    return [TranscriptSegment(i * 6.0, i * 6.0 + 5.0, text, speaker) for i, (speaker, text) in enumerate(turns)]
