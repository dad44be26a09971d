"""Eval runner: summarise every gold story with each backend, score the briefs, write a report.

``run_eval(backends, settings, out_dir)`` runs :func:`summarizer.pipeline.summarize` on every
story in ``evals/gold/*.json`` once per backend (the baselines ``lead`` and ``dump`` build their
briefs from the texts instead), scores each brief with :func:`summarizer.eval.score.score`
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
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.errors import EXIT_EVAL_FLOOR, EXIT_OK, ConfigError, SummarizerError
from summarizer.eval.baselines import BASELINES
from summarizer.eval.gold import GoldStory, load_corpus, load_gold
from summarizer.eval.report import (
    check,
    format_report_markdown,
    load_floors,
    render_markdown,
    score_table,
    summary,
)
from summarizer.eval.score import ScoreReport, score
from summarizer.settings import Settings

if TYPE_CHECKING:
    from summarizer.backends.base import Backend

EVALS_ENV = "SUMMARIZER_EVALS"
FLOORS_ENV = "SUMMARIZER_FLOORS"
ORACLES = {"oracle": 0.0, "noisy-oracle": 0.2}
"""Simulated capable models (summarizer.eval.oracle) and the share of their labels that is wrong."""
KNOWN_BACKENDS = ("none", "llama", "openai", *ORACLES, *BASELINES)


def evals_dir() -> Path:
    """Where the gold, corpus and floors live: $SUMMARIZER_EVALS, ./evals, or the source tree's."""
    env = os.environ.get(EVALS_ENV)
    if env:
        return Path(env)
    here = Path.cwd() / "evals"
    if (here / "gold").is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "evals"


Say = Callable[[str], None]


# --------------------------------------------------------------------------- inputs


def gold_paths(gold_dir: Path | None = None) -> list[Path]:
    return sorted((gold_dir or evals_dir() / "gold").glob("*.json"))


def corpus_dir(gold: GoldStory, gold_path: Path) -> Path:
    """The gold's ``corpus`` folder: as given if it exists, else relative to the repo root."""
    given = Path(gold.corpus)
    if given.is_absolute() or given.is_dir():
        return given
    return gold_path.resolve().parents[2] / gold.corpus


def parse_backends(text: str | Sequence[str]) -> list[str]:
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    unknown = [n for n in names if _oracle(n)[0] not in KNOWN_BACKENDS]
    if unknown:
        raise ConfigError(f"unknown backend(s) {', '.join(unknown)}; choose from {', '.join(KNOWN_BACKENDS)}")
    if not names:
        raise ConfigError("--backends is empty")
    return list(dict.fromkeys(names))


def _oracle(name: str) -> tuple[str, int]:
    """'noisy-oracle@2' is noisy-oracle with its wrong labels drawn from seed 2 (default 0)."""
    kind, _, seed = name.partition("@")
    if kind in ORACLES and seed.isdigit():
        return kind, int(seed)
    return name, 0


def floors_path(explicit: Path | str | None = None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get(FLOORS_ENV)
    return Path(env) if env else evals_dir() / "floors.json"


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


def build_backend(
    name: str, settings: Settings, stack: ExitStack | None = None, gold_dir: Path | None = None
) -> Backend | None:
    """The backend object for ``name`` (None for "none"); raises SummarizerError if unusable.
    An oracle's loopback server is started and its stop registered on ``stack``."""
    if name == "none" or name in BASELINES:
        return None
    if _oracle(name)[0] in ORACLES:
        from summarizer.eval.oracle import Oracle, OracleServer

        if stack is None:
            raise ConfigError(f"{name}: needs a context to run its server in")
        kind, seed = _oracle(name)
        server = stack.enter_context(OracleServer(Oracle(gold_paths(gold_dir), noise=ORACLES[kind], seed=seed)))
        settings = settings.model_copy(update={"base_url": server.base_url, "model": name, "api_key": None})
        name = "openai"
    from summarizer.backends import resolve_backend

    return resolve_backend(settings.model_copy(update={"backend": name}))


def _item_rows(report: ScoreReport) -> dict[str, list[dict[str, Any]]]:
    return {
        kind: [{"id": r.id, "hit": r.hit, "weight": r.weight, "reason": r.reason} for r in results]
        for kind, results in (
            ("facts", report.facts),
            ("discrepancies", report.discrepancies),
            ("quotes", report.quotes),
            ("other_events", report.other_event_items),
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
        if backend_name in BASELINES:
            brief = BASELINES[backend_name](texts, story.story)
        else:
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
        split=story.split,
        scores=report.scores(),
        unsupported_count=report.unsupported_count,
        false_discrepancies=report.false_discrepancies,
        discrepancy_source_accuracy=report.discrepancy_source_accuracy,
        contradictions=report.contradictions,
        length_words=report.length_words,
        budget_words=report.budget_words,
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
        raise ConfigError(f"no gold files in {gold_dir or evals_dir() / 'gold'}")
    policy = _cache_policy(settings)
    result: dict[str, Any] = {
        "generated": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "stories": [{"id": p.stem, "split": s.split, "title": s.story} for p, s in stories],
        "backend_names": names,
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
        with tempfile.TemporaryDirectory(prefix=f"summarizer-eval-{name}-") as tmp, ExitStack() as stack:
            bsettings = _backend_settings(settings, name, Path(tmp) if policy == "fresh" else None)
            t0 = time.perf_counter()
            try:
                backend = build_backend(name, bsettings, stack, gold_dir)
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
    result["backends"] = summary(result)
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
    from summarizer.eval.judge import judge_misses

    gold_by_story = {p.stem: s for p, s in stories}
    for row in result["runs"]:
        if row["status"] != "ok":
            continue
        say(f"eval: judging {row['backend']} misses on {row['story']}")
        try:
            row["judge"] = judge_misses(row["_brief"], row["_report"], gold_by_story[row["story"]], settings)
        except SummarizerError as exc:
            row["judge_error"] = f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------- command line


def run_cli(args: argparse.Namespace, settings: Settings) -> int:
    """``summarizer eval`` / ``python -m evals``: run, print the table, check floors."""
    quiet = bool(getattr(args, "quiet", False))
    gold_dir = Path(args.gold_dir) if getattr(args, "gold_dir", None) else None
    if getattr(args, "lint", False):
        return lint_cli(gold_dir)

    def say(msg: str) -> None:
        if not quiet:
            print(msg, file=sys.stderr, flush=True)

    result = run_eval(
        parse_backends(args.backends),
        settings,
        Path(args.out),
        gold_dir=gold_dir,
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


def lint_cli(gold_dir: Path | None) -> int:
    """``summarizer eval --lint``: every story's gold against its texts; exit 6 on a problem."""
    from summarizer.eval.lint import check_gold

    problems = 0
    for path in gold_paths(gold_dir):
        gold = load_gold(path)
        found = check_gold(gold, load_corpus(corpus_dir(gold, path)))
        problems += len(found)
        print(f"{path.stem} ({gold.split}): {'ok' if not found else f'{len(found)} problem(s)'}")
        for line in found:
            print(f"  {line}")
    return EXIT_EVAL_FLOOR if problems else EXIT_OK
