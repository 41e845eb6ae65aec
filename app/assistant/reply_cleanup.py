"""Making a model's draft sendable as it is, or rejecting it ('' means: do not show this one)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from app.assistant.grounding import numbers_in
from app.assistant.reply_intents import situation
from app.assistant.structured_prompts import FUNCTION_WORDS
from app.assistant.text_tools import SHORT_WORDS, similarity, split_sentences, words

LEADING_LABEL = re.compile(
    r"^\s*(?:\*\*)?(?:reply|response|answer|draft|message|suggestion|option|assistant|me|you)"
    r"(?:\s*\d+)?(?:\*\*)?\s*[:\-]\s*(?:\*\*)?",
    re.IGNORECASE,
)
NUMBERING = re.compile(r"^\s*(?:\d+[.)]|[-*\u2022])\s+")
PLACEHOLDER = re.compile(r"\[[^\]\n]{1,40}\]|\{[^}\n]{1,40}\}|<[^>\n]{1,40}>|_{3,}|\bX{2,}\b")
YOUR_NAME = re.compile(
    r"\[(?:your name|name|my name|sender)\]|\{(?:your_?name|name)\}|<(?:your name|name)>", re.IGNORECASE
)
AI_ASIDE = re.compile(
    r"\b(?:as an ai|chatbot|language model|i'm an ai|i am an ai|ai assistant|here(?:'s| is) (?:a |an |my |the |your )?"
    r"(?:possible |suggested |short |draft |sample )?(?:reply|response|message|draft)|i can(?:'t| not) (?:assist|help) "
    r"(?:you )?with that|you could (?:say|reply|respond)|happy to help you with that)\b",
    re.IGNORECASE,
)
QUOTE_LINE = re.compile(r"^\s*>|^\s*On .+ wrote:\s*$", re.IGNORECASE)
COPY = 0.7

# A draft is the user's word: it may not promise a time, a day, a price or a count nobody in the
# thread mentioned ("I'll be back in 20 minutes"). Number words count as their digits.
NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "hundred": "100", "thousand": "1000"}
COMMON_ONES = frozenset({"0", "1"})  # "no one", "that one", "at once": never a detail on their own
WHEN_WORDS = frozenset(
    """
