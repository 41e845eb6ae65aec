"""Quality and speed of the assistant on ../shared/eval, beside naive baselines (not a test).

Summaries: ROUGE-1/2/L (rouge-score, F-measure, stemming) of the whole summary rendered as
plain text against AMI's abstract sentences joined and QMSum's whole-meeting summary, AMI and
QMSum reported apart; for SAMSum/DialogSum chats the overview against `summary`. Baseline: the
same model, the same output budget and sampling settings, the transcript's beginning cut to
fit the context, one "Summarize this meeting" prompt. Also: the share of action-item owners
that occur in their transcript (as a name or a speaker label), owners that are days or months,
the faithfulness count (numbers, dates and person names in the summary that its transcript
never says; target 0, structured_grounding.invented_facts), and empty outputs.

Replies: for each Agent turn of support.jsonl, three drafts from the turns before it; the best
of three ROUGE-L and chrF against the real reply, beside the baseline (one plain "Reply to this
conversation" prompt sampled three times); and the share of short drafts with 3-40 words.

Questions: drafts that answer what the last message asks. Every message of chats.jsonl and
support.jsonl with a question (a sentence ending in "?") that a message of another speaker
follows is a case: the chat cut right after it, three drafts written as that next speaker (the
path of the replies part) and three baseline drafts. Measured: the questions of the last message
that at least one draft addresses, beside the baseline's drafts; at most 12 cases, taken evenly
(about a minute and a half with SmolLM2). Whether a draft addresses a question is a lexical
heuristic (addresses()): a yes/no question ("Do you ...?", "Well, can you ...?", "Mind if ...?",
"u coming?") is addressed by a draft with a sentence that opens with a yes, a no, an agreement or
a refusal ("Sure!", "No, I haven't", "Sorry, I can't"); a when/where/how-many question by a time,
a number, a day or a place; any question by a content word of it (crude stem) that is not only
the thread's topic (a word of the question the earlier messages and every draft also say); a
question of function words only ("What do you mean?") by any draft that is not only a question
back. Its limits: it checks that a draft takes the question up, not that the answer is right or
sensible ("Sure! I can make a few more." addresses "Do you want some?"); echoing a word of the
question counts ("How can I help you?" addresses "Can you help me look for it?"); an answer in
other words does not ("a new hobby" for "What did you plan on doing?"); a choice asked as a
yes/no question ("is it on the app or the site?") takes a bare "Sure!". And for a last message
with a question the pipeline's second draft opens with "Sure!" by design (reply_intents'
opening plan), so the pipeline addresses every yes/no question that way: the count says more
about open and when/where questions, where the baseline's drafts are held to the same rules.
A check of the drafts, not a score to tune prompts against; read the cases in --json.

Speed: the longest AMI meeting summarized end to end ("speed"); three short drafts with three
personalization examples for a 10-turn chat, when the first is ready and when all three are
(median of 3; "drafts").

Usage: python bench/quality.py [--model ID | --model-dir DIR] [--threads 2]
                               [--only meetings,chats,replies,questions,speed,drafts] [--limit N] [--ids A,B]
                               [--no-baseline] [--json OUT]
--model takes an installed instruction model's id (smollm2-135m-instruct, qwen2.5-coder-0.5b-instruct,
qwen2.5-coder-1.5b-instruct) from the test data folder; the eval meetings are in English, so every
model takes the notes pipeline (summarize.takes_structured_path), as in the app.
The data are read where they are and never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quality_questions import run_questions_bench  # noqa: E402

from app.assistant import prompts  # noqa: E402
from app.assistant.conversation_parse import Conversation  # noqa: E402
from app.assistant.generation import ask, guarded, prompt_tokens  # noqa: E402
from app.assistant.grounding import DATE_WORDS, NameBook  # noqa: E402
from app.assistant.replies import NEW_TOKENS, ReplyTask, draft_replies, run_replies  # noqa: E402
from app.assistant.structured_grounding import TIME_WORDS, invented_facts  # noqa: E402
from app.assistant.summarize import run_summary  # noqa: E402
from app.assistant.summary_render import summary_markdown  # noqa: E402
from app.assistant.text_tools import split_sentences, stem  # noqa: E402
from app.assistant.transcript_input import from_turns  # noqa: E402
from app.records import Turn  # noqa: E402
from app.tasks.events import DraftReady, DraftTyping  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
MODELS = ROOT / ".cache" / "test-data" / "models"
DEFAULT_MODEL = MODELS / "smollm2-135m-instruct"
SUMMARY_BUDGET = 400  # tokens the baseline may write: about what the pipeline's summary holds
ROUGE_L_BARS = {"AMI": 0.24, "QMSum": 0.19}  # the notes issue's bars for the default summary model
PERSONAL_EXAMPLES = ("Sounds good, see you then!", "Thanks a lot, that helps.", "Sure, I can do that tomorrow.")


def load_rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (EVAL / f"{name}.jsonl").read_text().splitlines() if line.strip()]


def transcript_lines(turns: list[dict]) -> str:
    return "\n".join(f"{t['speaker']}: {t['text']}" for t in turns)


# --- scores ------------------------------------------------------------------------------------


def rouge_scores(candidate: str, reference: str) -> dict[str, float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scores.scorer = getattr(rouge_scores, "scorer", None) or rouge_scorer.RougeScorer(
        ["rouge1", "rouge2", "rougeL"], use_stemmer=True
    )
    scores = scorer.score(reference, candidate)
    return {key: value.fmeasure for key, value in scores.items()}


def chrf(candidate: str, reference: str, max_n: int = 6, beta: float = 2.0) -> float:
    """chrF (Popovic 2015) as sacrebleu computes it by default: character n-grams 1-6 without
    whitespace, precision and recall averaged over n, F-beta with beta 2; 0-100."""
    hyp, ref = re.sub(r"\s+", "", candidate), re.sub(r"\s+", "", reference)
    precisions, recalls = [], []
    for n in range(1, max_n + 1):
        h = Counter(hyp[i : i + n] for i in range(len(hyp) - n + 1))
        r = Counter(ref[i : i + n] for i in range(len(ref) - n + 1))
        if not h or not r:
            continue
        match = sum((h & r).values())
        precisions.append(match / sum(h.values()))
        recalls.append(match / sum(r.values()))
    if not precisions:
        return 0.0
    p, r = statistics.mean(precisions), statistics.mean(recalls)
    if p + r == 0:
        return 0.0
    return 100 * (1 + beta**2) * p * r / (beta**2 * p + r)


def mean(values) -> float:
    values = list(values)
    return statistics.mean(values) if values else float("nan")


# --- summaries ---------------------------------------------------------------------------------


def baseline_summary(model, turns: list[dict]) -> str:
    """Transcript beginning cut to fit the context, one naive prompt, the pipeline's sampling."""
    lines = transcript_lines(turns)
    room = model.context_length - prompt_tokens(model, prompts.baseline_summary("")) - SUMMARY_BUDGET - 8
    ids = model.tokenizer.encode(lines)
    if len(ids) > room:
        lines = model.tokenizer.decode(ids[:room])
        while prompt_tokens(model, prompts.baseline_summary(lines)) + SUMMARY_BUDGET > model.context_length:
            lines = lines[: int(len(lines) * 0.98)]
    return ask(model, prompts.baseline_summary(lines), guarded(SUMMARY_BUDGET)).text


