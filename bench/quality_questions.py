"""The questions part of bench/quality.py: do the drafts answer what the last message asks?
(What is measured, and the limits of the heuristic, are in quality.py's docstring.)"""

from __future__ import annotations

import re
import time

from app.assistant.conversation_parse import Conversation
from app.assistant.grounding import CRITICAL, DATE_WORDS
from app.assistant.replies import ReplyTask, run_replies
from app.assistant.text_tools import content_set, date_phrases, stem, words
from app.records import Turn

QUESTION_CASES = 12  # chats cut after a question: SmolLM2's and the baseline's drafts in about 95 s

# A heuristic, not a judge: it tells a draft that takes up the question from one that talks past
# it, lexically. Its limits are in the module docstring.

# "Mr. Smith?" and "Which U.S. card is it?" are one question each, not "Smith?" and "card is it?".
ABBREVIATION = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St)\.|\b(?:[A-Za-z]\.){2,}")
QUESTION = re.compile(r"[^.!?\n]*\?+")
HANDLES = re.compile(r"^(?:@\w+\s*)+")  # support tweets start with "@AppleSupport"
# First words of a yes/no question ("Do you smoke?", "Mind if I ...?", "wanna come?").
YES_NO_STARTS = frozenset(
    """
do does did don't doesn't didn't am are aren't is isn't was wasn't were weren't can can't could couldn't
will won't would wouldn't should shouldn't shall have haven't has hasn't had hadn't may might must
want wanna mind
""".split()
)
# "u coming?", "you ok?": a question without a wh-word that starts with the person asked.
YOU = frozenset("u you ya y'all".split())
WH_WORDS = frozenset("what what's who who's whom whose which when when's where where's why how how's".split())
# Questions that a time, an amount, a day or a place answers.
WHEN_WHERE = re.compile(
    r"\b(?:when|where|what time|what day|what date|which day|how (?:many|much|long|soon|often|old|far))\b",
    re.IGNORECASE,
)
# Words (and phrases, as words joined by spaces) that answer a yes/no question either way, when
# they open a sentence of the draft. Not "sorry": SmolLM2 opens drafts with "I'm sorry for any
# confusion" whatever was asked; "Sorry, I can't" counts by its "can't".
ANSWER_WORDS = tuple(
    """
yes|yeah|yep|yup|sure|of course|certainly|definitely|absolutely|ok|okay|alright|sounds good|sounds great|
i'd love|would love|happy to|no|nope|nah|not really|not yet|can't|cannot|won't|i can|i can't|i don't|i didn't|
i haven't|i have|i did|i do|i will|i'll|i am|i'm not
""".replace("\n", "").split("|")
)
TIME_PLACE_WORDS = (
    CRITICAL
    | DATE_WORDS
    | frozenset(
        """
now soon later minute minutes hour hours day days week weeks month months year years ago early late
home office work school uni downtown station airport store shop mall restaurant cafe bar park hospital
centre center street road room upstairs downstairs online website app
""".split()
    )
)
# Greetings, courtesy, forms of address and "us" (which the stems would confuse with "use") say
# nothing about what a question is about.
IGNORED = frozenset(
    {stem(w) for w in "hi hello hey thank thanks please dear excuse sorry wow mr mrs ms sir madam us may mind".split()}
)


def questions_of(text: str) -> list[str]:
    """The sentences of a message that end in "?" (support tweets' @handles left out)."""
    text = ABBREVIATION.sub(lambda m: m.group(0).replace(".", ""), text)
    found = (HANDLES.sub("", q.strip()) for q in QUESTION.findall(text))
    return [q for q in found if words(q)]


def question_kind(question: str) -> str:
    """Its kind: "yes/no", "when/where" (a time, an amount or a place answers it) or "open"."""
    tokens = words(question)
    clause_starts = {words(part)[0] for part in question.split(",") if words(part)}  # "Well, can you ...?"
    if WHEN_WHERE.search(question):
        return "when/where"
    if clause_starts & YES_NO_STARTS or (tokens[0] in YOU and not set(tokens) & WH_WORDS):
        return "yes/no"
    return "open"


def matter(text: str) -> set[str]:
    """Content words as a question and its answer share them: crude stems with a final "e" cut
    ("vote" and "voting" both "vot"), IGNORED left out."""
    return {w.removesuffix("e") for w in content_set(text) - IGNORED}


