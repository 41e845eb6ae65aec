"""Asking the history (confide ask) on real meetings, beside a baseline (not a test).

The ten meetings of ../shared/eval/meetings.jsonl go into a fresh history (a recording each,
its turns as segments four seconds apart, speaker labels kept). Then:

- QMSum's queries (each about one part of one meeting, with a human answer) are asked of the
  whole history: ROUGE-L (rouge-score, F-measure, stemming) of the answer against the human
  answer; the share of answers citing only the meeting the query is about; the share answered
  "not found"; answers with a number, date or person name their cited passages do not hold
  (structured_grounding.invented_facts; target 0).
- Baseline, same model and output budget: the beginning of the right meeting that fits the
  context, then the question ("Answer the question about this meeting"), its ROUGE-L, and its
  answers with a number, date or person name the whole meeting never says (the same check).
- Ten questions written here that no meeting answers: how many are answered "not found"
  (required: at least 9).
- Speed: for each QMSum query the model ran on, the time to its first token and to the first
  words shown (the first sentence that passed its check, or the whole answer), medians; and
  retrieval alone on a history of --recordings synthetic recordings (bench/history.py's
  generator): median and p95 over the QMSum queries and the ten others.

Usage: python bench/ask.py [--model ID] [--threads 2] [--recordings 2000] [--limit N] [--json OUT]
The machine's load is printed with the numbers; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from app.assistant.ask_history import NOT_FOUND, AskTask, answer_question  # noqa: E402
from app.assistant.generation import ask, guarded  # noqa: E402
from app.assistant.grounding import NameBook  # noqa: E402
from app.assistant.structured_grounding import invented_facts  # noqa: E402
from app.assistant.text_tools import split_sentences  # noqa: E402
from app.history import HistoryStore  # noqa: E402
from app.tasks.events import AnswerSoFar, Done  # noqa: E402
from models.types import Segment  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
MODELS = ROOT / ".cache" / "test-data" / "models"
SECONDS_PER_TURN = 4.0
ANNOTATION = re.compile(r"\{[a-z]+\}")
ANSWER_TOKENS = 96
# Asked of the ten meetings, answered by none of them (written for this benchmark).
UNANSWERABLE = (
    "What did we decide about the office holiday party?",
    "When is the dentist appointment?",
    "Who will book the flights to Tokyo?",
    "How much did the new espresso machine cost?",
    "What did the caterer say about the wedding cake?",
    "When does the gym membership expire?",
    "Who is picking up the kids from school on Friday?",
    "What was decided about the parking garage permits?",
    "How much were the concert tickets for the jazz festival?",
    "When does the marathon training plan start?",
)


def load_meetings() -> list[dict]:
    rows = [json.loads(line) for line in (EVAL / "meetings.jsonl").read_text().splitlines() if line.strip()]
    return rows


LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])\s+")


def rouge_l(candidate: str, reference: str) -> float:
    from rouge_score import rouge_scorer

    scorer = rouge_l.scorer = getattr(rouge_l, "scorer", None) or rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    return scorer.score(reference, candidate)["rougeL"].fmeasure


def fill_history(store: HistoryStore, meetings: list[dict]) -> dict[str, int]:
    """A recording per meeting; the corpus's {disfmarker}-style marks are dropped (Whisper writes none)."""
    ids = {}
    for meeting in meetings:
        recording = store.add_recording(meeting["id"])
        segments = [
            Segment(SECONDS_PER_TURN * i, SECONDS_PER_TURN * (i + 1), text, speaker=turn["speaker"])
            for i, turn in enumerate(meeting["turns"])
            if (text := " ".join(ANNOTATION.sub(" ", turn["text"]).split()))
        ]
        store.add_segments(recording, segments)
        store.finish_recording(recording, duration=SECONDS_PER_TURN * len(segments))
        ids[meeting["id"]] = recording
    return ids


def timed_answer(model, question: str, passages) -> tuple[object, float | None, float | None]:
    """(HistoryAnswer, seconds to the model's first token, seconds to the first words shown:
    the first checked sentence, or the whole answer when none streamed); None when no model ran."""
    first: list[float] = []
    shown: list[float] = []
    started = time.perf_counter()
    original = model.generate

    def watching(prompt, config, cancel=None):
        for event in original(prompt, config, cancel):
            if not first:
                first.append(time.perf_counter() - started)
            yield event

    model.generate = watching
    done = None
    try:
        for event in answer_question(model, AskTask(question), passages):
            if isinstance(event, (AnswerSoFar, Done)) and not shown:
                shown.append(time.perf_counter() - started)
            if isinstance(event, Done):
                done = event
    finally:
        model.generate = original
    return done.result, (first[0] if first else None), (shown[0] if first and shown else None)


def baseline(model, meeting: dict, question: str) -> str:
    """The beginning of the right meeting that fits, then the question: one plain prompt."""
    lines = [f"{t['speaker']}: {t['text']}" for t in meeting["turns"]]
    kept: list[str] = []
    for line in lines:
        trial = kept + [line]
        messages = _baseline_messages("\n".join(trial), question)
        if model.count_tokens(model.render_chat(messages)) + ANSWER_TOKENS > model.context_length:
            break
        kept = trial
    return ask(model, _baseline_messages("\n".join(kept), question), guarded(ANSWER_TOKENS)).text


def _baseline_inventions(answer: str, said: str) -> list[str]:
    """What a baseline answer names that the meeting never says, counted leniently: its "1." and
    "-" list markers are no numbers, and the first word of each sentence ("Firstly", "Specifically")
    is never taken for a name (a name there is missed: the count is a floor)."""
    names = NameBook([], [said])
    found: list[str] = []
    for line in answer.splitlines():
        for sentence in split_sentences(LIST_MARKER.sub("", line).strip()):
            sentence = sentence[:1].lower() + sentence[1:]
            found += [f for f in invented_facts(sentence, said, names) if f not in found]
    return found