def owner_ok(owner: str, turns: list[dict]) -> bool:
    speakers = {t["speaker"].lower() for t in turns}
    text = " ".join(t["text"] for t in turns).lower()
    return owner.lower() in speakers or re.search(rf"\b{re.escape(owner.lower())}\b", text) is not None


def faithfulness(summary, turns: list[dict]) -> list[str]:
    """Numbers, dates and person names the summary says and its transcript does not, sentence by
    sentence. A sentence's capitalized first word (and any word of the title, which is written in
    title case) is a name only when no form of it (same stem) is used in lower case by the summary
    or the transcript: "Agreed to use ..." and "Remote Control Features" invent no one."""
    transcript = transcript_lines(turns)
    names = NameBook.of([(t["speaker"], t["text"]) for t in turns])
    text = summary.to_plain_text()
    ordinary = {stem(w) for w in re.findall(r"\b[a-z][a-z'-]+\b", text + "\n" + transcript)}
    found: list[str] = []
    for line in [*text.splitlines(), summary.title]:
        for sentence in split_sentences(line):
            first = re.match(r"\W*([A-Za-z][A-Za-z'-]*)", sentence)
            for fact in invented_facts(sentence, transcript, names):
                title_case = line is summary.title or (first is not None and fact == first.group(1))
                if not (title_case and stem(fact.lower()) in ordinary):
                    found.append(fact)
    return list(dict.fromkeys(found))


