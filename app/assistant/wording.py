"""Turning what was said, or what the model wrote, into a clean line of a summary."""

from __future__ import annotations

import re
from functools import lru_cache

from app.assistant.text_tools import (
    ANSWER_NO,
    STOPWORDS,
    content_set,
    content_words,
    split_label,
    split_sentences,
    stem,
    words,
)

DISCOURSE = re.compile(
    r"^(?:(?:okay|ok|so|well|and|but|yeah|yes|right|alright|now|then|also|um|uh|oh|just)"
    r"\b[,.]?\s+)+",
    re.IGNORECASE,
)
INTERJECTION = re.compile(r"^(?:sure|fine|good|great|perfect|cool|agreed|absolutely|definitely)[,.!]\s+", re.IGNORECASE)
FIRST_PERSON = re.compile(r"\b(?:I|I'm|I'll|I've|I'd|me|my|mine|myself)\b")
SPEAKERS_WE = re.compile(r"\b(?:we|we're|we've|we'd|us|our|ours|ourselves)\b", re.IGNORECASE)


def tidy(sentence: str) -> str:
    """A sentence without list marks, speaker labels, prefixes, quotes or leading 'okay, so'."""
    sentence = re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s*", "", sentence.strip())
    sentence = re.sub(
        r"^(?:Summary|Note|Notes|Overview|Answer|Decision|Action(?: item)?|Title)\s*:\s*",
        "",
        sentence,
        flags=re.IGNORECASE,
    )
    label, rest = split_label(sentence)
    if label and rest and len(label.split()) <= 2:
        sentence = rest
    sentence = sentence.strip(" \"'\u201c\u201d")
    sentence = ANSWER_NO.sub("", DISCOURSE.sub("", sentence))
    sentence = INTERJECTION.sub("", sentence)
    if sentence and sentence[0].islower():
        sentence = sentence[0].upper() + sentence[1:]
    return sentence


def has_first_person(text: str) -> bool:
    return bool(FIRST_PERSON.search(text))


_SELF = (
    (r"\bI'll\b|\bI will\b|\blet me\b", "{who} will"),
    (r"\bI'm (?:gonna|going to)\b|\bI am going to\b", "{who} is going to"),
    (r"\bI have to\b", "{who} has to"),
    (r"\bI need to\b", "{who} needs to"),
    (r"\bI can\b", "{who} can"),
)
_TEAM = (
    (r"\b[Ww]e'll\b|\b[Ww]e will\b|\b[Ll]et's\b", "the team will"),
    (r"\b[Ww]e're (?:gonna|going to)\b|\b[Ww]e are going to\b", "the team is going to"),
    (r"\b[Ww]e're not (?:gonna|going to)\b", "the team is not going to"),
    (r"\b[Ww]e have to\b|\b[Ww]e need to\b|\b[Ww]e must\b", "the team has to"),
    (r"\b[Ww]e should\b", "the team should"),
    (r"\b[Ww]e(?:'ve| have)? (decided|agreed)\b", r"the team \1"),
)
# What the team said it will do ("we'll", "let's", "we're going to").
TEAM_COMMITS = re.compile("|".join(pattern for pattern, _ in _TEAM[:2]))


def third_person(text: str, owner: str | None) -> str:
    """'I'll send it' -> 'Anna will send it'; 'we'll use rubber' -> 'The team will use rubber'.

    The deterministic fallback when the model's rewrite did not hold up; it only changes the
    few patterns it knows and leaves the rest as it was said.
    """
    text = tidy(text)
    if owner:
        # A request that the owner took on: "Carl, can you book the van?" -> "Carl will book the van."
        asked = re.match(
            r"^(?:[A-Z][\w' ]{0,30},\s*)?(?:so\s+)?(?:can|could|would|will) you (?:please )?(.+?)\s*\?*$",
            text,
            re.IGNORECASE,
        )
        if asked:
            text = f"{owner} will {asked.group(1)}"
        text = re.sub(r"\b[Yy]ou'll\b|\b[Yy]ou will\b|\b[Yy]ou're going to\b", f"{owner} will", text, count=1)
        for pattern, replacement in _SELF:
            text = re.sub(pattern, replacement.format(who=owner), text, count=1)
    for pattern, replacement in _TEAM:
        text = re.sub(pattern, replacement, text, count=1)
    text = re.sub(r"\bgonna\b", "going to", text)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in ".!?":
        text = text.rstrip(",;:") + "."
    return text


