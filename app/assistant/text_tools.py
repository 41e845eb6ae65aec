"""Small lexical tools shared by the assistant: words, content words, fillers, sentences, dates.

Everything the pipeline checks against the transcript is lexical on purpose: it is cheap,
deterministic and explainable, which is what a grounding check needs to be.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+(?:['\u2019][A-Za-z]+)?")

STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers
herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's me
more most mustn't my myself no nor not of off on once only or other ought our ours ourselves out over own
same shan't she she'd she'll she's should shouldn't so some such than that that's the their theirs them
themselves then there there's these they they'd they'll they're they've this those through to too under
until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which
while who who's whom why why's will with won't would wouldn't you you'd you'll you're you've your yours
yourself yourselves yeah yes okay ok oh well like really right so uh um hmm mm gonna wanna gotta kind sort
thing things stuff actually basically maybe probably just get got go going think know mean guess say said
one two also something anything everything lot bit way sure alright exactly whatever anyway somehow
""".split()
)

# Sounds and tics of speech that carry nothing for a summary (removed before the model sees them).
FILLERS = re.compile(r"(?:\{\w+\}|\b(?:uh+|um+|hmm+|mm+|mm-hmm|uh-huh|erm|er|ah|eh)\b)[,.]?\s*", re.IGNORECASE)
# An article never ends a phrase: before a pause ("the, uh, German data") its noun comes after
# it, and the comma goes; before a new start ("The, uh One of the things" opening a sentence, "the,
# this whole issue") it was given up, and it goes.
ARTICLE = r"\b(?:[Tt]he|an|a)"
ABANDONED_ARTICLE = re.compile(
    r"(?:(?:^|(?<=[.!?]\s))(?:The|An)|" + ARTICLE + r"(?=\s*,\s+(?:the|an?|this|that|these|those|my|our|your)\b))"
    r"\s*,\s+"
)
PAUSED_ARTICLE = re.compile("(" + ARTICLE + r")\s*,\s+")
# "No" that answers the one before and then says what will be: "Well, no the Bayes-nets will be
# specific for each decision" (QMSum) became the decision and the key point "No the Bayes - nets
# will be ...", and its "no" asked every rewrite for a negation the decision does not have.
# ("No one", "no changes": kept.)
ANSWER_NO = re.compile(
    r"^\W*(?:(?:well|so|oh|okay|ok|and|but|yeah|uh|um)\W+)*no\b[,.!]?\s+"
    r"(?=(?:the|we|we'll|we're|I|I'll|I'm|it|it's|that|that's|this|they|you|he|she|our)\b)",
    re.IGNORECASE,
)
STUTTER = re.compile(r"\b(\w+)(?:\s+\1\b)+", re.IGNORECASE)  # "the the the" -> "the"
# "the Bayes the Bayes - nets The Bayes - nets" -> "the Bayes - nets": a phrase of up to four words
# said again as the speaker restarts.
PHRASE_STUTTER = re.compile(r"\b(\w+(?:[\s-]+\w+){1,3})(?:\s+\1\b)+", re.IGNORECASE)
BROKEN_WORD = re.compile(r"\b(\w{1,4})\s+-\s+(?=\1)", re.IGNORECASE)  # "Th - this" -> "this"
# "th that", "wh what": a start of the next word that is no word itself (a word, "in into", stays)
# (never the end of a contraction: "it's strange", "let's see")
CUT_OFF = re.compile(
    r"(?<!['\u2019])\b([A-Za-z]{1,2})\s+(?=(?:\1\s+){0,3}\1[a-z])", re.IGNORECASE
)  # "w w we" too (bounded)
# "it's not uh w", "the top goal of this m": a clause that ends in a piece of a word (lower case,
# not the end of a contraction) is one the speaker broke off; all of it goes, as it says nothing.
# Anchored at a clause's start: tried from every character, a pasted line without punctuation
# would take quadratic time.
BROKEN_OFF_CLAUSE = re.compile(r"(?:^|(?<=[,;.!?]))[^,;.!?]*(?<!['\u2019])\b(?P<piece>[a-z]{1,2})\s*(?=[,;.!?]|$)")
# Every English word of one or two letters that speech and chats use (and chat shorthand).
# Anything else that short is a piece of a word: cut off in speech ("th that"), or a small
# model's typo in a draft ("How dy there.").
SHORT_WORDS = frozenset(
    """
a i am an as at be by do go he hi if in is it me my no of oh ok on or so to up us we ya yo ye
ah aw eh ha hm mm uh um yay ow oi ex ma pa tv pc ad id ai ui uk us eu la lo ll re ve
u r y c n ur k kk np ty gn gm bf gf pm xx xo
""".split()
)
# The short words of the other languages a transcript may be in (German, French, Spanish, Italian,
# Dutch, Portuguese): "Machst du es?", "on y va" end a clause with a word, not a piece of one.
OTHER_SHORT_WORDS = frozenset(
    """
du er es wo da zu im am um ob ja ne na ab wie je tu il ce le la de et ou un se sa si ma ta te ni va vu eu
su mi yo el lo me ya ha he di ve al io li ti ci vi ho fa ik jy ze zo nu op of om em os as
""".split()
)
_ANY_SHORT_WORD = STOPWORDS | SHORT_WORDS | OTHER_SHORT_WORDS