def says_yes_or_no(draft: str) -> bool:
    """A sentence of the draft opens with a yes, a no, an agreement or a refusal ("Sure! ...",
    "Thanks. No, I haven't.", "Sorry, I can't"): a "Sorry,", "Well," or "Thanks" before it is
    looked past, a "no" in the middle of a sentence is not looked for."""
    for sentence in re.split(r"(?<=[.!?])\s+", HANDLES.sub("", draft.strip())):
        opening = " ".join(words(re.sub(r"^\W*(?:sorry|well|oh|hmm|thanks|thank you)\b\W*", "", sentence, flags=re.I)))
        if any(f"{opening} ".startswith(f"{phrase} ") for phrase in ANSWER_WORDS):
            return True
    return False


def names_time_or_place(draft: str) -> bool:
    return (
        re.search(r"\d", draft) is not None
        or bool(date_phrases(draft))
        or bool(set(words(draft)) & TIME_PLACE_WORDS)
        or re.search(r"\b(?:at|in|to|near) (?:the )?[A-Z][a-z]", draft) is not None  # "at Costa", "in the Mall"
    )


def addresses(question: str, draft: str, topic: set[str]) -> bool:
    """Whether a draft takes up a question (see the module docstring): a yes/no word for a yes/no
    question, a time, number or place for a when/where one, and for any question a content word
    of it beyond the thread's topic. A question made of function words only ("What do you mean?")
    is taken up by any draft that is not itself only a question back."""
    kind = question_kind(question)
    if kind == "yes/no" and says_yes_or_no(draft):
        return True
    if kind == "when/where" and names_time_or_place(draft):
        return True
    asked = matter(question)
    if not asked:
        return not draft.rstrip().endswith("?")
    return bool((asked & matter(draft)) - topic)


def answered_by(questions: list[str], drafts: list[str], before: list[str]) -> list[list[int]]:
    """For each question, the drafts (0-2) that address it. The topic, which proves nothing, is
    the words a question shares with the earlier messages that every draft repeats too."""
    earlier = set().union(*(matter(text) for text in before))
    everywhere = set.intersection(*(matter(d) for d in drafts)) if drafts else set()
    out = []
    for question in questions:
        topic = matter(question) & earlier & everywhere
        out.append([i for i, draft in enumerate(drafts) if addresses(question, draft, topic)])
    return out


def question_cases(rows: list[dict], cap: int = QUESTION_CASES) -> list[dict]:
    """Every message with a question that a message of another speaker follows: the chat cut right
    after it, to be answered as that next speaker. At most cap of them, taken evenly."""
    cases = []
    for row in rows:
        turns = row["turns"]
        for index, turn in enumerate(turns[:-1]):
            following = turns[index + 1]["speaker"]
            if following != turn["speaker"] and questions_of(turn["text"]):
                cases.append({"id": row["id"], "index": index, "me": following, "turns": turns[: index + 1]})
    if len(cases) > cap:
        cases = [cases[round(i * len(cases) / cap)] for i in range(cap)]
    return cases


def run_questions_bench(model, rows: list[dict], log, baseline_replies) -> dict:
    """Three drafts (the path of quality.py's replies part) and three baseline drafts
    (baseline_replies(model, [(speaker, text)])) for each case of question_cases; how many
    questions of the last message at least one draft addresses."""
    answered = base_answered = total = 0
    cases = []
    started = time.perf_counter()
    for case in question_cases(rows):
        before = [Turn(t["speaker"], t["text"]) for t in case["turns"]]
        conversation = Conversation(tuple(before), "labelled", case["me"], False)
        drafts = [d.text for d in run_replies(model, ReplyTask(conversation, "friendly", "short")).drafts]
        base = baseline_replies(model, [(t.speaker, t.text) for t in before])
        last, earlier = case["turns"][-1]["text"], [t["text"] for t in case["turns"][:-1]]
        questions = questions_of(last)
        ours, theirs = answered_by(questions, drafts, earlier), answered_by(questions, base, earlier)
        total += len(questions)
        answered += sum(bool(by) for by in ours)
        base_answered += sum(bool(by) for by in theirs)
        cases.append(
            {
                "id": case["id"],
                "after_turn": case["index"],
                "me": case["me"],
                "last": f"{case['turns'][-1]['speaker']}: {last}",
                "questions": [
                    {"text": q, "kind": question_kind(q), "answered_by": a, "baseline_answered_by": b}
                    for q, a, b in zip(questions, ours, theirs, strict=True)
                ],
                "drafts": drafts,
                "baseline": base,
            }
        )
        log(
            f"{case['id'][:18]} after turn {case['index']}: "
            f"{sum(bool(by) for by in ours)}/{len(questions)} answered vs {sum(bool(by) for by in theirs)}"
        )
    return {
        "answered": (answered, total),
        "base_answered": (base_answered, total),
        "seconds": time.perf_counter() - started,
        "cases": cases,
    }
