"""A pasted e-mail thread into its messages, oldest first, each with its author.

Mail clients mark who wrote a quoted message ("On Mon, ... Jordan Lee <...> wrote:", or an
Outlook "From:" block), but never the newest message, the one on top: the user pasted what
they received, and its sender is named only by the signature under it. So the top message is
attributed, in this order, to the name it is signed with (a contact block "Karen Liu / Head of
Operations / ..." or a sign-off "Best, Karen"), to whom the next message was sent ("To:"), or in
a thread of two people to the one who did not write the message it answers. A reply written
under the quote (bottom-posting) is a message of its own too: less quoted than the message
above it, it is newer, whichever order the paste has.

The contact block is taken out of the message's text (kept apart as its signature): it is
not part of what was said, and a small model copies it into the reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CLOCK = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[AaPp]\.?\s?[Mm]\.?)?"
WROTE = re.compile(r"^\s*On\s.+\bwrote:\s*$", re.IGNORECASE)
WROTE_START = re.compile(r"^\s*On\s.*\d", re.IGNORECASE)
OUTLOOK_FROM = re.compile(r"^\s*From:\s*(.+?)\s*$", re.IGNORECASE)
OUTLOOK_HEADER = re.compile(r"^\s*(?:Sent|Date|To|Cc|Subject):", re.IGNORECASE)
ORIGINAL = re.compile(r"^\s*-{2,}\s*(?:Original Message|Forwarded message)\s*-{2,}\s*$", re.IGNORECASE)
SIGN_OFF = re.compile(
    r"^(?:thanks|many thanks|thanks again|thank you|best|best regards|regards|kind regards|"
    r"cheers|all the best|love|warm regards|warmly|sincerely|yours|yours sincerely|talk soon|"
    r"see you|take care)[,!.]?$",
    re.IGNORECASE,
)
SENT_FROM = re.compile(r"^(?:Sent from my|Get Outlook for)\b", re.IGNORECASE)
NAME = re.compile(
    r"[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:[\-'\u2019][A-Z][a-z]+)?"
    r"(?: (?:[A-Z]\.|[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:[\-'\u2019][A-Z][a-z]+)?)){0,2}"
)
GREETED = re.compile(r"^(?i:hi|hello|hey|dear|good morning|morning)\s+([A-Z][a-z]+(?: [A-Z][a-z]+)?)\s*[,!\n]")
CONTACT_WORDS = 7  # a title, a company, a phone number: short lines


@dataclass
class _Message:
    author: str | None  # named by a header above it
    depth: int  # how many '>' its lines carry: deeper is older
    lines: list[str] = field(default_factory=list)
    to: str | None = None  # "To:" of an Outlook header: who wrote the reply above it


@dataclass(frozen=True)
class EmailMessage:
    author: str
    text: str
    signature: str = ""  # the contact block under the message (name, title, company, phone)


def is_email(lines: list[str]) -> bool:
    joined = _join_wrapped_headers(lines)
    has_wrote = any(WROTE.match(_depth(line)[1]) for line in joined)
    has_outlook = any(OUTLOOK_FROM.match(line) for line in joined) and any(
        OUTLOOK_HEADER.match(line) for line in joined
    )
    return has_wrote or has_outlook


def read_thread(lines: list[str], unknown: str) -> list[EmailMessage]:
    """The messages of an e-mail paste, oldest first ([] when it is not one). unknown: the
    speaker given to a message whose author nothing names."""
    if not is_email(lines):
        return []
    messages = _split(_join_wrapped_headers(lines))
    # Oldest first: the most quoted first; at the same depth, the lower in the paste (top-posting).
    order = sorted(range(len(messages)), key=lambda i: (-messages[i].depth, -i))
    found: list[tuple[str | None, str, str]] = []  # (author or None, text, signature)
    for index in order:
        message = messages[index]
        text, signed, signature = split_signature(message.lines)
        if text:
            answered = messages[index + 1].to if index + 1 < len(messages) else None
            found.append((message.author or signed or answered, text, signature))
    # A message signed "Alice" is from the "Alice Smith" of the headers.
    full_names = sorted({a for a, _, _ in found if a and " " in a})
    found = [(_full_name(a, full_names) if a else None, text, signature) for a, text, signature in found]
    people = list(dict.fromkeys(a for a, _, _ in found if a))
    out: list[EmailMessage] = []
    for position, (author, text, signature) in enumerate(found):
        previous = found[position - 1] if position else None
        if author is None and previous is not None and previous[0] and len(people) == 2:
            # A reply answers the message before it: in a thread of two, it is the other one's.
            author = next(p for p in people if p != previous[0])
        if author is None and previous is not None:
            # Nobody else is named, but the answered message greeted someone ("Hi Karen,"): them.
            greeted = _greeted(previous[1])
            if greeted and greeted.split()[0] != (previous[0] or "").split(" ")[0]:
                author = _full_name(greeted, full_names)
        out.append(EmailMessage(author or unknown, text, signature))
    return out


def _greeted(text: str) -> str | None:
    match = GREETED.match(text.strip())
    return match.group(1) if match else None


def _full_name(name: str, full_names: list[str]) -> str:
    first = [full for full in full_names if full.split()[0].lower() == name.lower()]
    return first[0] if len(first) == 1 else name


def _depth(line: str) -> tuple[int, str]:
    match = re.match(r"^((?:\s*>)+)\s?", line)
    if not match:
        return 0, line
    return match.group(1).count(">"), line[match.end() :]


def _join_wrapped_headers(lines: list[str]) -> list[str]:
    """Mail clients wrap a long "On ... wrote:" header over two lines; joined again here."""
    joined: list[str] = []
    for line in lines:
        last = _depth(joined[-1])[1] if joined else ""
        if joined and WROTE_START.match(last) and not WROTE.match(last) and _depth(line)[1].rstrip().endswith("wrote:"):
            joined[-1] = joined[-1].rstrip() + " " + _depth(line)[1].strip()
        else:
            joined.append(line)
    return joined


def author_of(header: str) -> str:
    """'On Tue, Mar 4, 2025 at 9:15 AM Alice Smith <alice@x.org> wrote:' -> 'Alice Smith'."""
    body = re.sub(r"\bwrote:\s*$", "", header.strip(), flags=re.IGNORECASE).strip()
    body = re.sub(r"^On\s+", "", body, flags=re.IGNORECASE)
    email = re.search(r"<?([\w.+\-]+)@[\w.\-]+>?", body)
    before = body[: email.start()].strip() if email else body
    before = re.sub(r"[\"']", "", before).strip(" ,")
    time_at = list(re.finditer(rf"{CLOCK}|\d{{4}}", before))
    name = before[time_at[-1].end() :].strip(" ,") if time_at else before.split(",")[-1].strip()
    if not name and email:
        name = email.group(1).split(".")[0].capitalize()
    return name or "Sender"


def _split(lines: list[str]) -> list[_Message]:
    """Messages in paste order. A header opens the message below it; a line less quoted than
    the message it is in (text written under a quote) opens a new one."""
    messages = [_Message(None, 0)]
    skipping_headers = False
    for line in lines:
        depth, content = _depth(line)
        current = messages[-1]
        if WROTE.match(content):
            messages.append(_Message(author_of(content), depth + 1))
            continue
        if ORIGINAL.match(content):
            messages.append(_Message(None, depth))
            continue
        outlook = OUTLOOK_FROM.match(content)
        if outlook and depth == 0:
            name = re.sub(r"\s*[<\[].*$", "", outlook.group(1)).strip(" \"'") or "Sender"
            if any(x.strip() for x in current.lines):
                messages.append(_Message(name, 0))
            else:
                current.author = name
            skipping_headers = True
            continue
        if skipping_headers:
            to = re.match(r"^\s*To:\s*([^<;,]+?)\s*(?:<.*)?$", content, re.IGNORECASE)
            if to:
                messages[-1].to = to.group(1).strip(" \"'")
            if OUTLOOK_HEADER.match(content) or not content.strip():
                if not content.strip():
                    skipping_headers = False
                continue
            skipping_headers = False
        if content.strip() and depth < current.depth:
            current = _Message(None, depth)
            messages.append(current)
        current.lines.append(content)
    return messages


def _is_name(line: str) -> bool:
    return bool(NAME.fullmatch(line)) and not SIGN_OFF.match(line)


def _is_contact(line: str) -> bool:
    """A line of a signature block: a title, a company, a phone number, an address."""
    text = line.strip()
    if not text or len(text.split()) > CONTACT_WORDS or text.endswith(("?", "!", ":")):
        return False
    return not text.endswith(".") or bool(re.search(r"\d|@|www\.", text))


def split_signature(lines: list[str]) -> tuple[str, str | None, str]:
    """The message without its signature block; the name it is signed with, if any; the
    contact block taken out (name, title, company, phone), '' when there is none."""
    kept: list[str] = []
    after_dashes: list[str] = []
    for index, line in enumerate(lines):
        if line.strip() == "--" or SENT_FROM.match(line.strip()):
            after_dashes = [x.strip() for x in lines[index + 1 :] if x.strip()] if line.strip() == "--" else []
            break
        kept.append(line.rstrip())
    while kept and not kept[-1].strip():
        kept.pop()
    signed = None
    block: list[str] = []
    if after_dashes and _is_name(after_dashes[0]):
        signed, block = after_dashes[0], after_dashes
    # The last paragraph: "Karen Liu / Head of Operations / ..." or "Best regards, / Karen Liu / Title".
    start = max((i + 1 for i, line in enumerate(kept) if not line.strip()), default=0)
    paragraph = [line.strip() for line in kept[start:]]
    lead = 1 if paragraph and SIGN_OFF.match(paragraph[0]) else 0
    rest = paragraph[lead:]
    if rest and _is_name(rest[0]) and all(_is_contact(x) for x in rest[1:]) and (len(rest) >= 2 and start > 0 or lead):
        signed = signed or rest[0]
        if len(rest) >= 2:  # a contact block leaves the text; "Best regards, / Karen" stays
            block = rest
            kept = kept[: start + 2] if lead else kept[:start]
    while kept and not kept[-1].strip():
        kept.pop()
    if signed is None:
        tail = [line.strip() for line in kept[-3:] if line.strip()]
        if (
            tail
            and _is_name(tail[-1])
            and (len(tail) >= 2 and SIGN_OFF.match(tail[-2]) or len(kept) >= 2 and not kept[-2].strip())
        ):
            signed = tail[-1]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept).strip())
    return text, signed, "\n".join(block)
