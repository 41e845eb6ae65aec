"""The structured answer of a capable model, checked against the transcript item by item (the
rules of grounding.py, applied to JSON fields):

- every item is tied to the utterance it comes from: the one its "quote" was copied from, else
  the one that says most of the item's own words; an item no utterance of its chunk says is
  dropped;
- an owner is a person of the transcript (a speaker, a name given or said), never a day or a
  month in any language: whom the utterance makes the owner (grounding.owner_for: "I will" is
  its speaker's), else the model's owner when that person said the utterance or is named in it
  (a model's owner taken from the next line is how "Marcus" came to update Leo's notice);
- a due date is a time said in the quoted utterance (or in the owner's answer to it), in the
  transcript's words, and a time the task names is said there too (a task quoted at another
  line goes with the line that says it);
- a text (task, decision, key point, overview sentence) names no number, date or person that
  its source does not, and shares most of its words with it; a task or decision that fails is
  replaced by its quote in the third person when that reads cleanly (for a task, only when the
  quote is a commitment: "I will...", "can you..."), else dropped.

invented_facts() is the faithfulness count of the quality benchmark too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.assistant.anchoring import anchored
from app.assistant.chunking import Utterance
from app.assistant.extract import ACTION_CUES, DECISION_CUES
from app.assistant.grounding import (
    ASKED,
    FRAMING,
    SELF_COMMIT,
    NameBook,
    best_utterance,
    capitalized_names,
    critical_words,
    is_person_word,
    keeps_negation,
    numbers_in,
)
from app.assistant.item_location import MIN_TEXT_COVER, Quoted, locate
from app.assistant.owners import owner_for
from app.assistant.structured_prompts import TEXT_CHARS
from app.assistant.text_tools import content_set, date_phrases, split_sentences, words
from app.assistant.wording import finished, has_first_person, plain_fallback, tidy
from app.records import ActionItem, SummaryItem

MIN_PERSON_COVER = 0.4  # share of a sentence's words about a person that the person's own turns hold

# Days and months in the languages a capable model is asked to write in: never an owner.
TIME_WORDS = frozenset(
    """
montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz april mai juni juli august
september oktober november dezember heute morgen übermorgen woche
lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août septembre
octobre novembre décembre aujourd demain semaine
lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo junio julio agosto
septiembre octubre noviembre diciembre hoy mañana semana
""".split()
)
# The other languages' cues (German, French, Spanish), where grounding.py's are English:
# "I" (owner_for knows the English commitments), a commitment, a decision, a time said.
FIRST_PERSON_OTHER = re.compile(r"\b(?:ich|je|j'|yo|io|ik|eu)\b", re.IGNORECASE)
COMMIT_OTHER = re.compile(
    r"\b(?:ich|je|j'|yo|werde|wird|werden|soll|sollte|muss|kannst du|könntest du|bitte|vais|va|"
    r"allons|doit|peux-tu|pourrais-tu|voy|vas|vamos|tengo que|puedes|podrías)\b",
    re.IGNORECASE,
)
DECISION_OTHER = re.compile(
    r"\b(?:beschlossen|entschieden|einig|vereinbart|festgelegt|décidé|convenu|d'accord|"
    r"decidido|decidimos|acordado|acordamos)\b",
    re.IGNORECASE,
)
_TIMES = "|".join(sorted(TIME_WORDS - {"morgen"}, key=len, reverse=True))  # "Guten Morgen" is no due date
TIME_PHRASE_OTHER = re.compile(
    r"\b(?:(?:bis|am|vor|ab|nächsten|nächste|avant|d'ici|pour|le|para el|para|el|"
    r"antes del|hasta el)\s+)?(?:" + _TIMES + r")\b",
    re.IGNORECASE,
)


def is_person(name: str | None) -> bool:
    if not name:
        return False
    return all(is_person_word(part) and part.lower() not in TIME_WORDS for part in name.split())


CLAUSE = re.compile(r"[,;]\s*")
# A date is said when its words are: "on October 17" in a summary, "to October 17" in the meeting.
PREPOSITION = re.compile(r"^(?:by|before|on|in|until|till|for)\s+", re.IGNORECASE)
ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)


# Words no English sentence ends on: a text that stops on one was cut off, whatever its length.
DANGLING = frozenset(
    """
