"""Pasted conversations into turns: WhatsApp exports, e-mail threads, "[hh:mm] Name: text",
"Name: text", and plain alternating lines; plus a guess of which speaker is the user.

parse_conversation() reads the whole paste before it decides on a format, so that one line
that happens to contain a colon does not turn a plain paste into a labelled one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from app.assistant.text_tools import split_label
from app.errors import AppError

ME_WORDS = {"me", "myself", "you", "i", "moi", "ich", "yo"}
THEM = "Them"
ME = "Me"


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str
    time: str | None = None  # as pasted ("6:02 PM"), when the format carries one


@dataclass(frozen=True)
class Conversation:
    turns: tuple[Turn, ...]
    format: str  # whatsapp | email | timestamped | labelled | plain
    me: str
    me_guessed: bool  # True when nobody said who the user is (the UI shows it and lets them change it)

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(t.speaker for t in self.turns))

    @property
    def last_is_mine(self) -> bool:
        return bool(self.turns) and self.turns[-1].speaker == self.me

    def with_me(self, me: str) -> "Conversation":
        return replace(self, me=_match_speaker(me, self.speakers) or me, me_guessed=False)


def parse_conversation(text: str, me: str | None = None, default_me: str | None = None) -> Conversation:
    """Turns of a pasted conversation. me: who the user is (--me); default_me: their name from
    the settings, used when it matches a speaker. Raises AppError when there is no text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").strip("\n")
    if not text.strip():
        raise AppError("The conversation is empty; paste the messages you want to reply to.")
    lines = text.split("\n")
    for fmt, parser in (("whatsapp", _whatsapp), ("email", _email), ("timestamped", _timestamped),
                        ("labelled", _labelled)):
        turns = parser(lines)
        if turns:
            break
    else:
        fmt, turns = "plain", _plain(lines)
    turns = [t for t in turns if t.text.strip()]
    if not turns:
        raise AppError("No messages were found in the conversation; paste the messages themselves.")
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    if me:
        if fmt == "plain" and not _match_speaker(me, speakers):
            turns = [replace(t, speaker=me if t.speaker == ME else t.speaker) for t in turns]
            speakers = list(dict.fromkeys(t.speaker for t in turns))
        return Conversation(tuple(turns), fmt, _match_speaker(me, speakers) or me.strip(), False)
    guessed = guess_me(turns, default_me)
    return Conversation(tuple(turns), fmt, guessed, True)


def guess_me(turns: list[Turn], default_me: str | None = None) -> str:
    """A speaker called 'Me'/'You', else the settings' name when it is a speaker, else the last
    speaker before the one who wrote last (the user usually pastes what they must answer)."""
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    for speaker in speakers:
        if speaker.strip().lower() in ME_WORDS:
            return speaker
    if default_me:
        found = _match_speaker(default_me, speakers)
        if found:
            return found
    last = turns[-1].speaker
    for turn in reversed(turns):
        if turn.speaker != last:
            return turn.speaker
    return ME


def _match_speaker(name: str, speakers: list[str]) -> str | None:
    wanted = name.strip().lower()
    for speaker in speakers:
        if speaker.lower() == wanted:
            return speaker
    firsts = [s for s in speakers if s.lower().split()[:1] == [wanted] or wanted.split()[:1] == [s.lower()]]
    return firsts[0] if len(firsts) == 1 else None


# --- WhatsApp --------------------------------------------------------------------------------

_DATE = r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}"
_CLOCK = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[AaPp]\.?\s?[Mm]\.?)?"
WHATSAPP_ANDROID = re.compile(rf"^\u200e?({_DATE}),?\s+({_CLOCK})\s+[-\u2013]\s+(.*)$")
WHATSAPP_IOS = re.compile(rf"^\u200e?\[({_DATE}),?\s+({_CLOCK})\]\s+(.*)$")
WHATSAPP_NOISE = re.compile(r"^\u200e?(?:<Media omitted>|image omitted|video omitted|audio omitted|sticker omitted|"
                            r"GIF omitted|This message was deleted|You deleted this message|"
                            r"<This message was edited>)$",
                            re.IGNORECASE)


def _whatsapp(lines: list[str]) -> list[Turn]:
    heads = [WHATSAPP_ANDROID.match(line) or WHATSAPP_IOS.match(line) for line in lines]
    if sum(1 for h in heads if h) < max(1, 0.3 * sum(1 for line in lines if line.strip())):
        return []
    turns: list[Turn] = []
    current: Turn | None = None
    for line, head in zip(lines, heads):
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


# --- e-mail threads --------------------------------------------------------------------------

WROTE = re.compile(r"^\s*On\s.+\bwrote:\s*$", re.IGNORECASE)
WROTE_START = re.compile(r"^\s*On\s.*\d", re.IGNORECASE)
OUTLOOK_FROM = re.compile(r"^\s*From:\s*(.+?)\s*$", re.IGNORECASE)
OUTLOOK_HEADER = re.compile(r"^\s*(?:Sent|Date|To|Cc|Subject):", re.IGNORECASE)
ORIGINAL = re.compile(r"^\s*-{2,}\s*(?:Original Message|Forwarded message)\s*-{2,}\s*$", re.IGNORECASE)
SIGN_OFF = re.compile(r"^(?:thanks|thank you|best|best regards|regards|kind regards|cheers|all the best|love|"
                      r"warm regards|sincerely|yours|talk soon|see you|take care)[,!.]?$", re.IGNORECASE)
