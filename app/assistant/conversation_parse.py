"""Pasted conversations into turns: WhatsApp exports, e-mail threads, "[hh:mm] Name: text",
"Name: text", and plain alternating lines; plus a guess of which speaker is the user.

parse_conversation() reads the whole paste before it decides on a format, so that one line
that happens to contain a colon does not turn a plain paste into a labelled one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.assistant.email_thread import CLOCK as _CLOCK
from app.assistant.email_thread import read_thread
from app.assistant.text_tools import split_label
from app.errors import AppError
from app.records import Turn

ME_WORDS = {"me", "myself", "you", "i", "moi", "ich", "yo"}
THEM = "Them"
ME = "Me"


@dataclass(frozen=True)
class Conversation:
    turns: tuple[Turn, ...]
    format: str  # whatsapp | email | timestamped | labelled | plain
    me: str
    me_guessed: bool  # True when nobody said who the user is (the UI shows it and lets them change it)

    @property
    def speakers(self) -> list[str]:
        return speakers_of(self.turns)

    @property
    def last_is_mine(self) -> bool:
        return bool(self.turns) and self.turns[-1].speaker == self.me

    def with_me(self, me: str) -> Conversation:
        return replace(self, me=_match_speaker(me, self.speakers) or me, me_guessed=False)


def parse_conversation(text: str, me: str | None = None, default_me: str | None = None) -> Conversation:
    """Turns of a pasted conversation. me: who the user is (--me); default_me: their name from
    the settings, used when it matches a speaker. Raises AppError when there is no text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").strip("\n")
    if not text.strip():
        raise AppError("The conversation is empty; paste the messages you want to reply to.")
    lines = text.split("\n")
    for fmt, parser in (  # noqa: B007 (fmt is read after the loop)
        ("whatsapp", _whatsapp),
        ("email", _email),
        ("timestamped", _timestamped),
        ("labelled", _labelled),
    ):
        turns = parser(lines)
        if turns:
            break
    else:
        fmt, turns = "plain", _plain(lines)
    turns = [t for t in turns if t.text.strip()]
    if not turns:
        raise AppError("No messages were found in the conversation; paste the messages themselves.")
    speakers = speakers_of(turns)
    if me:
        if fmt == "plain" and not _match_speaker(me, speakers):
            turns = [replace(t, speaker=me if t.speaker == ME else t.speaker) for t in turns]
            speakers = speakers_of(turns)
        return Conversation(tuple(turns), fmt, _match_speaker(me, speakers) or me.strip(), False)
    guessed = guess_me(turns, default_me)
    return Conversation(tuple(turns), fmt, guessed, True)


def guess_me(turns: list[Turn], default_me: str | None = None) -> str:
    """A speaker called 'Me'/'You', else the settings' name when it is a speaker, else the last
    speaker before the one who wrote last (the user usually pastes what they must answer)."""
    speakers = speakers_of(turns)
    for speaker in speakers:
        if speaker.strip().lower() in ME_WORDS:
            return speaker
    if default_me:
        found = _match_speaker(default_me, speakers)
        if found:
            return found
    last = turns[-1].speaker
    for turn in reversed(turns):
        if turn.speaker and turn.speaker != last:
            return turn.speaker
    return ME


def speakers_of(turns: Sequence[Turn]) -> list[str]:
    """Who speaks, in order of first appearance (every parsed turn names its speaker)."""
    return list(dict.fromkeys(t.speaker for t in turns if t.speaker))


def _match_speaker(name: str, speakers: list[str]) -> str | None:
    wanted = name.strip().lower()
    for speaker in speakers:
        if speaker.lower() == wanted:
            return speaker
    firsts = [s for s in speakers if s.lower().split()[:1] == [wanted] or wanted.split()[:1] == [s.lower()]]
    return firsts[0] if len(firsts) == 1 else None


# --- WhatsApp --------------------------------------------------------------------------------

_DATE = r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}"
WHATSAPP_ANDROID = re.compile(rf"^\u200e?({_DATE}),?\s+({_CLOCK})\s+[-\u2013]\s+(.*)$")
WHATSAPP_IOS = re.compile(rf"^\u200e?\[({_DATE}),?\s+({_CLOCK})\]\s+(.*)$")
WHATSAPP_NOISE = re.compile(
    r"^\u200e?(?:<Media omitted>|image omitted|video omitted|audio omitted|sticker omitted|"
    r"GIF omitted|This message was deleted|You deleted this message|"
    r"<This message was edited>)$",
    re.IGNORECASE,
)


