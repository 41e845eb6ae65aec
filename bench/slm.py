"""The language model side by side with llama.cpp (llama-cpp-python) on the same GGUF.

Each measurement runs in its own subprocess (so load time and peak RSS are the engine's own),
alternating engines, 2 threads, context 2048: model load, prefill of a 512-token prompt,
decode of 128 tokens after a short prompt and after the 512-token prompt, peak RSS.
Prints medians and ratios (Confide / llama.cpp), and the agreement of greedy tokens.

Usage: python bench/slm.py --data-dir DIR [--runs 3] [--model smollm2-135m-instruct]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHORT = "Once upon a time, in a small village by the sea,"
LONG_SENTENCE = "The committee reviewed the budget, the schedule and the hiring plan before lunch. "


def _measure_confide(model_dir: str, threads: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from models.slm.api import GenerationConfig
    from models.slm.engine import OnnxLanguageModel

    started = time.perf_counter()
    model = OnnxLanguageModel.load(Path(model_dir), threads=threads)
    load = time.perf_counter() - started
    long_ids = model.prompt_ids(LONG_SENTENCE * 40)[:512]
    short_ids = model.prompt_ids(SHORT)
    out = {"load_s": load}
    config = GenerationConfig(max_new_tokens=128, ignore_eos=True)
    result = list(model.generate(long_ids, GenerationConfig(max_new_tokens=1)))[-1]
    out["prefill_512_tok_s"] = result.prefill_tokens_per_s
    result = list(model.generate(short_ids, config))[-1]
    out["decode_short_tok_s"] = result.decode_tokens_per_s
    out["greedy_ids"] = result.ids
    out["decode_after_512_tok_s"] = list(model.generate(long_ids, config))[-1].decode_tokens_per_s
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _measure_llama_cpp(gguf: str, threads: int) -> dict:
    import llama_cpp

    started = time.perf_counter()
    llm = llama_cpp.Llama(gguf, n_ctx=2048, n_threads=threads, n_threads_batch=threads, n_batch=512, verbose=False)
    out = {"load_s": time.perf_counter() - started}
    long_ids = llm.tokenize((LONG_SENTENCE * 40).encode(), add_bos=False)[:512]
    short_ids = llm.tokenize(SHORT.encode(), add_bos=False)

    def decode_after(prompt):
        # From the first token (which needs the prompt) to the 128th: 127 pure decode steps.
        llm.reset()
        ids, first = [], None
        for token in llm.generate(prompt, temp=0.0, top_k=1, repeat_penalty=1.0, reset=True):
            ids.append(int(token))
            if first is None:
                first = time.perf_counter()
            if len(ids) == 128:
                break
        return 127 / (time.perf_counter() - first), ids

    llm.reset()
    started = time.perf_counter()
    llm.eval(long_ids)
    out["prefill_512_tok_s"] = len(long_ids) / (time.perf_counter() - started)
    out["decode_short_tok_s"], out["greedy_ids"] = decode_after(short_ids)
    out["decode_after_512_tok_s"], _ = decode_after(long_ids)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _child(args) -> None:
    result = _measure_confide(args.child_model, args.threads) if args.child == "confide" \
        else _measure_llama_cpp(args.child_model, args.threads)
    print(json.dumps(result))


def _run_child(kind: str, target: str, threads: int) -> dict:
    completed = subprocess.run([sys.executable, __file__, "--child", kind, "--child-model", target,
                                "--threads", str(threads)], capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _conversion(gguf: Path) -> dict:
    """SmolLM2 conversion time and peak memory, in a subprocess of its own."""
    code = ("import sys, tempfile, time, resource; sys.path.insert(0, %r)\n"
            "from pathlib import Path\nfrom models.slm.builder import build_from_gguf\n"
            "d = tempfile.mkdtemp(); t = time.perf_counter(); build_from_gguf(Path(%r), Path(d))\n"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
            % (str(ROOT), str(gguf)))
    seconds, peak = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                   check=True).stdout.split()
    return {"convert_s": float(seconds), "convert_peak_mb": float(peak)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--child")
    parser.add_argument("--child-model")
    args = parser.parse_args()
    if args.child:
        _child(args)
        return 0
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        print("llama-cpp-python is not installed; run `make bench-slm`, which builds it.", file=sys.stderr)
        return 1
    model_dir = args.data_dir / "models" / args.model
    gguf = model_dir / "model.gguf"
    runs = {"confide": [], "llama.cpp": []}
    for _ in range(args.runs):
        runs["confide"].append(_run_child("confide", str(model_dir), args.threads))
        runs["llama.cpp"].append(_run_child("llama.cpp", str(gguf), args.threads))
    keys = ["load_s", "prefill_512_tok_s", "decode_short_tok_s", "decode_after_512_tok_s", "peak_rss_mb"]
    medians = {engine: {k: statistics.median(r[k] for r in results) for k in keys} for engine, results in runs.items()}
    agree = sum(a == b for a, b in zip(runs["confide"][0]["greedy_ids"], runs["llama.cpp"][0]["greedy_ids"]))
    first_diff = next((i for i, (a, b) in enumerate(zip(runs["confide"][0]["greedy_ids"],
                                                        runs["llama.cpp"][0]["greedy_ids"])) if a != b), 128)
    conversion = _conversion(gguf)
    print(f"SmolLM2-135M Q4_1, {args.threads} threads, context 2048, medians of {args.runs} runs; "
          f"{platform.processor() or platform.machine()}, {time.strftime('%Y-%m-%d')}")
    print(f"| measure | Confide (ONNX Runtime) | llama.cpp | ratio |")
    print(f"|---|---|---|---|")
    for key in keys:
        c, l = medians["confide"][key], medians["llama.cpp"][key]
        print(f"| {key} | {c:.2f} | {l:.2f} | {c / l:.2f}x |")
    print(f"| greedy tokens identical (128 after the short prompt) | first {first_diff}, {agree}/128 in place | | |")
    print(f"| conversion | {conversion['convert_s']:.1f} s, peak {conversion['convert_peak_mb']:.0f} MB | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