def run_meetings(model, rows: list[dict], log, baseline: bool = True) -> dict:
    per_source: dict[str, dict[str, list[float]]] = {}
    owners_total = owners_ok = owners_days = empty = 0
    invented: list[str] = []
    timings = {}
    owner_examples = []
    outputs = {}
    for row in rows:
        source = "AMI" if row["id"].startswith("ami") else "QMSum"
        reference = " ".join(row["reference"]["abstract"])
        started = time.perf_counter()
        summary = run_summary(model, from_turns(row["turns"]))
        seconds = time.perf_counter() - started
        timings[row["id"]] = (seconds, sum(len(t["text"]) for t in row["turns"]))
        text = summary.to_plain_text()
        empty += int(summary.is_empty() or not text.strip())
        for item in summary.action_items:
            if item.owner:
                owners_total += 1
                owners_ok += owner_ok(item.owner, row["turns"])
                owners_days += any(w.lower() in DATE_WORDS | TIME_WORDS for w in item.owner.split())
                owner_examples.append(item.owner)
        made_up = faithfulness(summary, row["turns"])
        invented += [f"{row['id']}: {fact}" for fact in made_up]
        base = baseline_summary(model, row["turns"]) if baseline else None
        empty_base = base is not None and not base.strip()
        scores = per_source.setdefault(source, {})
        for key, value in rouge_scores(text, reference).items():
            scores.setdefault(key, []).append(value)
        for key, value in rouge_scores(base or "", reference).items():
            scores.setdefault("base_" + key, []).append(value if base is not None else float("nan"))
        scores.setdefault("base_empty", []).append(float(empty_base))
        outputs[row["id"]] = {"summary": summary_markdown(summary), "baseline": base}
        log(
            f"{row['id']}: {seconds:.0f}s, ROUGE-L {scores['rougeL'][-1]:.3f} vs baseline "
            f"{scores['base_rougeL'][-1]:.3f}, {len(summary.action_items)} action items, "
            f"invented: {made_up or 'none'}"
        )
    return {
        "scores": {s: {k: mean(v) for k, v in d.items()} for s, d in per_source.items()},
        "owners": (owners_ok, owners_total),
        "owners_days": owners_days,
        "invented": invented,
        "empty": empty,
        "timings": timings,
        "owner_examples": Counter(owner_examples).most_common(8),
        "outputs": outputs,
    }


def run_chats(model, rows: list[dict], log) -> dict:
    scores: dict[str, list[float]] = {}
    empty = 0
    outputs = {}
    for row in rows:
        summary = run_summary(model, from_turns(row["turns"]))
        empty += int(not summary.overview.strip())
        base = baseline_summary(model, row["turns"])
        outputs[row["id"]] = {"overview": summary.overview, "baseline": base, "reference": row["reference"]["summary"]}
        for key, value in rouge_scores(summary.overview, row["reference"]["summary"]).items():
            scores.setdefault(key, []).append(value)
        for key, value in rouge_scores(base, row["reference"]["summary"]).items():
            scores.setdefault("base_" + key, []).append(value)
        log(f"{row['id']}: ROUGE-L {scores['rougeL'][-1]:.3f} vs baseline {scores['base_rougeL'][-1]:.3f}")
    return {"scores": {k: mean(v) for k, v in scores.items()}, "empty": empty, "outputs": outputs}


# --- replies -----------------------------------------------------------------------------------


