"""Drafts written as the user: greeting the other person, signed by the user, never by someone else.

A small model answering an e-mail takes the voice of the message in front of it: replying as
Jordan to Karen it opens "Hi Jordan," and signs "Karen Liu, Head of Operations". So the
pipeline does not leave the frame of an e-mail to the model: the model writes the body, its own
greeting and sign-off are taken off, and the greeting to the other person and the user's
sign-off are put around it here. check() is the guard after all that (and for "Use this"): a
draft that greets the user or carries another participant's sign-off or signature is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

GENERIC = {"me", "you", "i", "them", "sender", "the other person", ""}
GREETING_WORDS = r"(?:hi|hello|hey|hiya|dear|good morning|good afternoon|good evening|morning|greetings)"
SIGN_OFF_WORDS = (
    r"(?:many thanks|thanks again|thanks|thank you|best regards|best|regards|kind regards|cheers|"
    r"all the best|warm regards|warmly|sincerely|yours sincerely|yours truly|yours|talk soon|"
    r"take care|respectfully)"
)
# Words that only ever sign a message: "Thanks, Anna!" thanks Anna, "Best, Anna" is Anna signing.
SIGNING_WORDS = (
    r"(?:best regards|best|regards|kind regards|warm regards|warmly|all the best|sincerely|"
    r"yours sincerely|yours truly|yours|respectfully)"
)
GREETING_LINE = re.compile(rf"^\s*{GREETING_WORDS}\b[^\n.!?]{{0,40}}[,!:]?\s*$", re.IGNORECASE)
SIGN_OFF_LINE = re.compile(rf"^\s*{SIGN_OFF_WORDS}\s*[,!.]?\s*$", re.IGNORECASE)
SIGNED_LINE = re.compile(rf"^\s*(?i:{SIGN_OFF_WORDS})\s*,?\s*[A-Z][a-z]+(?: [A-Z][a-z]+){{0,2}}\s*$")  # "Best, Karen"
# Written to Naomi alone, "the conversation with Naomi" or "Naomi's idea" speaks of her as of
# someone else: the small model writing as an onlooker (SmolLM2 as Sam to Naomi: "I'm glad you're
# enjoying the conversation with Naomi!"). Said to her ("Thanks, Naomi!") it is no such thing.
SPOKEN_OF_BEFORE = r"(?i:with|to|for|about|from|and|tell|ask|told|asked|call|text|meet|met|see|saw|thank|of|by|than)"
SPOKEN_OF_AFTER = (
    r"(?:['\u2019]s\b|\s+(?i:is|was|has|had|said|says|will|would|told|asked|thinks|thought|wants|wanted|seems|and I)\b)"
)
# First names that are also words or months ("in May", "Hope you're well"): never taken as the person.
WORD_NAMES = frozenset(
    "will may mark bill hope grace rose joy pat sue art faith dawn june april august summer frank rich guy "
    "sunny chance page lane".split()
)
EMAIL_GREETING = {"friendly": "Hi {name},", "neutral": "Hello {name},", "formal": "Dear {name},"}
EMAIL_SIGN_OFF = {"friendly": "Thanks,", "neutral": "Best,", "formal": "Best regards,"}


@dataclass(frozen=True)
class Voice:
    """Who writes (me, and the name they sign with) and who the others are, with the signature
    blocks the thread shows under their messages."""

    me: str
    others: tuple[str, ...]
    signatures: tuple[str, ...] = ()  # contact blocks of the others (lines joined by newlines)
    sign_name: str | None = None  # the user's name for the sign-off (settings or the paste)

    def my_names(self) -> list[str]:
        return _names([self.me, self.sign_name or ""])

    def their_names(self) -> list[str]:
        mine = {n.lower() for n in self.my_names()}
        return [n for n in _names(self.others) if n.lower() not in mine]

    def their_signature_lines(self) -> list[str]:
        mine = {n.lower() for n in self.my_names()}
        return [
            line.strip()
            for block in self.signatures
            for line in block.split("\n")
            if len(line.strip()) >= 4 and line.strip().lower() not in mine
        ]


def real_name(name: str | None) -> bool:
    if not name:
        return False
    return name.strip().lower() not in GENERIC


def _names(people: Sequence[str]) -> list[str]:
    """Full names and their first names, longest first (so 'Karen Liu' is found before 'Karen')."""
    out: list[str] = []
    for person in people:
        if not real_name(person):
            continue
        person = person.strip()
        out.append(person)
        first = person.split()[0]
        if first != person and len(first) >= 2:
            out.append(first)
    return sorted(dict.fromkeys(out), key=len, reverse=True)


def _any_name(names: Sequence[str]) -> str:
    return "|".join(re.escape(n) for n in names)


def _said_to(names: Sequence[str]) -> re.Pattern:
    """A name spoken to inside a sentence: "Thanks, Ben!", "Sounds good, Ben." (not a sign-off
    on a line of its own, "Thanks,\nBen", nor a name at the very end, which may be one)."""
    return re.compile(
        rf"(?P<lead>\b(?:{GREETING_WORDS}|thanks|thank you)\b[,!]?[ \t]+|,[ \t]*)(?:{_any_name(names)})\b"
        rf"(?=[ \t]*[,!.?])",
        re.IGNORECASE,
    )


def check(text: str, voice: Voice) -> str | None:
    """Why this draft is not written as the user (a sentence), or None when it is."""
    mine = voice.my_names()
    if mine and re.match(rf"^\s*(?:{GREETING_WORDS}\s+)?(?:{_any_name(mine)})\b\s*[,!:\n]", text, re.IGNORECASE):
        return f"it is addressed to {voice.me}, who is writing it"
    if mine and _said_to(mine).search(text):
        return f"it speaks to {voice.me}, who is writing it"
    if _their_sign_off(text, voice) is not None:
        return "it is signed by someone else in the conversation"
    addressee = _only_other_full_name(voice)
    if addressee and re.search(rf"\b{re.escape(addressee)}\b", text, re.IGNORECASE):
        # Written to Karen Liu, "Karen Liu sent a quote" speaks of her, not to her: the model
        # copying her signature into the body, never how one writes to a person.
        return f"it speaks of {addressee}, to whom it is written, as someone else"
    first = _only_other_first_name(voice)
    if first and re.search(rf"\b{SPOKEN_OF_BEFORE}\s+{first}\b|\b{first}{SPOKEN_OF_AFTER}", text):
        return f"it speaks of {first}, to whom it is written, as someone else"
    return None


def _only_other(voice: Voice) -> str | None:
    """The name of the one other person with a real name, or None in a group."""
    mine = {n.lower() for n in voice.my_names()}
    others = [o.strip() for o in voice.others if real_name(o) and o.strip().lower() not in mine]
    return others[0] if len(others) == 1 else None


def _only_other_full_name(voice: Voice) -> str | None:
    """The full name (two words or more) of the one other person, or None in a group."""
    other = _only_other(voice)
    return other if other and len(other.split()) > 1 else None


def _only_other_first_name(voice: Voice) -> str | None:
    """The first name of the one other person as a pattern (case kept: a name is capitalized),
    or None in a group or when that name is also a common word."""
    other = _only_other(voice)
    if other is None:
        return None
    first = other.split()[0]
    mine = {n.lower() for n in voice.my_names()}
    return None if first.lower() in WORD_NAMES or first.lower() in mine else re.escape(first)


def _their_sign_off(text: str, voice: Voice) -> int | None:
    """Where another participant's sign-off or signature begins in the draft, or None.

    "Best, Karen", a line "Karen" or "Karen Liu, Head of Operations" under the text, or a line
    of Karen's signature block are sign-offs; "Thanks, Anna!" is said to Anna, and is not."""
    theirs = voice.their_names()
    lines = text.rstrip().split("\n")
    first_tail = max(0, len(lines) - 4)
    signature_lines = {s.lower() for s in voice.their_signature_lines()}
    names = _any_name(theirs)
    cut: int | None = None
    offset = sum(len(line) + 1 for line in lines[:first_tail])
    for index, line in enumerate(lines[first_tail:], start=first_tail):
        parts = re.match(rf"^\s*(?:-+\s*)?(?P<word>{SIGN_OFF_WORDS})?\s*[,!.]?\s*(?P<rest>.*)$", line, re.IGNORECASE)
        assert parts is not None  # every part of the pattern may be empty
        word, rest = parts.group("word"), parts.group("rest").strip(" ,.-")
        named = (
            bool(theirs)
            and re.fullmatch(rf"(?:{names})(?:\s*,[^.!?]{{0,60}})?", rest, re.IGNORECASE)
            and (word is None or re.fullmatch(SIGNING_WORDS, word, re.IGNORECASE))
            and (word is not None or index > 0)  # a first line "Naomi, that sounds fun." speaks to her
        )
        if named or (rest and rest.lower() in signature_lines):
            cut = offset if cut is None else cut
        elif cut is not None and rest:
            cut = None  # the name was in the body, not a sign-off
        offset += len(line) + 1
    if cut is not None:
        return cut
    if theirs:  # all on one line: "Sounds good. Best, Karen Liu, Head of Operations"
        # (at the very start only after a signing word: "Naomi, that sounds fun." speaks to her)
        tail = re.search(
            rf"(?:[.!?]\s+(?:{SIGNING_WORDS}\s*[,!.]?\s*)?|^{SIGNING_WORDS}\s*[,!.]?\s*)(?:-\s*)?(?:{names})\s*"
            rf"(?:,[^.!?]{{0,60}})?[.!]?\s*$",
            text,
            re.IGNORECASE,
        )
        if tail:
            return tail.start() + (len(tail.group(0)) - len(tail.group(0).lstrip(".!? ")))
    return None


