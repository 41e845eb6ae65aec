"""`confide tokenize` and `confide generate`."""

from __future__ import annotations

import sys

from app.cli import numbers
from app.cli.common import CliContext, CommandOutput, add_command
from app.engines import Job, load_language_model, load_tokenizer_only
from app.errors import AppError
from models.slm.api import GenerationConfig, GenerationResult, TextDelta


def register(subparsers) -> None:
    tokenize = add_command(
        subparsers,
        "tokenize",
        cmd_tokenize,
        "token ids of TEXT (no BOS added), by the summary model's tokenizer or --model's",
    )
    tokenize.add_argument("text", metavar="TEXT")
    tokenize.add_argument("--no-special", action="store_true", help="treat special tokens as plain text")
    generate = add_command(
        subparsers, "generate", cmd_generate, "run the summary model chosen in Settings (or --model) on PROMPT"
    )
    generate.add_argument("prompt", metavar="PROMPT")
    generate.add_argument("--raw", action="store_true", help="use PROMPT verbatim, without the chat template")
    generate.add_argument(
        "--max-new-tokens",
        type=numbers.new_tokens,
        default=256,
        metavar="N",
        help=f"at most N new tokens, 1 to {numbers.MAX_NEW_TOKENS} (default: 256)",
    )
    generate.add_argument(
        "--temperature",
        type=numbers.temperature,
        default=0.0,
        metavar="T",
        help="0 (default) is greedy; higher samples more freely",
    )
    generate.add_argument(
        "--top-k",
        type=numbers.top_k,
        default=0,
        metavar="K",
        help="sample among the K likeliest tokens (0, the default: all)",
    )
    generate.add_argument(
        "--top-p",
        type=numbers.top_p,
        default=1.0,
        metavar="P",
        help="sample among the likeliest tokens whose chances add up to P, above 0 to 1 (default)",
    )
    generate.add_argument(
        "--seed",
        type=numbers.seed,
        default=None,
        metavar="S",
        help=f"makes sampling repeatable: 0 to {numbers.MAX_SEED}",
    )
    generate.add_argument("--ignore-eos", action="store_true", help="keep going to N tokens")


def cmd_tokenize(args, ctx: CliContext) -> CommandOutput:
    model_id = ctx.engine(Job.SUMMARY).model_id
    ids = load_tokenizer_only(ctx.data_dir, model_id).encode(args.text, parse_special=not args.no_special)
    return CommandOutput({"ids": ids}, " ".join(str(i) for i in ids))


def cmd_generate(args, ctx: CliContext) -> CommandOutput:
    choice = ctx.engine(Job.SUMMARY)
    model = load_language_model(ctx.data_dir, choice.model_id, choice.threads)
    prompt = args.prompt if args.raw else model.render_chat([{"role": "user", "content": args.prompt}])
    config = GenerationConfig(
        max_new_tokens=args.max_new_tokens,
        temperature=args.temperature,
        top_k=args.top_k,
        top_p=args.top_p,
        seed=args.seed,
        ignore_eos=args.ignore_eos,
    )
    result = None
    for event in model.generate(prompt, config):
        if isinstance(event, TextDelta) and not args.json:
            sys.stdout.write(event.text)  # people see the text as it comes
            sys.stdout.flush()
        elif isinstance(event, GenerationResult):
            result = event
    if result is None:
        raise AppError("The language model stopped without a result; try again.")
    data = {
        "prompt_ids": result.prompt_ids,
        "ids": result.ids,
        "text": result.text,
        "prefill_tokens_per_s": round(result.prefill_tokens_per_s, 1),
        "decode_tokens_per_s": round(result.decode_tokens_per_s, 1),
    }
    sys.stderr.write(
        f"[{choice.model_id} on {choice.threads} thread{'s' if choice.threads > 1 else ''}: "
        f"{len(result.prompt_ids)} prompt tokens at {data['prefill_tokens_per_s']} tok/s, "
        f"{len(result.ids)} new at {data['decode_tokens_per_s']} tok/s]\n"
    )
    return CommandOutput(data, "\n")