def baseline_replies(model, turns: list[tuple[str, str]]) -> list[str]:
    out = []
    for seed in range(3):
        config = guarded(NEW_TOKENS["short"], temperature=0.7, top_p=0.9, seed=seed)
        out.append(ask(model, prompts.baseline_reply(turns), config).text)
    return out


def run_replies_bench(model, rows: list[dict], log) -> dict:
    best_rouge, best_chrf, base_rouge, base_chrf = [], [], [], []
    lengths_ok = drafts_total = 0
    for row in rows:
        turns = row["turns"]
        for index, turn in enumerate(turns):
            if turn["speaker"] != "Agent" or index == 0:
                continue
            before = [Turn(t["speaker"], t["text"]) for t in turns[:index]]
            conversation = Conversation(tuple(before), "labelled", "Agent", False)
            replies = run_replies(model, ReplyTask(conversation, "friendly", "short"))
            texts = [d.text for d in replies.drafts]
            for text in texts:
                drafts_total += 1
                lengths_ok += 3 <= len(text.split()) <= 40
            reference = turn["text"]
            best_rouge.append(max(rouge_scores(t, reference)["rougeL"] for t in texts))
            best_chrf.append(max(chrf(t, reference) for t in texts))
            base = baseline_replies(model, [(t.speaker, t.text) for t in before])
            base_rouge.append(max(rouge_scores(t, reference)["rougeL"] for t in base))
            base_chrf.append(max(chrf(t, reference) for t in base))
            log(f"{row['id'][:18]} turn {index}: ROUGE-L {best_rouge[-1]:.3f} vs {base_rouge[-1]:.3f}")
    return {
        "rougeL": mean(best_rouge),
        "chrf": mean(best_chrf),
        "base_rougeL": mean(base_rouge),
        "base_chrf": mean(base_chrf),
        "lengths": (lengths_ok, drafts_total),
        "n": len(best_rouge),
    }


# --- speed -------------------------------------------------------------------------------------


def ten_turn_chat() -> Conversation:
    """The first ten turns of the longest chat in chats.jsonl, answered by the speaker before the last."""
    row = max(load_rows("chats"), key=lambda r: len(r["turns"]))
    turns = tuple(Turn(t["speaker"], t["text"]) for t in row["turns"][:10])
    me = next(t.speaker for t in reversed(turns) if t.speaker != turns[-1].speaker)
    return Conversation(turns, "labelled", me, False)


def run_drafts_speed(model, log) -> dict:
    """Three short drafts with three personalization examples for a 10-turn chat, as the window
    asks for them: when the first draft's first words show (it is shown as it is written), when
    the first draft is ready and when all three are (median of 3)."""
    conversation = ten_turn_chat()
    typed, firsts, totals = [], [], []
    for _ in range(3):
        started = time.perf_counter()
        first = first_words = None
        for event in draft_replies(model, ReplyTask(conversation, "friendly", "short", PERSONAL_EXAMPLES)):
            if isinstance(event, DraftTyping) and first_words is None:
                first_words = time.perf_counter() - started
            if isinstance(event, DraftReady) and first is None:
                first = time.perf_counter() - started
        totals.append(time.perf_counter() - started)
        firsts.append(first if first is not None else totals[-1])
        typed.append(first_words if first_words is not None else firsts[-1])
    log(
        "three short drafts for a 10-turn chat: first words "
        + ", ".join(f"{t:.2f}s" for t in typed)
        + "; first draft "
        + ", ".join(f"{t:.2f}s" for t in firsts)
        + "; all three "
        + ", ".join(f"{t:.2f}s" for t in totals)
    )
    return {
        "replies_s": statistics.median(totals),
        "first_draft_s": statistics.median(firsts),
        "first_words_s": statistics.median(typed),
    }


def run_speed(model, log) -> dict:
    meetings = [r for r in load_rows("meetings") if r["id"].startswith("ami")]
    longest = max(meetings, key=lambda r: sum(len(t["text"]) for t in r["turns"]))
    chars = sum(len(t["text"]) for t in longest["turns"])
    started = time.perf_counter()
    run_summary(model, from_turns(longest["turns"]))
    summary_seconds = time.perf_counter() - started
    log(f"longest AMI meeting ({longest['id']}, {chars} chars): {summary_seconds:.1f}s")
    return {"summary_s": summary_seconds, "summary_id": longest["id"], "summary_chars": chars}