CLAUSE_BREAK = re.compile(
    r",\s+(?:which|who|where|while|and|but|as|including|with|so)\b|\s+(?:because|including|"
    r"as well as|in order to|so that|which)\b|[,;:]\s"
    # "... a remote control for television and highlighted the need for ...": a second verb, its
    # own clause (not "new and improved buttons": a verb takes an object).
    r"|\s+and\s+(?=(?:also\s+)?[a-z]{3,}ed\s+(?:the|a|an|that|how|what|their|its|his|her|some|several)\b)"
    # "... to the support team next week so they can prepare their refund tests before the holiday
    # period ends": a purpose added without a comma is a clause of its own too.
    r"|\s+so\s+(?=(?:they|we|he|she|it|you|the team)\s+(?:can|could|would|will|may|might)\b)"
)
MIN_CLAUSE_WORDS = 5


def shorter_versions(sentence: str) -> list[str]:
    """The sentence, then its leading clauses, longest first: a note whose tail says more than
    the transcript ('..., which was confirmed on Friday') can still keep its true beginning."""
    versions = [sentence]
    for match in reversed(list(CLAUSE_BREAK.finditer(sentence))):
        head = sentence[: match.start()].rstrip(" ,;:")
        if len(head.split()) >= MIN_CLAUSE_WORDS and not _inside_quote(head):
            versions.append(head + ".")
    return versions


def _inside_quote(head: str) -> bool:
    """A head that stops inside a quotation ('... such as " If it 's of type " Landmark "') says
    half of what was quoted: no clause of its own."""
    return head.count('"') % 2 == 1 or head.count("“") > head.count("”")


def finished(text: str, keep_head: bool = True) -> str:
    """A text the token limit cut off, ended where it can be: its whole sentences, then (with
    keep_head) the leading clause of the cut one ("..., focusing on creating" loses its tail)."""
    text = text.rstrip()
    if not text or re.search(r"[.!?][\"')\]]*$", text):
        return text
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s|$)", text)]
    done, tail = (text[: ends[-1]], text[ends[-1] :]) if ends else ("", text)
    head = shorter_versions(tail.strip())[1:2] if keep_head else []
    return f"{done} {head[0]}".strip() if head else done


FALLBACK_WORDS = 25
TITLE_WORDS = 8


# Words a phrase can start with: a title cut short is cut before one of them, so that what is
# left is a whole phrase ("Agreed to hire two agents", not "... agents for the new").
PHRASE_START = frozenset(
    """
for in on at with to by from about of into onto during after before over under between through without within
via per and or but that which who whose where when because so while as than versus vs until across against
""".split()
)
# Modifiers that leave a title hanging when the noun after them is cut off ("for the new").
DANGLING = frozenset(
    """
new next old first last big small main whole other same final current upcoming following second third early
late general short long open public full total extra latest recent another each every several
""".split()
)


def _ends_badly(words_here: list[str]) -> bool:
    last = words_here[-1].lower().strip(".,;:-\"'")
    # "A new marketing strategy and touched": a second verb whose object was cut off.
    second_verb = len(words_here) > 2 and words_here[-2].lower() in ("and", "or") and last.endswith("ed")
    return last in STOPWORDS or last in PHRASE_START or last in DANGLING or second_verb


