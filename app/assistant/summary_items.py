"""Decisions and action items: found in the transcript (extract.py), put in the third person by
the model, checked against what was said; when the model's wording does not hold up, what was
said in plain words (wording.plain_fallback), or nothing."""

from __future__ import annotations

import re
import threading
from typing import Literal

from app.assistant import prompts
from app.assistant.extract import DECISION_CUES, Candidate
from app.assistant.generation import ask, fits, guarded
from app.assistant.grounding import ASKED, SELF_COMMIT, NameBook, due_phrase, keeps_negation, strip_repetition
from app.assistant.owners import owner_for
from app.assistant.summary_check import checked_sentences
from app.assistant.summary_options import SummaryOptions
from app.assistant.text_tools import MONTH_NAMES, STOPWORDS, WEEKDAY_NAMES, content_set, split_label, split_sentences
from app.assistant.wording import (
    TEAM_COMMITS,
    has_first_person,
    lost_its_object,
    plain_fallback,
    says_no_verb,
    tidy,
    to_do,
)
from app.records import ActionItem, SummaryItem
from models.slm.api import LanguageModel

PRONOUNS = frozenset({"he", "she", "they"})
# The one who does it, as the model wrote it: "Anna will ...", "Friday should ...".
SUBJECT = re.compile(r"\s*([A-Z][\w'\-]*(?: [A-Z][\w'\-]*)?)\s+(?:will|is going to|should|has to|needs to|can)\b")
LEADING_SUBJECT = re.compile(
    r"^\s*(?:Speaker \d+|[A-Z][\w'\-]*(?: [A-Z][\w'\-]*)?)\s+(?=will\b|is going to\b|should\b|has to\b|needs to\b)"
)


class ItemWriter:
    """Writes the decisions and action items of one transcript. Each method returns the item,
    False when it cannot be said cleanly, or None when the cancel token was set."""

    def __init__(self, model: LanguageModel, names: NameBook, options: SummaryOptions, cancel: threading.Event | None):
        self.model = model
        self.names = names
        self.options = options
        self.cancel = cancel

    def decision(self, candidate: Candidate) -> SummaryItem | Literal[False] | None:
        text = self._rewrite(prompts.decision(candidate.line), candidate)
        if text is None:
            return None
        if says_no_verb(text) or not _says_what_was_decided(text, candidate.text):
            text = ""
        text = text or plain_fallback(candidate.text, None)
        return SummaryItem(text, candidate.utterance.start_of(candidate.text)) if text else False

    def action(self, candidate: Candidate) -> ActionItem | Literal[False] | None:
        owner = owner_for(candidate.utterance, candidate.following, self.names, candidate.text, candidate.before)
        due, start = due_phrase(candidate.text), candidate.utterance.start_of(candidate.text)
        reply = candidate.following[0] if candidate.following else None
        if due is None and owner and reply is not None and reply.speaker == owner and ASKED.search(candidate.text):
            # "Marcus, could you check the refund tests?" "Yes, I can do that on Tuesday.": the
            # one asked says when.
            due = due_phrase(reply.text)
        if owner is None and SELF_COMMIT.search(candidate.text):
            # Someone said "I will ..." and nothing tells who: a to-do, never a made-up owner.
            task = to_do(candidate.text)
            if task:
                return ActionItem(task, None, due, start)
        text = self._rewrite(prompts.action(candidate.line), candidate)
        if text is None:
            return None
        subject = SUBJECT.match(text) if text else None
        if subject:
            said = subject.group(1)
            named = self.names.find(said)
            if owner is None and named and re.search(rf"\b{re.escape(said)}\b", candidate.line):
                owner = named
            elif owner and said != owner and (named or said.lower() in PRONOUNS or said.lower() not in STOPWORDS):
                text = owner + text[subject.end(1) :]  # the model put someone (or "Friday") first: the owner does it
            elif not named and said.lower() not in STOPWORDS:
                text = ""  # "October will ...": the model made a day or a thing the owner
        if text and (lost_its_object(text, candidate.text) or _day_made_a_place(text, candidate.text)):
            text = ""
        if text and owner is None and _team_commitment(candidate.text) and not text.lower().startswith("the team"):
            # "we'll write the press release" is the team's, not "Speaker 1 will write ..."
            subject = LEADING_SUBJECT.match(text)
            text = f"The team {text[subject.end() :]}" if subject else ""
        text = text or plain_fallback(candidate.text, owner)
        if not text:
            return False
        return ActionItem(text, owner, due, start)

    def _rewrite(self, messages, candidate: Candidate) -> str | None:
        """The model's third-person wording of a candidate, '' when it did not hold up, None if cancelled."""
        if self.cancel is not None and self.cancel.is_set():
            return None
        if not fits(self.model, messages, self.options.rewrite_tokens):
            return ""
        answer = ask(self.model, messages, guarded(self.options.rewrite_tokens, stop_strings=("\n",)), self.cancel)
        if answer.cancelled:
            return None
        first = split_sentences(strip_repetition(answer.text))[:1]
        if not first or split_label(first[0])[0]:
            return ""  # a copied "Name: ..." line is not a rewrite
        sentence = tidy(first[0])
        if sentence.endswith("?") or has_first_person(sentence) or len(sentence.split()) < 4:
            return ""
        if not keeps_negation(sentence, candidate.text):
            return ""
        kept = checked_sentences(sentence, candidate.context, self.names, min_cover=0.7)
        return sentence if kept == [sentence] else ""


# "It needs to be more than one big button because ... the panel itself is a single panel": what
# comes after "because" explains the decision; it is not the decision.
REASON = re.compile(r"\b(?:because|since|'?cause|it's just that)\b", re.IGNORECASE)


def _says_what_was_decided(written: str, said: str) -> bool:
    """False for a decision written from the reason given for it ("The phone is a single panel.")
    rather than from the words that decide (ES2002d, SmolLM2)."""
    reason = REASON.search(said)
    if reason is None:
        return True
    deciding, explaining = said[: reason.start()], said[reason.start() :]
    if not any(cue.search(deciding) for cue, _ in DECISION_CUES) or any(
        cue.search(explaining) for cue, _ in DECISION_CUES
    ):
        return True
    return bool(content_set(written) & content_set(deciding))


# "Friday is also when the newsletter goes out, so I'll add the new date there too." was rewritten
# "Leo will add the new date to Friday.": "there" read as the day. A day or month is where something
# goes ("move the launch to October") only when that was said.
DAY_AS_PLACE = re.compile(
    r"\b(?:to|into|onto) (?:the )?(?:" + "|".join(WEEKDAY_NAMES + MONTH_NAMES) + r")\b", re.IGNORECASE
)


def _day_made_a_place(written: str, said: str) -> bool:
    said_places = {m.group(0).lower() for m in DAY_AS_PLACE.finditer(said)}
    return any(m.group(0).lower() not in said_places for m in DAY_AS_PLACE.finditer(written))


def _team_commitment(said: str) -> bool:
    return bool(TEAM_COMMITS.search(said)) and not SELF_COMMIT.search(said)
