"""The eval's numbers for people and machines: summaries by split, floors, Markdown tables."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from summarizer.errors import ConfigError
from summarizer.eval.score import METRICS, ScoreReport

SPLITS = ("dev", "test")
COUNTS = ("false_discrepancies", "contradictions", "unsupported_count", "length_words")


def _means(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    """Means over stories; a component counts only where it applies (None where it never does)."""
    out: dict[str, float | None] = {}
    for m in METRICS:
        vals = [r["scores"][m] for r in rows if m == "score" or m in r["score_report"]["applicable"]]
        out[m] = statistics.fmean(vals) if vals else None
    out["discrepancy_source_accuracy"] = statistics.fmean(r["discrepancy_source_accuracy"] for r in rows)
    out.update({c: statistics.fmean(r[c] for r in rows) for c in COUNTS})
    return {k: (None if v is None else round(v, 4)) for k, v in out.items()}


def summary(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per backend: the headline ``score`` and ``metrics`` over all stories, the same per split,
    and ``per_story`` scores."""
    out: dict[str, dict[str, Any]] = {}
    for name in result["backend_names"]:
        rows = [r for r in result["runs"] if r["backend"] == name and r["status"] == "ok"]
        if not rows:
            continue
        overall = _means(rows)
        entry: dict[str, Any] = {"score": overall["score"], "metrics": overall}
        for split in SPLITS:
            part = [r for r in rows if r["split"] == split]
            if part:
                entry[split] = _means(part)
        entry["per_story"] = {r["story"]: {**r["scores"], **{c: r[c] for c in COUNTS}} for r in rows}
        out[name] = entry
    return out


def load_floors(path: Path | str) -> dict[str, dict[str, dict[str, float]]]:
    """``{backend: {split: {metric: floor}}}``; ``unsupported_count`` and
    ``false_discrepancies`` are ceilings."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read floors file {p}: {exc}") from None
    floors = data.get("floors")
    if not isinstance(floors, dict):
        raise ConfigError(f"floors file {p} has no 'floors' object")
    return {
        str(b): {str(sp): {str(m): float(v) for m, v in ms.items()} for sp, ms in splits.items()}
        for b, splits in floors.items()
    }


CEILINGS = ("unsupported_count", "false_discrepancies", "contradictions")


def check(result: dict[str, Any], floors: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """One line per missed floor. A backend with floors that failed to run misses them all;
    a skipped backend (openai without an endpoint) is not checked."""
    misses: list[str] = []
    summ = result["backends"]
    for name in result["backend_names"]:
        limits = floors.get(name)
        info = result["backend_info"].get(name, {})
        if not limits or info.get("status") == "skipped":
            continue
        if name not in summ or info.get("status") == "error":
            misses.append(f"{name}: not scored ({info.get('error') or 'no run'}); floors not met")
            continue
        for split, metrics in limits.items():
            got_all = summ[name].get(split)
            if got_all is None:
                continue
            for metric, limit in metrics.items():
                got = got_all.get(metric)
                if metric not in got_all:
                    misses.append(f"{name} {split}: {metric}: unknown metric in floors file")
                elif got is None:
                    continue
                elif metric in CEILINGS and got > limit:
                    misses.append(f"{name} {split}: {metric} {got:g} is above its ceiling {limit:g}")
                elif metric not in CEILINGS and got < limit:
                    misses.append(f"{name} {split}: {metric} {got:.3f} is below its floor {limit:.3f}")
    return misses


def _cell(summ: dict[str, Any], name: str, split: str, metric: str) -> str:
    part = summ.get(name, {}).get(split)
    if part is None:
        return "n/a"
    v = part[metric]
    if v is None:
        return "n/a"
    return f"{v:.3f}" if metric in METRICS or metric == "discrepancy_source_accuracy" else f"{v:g}"


def _delta(summ: dict[str, Any], name: str, split: str) -> str:
    """A backend's mean score minus the deterministic layer's (``none``) on the same split."""
    mine, base = summ.get(name, {}).get(split), summ.get("none", {}).get(split)
    if not mine or not base or mine["score"] is None or base["score"] is None:
        return "n/a"
    return f"{mine['score'] - base['score']:+.3f}"


CONTRIBUTION = ("key_sentences", "figure_labels", "measure_groups", "fact_groups", "set_apart")


def _contribution_table(result: dict[str, Any]) -> list[str]:
    """What each backend's model added, summed over the stories (RunInfo.contribution)."""
    names = [n for n in result["backend_names"] if n in result["backends"]]
    lines = ["| backend | " + " | ".join(CONTRIBUTION) + " |", "|" + " --- |" * (len(CONTRIBUTION) + 1)]
    for n in names:
        rows = [r for r in result["runs"] if r["backend"] == n and r["status"] == "ok"]
        sums = [sum(r["run"].get("contribution", {}).get(k, 0) for r in rows) for k in CONTRIBUTION]
        lines.append(f"| {n} | " + " | ".join(str(x) for x in sums) + " |")
    return lines


def score_table(result: dict[str, Any]) -> str:
    """Per split: every metric's mean, one column per backend."""
    names = [n for n in result["backend_names"] if n in result["backends"]]
    lines: list[str] = []
    for split in SPLITS:
        if not any(split in result["backends"][n] for n in names):
            continue
        lines += [f"{split} stories:", "", "| metric | " + " | ".join(names) + " |", "|" + " --- |" * (len(names) + 1)]
        for metric in (*METRICS, "discrepancy_source_accuracy", *COUNTS):
            cells = " | ".join(_cell(result["backends"], n, split, metric) for n in names)
            lines.append(f"| {metric} | {cells} |")
            if metric == "score" and "none" in names:
                deltas = " | ".join(_delta(result["backends"], n, split) for n in names)
                lines.append(f"| score - none | {deltas} |")
        lines.append("")
    return "\n".join(lines)