def repair(text: str, voice: Voice) -> str:
    """The draft without a greeting to the user and without another participant's sign-off
    (and the sign-off words left dangling before it)."""
    mine = voice.my_names()
    if mine:
        named = [o for o in voice.others if real_name(o)]
        replacement = named[0].split()[0] if len(named) == 1 else ""  # in a group: nobody in particular
        text = re.sub(
            rf"^(\s*(?:{GREETING_WORDS}\s+)?)(?:{_any_name(mine)})\b",
            lambda m: m.group(1) + replacement,
            text,
            count=1,
            flags=re.IGNORECASE,
        )
        text = re.sub(r"^\s*(\w+)\s+([,!:])", r"\1\2", text)  # "Hi ," -> "Hi,"
        text = re.sub(r"^\s*[,!:]\s*", "", text)
        # "Sounds good, Ben!" written as Ben: to the other person, or (in a group) to nobody
        text = _said_to(mine).sub(
            lambda m: m.group("lead") + replacement if replacement else m.group("lead").rstrip(" \t,"), text
        )
    cut = _their_sign_off(text, voice)
    if cut is not None:
        text = text[:cut]
    return _drop_dangling_sign_off(text)


def _drop_dangling_sign_off(text: str) -> str:
    lines = text.rstrip().split("\n")
    while lines and (not lines[-1].strip() or SIGN_OFF_LINE.match(lines[-1])):
        lines.pop()
    text = "\n".join(lines).rstrip()
    return re.sub(rf"(?<=[.!?])\s+{SIGN_OFF_WORDS}\s*[,!.]?\s*$", "", text, flags=re.IGNORECASE).rstrip()


