"""What a capable model is asked (structured_summary.py): one direct prompt per chunk for its
decisions, action items and key points as JSON, and one to reduce them to a title and an
overview; the JSON schemas that constrain both answers (json_constraint.py); and the language
the answer is to be written in (the transcript's own).

Every array and string is bounded (maxItems, maxLength) so that a constrained answer ends, and
every decision and action item ends with "quote", the sentence of the transcript it comes
from, which grounding (structured_grounding.py) finds in an utterance. (Numbered lines were
tried instead of quotes: Qwen2.5-0.5B numbered its items 1, 2, 3... whatever the lines said.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

TEXT_CHARS = 200
QUOTE_CHARS = 160
NAME_CHARS = 40
DUE_CHARS = 40


def _nullable(max_length: int) -> dict:
    return {"anyOf": [{"type": "string", "maxLength": max_length}, {"type": "null"}]}


def extraction_schema(max_decisions: int, max_actions: int, max_points: int) -> dict:
    string = {"type": "string", "maxLength": TEXT_CHARS}
    quote = {"type": "string", "maxLength": QUOTE_CHARS}
    decision = {
        "type": "object",
        "properties": {"decision": string, "quote": quote},
        "required": ["decision", "quote"],
        "additionalProperties": False,
    }
    action = {
        "type": "object",
        "properties": {"owner": _nullable(NAME_CHARS), "task": string, "due": _nullable(DUE_CHARS), "quote": quote},
        "required": ["owner", "task", "due", "quote"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "decisions": {"type": "array", "items": decision, "maxItems": max_decisions},
            "action_items": {"type": "array", "items": action, "maxItems": max_actions},
            "key_points": {"type": "array", "items": string, "maxItems": max_points},
        },
        "required": ["decisions", "action_items", "key_points"],
        "additionalProperties": False,
    }


def reduce_schema(overview_chars: int) -> dict:
    return {
        "type": "object",
        "properties": {
            "title": {"type": "string", "maxLength": 80},
            "overview": {"type": "string", "maxLength": overview_chars},
        },
        "required": ["title", "overview"],
        "additionalProperties": False,
    }


EXTRACT_SYSTEM = (
    "You read meeting transcripts and write down exactly what was decided and who agreed to do what. "
    "You answer with one JSON object and use only what the transcript says."
)
# The shape of the answer, with placeholders only (a worked example would be copied).
EXTRACT_SHAPE = (
    '{"decisions":[{"decision":"...","quote":"..."}],'
    '"action_items":[{"owner":"Name","task":"...","due":"...","quote":"..."}],"key_points":["..."]}'
)


def extraction(transcript: str, language: str, max_points: int, people: Sequence[str] = ()) -> list[dict]:
    """The prompt for one chunk of a meeting (people: its speakers, when the transcript names them)."""
    present = f"People in the meeting: {', '.join(people)}.\n" if people else ""
    return [
        {"role": "system", "content": EXTRACT_SYSTEM},
        {
            "role": "user",
            "content": (
                f"Transcript:\n{transcript}\n\n{present}"
                f"Answer with a JSON object like {EXTRACT_SHAPE}\n"
                '- "decisions": what the participants decided or agreed on: "decision", in one short sentence; '
                '"quote", the transcript sentence that says it, copied exactly.\n'
                '- "action_items": every task a person agreed to do: "owner", the name of the person who will do '
                'it (a person, never a day), or null; "task", what they will do; "due", when it is due in the '
                'words of the transcript (like "by Friday"), or null; "quote", the transcript sentence it comes '
                "from, copied exactly.\n"
                f'- "key_points": at most {max_points} important points, one short sentence each.\n'
                f"Write every text in {language}. Do not add anything the transcript does not say."
            ),
        },
    ]


def reduction(notes: str, language: str, sentences: int) -> list[dict]:
    """The prompt that turns the grounded notes of all chunks into a title and an overview."""
    return [
        {
            "role": "system",
            "content": "You sum up meetings from notes, accurately and briefly. You answer with one JSON object.",
        },
        {
            "role": "user",
            "content": (
                f"Notes on a meeting:\n{notes}\n\n"
                'Write a JSON object with "title", a few words naming what the meeting was about, and '
                f'"overview", {sentences} sentences in the third person that sum up the meeting in the order it '
                "went, as minutes do: what was discussed, what was decided and who does what. Use only what the "
                f"notes say. Write in {language}."
            ),
        },
    ]


NOTES_HEADINGS = ("Key points", "Decisions", "Action items")


def notes_text(points: list[str], decisions: list[str], actions: list[str]) -> str:
    parts = []
    for heading, lines in zip(NOTES_HEADINGS, (points, decisions, actions), strict=True):
        if lines:
            parts.append(f"{heading}:\n" + "\n".join(f"- {line}" for line in lines))
    return "\n".join(parts)


# --- the language of the transcript -------------------------------------------------------------

# Function words that are frequent in speech and rare in the other languages listed.
FUNCTION_WORDS = {
    "English": "the and is are we you that this will to of it have for with not be on".split(),
    "German": "der die das und ist wir ich nicht sie es zu mit den ein eine auf für bis wird werden".split(),
    "French": "le la les et est nous je pas vous que une des du pour avec sur ce qui sera".split(),
    "Spanish": "el la los las y es nosotros yo no que una del para con por se lo vamos está".split(),
    "Italian": "il la che di e non per una sono con della gli anche questo abbiamo".split(),
    "Dutch": "de het een en is wij ik niet dat van voor met op zijn ook we".split(),
    "Portuguese": "o a os que e não uma do da para com por nós vamos está".split(),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def transcript_language(text: str) -> str:
    """The language the transcript is in, by its most frequent function words; "the language of
    the transcript" when no listed language stands out (the model is then asked that way)."""
    counts = Counter(w.lower() for w in _WORD.findall(text[:20000]))
    scores = {language: sum(counts[w] for w in set(words)) for language, words in FUNCTION_WORDS.items()}
    best = max(scores, key=scores.__getitem__)
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < 3 or ranked[0] < 1.3 * ranked[1]:
        return "the language of the transcript"
    return best