def _baseline_messages(transcript: str, question: str) -> list[dict]:
    return [
        {
            "role": "user",
            "content": f"Meeting transcript:\n{transcript}\n\nAnswer the question about this meeting: {question}",
        }
    ]


def retrieval_latency(recordings: int, questions: list[str]) -> dict:
    from history import TextMaker  # bench/history.py's generator of realistic transcripts

    folder = Path(tempfile.mkdtemp(prefix="confide-bench-ask-"))
    maker = TextMaker(1)
    store = HistoryStore.open(folder / "history.db", folder)
    try:
        for n in range(recordings):
            segments = maker.transcript(40_000)
            recording = store.add_recording()
            store.add_segments(recording, segments)
            store.finish_recording(recording, duration=segments[-1].end)
            store.save_summary(recording, maker.summary())
            if (n + 1) % 500 == 0:
                sys.stderr.write(f"  {n + 1} recordings\n")
        for question in questions[:10]:  # a warm page cache, as in a running app
            store.passages(question)
        times = []
        for question in questions:
            started = time.perf_counter()
            store.passages(question)
            times.append(1000 * (time.perf_counter() - started))
    finally:
        store.close()
    times.sort()
    return {
        "recordings": recordings,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="smollm2-135m-instruct", help="an installed instruction model's id")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--recordings", type=int, default=2000, help="history size for retrieval timing (0: skip)")
    parser.add_argument("--limit", type=int, default=None, help="at most N queries (a quick slice)")
    parser.add_argument("--json", dest="json_out", default=None)
    parser.add_argument("--no-baseline", action="store_true", help="no baseline answers (most of the time)")
    args = parser.parse_args(argv)
    from models.slm.engine import OnnxLanguageModel

    model = OnnxLanguageModel.load(MODELS / args.model, threads=args.threads)
    meetings = load_meetings()
    by_id = {m["id"]: m for m in meetings}
    folder = Path(tempfile.mkdtemp(prefix="confide-bench-ask-"))
    store = HistoryStore.open(folder / "history.db", folder)
    ids = fill_history(store, meetings)
    queries = [(m["id"], q) for m in meetings for q in (m["reference"].get("queries") or [])][: args.limit]
    rows = []
    for meeting_id, query in queries:
        passages = store.passages(query["query"])
        answer, first_s, shown_s = timed_answer(model, query["query"], passages)
        cited = {c.item_id for c in answer.citations}
        facts = []
        if answer.found and not answer.quoted:  # a quote is the passage's own words
            source = " ".join(p.text for p in passages)
            facts = invented_facts(answer.text, source, NameBook([], [source]))
        plain = "" if args.no_baseline else baseline(model, by_id[meeting_id], query["query"])
        # The baseline read the meeting itself: what it names that the whole meeting (and its
        # speakers) never says is invented, as for the answers.
        said = "\n".join(f"{t['speaker']}: {t['text']}" for t in by_id[meeting_id]["turns"])
        plain_facts = _baseline_inventions(plain, said)
        rows.append(
            {
                "meeting": meeting_id,
                "query": query["query"],
                "answer": answer.text,
                "found": answer.found,
                "quoted": answer.quoted,
                "right_meeting": answer.found and cited == {ids[meeting_id]},
                "invented": facts,
                "rouge_l": rouge_l(answer.text, query["answer"]),
                "baseline": plain,
                "baseline_rouge_l": rouge_l(plain, query["answer"]) if plain else None,
                "baseline_invented": plain_facts,
                "first_token_s": first_s,
                "first_words_s": shown_s,
            }
        )
        sys.stderr.write(f"{meeting_id}: {query['query'][:60]} -> {answer.text[:80]}\n")
    not_found = []
    for question in UNANSWERABLE:
        answer, _, _ = timed_answer(model, question, store.passages(question))
        not_found.append(answer.text == NOT_FOUND)
    store.close()
    found = [r for r in rows if r["found"]]
    tokens = [r["first_token_s"] for r in rows if r["first_token_s"] is not None]
    firsts = [r["first_words_s"] for r in rows if r["first_words_s"] is not None]
    report = {
        "model": args.model,
        "threads": args.threads,
        "queries": len(rows),
        "rouge_l": round(statistics.mean(r["rouge_l"] for r in rows), 3),
        "baseline_rouge_l": None
        if args.no_baseline
        else round(statistics.mean(r["baseline_rouge_l"] for r in rows), 3),
        "answered": len(found),
        "quoted": sum(r["quoted"] for r in rows),
        "right_meeting_share_of_answered": round(sum(r["right_meeting"] for r in found) / len(found), 3)
        if found
        else None,
        "not_found_share": round(1 - len(found) / len(rows), 3),
        "answers_with_invented_facts": sum(bool(r["invented"]) for r in rows),
        "baseline_answers_with_invented_facts": None
        if args.no_baseline
        else sum(bool(r["baseline_invented"]) for r in rows),
        "unanswerable_said_not_found": f"{sum(not_found)} of {len(not_found)}",
        "first_token_median_s": round(statistics.median(tokens), 2) if tokens else None,
        "first_words_shown_median_s": round(statistics.median(firsts), 2) if firsts else None,
    }
    if args.recordings:
        report["retrieval"] = retrieval_latency(args.recordings, [q["query"] for _, q in queries] + list(UNANSWERABLE))
    report["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(report, indent=2))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"report": report, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
