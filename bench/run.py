"""Performance benchmark: ``python bench/run.py`` prints one Markdown table and writes
bench/results.json.

Every model call goes to a loopback fake OpenAI-compatible endpoint (bench/fake_endpoint.py)
with a set latency, so the figures measure the summarizer itself, not a provider:

1. overhead: everything but model time (zero latency), on the 5 seeds and on 100 and 1,000
   synthetic documents (bench/synth.py); each size in its own subprocess for wall time and peak
   RSS; plus ``--backend none`` (evidence + merge + render) on the 1,000;
2. concurrency: 5 seeds at 1 s per call, concurrency 5 vs 1;
3. cached re-run: whole-process wall time of ``python -m summarizer brief`` with a warm cache,
   next to the cold run and ``python -c "import summarizer"``;
4. cost per document (calls, tokens, request bytes) vs one naive all-in-one prompt, and
   LangExtract on the same documents against the same endpoint;
5. the embedded model (``llama``): seconds per seed document, no cache.

Long steps run under a timeout; a step that hits it is reported as such, with what it got
through (never an invented number). ``--quick`` skips the 1,000-document runs and the
embedded model.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for p in (str(BENCH), str(ROOT)):
    if p not in sys.path:
        sys.path.insert(0, p)

from fake_endpoint import FakeEndpoint, Stats  # noqa: E402
from synth import SEEDS, synth_docs, write_docs  # noqa: E402

PY = sys.executable
SEED_FILES = sorted(str(p) for p in SEEDS.glob("*.txt"))


# --------------------------------------------------------------------------- worker (subprocess)


def _emit(event: str, **data: Any) -> None:
    print(json.dumps({"event": event, **data}), flush=True)


def worker_overhead(args: argparse.Namespace) -> int:
    """Runs in a subprocess: summarize the files in --docs; JSON lines on stdout."""
    t_start = time.perf_counter()
    import summarizer.merge as merge_mod
    from summarizer.pipeline import summarize
    from summarizer.settings import Settings

    files = sorted(str(p) for p in Path(args.docs).glob("*.txt"))
    settings = Settings.resolve(
        backend=args.backend,
        base_url=args.base_url,
        model="fake",
        no_cache=True,
        concurrency=args.concurrency,
    )
    merge_time = {"derivatives": 0.0}
    real = merge_mod.detect_derivatives

    def timed(*a: Any, **k: Any) -> Any:
        t = time.perf_counter()
        try:
            return real(*a, **k)
        finally:
            merge_time["derivatives"] += time.perf_counter() - t

    merge_mod.detect_derivatives = timed
    done = 0
    lock = threading.Lock()

    def progress(event: str, doc: str) -> None:
        nonlocal done
        if event == "done":
            with lock:
                done += 1
                if done == len(files):
                    _emit("extracted", seconds=round(time.perf_counter() - t0, 3))

    t_imports = time.perf_counter() - t_start
    tb = time.perf_counter()
    from summarizer.backends import resolve_backend

    backend = resolve_backend(settings)  # imports the SDKs (openai, instructor) for "openai"
    t_backend = time.perf_counter() - tb
    _emit("start", documents=len(files))
    t0 = time.perf_counter()
    brief = summarize(files, settings, backend=backend, progress=progress)
    t_sum = time.perf_counter() - t0
    t1 = time.perf_counter()
    md = brief.to_markdown()
    js = brief.to_json()
    t_render = time.perf_counter() - t1
    _emit(
        "result",
        documents=len(files),
        import_seconds=round(t_imports, 3),
        backend_seconds=round(t_backend, 3),
        summarize_seconds=round(t_sum, 3),
        derivative_seconds=round(merge_time["derivatives"], 3),
        render_seconds=round(t_render, 3),
        process_seconds=round(time.perf_counter() - t_start, 3),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        model_calls=brief.run.model_calls,
        prompt_tokens=brief.run.prompt_tokens,
        completion_tokens=brief.run.completion_tokens,
        facts=len(brief.facts),
        discrepancies=len(brief.discrepancies),
        brief_chars=len(md) + len(js),
    )
    return 0


def worker_langextract(args: argparse.Namespace) -> int:
    """Runs in a subprocess: LangExtract's OpenAI provider on the seeds, against --base-url."""
    import langextract as lx

    docs = [
        lx.data.Document(text=Path(f).read_text(encoding="utf-8"), document_id=Path(f).stem)
        for f in SEED_FILES
    ]
    example_text = "Officials said the two countries signed 28 agreements on Monday."
    examples = [
        lx.data.ExampleData(
            text=example_text,
            extractions=[
                lx.data.Extraction(extraction_class="fact", extraction_text=example_text, attributes={})
            ],
        )
    ]
    t0 = time.perf_counter()
    results = lx.extract(
        text_or_documents=docs,
        prompt_description="Extract the factual claims of this news article, verbatim.",
        examples=examples,
        model_id="gpt-4o-mini",
        api_key="not-needed",
        language_model_params={"base_url": args.base_url},
        fence_output=False,
        use_schema_constraints=False,
        show_progress=False,
        max_workers=args.concurrency,
    )
    results = list(results) if not isinstance(results, list) else results
    _emit(
        "result",
        seconds=round(time.perf_counter() - t0, 3),
        documents=len(docs),
        extractions=sum(len(r.extractions or []) for r in results),
        version=importlib.metadata.version("langextract"),
    )
    return 0


