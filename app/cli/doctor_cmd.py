"""`confide doctor`: what works and what does not, explained. Always exits 0."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import asdict, dataclass

from app.cli.common import CliContext, CommandOutput, add_command
from app.engines import Job, installed_models


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def register(subparsers) -> None:
    add_command(
        subparsers,
        "doctor",
        cmd_doctor,
        "check audio input, the models and threads chosen (summary, reply, speech), database and the offline guarantee",
    )


def check_audio() -> Check:
    try:
        import sounddevice
    except OSError as exc:
        return Check("audio input", False, f"PortAudio is missing ({exc}); install libportaudio2 to record.")
    try:
        inputs = [d["name"] for d in sounddevice.query_devices() if d["max_input_channels"] > 0]
    except Exception as exc:  # PortAudio errors vary by host API; doctor reports them all
        return Check("audio input", False, f"PortAudio cannot list devices: {exc}")
    if not inputs:
        return Check("audio input", False, "No input device found; plug in a microphone. Importing files still works.")
    return Check("audio input", True, f"{len(inputs)} input device(s): {', '.join(inputs[:4])}")


def check_models(ctx: CliContext) -> list[Check]:
    installed = {model.id: model for model in installed_models(ctx.data_dir)}
    checks = []
    for label, job in (("summary model", Job.SUMMARY), ("reply model", Job.REPLY), ("speech model", Job.SPEECH)):
        model_id = ctx.engine(job).model_id
        model = installed.get(model_id)
        if model is None:
            checks.append(Check(label, False, f"{model_id} is not installed; run `confide models install`."))
        elif not model.verified:
            checks.append(Check(label, False, f"{model_id} has missing or changed files; run `confide models verify`."))
        else:
            size = f"{model.size_bytes / 1e6:.0f} MB"
            checks.append(Check(label, True, f"{model_id} ({model.format}, {size}) at {model.path}"))
    return checks


def check_threads(ctx: CliContext) -> Check:
    threads = ctx.engine(Job.SUMMARY).threads
    source = "--threads" if ctx.threads else "Settings" if ctx.settings.threads else "the physical cores"
    return Check("threads", True, f"{threads} for each engine (from {source})")


def check_database(ctx: CliContext) -> Check:
    path = ctx.data_dir.database
    if not path.exists():
        return Check("database", True, f"no history yet; it will be created at {path}")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return Check("database", False, f"{path} cannot be opened ({exc}); restore a backup or move it aside.")
    if result != "ok":
        return Check("database", False, f"{path} is damaged ({result}); restore a backup.")
    return Check("database", True, f"{path} opens and passes a quick check")


def check_offline(ctx: CliContext) -> Check:
    hub_offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    installed = installed_models(ctx.data_dir)
    remote = [model.id for model in installed if not model.path.is_dir()]
    ok = hub_offline and not remote
    detail = (
        "models load from local folders only; no network connection is made or needed"
        if ok
        else "the Hugging Face hub is not forced offline in this process"
    )
    return Check("offline", ok, detail)


def cmd_doctor(args, ctx: CliContext) -> CommandOutput:
    checks = [check_audio(), *check_models(ctx), check_threads(ctx), check_database(ctx), check_offline(ctx)]
    lines = [f"[{'ok' if c.ok else 'FAIL'}] {c.name}: {c.detail}" for c in checks]
    return CommandOutput({"checks": [asdict(c) for c in checks]}, "\n".join(lines))