def complete_phrase(words_here: list[str], limit: int = TITLE_WORDS) -> list[str]:
    """At most limit words that end where a phrase ends: a title too long, or one that stops on
    'the', 'for' or 'new', is cut before its last phrase that does not fit (a preposition, a
    conjunction), never in the middle of one."""
    if len(words_here) <= limit and words_here and not _ends_badly(words_here):
        return words_here
    starts = [
        i for i in range(2, min(len(words_here), limit + 1)) if words_here[i].lower().strip(",;:") in PHRASE_START
    ]
    kept = words_here[: starts[-1]] if starts else words_here[:limit]
    while kept and _ends_badly(kept):
        kept = kept[:-1]
    return kept


def short_title(text: str) -> str:
    """A title, not a sentence, and a whole phrase: 'The team agreed to hire two agents for the
    new help desk' -> 'Agreed to hire two agents'; what was only talked about is the subject:
    'They emphasized the importance of testing' -> 'The importance of testing'."""
    title = re.sub(
        r"^.{0,60}?\b(?:discussed|talked about|went over|looked at|reviewed|explored|emphasi[sz]ed|highlighted|"
        r"addressed|stressed|delved (?:deeper )?into|focused on|examined)\s+",
        "",
        text.strip(),
        flags=re.IGNORECASE,
    )
    title = re.sub(
        r"^(?:in this (?:meeting|conversation),?\s*)?(?:the team|they|we)\s+(?:also\s+|then\s+)?"
        r"(?:is|are|was|were|has|have|will)?\s*",
        "",
        title,
        flags=re.IGNORECASE,
    )
    title = re.sub(r"^the (?:topic|subject) of\s+", "", title, flags=re.IGNORECASE)  # what the topic is
    for cut in (",", ";", ":", " which ", " that ", " in the ", " during ", " because "):
        head = title.split(cut)[0]
        if len(head.split()) >= 3:
            title = head
    title = " ".join(complete_phrase(title.split())).strip(" .,;:-\"'")
    return title[:1].upper() + title[1:]


def plain_fallback(said: str, owner: str | None) -> str:
    """What was said, turned into a summary line, when that reads cleanly: short, no 'I', 'we' or
    'you' left ("We're having a tiramisu contest this weekend" is a speaker's line, not a point of
    the meeting's), not a question. Otherwise '' (the item is left out rather than shown raw)."""
    text = third_person(said, owner)
    if (
        len(text.split()) > FALLBACK_WORDS
        or text.endswith("?")
        or has_first_person(text)
        or SPEAKERS_WE.search(text)
        or re.search(r"\byou\b", text, re.IGNORECASE)
        or len(content_set(text)) < 3
    ):
        return ""
    return text


# A decision says what was done or will be: some word of it is a verb. "The foggy yellow from last
# time." (ES2002d's "we're gonna have again the foggy yellow from last time that lit up", rewritten
# by SmolLM2) says none.
FINITE = re.compile(
    r"\b(?:will|would|shall|should|must|can|could|may|might|is|are|was|were|be|been|has|have|had|do|does|did|"
    r"goes|go|gets|get|keeps|keep|uses|use|makes|make|needs|need|takes|take|includes|include|stays|stay|"
    r"[a-z]{3,}ed)\b|'(?:ll|s|re|ve|d)\b",
    re.IGNORECASE,
)


def says_no_verb(text: str) -> bool:
    return FINITE.search(text) is None


TASK_VERB = re.compile(
    r"\b(?:will|shall|should|is going to|are going to|needs to|need to|has to|have to)\s+(.+)", re.IGNORECASE
)


def lost_its_object(text: str, said: str) -> bool:
    """A rewritten action item whose task is one word where what was said gave it several: 'The
    User Interface Designer will design.' for '...is going to do the technical function design,
    user interface concept and user interface design.' It tells a reader nothing."""
    task = TASK_VERB.search(text)
    if task is None:
        return False
    said_task = TASK_VERB.search(said)
    return len(content_words(task.group(1))) < 2 and len(content_words(said_task.group(1) if said_task else said)) >= 3