# --------------------------------------------------------------------------- parent helpers


def run_worker(argv: list[str], timeout: float) -> dict[str, Any]:
    """Run ``bench/run.py --worker ...``; collect its JSON-line events, with a timeout. On a
    timeout the process's peak RSS is read from /proc before it is killed."""
    proc = subprocess.Popen(
        [PY, str(Path(__file__).resolve()), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    events: dict[str, Any] = {}
    t0 = time.perf_counter()

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                ev = json.loads(line)
            except json.JSONDecodeError:
                continue
            ev["at"] = round(time.perf_counter() - t0, 3)
            events[ev.pop("event")] = ev

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    out: dict[str, Any] = {"timed_out": False}
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        out["timed_out"] = True
        out["peak_rss_mb"] = _vm_hwm_mb(proc.pid)
        proc.kill()
        proc.wait()
    th.join(5)
    out["wall_seconds"] = round(time.perf_counter() - t0, 3)
    out["returncode"] = proc.returncode
    out["events"] = events
    if proc.returncode not in (0, None) and not out["timed_out"]:
        assert proc.stderr is not None
        out["stderr"] = proc.stderr.read()[-1500:]
    return out


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def timed_process(cmd: list[str], repeat: int, env: dict[str, str] | None = None) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - t)
    return times


def in_process(settings_kw: dict[str, Any], files: list[str]) -> tuple[float, Any]:
    from summarizer.pipeline import summarize
    from summarizer.settings import Settings

    t = time.perf_counter()
    brief = summarize(files, Settings.resolve(**settings_kw))
    return time.perf_counter() - t, brief


# --------------------------------------------------------------------------- measurements


def bench_overhead(ep: FakeEndpoint, sizes: list[int], timeout: float, tmp: Path) -> dict[str, Any]:
    ep.latency = 0.0
    out: dict[str, Any] = {}
    cases: list[tuple[str, str, int]] = [("seeds", "openai", 5)]
    cases += [(f"synthetic {n}", "openai", n) for n in sizes]
    if sizes:
        cases.append((f"synthetic {max(sizes)}", "none", max(sizes)))
    for label, backend, n in cases:
        if label == "seeds":
            docs_dir = SEEDS
        else:
            docs_dir = tmp / f"synth{n}"
            if not docs_dir.is_dir():
                write_docs(synth_docs(n), docs_dir)
        ep.reset()
        print(f"bench: overhead, {label}, backend {backend} (timeout {timeout:.0f} s)", file=sys.stderr)
        r = run_worker(
            [
                "--worker",
                "overhead",
                "--docs",
                str(docs_dir),
                "--backend",
                backend,
                "--base-url",
                ep.base_url,
                "--concurrency",
                "4",
            ],
            timeout,
        )
        r["endpoint"] = ep.reset().as_dict()
        r["documents"] = n
        out[f"{label} / {backend}"] = r
    return out


def bench_concurrency(ep: FakeEndpoint, latency: float) -> dict[str, Any]:
    ep.latency = latency
    out: dict[str, Any] = {"latency": latency}
    for conc, overview, key in ((1, "auto", "c1"), (5, "auto", "c5"), (5, "facts", "c5_facts")):
        ep.reset()
        print(f"bench: concurrency {conc} at {latency} s/call, overview {overview}", file=sys.stderr)
        wall, brief = in_process(
            {
                "backend": "openai",
                "base_url": ep.base_url,
                "model": "fake",
                "no_cache": True,
                "concurrency": conc,
                "overview": overview,
            },
            SEED_FILES,
        )
        st = ep.reset()
        out[key] = {
            "wall_seconds": round(wall, 3),
            "calls": st.calls,
            "max_in_flight": st.max_in_flight,
            "model_calls": brief.run.model_calls,
        }
    return out


def bench_cache(ep: FakeEndpoint, latency: float, tmp: Path, repeat: int = 3) -> dict[str, Any]:
    ep.latency = latency
    cache = tmp / "cache"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZER_", "OPENAI_"))}
    cmd = [
        PY,
        "-m",
        "summarizer",
        "brief",
        *SEED_FILES,
        "--backend",
        "openai",
        "--base-url",
        ep.base_url,
        "--model",
        "fake",
        "--cache-dir",
        str(cache),
        "-o",
        str(tmp / "brief.md"),
        "-q",
    ]
    print("bench: cached re-run", file=sys.stderr)
    ep.reset()
    cold = timed_process(cmd, 1, env)[0]
    cold_calls = ep.reset().calls
    warm = timed_process(cmd, repeat, env)
    warm_calls = ep.reset().calls
    # the same with a fixed hash seed (a cold run first, into its own cache): shows what hash
    # randomisation costs a warm run, if the brief depends on set order
    seeded_cmd = [*cmd]
    seeded_cmd[seeded_cmd.index(str(cache))] = str(tmp / "cache-seeded")
    seeded_env = dict(env, PYTHONHASHSEED="0")
    timed_process(seeded_cmd, 1, seeded_env)
    ep.reset()
    seeded = timed_process(seeded_cmd, repeat, seeded_env)
    seeded_calls = ep.reset().calls
    startup = timed_process([PY, "-c", "import summarizer"], repeat, env)
    version = timed_process([PY, "-m", "summarizer", "--version"], repeat, env)
    return {
        "latency": latency,
        "cold_seconds": round(cold, 3),
        "cold_calls": cold_calls,
        "warm_seconds": [round(t, 3) for t in warm],
        "warm_median": round(statistics.median(warm), 3),
        "warm_calls": warm_calls,
        "fixed_seed_warm_seconds": [round(t, 3) for t in seeded],
        "fixed_seed_warm_median": round(statistics.median(seeded), 3),
        "fixed_seed_warm_calls": seeded_calls,
        "import_median": round(statistics.median(startup), 3),
        "version_median": round(statistics.median(version), 3),
    }


def bench_cost(ep: FakeEndpoint, overhead_seeds: dict[str, Any], lx_timeout: float) -> dict[str, Any]:
    """Per-document cost of the pipeline (from the 5-seed run), the naive single prompt, and
    LangExtract, all counted at the fake endpoint."""
    from claims_v4 import DocumentExtraction, claims_prompt

    from summarizer.backends.base import ExtractionRequest
    from summarizer.backends.openai_compat import OpenAIBackend

    ep.latency = 0.0
    texts = [Path(f).read_text(encoding="utf-8") for f in SEED_FILES]
    out: dict[str, Any] = {"documents": len(texts), "pipeline": overhead_seeds["endpoint"]}
    messages = claims_prompt().render(doc_id="all", text="\n\n".join(texts))
    ep.reset()
    backend = OpenAIBackend(model="fake", base_url=ep.base_url, api_key=None, max_retries=0)
    backend.extract(
        ExtractionRequest("all", messages, DocumentExtraction, {"temperature": 0.0, "max_tokens": 2048})
    )
    naive = ep.reset().as_dict()
    naive["prompt_chars"] = sum(len(m["content"]) for m in messages)
    out["naive"] = naive
    print("bench: LangExtract", file=sys.stderr)
    try:
        import importlib.util

        if importlib.util.find_spec("langextract") is None:
            raise RuntimeError("langextract is not installed in this interpreter")
        r = run_worker(
            ["--worker", "langextract", "--base-url", ep.base_url, "--concurrency", "4"], lx_timeout
        )
        st = ep.reset().as_dict()
        if r["timed_out"]:
            out["langextract"] = {"measured": False, "reason": f"timed out after {lx_timeout:.0f} s", **st}
        elif r["returncode"] != 0 or "result" not in r["events"]:
            last = (r.get("stderr") or "").strip().splitlines()[-1:] or ["no output"]
            out["langextract"] = {"measured": False, "reason": f"failed: {last[0][:300]}"}
        else:
            out["langextract"] = {"measured": True, **st, **r["events"]["result"]}
    except Exception as exc:  # noqa: BLE001 - report, never fake
        out["langextract"] = {"measured": False, "reason": f"{type(exc).__name__}: {exc}"}
    return out


def bench_llama(budget: float) -> dict[str, Any]:
    """Seconds per seed document with the embedded model (no cache, one document at a time), in
    this process. Stops after the document that crosses ``budget``; the documents done are
    still real measurements."""
    from summarizer.backends import resolve_backend
    from summarizer.backends.base import LazyBackend
    from summarizer.backends.gguf import available
    from summarizer.errors import SummarizerError
    from summarizer.pipeline import summarize
    from summarizer.settings import Settings

    if not available():
        return {"measured": False, "reason": "xllamacpp or the default model's packages not installed"}
    print(f"bench: embedded model on the seeds (slow; budget {budget:.0f} s)", file=sys.stderr)
    settings = Settings.resolve(backend="llama", no_cache=True, concurrency=1)
    t = time.perf_counter()
    try:
        lazy = resolve_backend(settings)
        assert isinstance(lazy, LazyBackend)
        backend = lazy.build()  # the model loads now, timed
    except SummarizerError as exc:
        return {"measured": False, "reason": str(exc)}
    load = time.perf_counter() - t
    per_doc: dict[str, float] = {}
    last = [time.perf_counter()]
    deadline = time.perf_counter() + budget

    def progress(event: str, doc: str) -> None:
        if event != "done":
            return
        now = time.perf_counter()
        per_doc[doc] = round(now - last[0], 2)
        last[0] = now
        print(f"bench:   {doc}: {per_doc[doc]:.1f} s", file=sys.stderr)
        if now > deadline and len(per_doc) < len(SEED_FILES):
            raise KeyboardInterrupt  # bounded: the remaining documents are cancelled

    brief = None
    last[0] = time.perf_counter()
    try:
        brief = summarize(SEED_FILES, settings, backend=backend, progress=progress)
    except KeyboardInterrupt:
        pass
    done = list(per_doc.values())
    out: dict[str, Any] = {
        "measured": bool(done),
        "complete": brief is not None,
        "threads": os.cpu_count(),
        "model": backend.model,
        "load_average": os.getloadavg(),
        "load_seconds": round(load, 2),
        "documents": len(SEED_FILES),
        "documents_done": len(done),
        "seconds_per_doc": round(statistics.fmean(done), 2) if done else None,
        "per_doc": per_doc,
    }
    if brief is not None:
        out.update(
            wall_seconds=round(brief.run.wall_seconds, 2),
            model_calls=brief.run.model_calls,
            tokens=[brief.run.prompt_tokens, brief.run.completion_tokens],
            failures=[f.message[:160] for f in brief.failures],
        )
    else:
        out["reason"] = (
            f"stopped after {len(done)} of {len(SEED_FILES)} documents: over the {budget:.0f} s budget"
        )
    return out


# --------------------------------------------------------------------------- table


def _s(x: float | None, unit: str = " s") -> str:
    if x is None:
        return "n/a"
    return f"{x:.3f}{unit}" if x < 10 else f"{x:.1f}{unit}"


def table(res: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str]] = []
    add: Callable[[str, str, str], None] = lambda a, b, c: rows.append((a, b, c))  # noqa: E731
    conc = res.get("concurrency")
    ref_latency = conc["latency"] if conc else 1.0
    for label, r in res.get("overhead", {}).items():
        ev = r["events"].get("result")
        n = r["documents"]
        if ev:
            per = ev["summarize_seconds"] / n
            add(
                f"overhead, {label} ({n} docs, 0 s latency)",
                f"{_s(ev['summarize_seconds'])} summarize (of which {_s(ev['derivative_seconds'])} derivative"
                f" detection), {_s(ev['render_seconds'])} render; before that {_s(ev['import_seconds'])} imports +"
                f" {_s(ev['backend_seconds'])} backend build; process {_s(r['wall_seconds'])}; peak RSS"
                f" {ev['peak_rss_mb']:.0f} MB; {r['endpoint']['calls']} calls",
                f"{per * 1000:.1f} ms/doc = {per / ref_latency:.3f} x a {ref_latency:g} s call",
            )
        elif r["timed_out"]:
            ex = r["events"].get("extracted")
            got = (
                f"extraction of all {n} docs done at {_s(ex['seconds'])}, then merge did not finish"
                if ex
                else "extraction did not finish"
            )
            rss = f"; peak RSS {r['peak_rss_mb']:.0f} MB" if r.get("peak_rss_mb") else ""
            add(
                f"overhead, {label} ({n} docs, 0 s latency)",
                f"TIMED OUT at {_s(r['wall_seconds'])}: {got}{rss}; {r['endpoint']['calls']} calls",
                "not measured",
            )
        else:
            add(f"overhead, {label}", f"FAILED (exit {r['returncode']}): {r.get('stderr', '')[-200:]}", "")
    if conc:
        c1, c5 = conc["c1"]["wall_seconds"], conc["c5"]["wall_seconds"]
        docs = len(SEED_FILES)
        extra = conc["c1"]["calls"] - docs  # calls after extraction (the overview), sequential
        ideal = (1 + extra) / (docs + extra)
        add(
            f"concurrency, 5 seeds at {conc['latency']:g} s/call",
            f"concurrency 5: {_s(c5)} (max {conc['c5']['max_in_flight']} in flight); concurrency 1: {_s(c1)};"
            f" {conc['c1']['calls']} calls each ({extra} after extraction, necessarily sequential)",
            f"c5/c1 = {c5 / c1:.2f} (ideal {ideal:.2f}); c5 = {c5 / (conc['latency'] * (1 + extra)):.2f} x its"
            " latency floor",
        )
        if "c5_facts" in conc:
            cf = conc["c5_facts"]["wall_seconds"]
            add(
                f"concurrency, extraction only (--overview facts), {conc['latency']:g} s/call",
                f"concurrency 5: {_s(cf)}; {conc['c5_facts']['calls']} calls",
                f"{cf / conc['latency']:.2f} x one call's latency",
            )
    ca = res.get("cache")
    if ca:
        runs = len(ca["warm_seconds"])
        add(
            "cached re-run, whole process (5 seeds)",
            f"warm {_s(ca['warm_median'])} ({ca['warm_calls'] / runs:g} model calls per run); cold"
            f" {_s(ca['cold_seconds'])} at {ca['latency']:g} s/call ({ca['cold_calls']} calls);"
            f" with PYTHONHASHSEED fixed: warm {_s(ca['fixed_seed_warm_median'])}"
            f" ({ca['fixed_seed_warm_calls'] / runs:g} calls per run); `import summarizer`"
            f" {_s(ca['import_median'])}, `summarizer --version` {_s(ca['version_median'])}",
            f"warm/cold = {ca['warm_median'] / ca['cold_seconds']:.2f}; fixed-seed warm/cold ="
            f" {ca['fixed_seed_warm_median'] / ca['cold_seconds']:.2f}; fixed-seed warm/import ="
            f" {ca['fixed_seed_warm_median'] / ca['import_median']:.0f}",
        )
    co = res.get("cost")
    if co:
        n = co["documents"]
        p, nv = co["pipeline"], co["naive"]
        add(
            "cost per document (pipeline)",
            f"{p['calls'] / n:.1f} calls, {p['prompt_tokens'] / n:.0f}+{p['completion_tokens'] / n:.0f} tokens*,"
            f" {p['request_bytes'] / n / 1024:.1f} KiB request",
            f"total request bytes / naive = {p['request_bytes'] / nv['request_bytes']:.2f}",
        )
        add(
            "naive baseline: all 5 in one prompt",
            f"1 call, {nv['prompt_tokens']} prompt tokens*, {nv['request_bytes'] / 1024:.1f} KiB request "
            f"({nv['request_bytes'] / n / 1024:.1f} KiB per doc)",
            f"pipeline calls = {p['calls']}x naive",
        )
        lx = co.get("langextract", {})
        if lx.get("measured"):
            add(
                "LangExtract (same docs, same endpoint)",
                f"{lx['calls'] / n:.1f} calls, {lx['prompt_tokens'] / n:.0f}+{lx['completion_tokens'] / n:.0f}"
                f" tokens*, {lx['request_bytes'] / n / 1024:.1f} KiB request per doc; {_s(lx['seconds'])} at 0 s latency",
                f"LangExtract/pipeline: calls {lx['calls'] / max(1, p['calls']):.1f}x, bytes "
                f"{lx['request_bytes'] / max(1, p['request_bytes']):.2f}x",
            )
        else:
            add("LangExtract", f"not measured: {lx.get('reason', 'skipped')}", "")
    ll = res.get("llama")
    if ll:
        if ll.get("measured"):
            times = list(ll["per_doc"].values())
            ov = res.get("overhead", {}).get("seeds / openai", {}).get("events", {}).get("result")
            per_ov = ov["summarize_seconds"] / 5 if ov else None
            ratio = f"pipeline overhead/model time = {per_ov / ll['seconds_per_doc']:.4f}" if per_ov else ""
            state = "" if ll["complete"] else f" ({ll['reason']})"
            fails = f"; {len(ll['failures'])} of 5 docs failed extraction" if ll.get("failures") else ""
            add(
                f"embedded model ({ll.get('model', 'default')}, {ll['threads']} threads), seeds, no cache",
                f"{_s(ll['seconds_per_doc'])}/doc over {ll['documents_done']} docs (min {_s(min(times))}, max"
                f" {_s(max(times))}); model load {_s(ll['load_seconds'])}; load average"
                f" {ll['load_average'][0]:.1f}{fails}{state}",
                ratio,
            )
        else:
            add("embedded model", f"not measured: {ll['reason']}", "")
    lines = ["| measure | result | ratio |", "| --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines.append("")
    lines.append("\\* tokens are the fake endpoint's estimate (characters / 4), the same for every client.")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument(
        "--quick", action="store_true", help="skip the 1,000-document runs and the embedded model"
    )
    ap.add_argument("--sizes", default="100,1000", help="synthetic corpus sizes (default 100,1000)")
    ap.add_argument("--timeout", type=float, default=75.0, help="seconds allowed per overhead run")
    ap.add_argument(
        "--llama-budget", type=float, default=300.0, help="seconds allowed for the embedded model"
    )
    ap.add_argument("--skip-llama", action="store_true")
    ap.add_argument("--out", type=Path, default=BENCH / "results.json")
    ap.add_argument("--worker", choices=["overhead", "langextract"], help=argparse.SUPPRESS)
    ap.add_argument("--docs", help=argparse.SUPPRESS)
    ap.add_argument("--backend", default="openai", help=argparse.SUPPRESS)
    ap.add_argument("--base-url", help=argparse.SUPPRESS)
    ap.add_argument("--concurrency", type=int, default=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker == "overhead":
        return worker_overhead(args)
    if args.worker == "langextract":
        return worker_langextract(args)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.quick:
        sizes = [s for s in sizes if s <= 100]
    started = time.perf_counter()
    res: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "load_average_at_start": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory(prefix="summarizer-bench-") as tmpdir, FakeEndpoint() as ep:
        tmp = Path(tmpdir)
        res["overhead"] = bench_overhead(ep, sizes, args.timeout, tmp)
        res["concurrency"] = bench_concurrency(ep, 1.0)
        res["cache"] = bench_cache(ep, 1.0, tmp)
        res["cost"] = bench_cost(ep, res["overhead"]["seeds / openai"], 120.0)
    if not (args.quick or args.skip_llama):
        res["llama"] = bench_llama(args.llama_budget)
    res["bench_seconds"] = round(time.perf_counter() - started, 1)
    args.out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")  # raw numbers first
    res["table"] = table(res)
    args.out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(res["table"], end="")
    print(f"\n(bench took {res['bench_seconds']:.0f} s; raw numbers in {args.out})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["FakeEndpoint", "Stats", "main"]