monday tuesday wednesday thursday friday saturday sunday tomorrow tonight yesterday weekend
january february march april june july august september october november december
dollar dollars euro euros pound pounds bucks percent
""".split()
)
# "What 's up?", "do n't": a contraction split from its word the way tokenized corpora write it
# (SmolLM2 drafts it so); written text joins them.
SPLIT_CONTRACTION = re.compile(r"(?<=\w) +(?=(?:['\u2019](?:s|re|ve|ll|d|m)|n['\u2019]t)\b)", re.IGNORECASE)
# "You're welcome" answers a thanks, "no problem" an apology too; said to anything else it is the
# other person's line (a small model writes the reply of whoever spoke last: Jerry, offered
# cookies, "You're welcome! I'm glad you found the cookies delicious").
WELCOME = re.compile(
    r"^\W*(?:you(?:'|\u2019)?re (?:very |so |most )?welcome|you are (?:very |most )?welcome|no problem|"
    r"no worries|my pleasure|(?:it was )?a pleasure|any ?time|don(?:'|\u2019)?t mention it)\b",
    re.IGNORECASE,
)
# Sympathy answers bad news; said to thanks or good news it reads the message backwards (SmolLM2
# to "Oh, thank God! I don't know how to thank you": "I'm so sorry to hear that.").
SYMPATHY = re.compile(
    r"\b(?:sorry (?:to hear|for your loss|about that|that happened)|oh no\b|that(?:'|\u2019)?s (?:too bad|a shame)|"
    r"what a shame)",
    re.IGNORECASE,
)
OWED = re.compile(r"\b(?:thank|thanks|thx|ty|appreciate[ds]?|grateful|cheers|sorry|apologi[sz]e)\b", re.IGNORECASE)
# "I'm so glad you're enjoying the cookies." (SmolLM2's favourite line) to "I'll bring you some
# tomorrow" or "Let's go!": it answers a liking that the last message does not say.
ENJOYING = re.compile(
    r"\b(?:glad|happy|great|nice) (?:that )?you(?:(?:'|\u2019)re| are) (?:enjoying|loving|liking|interested)\b|"
    r"\b(?:glad|happy) (?:that )?you (?:like|love|enjoy)d?\b",
    re.IGNORECASE,
)
# "Thanks, I'm glad." (SmolLM2, after the opening "Thanks", to "Great" or "You're welcome."): glad
# of nothing, unless the news was good. "I'm glad it worked" and "Glad to hear it!" say what of.
GLAD_OF_NOTHING = re.compile(
    r"\bI(?:'|\u2019)?m (?:so |really |very )?glad\s*(?:[.!]|$)|\bI am (?:so )?glad\s*[.!]", re.IGNORECASE
)
LIKING = re.compile(
    r"\b(?:lik(?:e|es|ed|ing)|lov(?:e|es|ed|ing)|enjoy\w*|fun|delicious|tasty|yummy|amazing|awesome|wonderful|"
    r"great|fantastic|beautiful|perfect|best|favou?rite|happy|glad|interest\w*)\b|\u2764",
    re.IGNORECASE,
)
# "Thanks a lot noah," (SmolLM2, as Sam answering Naomi): greeting, thanking or titling ("Mr.
# Smith") someone by a name no message of the thread says. Words after "thanks" that are no name
# are listed.
ADDRESSED = re.compile(
    r"\b(?:hi|hey|hello|dear|thanks(?: a lot| so much)?|thank you(?: so much)?)\s+([A-Za-z][a-z]+)\s*[,!]",
    re.IGNORECASE,
)
TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+([A-Z][a-z]+)")  # case kept: "I miss this place" is none
NOT_NAMES = frozenset(
    """all again anyway everyone everybody guys folks there man mate dude buddy friend friends babe baby honey
    sweetie darling dear love team though too both you so much lot mom mum dad mommy daddy bro sis sister brother
    grandma grandpa boss sir madam maam doc doctor bud pal hun hon tons heaps loads everybody y'all yall""".split()
)
# "Sorry, I'm sorry for the misunderstanding." (SmolLM2, asked whether she comes climbing): a help
# desk's apology for a confusion, an inconvenience or a delay that no message of the thread speaks of.
HELP_DESK_APOLOGY = re.compile(
    r"\b(?:sorry|apologi[sz]e|apologies)\s+(?:for|about)\s+(?:the|any|this|that|all the)\s+"
    r"(?:confusion|misunderstanding|inconvenience|mix-?up|trouble|delay|frustration)\b",
    re.IGNORECASE,
)
APOLOGY_CAUSE = re.compile(
    r"\b(?:confus\w*|misunderst\w*|inconvenien\w*|mix-?up|trouble\w*|delay\w*|late|frustrat\w*|mistake\w*|"
    r"wrong|error\w*|problem\w*|issue\w*|sorry|apolog\w*)\b",
    re.IGNORECASE,
)
EMOTICON = re.compile(r"[:;=8]-?[A-Za-z()]\b|\bx[dD]\b")


def invented_detail(text: str, thread: Sequence[str]) -> str | None:
    """A number, day, month or amount the draft says and no message of the thread does."""
    said = _details(" ".join(thread))
    return next((detail for detail in _details(text) if detail not in said), None)


def _details(text: str) -> list[str]:
    found = [number.lstrip("0") or "0" for number in numbers_in(text)]
    for word in words(text):
        if word in NUMBER_WORDS:
            found.append(NUMBER_WORDS[word])
        elif word in WHEN_WORDS:
            found.append(word)
    return [detail for detail in dict.fromkeys(found) if detail not in COMMON_ONES]