def body_of(text: str, names: Sequence[str] = ()) -> str:
    """An e-mail's body: without the greeting line ("Hi Karen," or a bare "Karen,", names being
    the people of the thread) and the closing (sign-off and name lines)."""
    text = text.strip()
    first, _, rest = text.partition("\n")
    named = _names(names)
    bare_name = bool(named) and re.fullmatch(rf"\s*(?:{_any_name(named)})\s*[,!:]?\s*", first, re.IGNORECASE)
    if rest.strip() and (GREETING_LINE.match(first) or bare_name):
        text = rest.strip()
    elif re.match(rf"^\s*{GREETING_WORDS}\b", first, re.IGNORECASE):
        # "Hi Karen, thanks for the list." on one line: only the greeting goes
        text = re.sub(rf"^\s*{GREETING_WORDS}\b[^,!\n]{{0,30}}[,!]\s*", "", text, count=1, flags=re.IGNORECASE)
    lines = text.split("\n")
    for index in range(len(lines) - 1, max(-1, len(lines) - 5), -1):
        if (SIGN_OFF_LINE.match(lines[index]) or SIGNED_LINE.match(lines[index])) and all(
            len(x.split()) <= 4 for x in lines[index + 1 :]
        ):
            lines = lines[:index]
            break
    while lines and (
        not lines[-1].strip()
        or named
        and re.fullmatch(rf"\s*(?:-\s*)?(?:{_any_name(named)})\s*[,.]?\s*", lines[-1], re.IGNORECASE)
    ):
        lines.pop()  # a bare name under the body: "... Best regards,\nJordan Lee"
    body = _drop_dangling_sign_off("\n".join(lines)).strip()
    return body[:1].upper() + body[1:]


def email_frame(body: str, voice: Voice, tone: str) -> str:
    """The body between a greeting to the other person and the user's own sign-off."""
    theirs = [o for o in voice.others if real_name(o)]
    if len(theirs) == 1:
        greeting = EMAIL_GREETING[tone].format(name=theirs[0].split()[0])
    elif theirs:
        greeting = "Hi all," if tone != "formal" else "Dear all,"
    else:
        greeting = "Hello," if tone != "formal" else "Good day,"
    closing = EMAIL_SIGN_OFF[tone]
    name = voice.sign_name if real_name(voice.sign_name) else (voice.me if real_name(voice.me) else None)
    if name:
        closing += "\n" + (name if tone == "formal" else name.split()[0])
    return f"{greeting}\n\n{body.strip()}\n\n{closing}"
