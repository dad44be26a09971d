"""The reliability report CI writes: each fault and bad input the tests tried, with the outcome
the test observed (recovered / reported per document / rejected with exit code N) and whether
the test passed.

Tests record rows through the ``reliability`` fixture *before* asserting, from what actually
happened (an exit code, a brief's failures, the server's call count): nothing here knows the
expected outcomes. The conftest hooks collect each test's result and write the markdown file at
session end to ``$SUMMARIZER_RELIABILITY_REPORT`` (default ``reports/reliability.md``).
"""

from __future__ import annotations

import datetime as _dt
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_VAR = "SUMMARIZER_RELIABILITY_REPORT"
DEFAULT_PATH = Path("reports") / "reliability.md"
EXIT_NAMES = {0: "ok", 1: "internal error", 2: "usage", 3: "input error", 4: "backend error",
              5: "partial", 130: "interrupted"}  # fmt: skip


@dataclass
class Row:
    area: str
    case: str
    outcome: str
    detail: str
    test: str


@dataclass
class ReliabilityLog:
    rows: list[Row] = field(default_factory=list)
    results: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, row: Row) -> None:
        with self._lock:
            self.rows.append(row)

    def result(self, nodeid: str, when: str, outcome: str, xfail: bool = False) -> None:
        """A pytest report: a failure in any phase marks the test failed; an expected failure
        is a known gap (``xfailed``)."""
        with self._lock:
            if outcome == "failed":
                self.results[nodeid] = "failed"
            elif outcome == "skipped":
                self.results.setdefault(nodeid, "known gap (xfail)" if xfail else "skipped")
            elif when == "call":
                self.results.setdefault(nodeid, "passed")

    def write(self, path: Path) -> Path | None:
        if not self.rows:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(self.rows, self.results), encoding="utf-8")
        return path


LOG = ReliabilityLog()


def report_path(rootdir: Path) -> Path:
    raw = os.environ.get(ENV_VAR)
    path = Path(raw) if raw else DEFAULT_PATH
    return path if path.is_absolute() else rootdir / path


def outcome_of_exit(code: int) -> str:
    """How the CLI ended, in the report's words."""
    if code == 0:
        return "accepted (exit 0)"
    if code == 5:
        return "reported per document (exit 5)"
    return f"rejected with exit code {code} ({EXIT_NAMES.get(code, 'other')})"


def outcome_of_doc(brief: Any, doc_id: str, calls: int) -> str:
    """How one document fared in a brief: its failure entry, else how many calls it took."""
    failure = next((f for f in brief.failures if f.source == doc_id), None)
    status = next((s.status for s in brief.sources if s.id == doc_id), "missing")
    if failure is not None:
        return f"reported per document ({status}; {failure.error})"
    if calls > 1:
        return f"recovered after {calls} calls"
    return f"succeeded first time ({calls} call{'s' if calls != 1 else ''})"


class Recorder:
    """The ``reliability`` fixture: ``record(area, case, outcome, detail)``."""

    def __init__(self, log: ReliabilityLog, test: str) -> None:
        self.log = log
        self.test = test

    def record(self, area: str, case: str, outcome: str, detail: str = "") -> str:
        self.log.add(Row(area, case, outcome, " ".join(detail.split())[:160], self.test))
        return outcome

    def cli(self, area: str, case: str, returncode: int, stderr: str = "") -> str:
        lines = [ln for ln in stderr.splitlines() if ln.strip()]
        detail = next((ln for ln in lines if "error" in ln or "warning" in ln), lines[-1] if lines else "")
        return self.record(area, case, outcome_of_exit(returncode), detail)

    def doc(self, area: str, case: str, brief: Any, doc_id: str, calls: int, detail: str = "") -> str:
        return self.record(area, case, outcome_of_doc(brief, doc_id, calls), detail)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "\u2014"


def render(rows: Sequence[Row], results: dict[str, str]) -> str:
    when = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    failed = sum(1 for r in rows if results.get(r.test) == "failed")
    gaps = sum(1 for r in rows if results.get(r.test, "").startswith("known gap"))
    out = [
        "# Reliability report",
        "",
        f"Generated {when} from the test run: {len(rows)} cases, {failed} in failing tests,"
        f" {gaps} known gaps (expected failures). Each outcome is what the test observed; the"
        " last column says whether the test's expectations held.",
        "",
    ]
    areas: dict[str, list[Row]] = {}
    for r in rows:
        areas.setdefault(r.area, []).append(r)
    for area, items in areas.items():
        out += [f"## {area}", "", "| case | outcome | detail | test |", "|---|---|---|---|"]
        for r in items:
            status = results.get(r.test, "unknown")
            name = r.test.split("::", 1)[-1]
            out.append(f"| {_cell(r.case)} | {_cell(r.outcome)} | {_cell(r.detail)} |"
                       f" {'**FAILED**' if status == 'failed' else status}: `{_cell(name)}` |")  # fmt: skip
        out.append("")
    return "\n".join(out)