def stranger_addressed(text: str, thread: Sequence[str], people: Sequence[str] = ()) -> str | None:
    """A name the draft greets, thanks or titles that neither the thread's messages nor its
    people (the speakers' names) say."""
    said = set(words(" ".join([*thread, *people])))
    for match in [*ADDRESSED.finditer(text), *TITLED.finditer(text)]:
        name = match.group(1).lower()
        if name not in said and name not in NOT_NAMES:
            return name
    return None


# "Sure! Bella is a popular Italian restaurant in New York City." (SmolLM2, asked "What do you
# mean??" about Bella, a person): a name, place or brand in the middle of a sentence that no
# message of the thread says is the model's invention, which the user would have to take out.
NAME_INSIDE = re.compile(r"(?<=\w )[A-Z][a-z]+(?:'s)?\b")  # after a comma, a word may begin again: "Yes, Sure"
NEVER_INVENTED = NOT_NAMES | {"god", "ok", "okay", "lol"}


def invented_name(text: str, thread_words: Sequence[str]) -> str | None:
    """A capitalized word inside a sentence of the draft (not its first word) that none of the
    thread's words (its messages' and people's, read once per thread) is, in English (German
    writes every noun so)."""
    if not _reads_as_english([*thread_words, *words(text)]):
        return None
    said = {word.removesuffix("'s") for word in thread_words}
    for sentence in split_sentences(text):
        for match in NAME_INSIDE.finditer(sentence):
            word = match.group().lower().removesuffix("'s")
            if word not in said and word not in NEVER_INVENTED:
                return match.group()
    return None


def _reads_as_english(tokens: list[str]) -> bool:
    said = Counter(tokens)  # each text is read once: a paste may be long
    counts = {language: sum(said[w] for w in set(ws)) for language, ws in FUNCTION_WORDS.items()}
    return counts["English"] > 0 and all(n < counts["English"] for lang, n in counts.items() if lang != "English")


def broken_word(text: str, thread: Sequence[str]) -> str | None:
    """A word of one or two letters that is no English word and not in the thread, when the
    thread and draft read as English (other languages have their own short words)."""
    thread_words = words(" ".join(thread))
    if not _reads_as_english(thread_words + words(text)):
        return None
    known = set(thread_words) | SHORT_WORDS
    for token in re.findall(r"(?<![\w'\u2019])[A-Za-z]{1,2}(?![\w'\u2019])", EMOTICON.sub(" ", text)):
        if token.lower() not in known:
            return token
    return None


def clean_draft(
    text: str,
    *,
    me: str,
    others: Sequence[str],
    thread: Sequence[str],
    limits: tuple[int, int],
    truncated: bool = False,
    kind: str | None = None,
) -> str:
    """The draft as shown, or "" when it must not be. kind: the last message's situation
    (reply_intents.situation), worked out here when the caller has not."""
    low, high = limits
    text = text.replace("\r", "").replace("<|im_end|>", "").strip()
    lines = [line for line in text.split("\n") if not QUOTE_LINE.match(line)]
    text = "\n".join(lines).strip()
    if "\n\n" in text and high <= 40:
        text = text.split("\n\n")[0]
    for name in [*others, me]:
        cut = re.search(rf"(?:^|\n)\s*{re.escape(name)}\s*:", text)
        if cut and cut.start() > 0:
            text = text[: cut.start()]
    for _ in range(3):  # "Reply 1: Me: ..." has more than one label
        before = text
        text = NUMBERING.sub("", LEADING_LABEL.sub("", text)).strip()
        text = re.sub(rf"^\s*{re.escape(me)}\s*:\s*", "", text)
        if text == before:
            break
    text = text.strip().strip("\"'\u201c\u201d").strip()
    text = SPLIT_CONTRACTION.sub("", text)
    if YOUR_NAME.search(text):
        real_name = me and me.lower() not in {"me", "you", "i"}
        text = YOUR_NAME.sub(me if real_name else "", text)
        text = re.sub(r"[ \t]+\n", "\n", text).strip(" ,\n")
    if PLACEHOLDER.search(text):
        return ""
    text = _without_bad_later_sentences(text, thread)
    if AI_ASIDE.search(text) or invented_detail(text, thread) or broken_word(text, thread):
        return ""
    if WELCOME.match(text) and not (thread and OWED.search(thread[-1])):
        return ""
    kind = kind or (situation(thread[-1], follow_up=False) if thread else None)
    if kind in ("thanked", "good_news") and SYMPATHY.search(text):
        return ""
    if kind != "good_news" and GLAD_OF_NOTHING.search(text):  # "I'm so glad!" does answer good news
        return ""
    if thread and ENJOYING.search(text) and not LIKING.search(thread[-1]):
        return ""
    if HELP_DESK_APOLOGY.search(text) and not any(APOLOGY_CAUSE.search(turn) for turn in thread):
        return ""
    if thread and stranger_addressed(text, thread, [*others, me]):
        return ""
    if any(similarity(text, turn) >= COPY or (len(text) > 20 and text.lower() in turn.lower()) for turn in thread):
        return ""
    text = _fit_length(text, high, truncated)
    n = len(words(text))
    if n < low:
        return ""
    return text