BACKCHANNELS = frozenset(
    """
yeah yes yep yup no nope okay ok right sure alright mm hmm uh um oh ah so well and but hi hello morning
thanks thank you cool great good fine true exactly indeed wow huh what really
""".split()
)

# A German date's day is a number with a full stop ("am 17. Oktober"): no sentence ends there.
_DATED_MONTH = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\d\.)\s+(?=[\"'(\[]?[A-Z0-9])"
    + r"|(?<=\d\.)\s+(?=[\"'(\[]?[A-Z0-9])(?!(?:"
    + _DATED_MONTH
    + r")\b)"
)


def words(text: str) -> list[str]:
    return [w.lower().replace("\u2019", "'") for w in WORD.findall(text)]


def stem(word: str) -> str:
    """A deliberately crude stemmer: enough to match 'decided'/'decide', 'costs'/'cost'."""
    for suffix in ("ingly", "edly", "ing", "ies", "ied", "ed", "es", "ly", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]


def content_set(text: str) -> set[str]:
    return set(content_words(text))


def clean_speech(text: str) -> str:
    """Speech with fillers, stutters and annotation marks removed; empty if nothing is left."""
    text = FILLERS.sub("", text)
    text = ABANDONED_ARTICLE.sub("", text)
    text = PAUSED_ARTICLE.sub(r"\1 ", text)
    text = BROKEN_WORD.sub("", text)
    # A word of the other languages stays too: "parle de demain", "bin da damit", "si simplemente".
    text = CUT_OFF.sub(lambda m: m.group(0) if m.group(1).lower() in _ANY_SHORT_WORD else "", text)
    text = BROKEN_OFF_CLAUSE.sub(lambda m: m.group(0) if m.group("piece") in _ANY_SHORT_WORD else "", text)
    text = STUTTER.sub(r"\1", text)
    for _ in range(2):  # a restart of a restart ("the Bayes the Bayes - nets The Bayes - nets")
        text = PHRASE_STUTTER.sub(r"\1", text)
    text = re.sub(r"\s+([,.!?;:])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"[,;:]\s*(?=[.!?]|$)", "", text)
    text = re.sub(r"\s{2,}", " ", text).strip(" ,;-")
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


# "Good morning everyone, we decided ...": a greeting opens a meeting and says nothing of it. It
# is a greeting only when an audience or a stop follows ("Hello Kitty sells" is not one).
GREETING_OPENER = re.compile(
    r"^(?:hi|hello|hey|good (?:morning|afternoon|evening)|morning|afternoon|welcome(?: back)?)"
    r"(?:(?:,?\s+(?:everyone|everybody|all|guys|folks|team|there|again))+\s*[,.!]?|\s*[,.!])\s*",
    re.IGNORECASE,
)


def without_greeting(text: str) -> str:
    """Speech without the greeting it opens with ('Good morning everyone, we ...' -> 'We ...')."""
    rest = GREETING_OPENER.sub("", text, count=1)
    return rest[:1].upper() + rest[1:] if rest != text else text


def is_backchannel(text: str) -> bool:
    """Short acknowledgements ('Yeah, okay.', 'Mm-hmm') that say nothing on their own."""
    tokens = words(text)
    return not tokens or (len(tokens) <= 4 and all(t in BACKCHANNELS for t in tokens))


def split_sentences(text: str) -> list[str]:
    parts = [p.strip() for p in SENTENCE_END.split(text.strip())]
    return [p for p in parts if p]


def similarity(a: str, b: str) -> float:
    """Symmetric closeness of two short texts: Dice coefficient over content words."""
    sa, sb = content_set(a), content_set(b)
    if not sa and not sb:
        return 1.0 if words(a) == words(b) else 0.0
    if not sa or not sb:
        return 0.0
    return 2 * len(sa & sb) / (len(sa) + len(sb))


WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
WEEKDAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
)
DATE_PHRASE = re.compile(
    r"\b(?:"
    r"(?:by |until |till |before |on |next |this |coming )?" + WEEKDAYS + r"(?: (?:morning|afternoon|evening|night))?"
    r"|(?:by |before |on |in )?" + MONTHS + r"\.? \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?"
    r"|(?:by |before |on )?(?:the )?\d{1,2}(?:st|nd|rd|th)? (?:of )?" + MONTHS + r"(?:,? \d{4})?"
    r"|(?:by |before |on )?\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    r"|(?:by |before )?\d{4}-\d{2}-\d{2}"
    r"|(?:by |before |until )?(?:tomorrow|tonight|today|end of (?:the )?(?:day|week|month|year|quarter))"
    r"|(?:by |before )?(?:next|this|coming) (?:week|month|year|quarter)"
    r"|in (?:a|one|two|three|four|five|six|\d+) (?:days?|weeks?|months?)"
    r"|(?:by |before |for )?(?:the )?(?:next|following) (?:meeting|session)"
    r")\b",
    re.IGNORECASE,
)
# "may" and short weekday forms are ordinary words too often to count on their own.
_AMBIGUOUS_ALONE = {
    "may",
    "mon",
    "sat",
    "sun",
    "wed",
    "mar",
    "jan",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
    "feb",
    "apr",
    "tue",
    "thu",
    "fri",
    "sept",
    "tues",
    "thur",
    "thurs",
}


def date_phrases(text: str) -> list[str]:
    """Phrases that name a time ('by Friday', 'next week', 'March 3'), in the order they occur."""
    found = []
    for match in DATE_PHRASE.finditer(text):
        phrase = match.group(0).strip()
        if phrase.lower() in _AMBIGUOUS_ALONE:
            continue
        found.append(phrase)
    return found


# "Name: text". A name is one to four words, starts with a letter and holds no sentence
# punctuation; the caller decides from the whole document whether labels are really speakers.
LABEL = re.compile(r"^\s*(?P<name>[^\W\d_][\w.'\u2019\- ]{0,38}?|\d{1,2})\s*:\s*(?P<text>\S.*)?$")
NOT_NAMES = frozenset(
    """
http https ftp mailto note notes re fw fwd subject ps p.s tip warning todo to cc bcc from sent date time
update edit question answer summary agenda action decision example step attendees location
""".split()
)


def split_label(line: str) -> tuple[str | None, str]:
    """('Anna', 'see you') for 'Anna: see you'; (None, line) when the line has no speaker label."""
    match = LABEL.match(line)
    if not match:
        return None, line.strip()
    name = match.group("name").strip()
    if len(name.split()) > 4 or name.lower() in NOT_NAMES or name.lower().rstrip(".") in NOT_NAMES:
        return None, line.strip()
    if re.fullmatch(r"\d{1,2}", name):  # "10: ..." is a time or a list number, not a person
        return None, line.strip()
    return name, (match.group("text") or "").strip()