def _whatsapp(lines: list[str]) -> list[Turn]:
    heads = [WHATSAPP_ANDROID.match(line) or WHATSAPP_IOS.match(line) for line in lines]
    if sum(1 for h in heads if h) < max(1, 0.3 * sum(1 for line in lines if line.strip())):
        return []
    turns: list[Turn] = []
    current: Turn | None = None
    for line, head in zip(lines, heads, strict=True):
        if head:
            current = None
            body = head.group(3)
            sender, sep, message = body.partition(": ")
            if not sep:  # "Anna added Ben", "Messages and calls are end-to-end encrypted"
                continue
            message = message.strip()
            if WHATSAPP_NOISE.match(message):
                continue
            current = Turn(sender.strip().lstrip("\u200e~ ").strip(), message, head.group(2).strip())
            turns.append(current)
        elif current is not None and line.strip():
            current = replace(current, text=f"{current.text}\n{line.strip()}")
            turns[-1] = current
    return turns


# --- e-mail threads (email_thread.py) ---------------------------------------------------------


def _email(lines: list[str]) -> list[Turn]:
    return [Turn(m.author, m.text, signature=m.signature) for m in read_thread(lines, THEM)]


# --- "[hh:mm] Name: text" and "Name: text" -----------------------------------------------------

TIMESTAMP = re.compile(rf"^\s*\[?({_CLOCK})\]?\s*[-\u2013]?\s*(.+)$")


def _timestamped(lines: list[str]) -> list[Turn]:
    rows = []
    for line in lines:
        match = TIMESTAMP.match(line)
        if match and line.strip().startswith("[") or match and re.match(r"^\s*\d", line) and ":" in match.group(2):
            speaker, text = split_label(match.group(2))
            rows.append((match.group(1), speaker, text if speaker else match.group(2).strip()))
        else:
            rows.append((None, None, line.strip()))
    stamped = [r for r in rows if r[0] and r[1]]
    if len(stamped) < max(1, 0.5 * sum(1 for r in rows if r[2])):
        return []
    return _assemble(rows)


def _labelled(lines: list[str]) -> list[Turn]:
    rows: list[tuple[str | None, str | None, str]] = []
    for line in lines:
        speaker, text = split_label(line)
        rows.append((None, speaker, text if speaker else line.strip()))
    labelled = [r for r in rows if r[1]]
    non_empty = sum(1 for r in rows if r[2] or r[1])
    if len(labelled) < 0.5 * non_empty or not labelled:
        return []
    if len(labelled) == 1 and not re.fullmatch(r"[A-Z][\w.'\-]*(?: [A-Z][\w.'\-]*){0,2}", labelled[0][1] or ""):
        return []  # one lone "word: text" line is a label only when it looks like a name
    counts = Counter(r[1] for r in labelled)
    if len(counts) > max(8, len(labelled) // 2) and len(counts) > 2:
        return []  # labels that hardly repeat are not speakers ("Note:", "Re:", ...)
    return _assemble(rows)


def _assemble(rows: list[tuple[str | None, str | None, str]]) -> list[Turn]:
    """Rows with a speaker start a turn; rows without one continue the turn before them."""
    turns: list[Turn] = []
    for time, speaker, text in rows:
        if speaker:
            turns.append(Turn(speaker, text, time))
        elif text and turns:
            last = turns[-1]
            turns[-1] = replace(last, text=f"{last.text}\n{text}".strip())
    return turns


# --- plain alternating lines -------------------------------------------------------------------


def _plain(lines: list[str]) -> list[Turn]:
    """No labels: blank-line separated blocks (or single lines) alternate between two people,
    counted back from the last one, which is taken to be the other person's."""
    text = "\n".join(lines).strip()
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) < 2:
        blocks = [line.strip() for line in lines if line.strip()]
    turns = []
    for back, block in enumerate(reversed(blocks)):
        turns.append(Turn(THEM if back % 2 == 0 else ME, block))
    return list(reversed(turns))