SELF_PHRASE = re.compile(
    r"\b(?:I'll|I will|I'm going to|I am going to|I'm gonna|I have to|I need to|I can|"
    r"I shall)\s+(?:also\s+|just\s+|then\s+)?",
    re.IGNORECASE,
)
VAGUE_START = re.compile(r"^(?:do (?:it|that|this)|that|it|this)\b", re.IGNORECASE)


def to_do(said: str) -> str:
    """An 'I will' that no one can be named for (a transcript without speaker labels), as a
    to-do rather than under a made-up owner: 'The draft is done. I will update the release
    notice by Friday.' -> 'Update the release notice by Friday.' '' when that does not read
    cleanly (still 'I'/'you', vague like 'do that', a question, too long)."""
    for sentence in split_sentences(tidy(said)):
        match = SELF_PHRASE.search(sentence)
        if match:
            break
    else:
        return ""
    head, rest = sentence[: match.start()].strip(), sentence[match.end() :].strip().rstrip(",;:")
    if not rest or VAGUE_START.match(rest) or rest.endswith("?"):
        return ""
    # "The newsletter goes out Friday, so I'll add the date" keeps its reason: "..., so add the date".
    text = f"{head} {rest}" if head else rest
    text = re.sub(r"\bgonna\b", "going to", text)
    text = text[0].upper() + text[1:]
    text = text if text[-1] in ".!" else text + "."
    if (
        len(text.split()) > FALLBACK_WORDS
        or has_first_person(text)
        or re.search(r"\byou\b", text, re.I)
        or len(content_set(text)) < 2
    ):
        return ""
    return text


# What someone will do, as said: "I will update the notice", "we'll also send the FAQ ...".
PROMISED = re.compile(
    r"\b(?:will|'ll|shall|going to|gonna|need to|needs to|has to|have to)\s+(?:also\s+|then\s+|just\s+)?"
    r"([a-z]+)((?:\s+[\w']+){0,4})",
    re.IGNORECASE,
)
IRREGULAR_PAST = {
    "sent": "send", "told": "tell", "made": "make", "had": "have", "wrote": "write", "gave": "give",
    "took": "take", "got": "get", "did": "do", "brought": "bring", "bought": "buy", "paid": "pay",
    "built": "build", "found": "find", "spent": "spend", "sold": "sell", "began": "begin", "ran": "run",
}  # fmt: skip
# A note's own framing ("The team discussed ...") reports the meeting, not a promise kept.
REPORTING = frozenset(
    """discuss talk mention review agre decid consider explor not suggest propos ask rais explain emphasiz
    focus highlight express point stat describ outlin identifi plann""".split()
)
OBJECT_WORDS = 4


def _verb_root(word: str) -> str:
    """'updated', 'update' -> 'updat'; 'sent' -> 'send'."""
    word = IRREGULAR_PAST.get(word, word)
    stemmed = stem(word)
    return stemmed[:-1] if len(stemmed) >= 4 and stemmed.endswith("e") else stemmed


@lru_cache(maxsize=32)  # one chunk's source is checked against each note and each of its shorter versions
def _promises(source: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """(verb root, the words of what it is done to) of each promise said in source."""
    return tuple(
        (_verb_root(verb.lower()), frozenset(content_set(rest)))
        for verb, rest in PROMISED.findall(source)
        if content_set(rest)
    )


def done_but_promised(sentence: str, source: str) -> bool:
    """A note that tells as done what was only promised: 'They updated the release notice by
    Friday' where the meeting said 'I will update the release notice by Friday' (the same verb
    on the same thing). Grounding checks the words, not the tense; this is the tense."""
    promises = _promises(source)
    if not promises:
        return False
    told = words(sentence)
    for index, word in enumerate(told):
        if not (word.endswith("ed") or word in IRREGULAR_PAST):
            continue
        root, thing = _verb_root(word), content_set(" ".join(told[index + 1 : index + 1 + OBJECT_WORDS]))
        if root in REPORTING or f"{word} {' '.join(told[index + 1 : index + 3])}" in source.lower():
            continue  # said as done in the meeting itself
        if any(root == promised and thing & on for promised, on in promises):
            return True
    return False