def _without_bad_later_sentences(text: str, thread: Sequence[str]) -> str:
    """The draft without its later sentences that promise what nobody said or talk like a help
    desk: Qwen2.5-0.5B, invited to climb on Saturday, wrote "Sure, I'd love to come! We can go to
    the climbing gym on Saturday at 10 AM." and "Sorry, I can't come to the climbing gym on
    Saturday. I'm sorry for any inconvenience caused, but I can't assist with that request.";
    their first sentences are sendable. (A bad first sentence still refuses the whole draft.)"""
    sentences = split_sentences(text)
    apology_owed = any(APOLOGY_CAUSE.search(turn) for turn in thread)
    for sentence in sentences[1:]:
        if (
            invented_detail(sentence, thread)
            or AI_ASIDE.search(sentence)
            or (HELP_DESK_APOLOGY.search(sentence) and not apology_owed)
        ):
            text = text.replace(sentence, "", 1)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _fit_length(text: str, high: int, truncated: bool) -> str:
    """At most `high` words, ending at the end of a sentence when one ends in time."""
    sentences = split_sentences(text.replace("\n", " \n "))
    out = ""
    for sentence in sentences:
        candidate = f"{out} {sentence}".strip() if out else sentence
        if len(words(candidate)) > high:
            break
        out = candidate
    if not out:
        cut = text.split()[:high]
        out = " ".join(cut)
        comma = out.rfind(",")
        if comma > len(out) // 2:
            out = out[:comma]
        out = out.rstrip(",;:- ") + "."
    out = re.sub(r" ?\n ?", "\n", out).strip()
    last = out.rstrip()[-1:] if out else ""
    if truncated and last and last not in ".!?)\u2026" and not _ends_with_emoji(out):
        # The model stopped mid-sentence (token limit): drop the unfinished tail when enough is left.
        complete = re.match(r"^(.*[.!?])\s", out + " ", re.DOTALL)
        if complete and len(words(complete.group(1))) >= 3:
            out = complete.group(1)
    return out.strip()


def _ends_with_emoji(text: str) -> bool:
    return bool(text) and ord(text[-1]) > 0x2000


TYPED_WORDS = 2  # the first draft is shown as it is written once it has this many words


def typed_so_far(text: str, speakers: Sequence[str]) -> str:
    """The first draft as the model is writing it, fit to be shown before it is checked: its
    first paragraph, without a leading "Name:" or numbering; '' until it has TYPED_WORDS words
    or while it is only a label. The whole draft is cleaned and checked when it is done."""
    text = text.replace("\r", "").replace("<|im_end|>", "").lstrip()
    text = text.split("\n\n")[0]
    for _ in range(3):
        before = text
        text = NUMBERING.sub("", LEADING_LABEL.sub("", text)).lstrip()
        for name in speakers:
            text = re.sub(rf"^{re.escape(name)}\s*:\s*", "", text)
        if text == before:
            break
    text = text.lstrip("\"'\u201c")
    return text if len(words(text)) >= TYPED_WORDS and not text.rstrip().endswith(":") else ""
