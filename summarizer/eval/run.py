"""Eval runner: summarise every gold story with each backend, score the briefs, write a report.

``run_eval(backends, settings, out_dir)`` runs :func:`summarizer.pipeline.summarize` on every
story in ``evals/gold/*.json`` once per backend, scores each brief with :func:`evals.score.score`
(deterministic, no model), and writes into ``out_dir``:

- ``report.md``: per-metric scores side by side, per-item hit/miss, run stats (for people);
- ``report.json``: the same, complete (for machines);
- ``<story>.<backend>.brief.json`` and ``.brief.md``: every brief.

Each backend gets a fresh temporary cache (so the numbers come from real model runs) unless the
user set a cache dir (``--cache-dir``/``SUMMARIZER_CACHE_DIR``) or ``--no-cache``; cache hits are
recorded either way. The floors live in ``evals/floors.json`` (override with the environment
variable ``SUMMARIZER_FLOORS``); ``run_cli`` checks them with ``--check-floors``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.score import METRICS, GoldStory, ScoreReport, format_report_markdown, load_corpus, load_gold, score
from summarizer.errors import EXIT_EVAL_FLOOR, EXIT_OK, ConfigError, SummarizerError
from summarizer.settings import Settings

if TYPE_CHECKING:
    from summarizer.backends.base import Backend

EVALS_DIR = Path(__file__).resolve().parent
REPO_ROOT = EVALS_DIR.parent
GOLD_DIR = EVALS_DIR / "gold"
DEFAULT_FLOORS = EVALS_DIR / "floors.json"
FLOORS_ENV = "SUMMARIZER_FLOORS"

KNOWN_BACKENDS = ("none", "llama", "openai")
FLOOR_METRICS = (
    "fact_recall",
    "discrepancy_recall",
    "attribution_precision",
    "derivative_f1",
    "quote_recall",
)
"""Metrics with a floor (score must be >= floor). ``unsupported_count`` has a ceiling instead."""
CEILING_METRICS = ("unsupported_count",)
TABLE_METRICS = METRICS

Say = Callable[[str], None]


# --------------------------------------------------------------------------- inputs


def gold_paths(gold_dir: Path | None = None) -> list[Path]:
    return sorted((gold_dir or GOLD_DIR).glob("*.json"))


def corpus_dir(gold: GoldStory, gold_path: Path) -> Path:
    """The gold's ``corpus`` folder: as given if it exists, else relative to the repo root."""
    given = Path(gold.corpus)
    if given.is_absolute() or given.is_dir():
        return given
    return gold_path.resolve().parents[2] / gold.corpus


def parse_backends(text: str | Sequence[str]) -> list[str]:
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in KNOWN_BACKENDS]
    if unknown:
        raise ConfigError(f"unknown backend(s) {', '.join(unknown)}; choose from {', '.join(KNOWN_BACKENDS)}")
    if not names:
        raise ConfigError("--backends is empty")
    return list(dict.fromkeys(names))