# --- the table ---------------------------------------------------------------------------------


def table(results: dict, threads: int) -> str:
    rows = [("measure", "Confide pipeline", "naive baseline", "required", "ok")]

    def rel(a: float, b: float) -> str:
        return f"{(a / b - 1) * 100:+.0f}%" if b and b == b else "n/a"

    meetings = results.get("meetings")
    if meetings:
        for source in ("AMI", "QMSum"):
            s = meetings["scores"].get(source)
            if not s:
                continue
            for key, label in (("rouge1", "ROUGE-1"), ("rouge2", "ROUGE-2")):
                rows.append((f"{source} {label}", f"{s[key]:.3f}", f"{s['base_' + key]:.3f}", "", ""))
            gain = s["rougeL"] / s["base_rougeL"] - 1 if s["base_rougeL"] else 0
            rows.append(
                (
                    f"{source} ROUGE-L",
                    f"{s['rougeL']:.3f} ({rel(s['rougeL'], s['base_rougeL'])})",
                    f"{s['base_rougeL']:.3f}",
                    ">= +15%",
                    "yes" if gain >= 0.15 else ("n/a" if s["base_rougeL"] != s["base_rougeL"] else "NO"),
                )
            )
            bar = ROUGE_L_BARS[source]
            rows.append(
                (
                    f"{source} ROUGE-L, the default model's bar",
                    f"{s['rougeL']:.3f}",
                    "",
                    f">= {bar}",
                    "yes" if s["rougeL"] >= bar else "NO",
                )
            )
        ok, total = meetings["owners"]
        share = ok / total if total else 1.0
        rows.append(
            (
                "action-item owners in transcript",
                f"{ok}/{total} ({share:.0%})",
                "",
                ">= 95%",
                "yes" if share >= 0.95 else "NO",
            )
        )
        rows.append(
            (
                "action-item owners that are days or months",
                str(meetings["owners_days"]),
                "",
                "0",
                "yes" if not meetings["owners_days"] else "NO",
            )
        )
        rows.append(
            (
                "invented numbers, dates, names (faithfulness)",
                str(len(meetings["invented"])),
                "",
                "0",
                "yes" if not meetings["invented"] else "NO",
            )
        )
        rows.append(
            ("empty meeting summaries", str(meetings["empty"]), "", "0", "yes" if not meetings["empty"] else "NO")
        )
    chats = results.get("chats")
    if chats:
        s = chats["scores"]
        rows.append(
            (
                "SAMSum/DialogSum overview R-1/R-2/R-L",
                f"{s['rouge1']:.3f}/{s['rouge2']:.3f}/{s['rougeL']:.3f}",
                f"{s['base_rouge1']:.3f}/{s['base_rouge2']:.3f}/{s['base_rougeL']:.3f}",
                "",
                "",
            )
        )
        rows.append(("empty chat overviews", str(chats["empty"]), "", "0", "yes" if not chats["empty"] else "NO"))
    replies = results.get("replies")
    if replies:
        rows.append(
            (
                f"replies best-of-3 ROUGE-L ({replies['n']} Agent turns)",
                f"{replies['rougeL']:.3f}",
                f"{replies['base_rougeL']:.3f}",
                ">= baseline",
                "yes" if replies["rougeL"] >= replies["base_rougeL"] else "NO",
            )
        )
        rows.append(("replies best-of-3 chrF", f"{replies['chrf']:.1f}", f"{replies['base_chrf']:.1f}", "", ""))
        ok, total = replies["lengths"]
        rows.append(("short drafts with 3-40 words", f"{ok}/{total}", "", "all", "yes" if ok == total else "NO"))
    questions = results.get("questions")
    if questions:
        (ok, total), (base_ok, _) = questions["answered"], questions["base_answered"]

        def share(k: int) -> str:
            return f"{k}/{total} ({k / total:.0%})" if total else "0/0"

        rows.append(
            (
                "questions of the last message answered by at least one draft",
                share(ok),
                share(base_ok),
                ">= baseline",
                "yes" if ok >= base_ok else "NO",
            )
        )
    speed = results.get("speed")
    if speed:
        rows.append(
            (
                f"summary of {speed['summary_id']} ({speed['summary_chars']} chars), {threads} threads",
                f"{speed['summary_s']:.1f} s",
                "",
                "<= 120 s",
                "yes" if speed["summary_s"] <= 120 else "NO",
            )
        )
    drafts = results.get("drafts")
    if drafts:
        rows.append(
            (
                "3 short drafts, 10-turn chat, 3 examples: the first draft's first words shown",
                f"{drafts['first_words_s']:.2f} s",
                "",
                "<= 0.7 s",
                "yes" if drafts["first_words_s"] <= 0.7 else "NO",
            )
        )
        rows.append(
            (
                "3 short drafts, 10-turn chat, 3 examples: the first draft ready",
                f"{drafts['first_draft_s']:.2f} s",
                "",
                "",
                "",
            )
        )
        rows.append(
            (
                "3 short drafts, 10-turn chat, 3 examples: all three",
                f"{drafts['replies_s']:.2f} s",
                "",
                "<= 3 s",
                "yes" if drafts["replies_s"] <= 3 else "NO",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    header = f"Confide quality bench, {date.today().isoformat()}, {cpu_name()}, {threads} threads"
    return header.strip() + "\n\n" + "\n".join(lines)


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{platform.machine()} {line.split(':', 1)[1].strip()}"
    except OSError:
        pass
    return platform.machine() or "unknown machine"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="an installed instruction model's id (see Usage)")
    parser.add_argument("--model-dir", default=str(DEFAULT_MODEL))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default="meetings,chats,replies,questions,speed,drafts")
    parser.add_argument("--limit", type=int, default=None, help="at most N rows per data set (a quick slice)")
    parser.add_argument("--ids", default=None, help="comma-separated row ids to run (a quick slice)")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the naive baseline summaries (about halves a Qwen run)"
    )
    parser.add_argument("--json", dest="json_out", default=None, help="also write the raw numbers here")
    args = parser.parse_args(argv)
    from models.slm.engine import OnnxLanguageModel

    folder = MODELS / args.model if args.model else Path(args.model_dir)
    if not folder.is_dir():
        parser.error(
            f"no installed model at {folder}; install it with "
            f"`.venv/bin/confide --data-dir .cache/test-data models install {args.model or folder.name}`"
        )
    model = OnnxLanguageModel.load(folder, threads=args.threads)
    from app.assistant.model_profile import profile_of

    profile = profile_of(model)
    sys.stderr.write(
        f"{folder.name}: {profile.parameters / 1e6:.0f} M non-embedding parameters, "
        f"{'capable' if profile.capable else 'small'} (English meetings take the notes pipeline)\n"
    )
    parts = set(args.only.split(","))
    wanted = set(args.ids.split(",")) if args.ids else None

    def pick(rows):
        rows = [r for r in rows if wanted is None or r["id"] in wanted]
        return rows[: args.limit] if args.limit else rows

    def log(message: str) -> None:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()

    results = {}
    if "meetings" in parts:
        results["meetings"] = run_meetings(model, pick(load_rows("meetings")), log, baseline=not args.no_baseline)
    if "chats" in parts:
        results["chats"] = run_chats(model, pick(load_rows("chats")), log)
    if "replies" in parts:
        results["replies"] = run_replies_bench(model, pick(load_rows("support")), log)
    if "questions" in parts:
        rows = pick(load_rows("chats")) + pick(load_rows("support"))
        results["questions"] = run_questions_bench(model, rows, log, baseline_replies)
    if "speed" in parts:
        results["speed"] = run_speed(model, log)
    if "drafts" in parts:
        results["drafts"] = run_drafts_speed(model, log)
    print(table(results, args.threads))
    if results.get("meetings"):
        print(f"\nModel: {folder.name}")
        print(f"Most frequent action-item owners: {results['meetings']['owner_examples']}")
        print(f"Invented (not in the transcript): {results['meetings']['invented'] or 'none'}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
