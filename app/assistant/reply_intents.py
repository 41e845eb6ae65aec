"""What the last message calls for, and openings of different intent for the reply drafts.

Three drafts that say the same thing three ways are one draft. The second and third drafts
therefore start with openings of another intent than the first one: for a question, yes / no /
let me check; for news, a reaction that fits the news / a question back / thanks; for thanks,
you're welcome / glad to help / let me know how it goes. The
openings are short so that the model still writes the rest; the fallbacks are whole,
sendable sentences for when the model's drafts do not hold up.
"""

from __future__ import annotations

import re

from app.assistant.text_tools import words

INTENTS_FOR = {
    "question": ("yes", "no", "ask"),
    "good_news": ("good", "question", "thanks"),
    "bad_news": ("bad", "question", "ask"),
    "statement": ("question", "react", "thanks"),
    "follow": ("follow", "ask", "thanks"),
    "thanked": ("welcome", "glad", "later"),
}

OPENINGS = {
    "friendly": {
        "yes": ("Sure!", "Yes!", "Sounds good!"),
        "no": ("Sorry,", "Ah,", "Unfortunately"),
        "ask": ("Let me check", "Hmm,", "Quick question:"),
        "good": ("That's great!", "Congrats!", "Yay,"),
        "bad": ("Oh no,", "I'm sorry", "Aw,"),
        "react": ("Wow,", "Oh,", "Really?"),
        "question": ("What", "How", "Why"),
        "thanks": ("Thanks", "Great,", "Cool,"),
        "follow": ("Hey, just checking in", "Any news", "Hi again!"),
        "welcome": ("You're welcome!", "No problem!", "Anytime!"),
        "glad": ("Glad I could help!", "Happy to help!", "Of course!"),
        "later": ("Let me know how it goes!", "Good luck!", "Keep me posted!"),
    },
    "neutral": {
        "yes": ("Yes,", "Okay,", "Sure,"),
        "no": ("No,", "Unfortunately,", "Not"),
        "ask": ("Let me check", "I'm not sure", "Could you"),
        "good": ("Good to hear.", "Great,", "Nice,"),
        "bad": ("Sorry to hear that.", "That's unfortunate.", "I see,"),
        "react": ("I see,", "Okay,", "Interesting,"),
        "question": ("What", "How", "When"),
        "thanks": ("Thanks", "Okay,", "Noted,"),
        "follow": ("Just following up", "Any update", "Hi again,"),
        "welcome": ("You're welcome.", "No problem.", "Anytime."),
        "glad": ("Glad I could help.", "Happy to help.", "Of course."),
        "later": ("Let me know how it goes.", "Good luck.", "Keep me posted."),
    },
    "formal": {
        "yes": ("Certainly.", "Yes,", "Of course."),
        "no": ("Unfortunately,", "I regret", "I am afraid"),
        "ask": ("I will look into", "Could you please", "Allow me to"),
        "good": ("Congratulations", "That is excellent news.", "I am pleased"),
        "bad": ("I am sorry to hear", "I understand", "My apologies"),
        "react": ("I understand.", "Thank you for", "Noted."),
        "question": ("Could you", "May I ask", "What"),
        "thanks": ("Thank you", "Many thanks", "I appreciate"),
        "follow": ("I wanted to follow up", "Kindly let me know", "Following up on"),
        "welcome": ("You are welcome.", "It was my pleasure.", "Not at all."),
        "glad": ("I am glad I could help.", "I am happy to help.", "Of course."),
        "later": ("Please let me know how it goes.", "Best of luck.", "Please keep me informed."),
    },
}

FALLBACKS = {
    "friendly": {
        "yes": "Sure, sounds good to me!",
        "no": "Sorry, I can't make that work right now.",
        "ask": "Let me check and get back to you soon!",
        "good": "That's great news, congrats!",
        "bad": "Oh no, I'm sorry to hear that.",
        "react": "Wow, thanks for telling me!",
        "question": "What happened next?",
        "thanks": "Thanks for letting me know!",
        "follow": "Hey, just checking in on my last message. Any news?",
        "welcome": "You're welcome!",
        "glad": "Glad I could help!",
        "later": "Let me know how it goes!",
    },
    "neutral": {
        "yes": "Yes, that works for me.",
        "no": "No, that doesn't work for me.",
        "ask": "Let me check and I'll get back to you.",
        "good": "Good to hear, thanks.",
        "bad": "Sorry to hear that.",
        "react": "I see, thanks for the update.",
        "question": "What are the next steps?",
        "thanks": "Thanks, noted.",
        "follow": "Just following up on my last message.",
        "welcome": "You're welcome.",
        "glad": "Glad I could help.",
        "later": "Let me know how it goes.",
    },
    "formal": {
        "yes": "Certainly, that works for me.",
        "no": "Unfortunately, I am unable to do that.",
        "ask": "I will look into this and get back to you shortly.",
        "good": "That is excellent news, congratulations.",
        "bad": "I am sorry to hear that.",
        "react": "Thank you for the update.",
        "question": "Could you tell me more about the next steps?",
        "thanks": "Thank you for letting me know.",
        "follow": "I wanted to follow up on my previous message at your convenience.",
        "welcome": "You are welcome.",
        "glad": "I am glad I could help.",
        "later": "Please let me know how it goes.",
    },
}