SENT_FROM = re.compile(r"^(?:Sent from my|Get Outlook for)\b", re.IGNORECASE)


def _depth(line: str) -> tuple[int, str]:
    match = re.match(r"^((?:\s*>)+)\s?", line)
    if not match:
        return 0, line
    return match.group(1).count(">"), line[match.end():]


def _author_of(header: str) -> str:
    """'On Tue, Mar 4, 2025 at 9:15 AM Alice Smith <alice@x.org> wrote:' -> 'Alice Smith'."""
    body = re.sub(r"\bwrote:\s*$", "", header.strip(), flags=re.IGNORECASE).strip()
    body = re.sub(r"^On\s+", "", body, flags=re.IGNORECASE)
    email = re.search(r"<?([\w.+\-]+)@[\w.\-]+>?", body)
    before = body[:email.start()].strip() if email else body
    before = re.sub(r"[\"']", "", before).strip(" ,")
    time_at = list(re.finditer(rf"{_CLOCK}|\d{{4}}", before))
    name = before[time_at[-1].end():].strip(" ,") if time_at else before.split(",")[-1].strip()
    if not name and email:
        name = email.group(1).split(".")[0].capitalize()
    return name or "Sender"


def _email(lines: list[str]) -> list[Turn]:
    joined: list[str] = []
    for line in lines:  # mail clients wrap a long "On ... wrote:" header over two lines
        if joined and WROTE_START.match(_depth(joined[-1])[1]) and not WROTE.match(_depth(joined[-1])[1]) \
                and _depth(line)[1].rstrip().endswith("wrote:"):
            joined[-1] = joined[-1].rstrip() + " " + _depth(line)[1].strip()
        else:
            joined.append(line)
    has_wrote = any(WROTE.match(_depth(line)[1]) for line in joined)
    has_outlook = any(OUTLOOK_FROM.match(line) for line in joined) and \
        any(OUTLOOK_HEADER.match(line) for line in joined)
    if not (has_wrote or has_outlook):
        return []
    # Messages newest first: (author or None, lines). A header opens the message below it.
    messages: list[list] = [[None, [], None]]  # [author, lines, recipient named by "To:"]
    skipping_headers = False
    for line in joined:
        depth, content = _depth(line)
        if WROTE.match(content):
            messages.append([_author_of(content), [], None])
            continue
        if ORIGINAL.match(content):
            messages.append([None, [], None])
            continue
        outlook = OUTLOOK_FROM.match(content)
        if outlook and depth == 0:
            name = re.sub(r"\s*[<\[].*$", "", outlook.group(1)).strip(" \"'") or "Sender"
            if messages[-1][1] and any(x.strip() for x in messages[-1][1]):
                messages.append([name, [], None])
            else:
                messages[-1][0] = name
            skipping_headers = True
            continue
        if skipping_headers:
            to = re.match(r"^\s*To:\s*([^<;,]+?)\s*(?:<.*)?$", content, re.IGNORECASE)
            if to:
                messages[-1][2] = to.group(1).strip(" \"'")
            if OUTLOOK_HEADER.match(content) or not content.strip():
                if not content.strip():
                    skipping_headers = False
                continue
            skipping_headers = False
        messages[-1][1].append(content)
    turns: list[Turn] = []
    authors = [m[0] for m in messages]
    for position, (author, body, _to) in enumerate(messages):
        text, signed = _email_body(body)
        if not text:
            continue
        if author is None:
            # Who a message was sent "To:" is who wrote the reply above it.
            answered = messages[position + 1][2] if position + 1 < len(messages) else None
            author = signed or answered or _other_author(authors, position)
        turns.append(Turn(author, text))
    # A message signed "Alice" is from the "Alice Smith" of the headers.
    full_names = {t.speaker for t in turns if " " in t.speaker}
    turns = [replace(t, speaker=_match_speaker(t.speaker, sorted(full_names)) or t.speaker) for t in turns]
    return list(reversed(turns))


def _email_body(lines: list[str]) -> tuple[str, str | None]:
    """The message without signature block; and the name it was signed with, if any."""
    kept: list[str] = []
    for line in lines:
        if line.strip() == "--" or SENT_FROM.match(line.strip()):
            break
        kept.append(line.rstrip())
    while kept and not kept[-1].strip():
        kept.pop()
    signed = None
    tail = [line.strip() for line in kept[-3:] if line.strip()]
    if tail and re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}", tail[-1]) and (
            len(tail) >= 2 and SIGN_OFF.match(tail[-2]) or len(kept) >= 2 and not kept[-2].strip()):
        signed = tail[-1]
    text = "\n".join(kept).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text, signed


def _other_author(authors: list[str | None], position: int) -> str:
    """The author of an unsigned message: in a two-person thread, whoever did not write the next one."""
    named = [a for a in authors if a]
    following = next((a for a in authors[position + 1:] if a), None)
    distinct = list(dict.fromkeys(named))
    if following and len(distinct) == 2:
        return distinct[0] if distinct[1] == following else distinct[1]
    return THEM


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
    rows = []
    for line in lines:
        speaker, text = split_label(line)
        rows.append((None, speaker, text if speaker else line.strip()))
    labelled = [r for r in rows if r[1]]
    non_empty = sum(1 for r in rows if r[2] or r[1])
    if len(labelled) < 0.5 * non_empty or not labelled:
        return []
    if len(labelled) == 1 and not re.fullmatch(r"[A-Z][\w.'\-]*(?: [A-Z][\w.'\-]*){0,2}", labelled[0][1]):
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