def floors_path(explicit: Path | str | None = None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get(FLOORS_ENV)
    return Path(env) if env else DEFAULT_FLOORS


def load_floors(path: Path | str | None = None) -> dict[str, dict[str, float]]:
    """``{backend: {metric: floor}}`` from the floors file (``unsupported_count`` is a ceiling)."""
    p = floors_path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read floors file {p}: {exc}") from None
    floors = data.get("floors")
    if not isinstance(floors, dict):
        raise ConfigError(f"floors file {p} has no 'floors' object")
    return {str(b): {str(m): float(v) for m, v in ms.items()} for b, ms in floors.items()}


# --------------------------------------------------------------------------- running


def _backend_settings(settings: Settings, name: str, cache_dir: Path | None) -> Settings:
    update: dict[str, Any] = {"backend": name}
    if cache_dir is not None:
        update["cache_dir"] = cache_dir
    return settings.model_copy(update=update)


def _cache_policy(settings: Settings) -> str:
    if settings.no_cache:
        return "off"
    if "cache_dir" in settings.model_fields_set:
        return "user"
    return "fresh"


def build_backend(name: str, settings: Settings) -> Backend | None:
    """The backend object for ``name`` (None for "none"); raises SummarizerError if unusable."""
    if name == "none":
        return None
    from summarizer.backends import resolve_backend

    return resolve_backend(settings.model_copy(update={"backend": name}))


def _item_rows(report: ScoreReport) -> dict[str, list[dict[str, Any]]]:
    return {
        kind: [{"id": r.id, "hit": r.hit, "weight": r.weight, "reason": r.reason} for r in results]
        for kind, results in (
            ("facts", report.facts),
            ("discrepancies", report.discrepancies),
            ("quotes", report.quotes),
        )
    }


def _run_story(
    story: GoldStory,
    gold_path: Path,
    backend_name: str,
    backend: Backend | None,
    settings: Settings,
    out_dir: Path,
    say: Say,
) -> dict[str, Any]:
    from summarizer.pipeline import summarize

    cdir = corpus_dir(story, gold_path)
    texts = load_corpus(cdir)
    files = [str(p) for p in sorted(cdir.glob("*.txt"))]
    story_id = gold_path.stem
    row: dict[str, Any] = {"story": story_id, "backend": backend_name, "status": "ok", "error": None}

    def progress(event: str, doc: str) -> None:
        if event == "done":
            say(f"  {backend_name} {story_id}: {doc} done")

    started = time.perf_counter()
    try:
        brief = summarize(files, settings, backend=backend, progress=progress)
    except Exception as exc:  # noqa: BLE001 - one story's failure is a row in the report
        row.update(status="error", error=f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
        return row
    row["wall_seconds_outer"] = round(time.perf_counter() - started, 3)
    stem = f"{story_id}.{backend_name}"
    json_path = out_dir / f"{stem}.brief.json"
    md_path = out_dir / f"{stem}.brief.md"
    json_path.write_text(brief.to_json() + "\n", encoding="utf-8")
    md_path.write_text(brief.to_markdown().rstrip("\n") + "\n", encoding="utf-8")
    # score what was saved: report.json's numbers are a re-score of the file on disk
    report = score(json_path.read_text(encoding="utf-8"), story, texts)
    r = brief.run
    row.update(
        brief_json=json_path.name,
        brief_md=md_path.name,
        model=r.model,
        scores=report.scores(),
        unsupported_count=report.unsupported_count,
        unsupported_checked=report.unsupported_checked,
        derivative_precision=report.derivative_precision,
        derivative_recall=report.derivative_recall,
        length_words=report.length_words,
        items=_item_rows(report),
        run=r.model_dump(mode="json"),
        failures=[f.model_dump(mode="json") for f in brief.failures],
        score_report=report.model_dump(mode="json"),
    )
    (out_dir / f"{stem}.score.md").write_text(format_report_markdown(report), encoding="utf-8")
    row["_brief"] = brief  # dropped before writing; used by the judge
    row["_report"] = report
    return row


def run_eval(
    backends: Sequence[str],
    settings: Settings,
    out_dir: Path | str,
    judge: bool = False,
    *,
    check_floors: bool = False,
    floors_file: Path | str | None = None,
    gold_dir: Path | None = None,
    say: Say | None = None,
) -> dict[str, Any]:
    """Run, score and report every gold story for every backend; return the report.json dict."""
    say = say or (lambda msg: None)
    names = parse_backends(backends)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stories = [(p, load_gold(p)) for p in gold_paths(gold_dir)]
    if not stories:
        raise ConfigError(f"no gold files in {gold_dir or GOLD_DIR}")
    policy = _cache_policy(settings)
    result: dict[str, Any] = {
        "generated": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "stories": [p.stem for p, _ in stories],
        "titles": {p.stem: s.story for p, s in stories},
        "backends": names,
        "cache": {
            "fresh": "a fresh temporary cache per backend",
            "user": f"user cache {settings.cache_dir}",
            "off": "cache disabled (--no-cache)",
        }[policy],
        "notes": [],
        "backend_info": {},
        "runs": [],
    }
    for name in names:
        info: dict[str, Any] = {"status": "ok", "error": None, "load_seconds": 0.0}
        result["backend_info"][name] = info
        if name == "openai" and not settings.base_url:
            info.update(status="skipped", error="no endpoint configured (--base-url or SUMMARIZER_BASE_URL)")
            result["notes"].append(f"openai: skipped: {info['error']}")
            say(f"eval: openai skipped: {info['error']}")
            continue
        with tempfile.TemporaryDirectory(prefix=f"summarizer-eval-{name}-") as tmp:
            bsettings = _backend_settings(settings, name, Path(tmp) if policy == "fresh" else None)
            t0 = time.perf_counter()
            try:
                backend = build_backend(name, bsettings)
            except Exception as exc:  # noqa: BLE001 - an unusable backend is an error row
                info.update(status="error", error=f"{type(exc).__name__}: {exc}")
                result["notes"].append(f"{name}: cannot be built: {info['error']}")
                say(f"eval: {name} cannot be built: {exc}")
                continue
            info["load_seconds"] = round(time.perf_counter() - t0, 3)
            info["model"] = getattr(backend, "model", None)
            info["endpoint"] = getattr(backend, "endpoint", None)
            for gold_path, story in stories:
                say(f"eval: {name} on {gold_path.stem}")
                row = _run_story(story, gold_path, name, backend, bsettings, out, say)
                if row["status"] == "error":
                    info.update(status="error", error=row["error"])
                result["runs"].append(row)
    if judge:
        _add_judge(result, settings, stories, say)
    result["summary"] = summary(result)
    if check_floors:
        fpath = floors_path(floors_file)
        result["floors"] = {"file": str(fpath), "misses": check(result, load_floors(fpath))}
    for row in result["runs"]:
        row.pop("_brief", None)
        row.pop("_report", None)
    (out / "report.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (out / "report.md").write_text(render_markdown(result), encoding="utf-8")
    return result


def _add_judge(
    result: dict[str, Any], settings: Settings, stories: list[tuple[Path, GoldStory]], say: Say
) -> None:
    if not settings.base_url:
        result["notes"].append("judge: skipped: no endpoint configured (--base-url or SUMMARIZER_BASE_URL)")
        say("eval: judge skipped: no endpoint configured")
        return
    from evals.judge import judge_misses

    gold_by_story = {p.stem: s for p, s in stories}
    for row in result["runs"]:
        if row["status"] != "ok":
            continue
        say(f"eval: judging {row['backend']} misses on {row['story']}")
        try:
            row["judge"] = judge_misses(row["_brief"], row["_report"], gold_by_story[row["story"]], settings)
        except SummarizerError as exc:
            row["judge_error"] = f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------- summary and floors


def summary(result: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per backend: the mean of each metric (and of unsupported_count) over the stories."""
    out: dict[str, dict[str, float]] = {}
    for name in result["backends"]:
        rows = [r for r in result["runs"] if r["backend"] == name and r["status"] == "ok"]
        if not rows:
            continue
        agg = {m: statistics.fmean(r["scores"][m] for r in rows) for m in TABLE_METRICS}
        agg["unsupported_count"] = statistics.fmean(r["unsupported_count"] for r in rows)
        out[name] = {k: round(v, 4) for k, v in agg.items()}
    return out


def check(result: dict[str, Any], floors: dict[str, dict[str, float]]) -> list[str]:
    """One line per missed floor. A backend with floors that failed to run misses them all;
    a skipped backend (openai without an endpoint) is not checked."""
    misses: list[str] = []
    summ = result.get("summary") or summary(result)
    for name in result["backends"]:
        limits = floors.get(name)
        if not limits:
            continue
        info = result["backend_info"].get(name, {})
        if info.get("status") == "skipped":
            continue
        if name not in summ or info.get("status") == "error":
            misses.append(f"{name}: not scored ({info.get('error') or 'no run'}); floors not met")
            continue
        for metric, limit in limits.items():
            got = summ[name].get(metric)
            if got is None:
                misses.append(f"{name}: {metric}: unknown metric in floors file")
            elif metric in CEILING_METRICS:
                if got > limit:
                    misses.append(f"{name}: {metric} {got:g} is above its ceiling {limit:g}")
            elif got < limit:
                misses.append(f"{name}: {metric} {got:.3f} is below its floor {limit:.3f}")
    return misses


# --------------------------------------------------------------------------- rendering


_KIND = {"facts": "fact", "discrepancies": "discrepancy", "quotes": "quote"}


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def score_table(result: dict[str, Any]) -> str:
    """Per-metric scores side by side, one column per backend (means over stories)."""
    names = list(result["backends"])
    summ = result.get("summary") or summary(result)
    head = "| metric | " + " | ".join(names) + " |"
    lines = [head, "|" + " --- |" * (len(names) + 1)]

    def cell(name: str, metric: str) -> str:
        if name not in summ:
            return str(result["backend_info"].get(name, {}).get("status", "n/a"))
        v = summ[name][metric]
        return f"{v:g}" if metric == "unsupported_count" else _fmt(v)

    for metric in (*TABLE_METRICS, "unsupported_count"):
        lines.append(f"| {metric} | " + " | ".join(cell(n, metric) for n in names) + " |")
    return "\n".join(lines) + "\n"


def _stats_table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| story | backend | status | model | wall s | load s | model calls | cache hits | tokens (prompt+completion)"
        " | grounding proposed / grounded / dropped | failures |",
        "|" + " --- |" * 11,
    ]
    for name in result["backends"]:
        info = result["backend_info"][name]
        rows = [r for r in result["runs"] if r["backend"] == name]
        if not rows:
            lines.append(f"| - | {name} | {info['status']}: {info['error'] or ''} |" + " |" * 8)
        for r in rows:
            if r["status"] != "ok":
                lines.append(f"| {r['story']} | {name} | error: {r['error']} |" + " |" * 8)
                continue
            run = r["run"]
            g = run["grounding"]
            dropped = sum(g["dropped"].values())
            why = ", ".join(f"{k} {v}" for k, v in sorted(g["dropped"].items()))
            lines.append(
                f"| {r['story']} | {name} | ok | {run['model'] or '-'} | {run['wall_seconds']:.2f}"
                f" | {info['load_seconds']:.2f} | {run['model_calls']} | {run['cache_hits']}"
                f" | {run['prompt_tokens']}+{run['completion_tokens']}"
                f" | {g['proposed']} / {g['grounded']} / {dropped}{f' ({why})' if why else ''}"
                f" | {len(r['failures'])} |"
            )
    return lines


def render_markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Eval report",
        "",
        f"Generated {result['generated']}; stories: {', '.join(result['stories'])}; cache: {result['cache']}.",
        "Scores are deterministic (evals/score.py); means over stories. `unsupported` is"
        " 1 - unsupported/checked; `unsupported_count` is the raw count.",
        "",
        score_table(result).rstrip("\n"),
        "",
    ]
    if result["notes"]:
        lines += ["## Notes", ""] + [f"- {n}" for n in result["notes"]] + [""]
    floors = result.get("floors")
    if floors is not None:
        lines += [f"## Floors ({floors['file']})", ""]
        lines += [f"- MISSED: {m}" for m in floors["misses"]] or ["- all floors met"]
        lines.append("")
    lines += ["## Runs", ""] + _stats_table(result) + [""]
    ok = [r for r in result["runs"] if r["status"] == "ok"]
    for story in result["stories"]:
        rows = [r for r in ok if r["story"] == story]
        if not rows:
            continue
        lines += [f"## Gold items: {story} ({result['titles'][story]})", ""]
        lines.append("| kind | item | weight | " + " | ".join(r["backend"] for r in rows) + " |")
        lines.append("|" + " --- |" * (3 + len(rows)))
        first = rows[0]["items"]
        for kind in ("facts", "discrepancies", "quotes"):
            for i, item in enumerate(first[kind]):
                marks = " | ".join("hit" if r["items"][kind][i]["hit"] else "**miss**" for r in rows)
                lines.append(f"| {_KIND[kind]} | `{item['id']}` | {item['weight']:g} | {marks} |")
        lines.append("")
        for r in rows:
            misses = [
                (k, it) for k in ("facts", "discrepancies", "quotes") for it in r["items"][k] if not it["hit"]
            ]
            lines += [f"### {r['backend']}: {len(misses)} missed", ""]
            lines += [f"- {_KIND[k]} `{it['id']}`: {it['reason']}" for k, it in misses] or ["- none"]
            if r["unsupported_count"]:
                unsup = r["score_report"]["unsupported_items"]
                lines.append(
                    "- unsupported: " + ", ".join(f"{u['kind']} `{u['text']}` ({u['where']})" for u in unsup)
                )
            if "judge" in r:
                lines += [
                    "",
                    f"Judge verdicts on {r['backend']}'s missed facts (not part of the scores):",
                    "",
                ]
                lines += [
                    f"- `{v['gold_id']}`: {'present' if v['supported'] else 'absent'}"
                    f"{' as ' + v['brief_item_id'] if v.get('brief_item_id') else ''}: {v['reason']}"
                    for v in r["judge"]
                ] or ["- no missed facts"]
            if r.get("judge_error"):
                lines.append(f"- judge failed: {r['judge_error']}")
            lines += [
                "",
                f"Brief: `{r['brief_md']}`, `{r['brief_json']}`; full score: `{r['story']}.{r['backend']}.score.md`",
                "",
            ]
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- command line


def run_cli(args: argparse.Namespace, settings: Settings) -> int:
    """``summarizer eval`` / ``python -m evals``: run, print the table, check floors."""
    quiet = bool(getattr(args, "quiet", False))

    def say(msg: str) -> None:
        if not quiet:
            print(msg, file=sys.stderr, flush=True)

    result = run_eval(
        parse_backends(args.backends),
        settings,
        Path(args.out),
        judge=bool(getattr(args, "judge", False)),
        check_floors=bool(getattr(args, "check_floors", False)),
        say=say,
    )
    print(score_table(result), end="")
    for note in result["notes"]:
        print(f"note: {note}")
    print(f"report: {Path(args.out) / 'report.md'}")
    floors = result.get("floors")
    if floors is not None:
        for miss in floors["misses"]:
            print(f"floor missed: {miss}")
        if floors["misses"]:
            return EXIT_EVAL_FLOOR
        print("floors: all met")
    return EXIT_OK