def _per_story_table(result: dict[str, Any]) -> list[str]:
    names = [n for n in result["backend_names"] if n in result["backends"]]
    lines = ["| story | split | " + " | ".join(names) + " |", "|" + " --- |" * (len(names) + 2)]
    for st in sorted(result["stories"], key=lambda s: (s["split"], s["id"])):
        cells = []
        for n in names:
            ps = result["backends"][n]["per_story"].get(st["id"])
            cells.append(f"{ps['score']:.3f}" if ps else "-")
        lines.append(f"| {st['id']} | {st['split']} | " + " | ".join(cells) + " |")
    return lines


def _stats_table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| story | backend | status | wall s | model calls | cache hits | tokens (prompt+completion)"
        " | grounding proposed / grounded / dropped | failures |",
        "|" + " --- |" * 9,
    ]
    for r in result["runs"]:
        if r["status"] != "ok":
            lines.append(f"| {r['story']} | {r['backend']} | error: {r['error']} |" + " |" * 6)
            continue
        run, g = r["run"], r["run"]["grounding"]
        lines.append(
            f"| {r['story']} | {r['backend']} | ok | {run['wall_seconds']:.2f} | {run['model_calls']}"
            f" | {run['cache_hits']} | {run['prompt_tokens']}+{run['completion_tokens']}"
            f" | {g['proposed']} / {g['grounded']} / {sum(g['dropped'].values())} | {len(r['failures'])} |"
        )
    return lines


def render_markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Eval report",
        "",
        f"Generated {result['generated']}; cache: {result['cache']}. Scores are deterministic"
        " (summarizer/eval/score.py, weights in evals/GUIDE.md); `lead` and `dump` are baselines.",
        "",
        "## Headline score per story",
        "",
        *_per_story_table(result),
        "",
        "## Components (means per split)",
        "",
        score_table(result),
    ]
    lines += ["## What the model contributed (sums over stories)", "", *_contribution_table(result), ""]
    if result["notes"]:
        lines += ["## Notes", ""] + [f"- {n}" for n in result["notes"]] + [""]
    floors = result.get("floors")
    if floors is not None:
        lines += [f"## Floors ({floors['file']})", ""]
        lines += [f"- MISSED: {m}" for m in floors["misses"]] or ["- all floors met"]
        lines.append("")
    lines += ["## Runs", "", *_stats_table(result), ""]
    for r in result["runs"]:
        if r["status"] != "ok":
            continue
        misses = [(k, it) for k, items in r["items"].items() for it in items if not it["hit"]]
        lines += [f"### {r['story']} / {r['backend']}: {len(misses)} missed", ""]
        lines += [f"- {k} `{it['id']}` (w={it['weight']:g}): {it['reason']}" for k, it in misses] or ["- none"]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def format_report_markdown(report: ScoreReport) -> str:
    """One brief's score, every component and every gold item's hit or miss, for people."""
    lines = [f"# Score: {report.story} ({report.split})", "", "| metric | score |", "| --- | --- |"]
    lines += [f"| {k} | {v:.3f} |" for k, v in report.scores().items()]
    lines += [
        "",
        f"- applicable components: {', '.join(report.applicable)}",
        f"- words: {report.length_words} (budget {report.budget_words}); facts anywhere in the brief:"
        f" {report.fact_recall_unbudgeted:.3f}",
        f"- discrepancy sources under the right value: {report.discrepancy_source_accuracy:.3f};"
        f" false discrepancies: {report.false_discrepancies}",
        f"- statements: {len(report.statements)}; contradictions: {report.contradictions};"
        f" unsupported: {report.unsupported_statements}",
    ]
    for title, results in (
        ("Facts", report.facts), ("Discrepancies", report.discrepancies),
        ("Quotes", report.quotes), ("Other events", report.other_event_items),
    ):  # fmt: skip
        lines += ["", f"## {title}", ""]
        lines += [f"- [{'x' if r.hit else ' '}] `{r.id}` (w={r.weight:g}): {r.reason}" for r in results] or ["- none"]
    bad = [
        s for s in report.statements
        if not s.ref.startswith("discrepancies") and (s.verdict in ("contradiction", "unsupported") or s.wrong_sources)
    ]  # fmt: skip
    lines += ["", "## Statements that cost", ""]
    lines += [
        f"- `{s.ref}`: {s.verdict}" + (f" ({', '.join(s.gold)})" if s.gold else "")
        + (f"; wrongly cites {', '.join(s.wrong_sources)}" if s.wrong_sources else "")
        for s in bad
    ] or ["- none"]
    lines += ["", "## Evidence errors", ""] + ([f"- {e}" for e in report.evidence_errors] or ["- none"])
    lines += ["", "## Unsupported names and figures", ""]
    lines += [f"- {u.kind} `{u.text}` in {u.where}" for u in report.unsupported_items] or ["- none"]
    lines += ["", "## Derivatives", ""]
    lines += [f"- {d.status}: {d.source} -> {d.original} ({d.reason})" for d in report.derivatives] or ["- none"]
    return "\n".join(lines) + "\n"
