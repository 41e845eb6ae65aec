"""A stored item as a document: Markdown or JSON for every kind, txt/srt/vtt for a transcript."""

from __future__ import annotations

import json

from app.assistant.summary_render import summary_markdown
from app.clock import clock
from app.errors import HistoryError
from app.history.dates import local_label
from app.history.records import AnswerDetail, ConversationDetail, RecordingDetail
from app.history.transcript_formats import FORMATS as TRANSCRIPT_FORMATS

RECORDING_FORMATS = ("md", "json", "txt", "srt", "vtt")
CONVERSATION_FORMATS = ("md", "json")  # a saved question too


def export_item(item: RecordingDetail | ConversationDetail | AnswerDetail, fmt: str) -> str:
    fmt = (fmt or "md").lower()
    allowed = RECORDING_FORMATS if isinstance(item, RecordingDetail) else CONVERSATION_FORMATS
    if fmt not in allowed:
        raise HistoryError(f"A {item.kind} exports as {', '.join(allowed)}, not '{fmt}'.")
    if fmt == "json":
        return json.dumps(item.to_json(), ensure_ascii=False, indent=2) + "\n"
    if isinstance(item, ConversationDetail):
        return conversation_markdown(item)
    if isinstance(item, AnswerDetail):
        return answer_markdown(item)
    if fmt == "md":
        return recording_markdown(item)
    if not item.segments:
        raise HistoryError(f"Recording {item.id} has no transcript yet; transcribe it first.")
    return TRANSCRIPT_FORMATS[fmt](item.segments)


def recording_markdown(item: RecordingDetail) -> str:
    facts = [f"Recorded {local_label(item.created)}"]
    if item.duration:
        facts.append(f"{clock(item.duration, two_digit_minutes=True)} long")
    if item.status != "done":
        facts.append(f"status: {item.status}")
    lines = [f"# {item.title}", "", " · ".join(facts), ""]
    summary = item.summary
    if summary:
        lines += [summary_markdown(summary, heading="Summary", level=2)]
    lines += ["## Transcript", ""]
    if item.segments:
        lines += [f"{_at(segment.start)}{_said(segment)}  " for segment in item.segments]
    else:
        lines.append("_No transcript yet._")
    return "\n".join(lines).rstrip() + "\n"


def conversation_markdown(item: ConversationDetail) -> str:
    lines = [
        f"# {item.title}",
        "",
        f"Pasted {local_label(item.created)}" + (f" · me: {item.me}" if item.me else ""),
        "",
        "## Conversation",
        "",
    ]
    for turn in item.turns:
        speaker = turn.speaker or "?"
        label = f"{speaker} (me)" if item.me and speaker == item.me and speaker.lower() != "me" else speaker
        lines += [f"**{label}:** {turn.text}", ""]
    if not item.turns:
        lines += ["```", item.raw, "```", ""]
    if item.drafts:
        lines += ["## Reply drafts", ""]
        for number, draft in enumerate(item.drafts, start=1):
            mark = " ✓ picked" if draft.picked else ""
            details = ", ".join(part for part in (draft.tone, draft.length) if part)
            lines.append(f"{number}. {draft.text}" + (f" _({details})_" if details else "") + mark)
            if draft.picked and draft.final_text and draft.final_text != draft.text:
                lines.append(f"   - sent as: {draft.final_text}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def answer_markdown(item: AnswerDetail) -> str:
    lines = [f"# {item.title}", "", f"Asked {local_label(item.created)}", "", f"**Q:** {item.question}", ""]
    lines += [f"**A:** {item.answer}", ""]
    if item.citations:
        lines += ["## Sources", ""]
        for number, citation in enumerate(item.citations, start=1):
            where = f"{citation.kind} {citation.item_id}" if citation.item_id is not None else "deleted since"
            at = f" at {clock(citation.start)}" if citation.start is not None else ""
            lines.append(f"{number}. “{citation.title}” ({where}){at}: {citation.text}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _said(segment) -> str:
    """A transcript line; the speaker's name on each line, as in a conversation, so that the
    file read back (`summarize meeting.md`) still knows who said every line."""
    text = " ".join(segment.text.split())
    return f"**{segment.speaker}:** {text}" if segment.speaker else text


def _at(start) -> str:
    return f"[{clock(start, two_digit_minutes=True)}] " if start is not None else ""