QUESTION_START = re.compile(
    r"^(?:are|is|can|could|would|will|do|does|did|have|has|should|shall|may|what|when|where|"
    r"who|why|how|which|any|anyone|let me know|please)\b",
    re.IGNORECASE,
)
# Only news that is good beyond doubt gets a cheering opening ("good" alone can be "I thought
# I was a good roommate"); a wrong "Congrats!" is worse than a plain reaction.
GOOD = frozenset(
    "won win passed promoted engaged married hired accepted graduated congrats yay finally excited "
    "awesome amazing".split()
)
# The other person thanks the user ("thanks, maybe I'll do that", "I don't know how to thank
# you"): a welcome is called for, not sympathy nor thanks back. "Thank God" thanks nobody.
THANKED = re.compile(
    r"\b(?:thanks(?! to (?!you\b|u\b))|thank (?:you|u)|thx|ty|appreciate (?:it|that|this|you)|grateful|"
    r"you saved me|owe you)\b",
    re.IGNORECASE,
)
BAD = frozenset(
    "sad broke broken lost sick ill worried unfortunately failed angry upset terrible awful hurt "
    "died cancelled canceled stuck crashed fired injured".split()
)


def situation(last_message: str, follow_up: bool) -> str:
    """question | good_news | bad_news | thanked | statement | follow (the last message is the user's own)."""
    if follow_up:
        return "follow"
    text = last_message.strip()
    sentences = re.split(r"(?<=[.!?])\s+", text)
    if "?" in text or any(QUESTION_START.match(s) for s in sentences):
        return "question"
    tokens = set(words(text))
    good, bad = len(tokens & GOOD), len(tokens & BAD)
    if bad > good:
        return "bad_news"
    if THANKED.search(text):
        return "thanked"
    if good > bad:
        return "good_news"
    return "statement"


# A yes/no question about the user's own doing, and the verb its answer says again: "Do you want
# to come?" -> "Sure, I'd love to come!" / "Sorry, I can't come". SmolLM2 given only "Sure!" to a
# climbing invitation went on "I'd be happy to help you with your gear." (a shop's assistant);
# given "Sure, I'd love to come!" it wrote "We can grab a spot at the gym on Saturday."
INVITED = re.compile(
    r"\b(?:do|would) you (?:want|like|wanna) to (?:please )?([a-z]+)\b|\bwanna ([a-z]+)\b", re.IGNORECASE
)
ASKED_TO = re.compile(r"\b(?:can|could|will|would) you (?:please )?([a-z]+)\b", re.IGNORECASE)
# What the verb is done to, when it is short and plain: "watch a movie", "book a table", "join us"
# (said back as "join you").
OBJECT = re.compile(r"^ (?:(?:a|an|the|some|this|that|my|your|our) [a-z]+|us|me)\b", re.IGNORECASE)
SAID_BACK = {"us": "you", "me": "you", "my": "your", "your": "my", "our": "your"}
COMING = re.compile(r"\bare you (coming|going|joining|free|around|in|still in|ready|okay|ok)\b", re.IGNORECASE)
# Verbs an answer cannot say again on their own ("Sure, I can be", "Sorry, I can't mind").
NOT_ECHOED = frozenset(
    "be have do get let tell mind say know think see hear believe imagine guess you me us it the a".split()
)
ECHOES = {
    "friendly": {
        "invited": ("Sure, I'd love to {verb}!", "Sorry, I can't {verb}"),
        "asked": ("Sure, I can {verb}", "Sorry, I can't {verb}"),
        "coming": ("Yes, I'm {verb}!", "Sorry, I'm not {verb}"),
    },
    "neutral": {
        "invited": ("Yes, I'd like to {verb}.", "No, I can't {verb}"),
        "asked": ("Yes, I can {verb}", "No, I can't {verb}"),
        "coming": ("Yes, I'm {verb}.", "No, I'm not {verb}"),
    },
    "formal": {
        "invited": ("Certainly, I would be glad to {verb}.", "Unfortunately, I am unable to {verb}"),
        "asked": ("Certainly, I can {verb}", "Unfortunately, I am unable to {verb}"),
        "coming": ("Yes, I am {verb}.", "Unfortunately, I am not {verb}"),
    },
}


def echo_openings(tone: str, last_message: str) -> tuple[str, str] | None:
    """(yes, no) openings that answer the last message's first question about the user's own
    doing in its own words, or None when it asks nothing such."""
    for question in re.findall(r"[^.!?\n]*\?", last_message):
        for kind, pattern in (("invited", INVITED), ("asked", ASKED_TO), ("coming", COMING)):
            match = pattern.search(question)
            if match is None:
                continue
            verb = next((g for g in match.groups() if g), "").lower()
            if verb not in NOT_ECHOED:
                if kind != "coming":
                    done_to = OBJECT.match(question[match.end() :])
                    if done_to:
                        verb += " " + " ".join(SAID_BACK.get(w.lower(), w) for w in done_to.group(0).split())
                yes, no = ECHOES[tone][kind]
                return yes.format(verb=verb), no.format(verb=verb)
    return None


def opening_plan(tone: str, kind: str, last_message: str = "") -> list[str]:
    """Openings to try in turn: one of each intent, then second choices, and so on. A question
    about the user's own doing is first answered in its own words (echo_openings)."""
    choices = {intent: list(OPENINGS[tone][intent]) for intent in INTENTS_FOR[kind]}
    echoed = echo_openings(tone, last_message) if kind == "question" else None
    if echoed is not None:
        choices["yes"].insert(0, echoed[0])
        choices["no"].insert(0, echoed[1])
    ranks = max(len(c) for c in choices.values())
    return [choices[intent][rank] for rank in range(ranks) for intent in choices if rank < len(choices[intent])]


def fallback_sentences(tone: str, kind: str) -> list[str]:
    return [FALLBACKS[tone][intent] for intent in INTENTS_FOR[kind]] + [FALLBACKS[tone]["thanks"]]