the a an to of and or but nor in on at for with from by as than that which who whose if because so
their our your his her my its this these those is are was were will would can could should be been
""".split()
)


def uncut(text: str, limit: int = TEXT_CHARS) -> str:
    """text, or when it was cut off mid-sentence, only its whole sentences ("" when there is
    none). The grammar closes a string near its maxLength (the next token would not fit: what
    Qwen2.5 then wrote it went on with in the next string), and a string that stops on "the" or
    "in their" was cut as well: "... moving back or forward one page, a" is not kept."""
    text = text.strip()
    if re.search(r"[.!?][\"')\]]*$", text):
        return text
    last = re.findall(r"[A-Za-z']+", text[-20:])
    if len(text) < 0.9 * limit and not (last and last[-1].lower() in DANGLING):
        return text
    return finished(text, keep_head=False)  # a looping item's first clause is no item either


def said_once(text: str) -> str:
    """text without the sentences that only say an earlier one again: a small model that loops
    ("Read the channel two. Read the channel two. ...") is shown saying it once."""
    kept: list[str] = []
    for sentence in split_sentences(text):
        if not _says_again(sentence, kept):
            kept.append(sentence)
    return " ".join(kept)


def _says_again(sentence: str, before: Sequence[str]) -> bool:
    """Whether the words of sentence, in order, are all in one of the sentences before."""
    key = f" {' '.join(words(sentence))} "
    return key.strip() == "" or any(key in f" {' '.join(words(other))} " for other in before)


SECOND_PERSON = re.compile(r"\b(?:you|your|yours|you're|you've|you'll|you'd)\b", re.IGNORECASE)
LIST_LINE = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s")


SPACED_HYPHEN = re.compile(r"(?<=\w) - (?=\w)")


def invented_facts(text: str, source: str, names: NameBook | None = None, names_checked: bool = True) -> list[str]:
    """Numbers, dates and (with names_checked) person names that text says and source does not
    ("October 17th" is "October 17")."""
    text, source = ORDINAL.sub(r"\1", text), ORDINAL.sub(r"\1", source)
    source = SPACED_HYPHEN.sub("-", source)  # a transcript's "frame - level" is "frame-level"
    lowered = source.lower()
    found = sorted(numbers_in(text) - numbers_in(source))
    found += sorted(critical_words(text) - critical_words(source))
    found += [phrase for phrase in date_phrases(text) if PREPOSITION.sub("", phrase).lower() not in lowered]
    if names_checked:
        found += [
            name
            for name in capitalized_names(text)
            if name.lower() not in lowered and not (names and names.is_known(name))
        ]
    return list(dict.fromkeys(found))


def holds_up(text: str, source: str, names: NameBook, english: bool, min_words: int = 2) -> bool:
    """No invented fact and (in English, where the word lists apply) most content words in
    source; in another language, at least min_words words of three letters or more besides
    names (a decision, a key point or an overview sentence needs three: "Priya und Marcus zu
    verschieben" is a fragment)."""
    if not text.strip() or invented_facts(text, source, names, names_checked=english):
        return False
    if not english:
        return long_enough(text, names, min_words)
    own = content_set(text) - FRAMING
    covered = bool(own) and len(own & content_set(source)) / len(own) >= MIN_TEXT_COVER
    return covered and anchored(text, source)


def long_enough(text: str, names: NameBook, min_words: int) -> bool:
    """At least min_words words of three letters or more besides the speakers' names: in a
    language without Confide's word lists, what tells a sentence from a fragment."""
    speakers = {p.lower() for p in names.speakers | set(names.given.values())}  # German nouns look like names
    return len([w for w in re.findall(r"[^\W\d_]{3,}", text) if w.lower() not in speakers]) >= min_words


class Grounder:
    """Checks the items of one transcript (names, whole text) chunk by chunk."""

    def __init__(self, utterances: Sequence[Utterance], names: NameBook, english: bool):
        self.utterances = list(utterances)
        self.names = names
        self.english = english
        self.text = "\n".join(u.line for u in self.utterances)

    def owner(self, said: str | None, quoted: Quoted) -> str | None:
        """Who does it: whom the utterance itself makes the owner ("I will..." is its speaker's,
        "Marcus will..." or "Marcus, can you...?" is Marcus's: grounding.owner_for), else the
        model's owner when that is a person who said the utterance or is named in it."""
        grounded = owner_for(quoted.utterance, quoted.after, self.names, quoted.sentence, quoted.before)
        if grounded is None and not self.english and FIRST_PERSON_OTHER.search(quoted.sentence):
            grounded = self.names.person(quoted.utterance.speaker)  # "Ich aktualisiere...": its speaker
        if is_person(grounded):
            return grounded
        if said:
            said = re.sub(r"\s*\(.*\)$", "", said.strip().rstrip(".,;:"))
            person = self.names.find(said) or self.names.person(said)
            if person and is_person(person) and self._said_by_or_names(person, quoted.utterance):
                return person
        return None

    def _said_by_or_names(self, person: str, utterance: Utterance) -> bool:
        return (
            self.names.person(utterance.speaker) == person
            or utterance.speaker == person
            or re.search(rf"\b{re.escape(person)}\b", utterance.text) is not None
        )

    def _said_with(self, quoted: Quoted, owner: str | None) -> str:
        """Where an item's time is said: its utterance, and the owner's answer right after it
        ("can you...?" "Sure, by Wednesday")."""
        turns = [quoted.utterance.text]
        if owner and quoted.after and self.names.person(quoted.after[0].speaker) == owner:
            turns.append(quoted.after[0].text)
        return "\n".join(turns)

    def _times_fit(self, task: str, quoted: Quoted, owner: str | None) -> bool:
        """Whether every time the task names is said with it. The task check reads the lines
        around the quote too, so without this a task from the next line passed under the quote's
        owner and due day: "Ich mache das Demovideo bis Mittwoch fertig" (Marcus) as Leo's, due
        "bis Freitag"."""
        said = ORDINAL.sub(r"\1", self._said_with(quoted, owner)).lower()
        task = ORDINAL.sub(r"\1", task)
        if self.english:
            times = [PREPOSITION.sub("", phrase) for phrase in date_phrases(task)]
        else:
            times = [word for word in re.findall(r"[^\W\d_]+", task) if word.lower() in TIME_WORDS - {"morgen"}]
        return all(time.lower() in said for time in times)

    def due(self, said: str | None, quoted: Quoted, owner: str | None) -> str | None:
        """The time said for the item, as the transcript says it; None when none was said. It
        is said in the item's utterance, or in the owner's answer right after it ("can you...?"
        "Sure, by Wednesday")."""
        context = self._said_with(quoted, owner)
        if said and said.strip():
            said = said.strip().rstrip(".")
            for phrase in date_phrases(context):  # "Friday" from the model, "by Friday" said
                if said.lower() in phrase.lower() or phrase.lower() in said.lower():
                    return phrase
            if said.lower() in context.lower() and (date_phrases(said) or not self.english):
                return said
        phrases = (
            date_phrases(quoted.sentence)
            if self.english
            else [m.group(0) for m in TIME_PHRASE_OTHER.finditer(quoted.sentence)]
        )
        return phrases[0] if phrases else None

    def action(self, raw: dict, chunk: Sequence[Utterance]) -> ActionItem | None:
        task = tidy(said_once(uncut(_text(raw.get("task")))))
        quoted = locate(_text(raw.get("quote")), task, chunk)
        if quoted is None:
            return None
        owner = self.owner(_text(raw.get("owner")), quoted)
        if not self._times_fit(task, quoted, owner):
            # The quote is another line than the task: the task goes with the line that says it.
            other = locate("", task, chunk)
            if other is not None and other.utterance is not quoted.utterance:
                other_owner = self.owner(_text(raw.get("owner")), other)
                if self._times_fit(task, other, other_owner):
                    quoted, owner = other, other_owner
        due = self.due(_text(raw.get("due")), quoted, owner)
        if not self._task_ok(task, quoted, owner):
            # What was said, in the third person, when it is a commitment ("I will...", "can you...").
            commitment = SELF_COMMIT.search(quoted.sentence) or ASKED.search(quoted.sentence)
            task = plain_fallback(quoted.sentence, owner) if self.english and commitment else ""
            if task and not self._task_ok(task, quoted, owner):
                task = ""
        if not task:
            return None
        return ActionItem(task, owner, due, quoted.utterance.start_of(quoted.sentence))

    def _task_ok(self, task: str, quoted: Quoted, owner: str | None) -> bool:
        if len(task.split()) < 2 or task.endswith("?") or (self.english and has_first_person(task)):
            return False
        if self.english and not any(
            cue.search(t) for cue, _ in ACTION_CUES for t in (quoted.sentence, quoted.utterance.text)
        ):
            return False  # "Great, see you next week" commits no one to anything
        if not self.english and not COMMIT_OTHER.search(quoted.utterance.text):
            return False  # "Die Rückerstattung braucht noch eine Woche Tests" neither
        source = quoted.context + (f"\n{owner}" if owner else "")
        return (
            holds_up(task, source, self.names, self.english)
            and keeps_negation(task, quoted.sentence)
            and self._times_fit(task, quoted, owner)
        )

    def decision(self, raw: dict, chunk: Sequence[Utterance]) -> SummaryItem | None:
        text = tidy(said_once(uncut(_text(raw.get("decision")))))
        quoted = locate(_text(raw.get("quote")), text, chunk)
        if quoted is None:
            return None
        if not (
            any(cue.search(quoted.utterance.text) for cue, _ in DECISION_CUES)
            if self.english
            else DECISION_OTHER.search(quoted.utterance.text)
        ):
            return None  # "the provider says the flow needs testing" is news, not a decision
        if (
            len(text.split()) < 4
            or not holds_up(text, quoted.context, self.names, self.english, min_words=3)
            or not keeps_negation(text, quoted.sentence)
            or (self.english and has_first_person(text))
        ):
            text = plain_fallback(quoted.sentence, None) if self.english else ""
        return SummaryItem(text, quoted.utterance.start_of(quoted.sentence)) if text else None

    def key_point(self, raw, chunk: Sequence[Utterance]) -> SummaryItem | None:
        # a question asked in the meeting is no point made ("Are you having a VCR?")
        text = tidy(" ".join(x for x in split_sentences(said_once(uncut(_text(raw)))) if not x.endswith("?")))
        source = "\n".join(u.line for u in chunk)
        if len(text.split()) < 3 or not holds_up(text, source, self.names, self.english, min_words=3):
            return None
        if self.english and (has_first_person(text) or SECOND_PERSON.search(text)):
            return None  # speech copied ("I've I've got one at home"), not a point in the notes' words
        utterance = best_utterance(text, chunk)
        return SummaryItem(text, utterance.start_of(text) if utterance else None)

    def sentences(self, text: str, source: str, actions: Sequence[ActionItem] = ()) -> list[str]:
        """The sentences of an overview that hold up against the notes and the transcript: no
        invented fact, and each person named paired, clause by clause, with something that person
        said, was asked or took on ("Priya sent the FAQ" when Dana did is dropped; "Leo updates
        the notice, Dana sends the FAQ" is kept). Prose only, each sentence once: a question, a
        heading ("Decisions:") or a line of the notes copied as a list is no overview sentence."""
        kept: list[str] = []
        for line in text.splitlines():
            if LIST_LINE.match(line):
                continue
            for sentence in split_sentences(said_once(line)):
                sentence = tidy(sentence.lstrip(",;:-\u2013 "))
                if (
                    len(sentence.split()) >= 3
                    and (self.english or long_enough(sentence, self.names, 3))
                    and not sentence.endswith(("?", ":"))
                    and not _says_again(sentence, kept)
                    and not invented_facts(sentence, source + "\n" + self.text, self.names, names_checked=self.english)
                    and all(
                        self._fits_person(clause, person, actions)
                        for clause in CLAUSE.split(sentence)
                        for person in self._people_in(clause)
                    )
                ):
                    kept.append(sentence)
        return kept

    def _people_in(self, sentence: str) -> list[str]:
        found = []
        for token in re.findall(r"[^\W\d_][\w'\-]*", sentence):
            person = self.names.find(token)
            if person and is_person(person) and person not in found:
                found.append(person)
        return found

    def _fits_person(self, sentence: str, person: str, actions: Sequence[ActionItem]) -> bool:
        said = [
            u.text
            for u in self.utterances
            if self.names.person(u.speaker) == person or re.search(rf"\b{re.escape(person)}\b", u.text)
        ]
        said += [a.text for a in actions if a.owner == person]
        own = content_set(sentence) - FRAMING - {w.lower() for w in self._people_in(sentence)}
        if not own:
            return True
        return len(own & content_set("\n".join(said))) / len(own) >= MIN_PERSON_COVER


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""
