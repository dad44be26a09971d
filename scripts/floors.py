"""Write evals/floors.json from an eval report: ``python scripts/floors.py reports/eval/report.json``.

Each floored metric's floor is its measured mean per backend and split minus 0.05, rounded down
to a multiple of 0.05; the ceilings (false discrepancies, contradictions) are the measured mean
plus one, rounded up. Run it after a change that moves the numbers on purpose, and say so in the
commit: floors catch regressions, they are not targets."""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from pathlib import Path

FLOORED = ("score", "fact_recall", "discrepancy_recall", "statement_precision", "evidence_validity")
CEILINGS = ("false_discrepancies", "contradictions")
OUT = Path(__file__).resolve().parent.parent / "evals" / "floors.json"


def main(report_path: str) -> int:
    report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    floors: dict[str, dict[str, dict[str, float]]] = {}
    measured: dict[str, dict[str, dict[str, float]]] = {}
    for name, info in report["backends"].items():
        for split in ("dev", "test"):
            means = info.get(split) or {}
            if not means:
                continue
            measured.setdefault(name, {})[split] = {m: round(means[m], 4) for m in FLOORED + CEILINGS if m in means}
            limits = {m: max(0.0, math.floor((means[m] - 0.05) * 20) / 20) for m in FLOORED if m in means}
            limits |= {m: float(math.ceil(means[m] + 1)) for m in CEILINGS if m in means}
            floors.setdefault(name, {})[split] = {m: round(v, 2) for m, v in limits.items()}
    doc = (
        "Eval floors per backend and split (see evals/GUIDE.md, 'Running the eval'): each metric's mean over "
        "the split's stories must be >= its floor; false_discrepancies and contradictions are ceilings. Floors = "
        "measured - 0.05, rounded down to a multiple of 0.05 (ceilings: measured + 1, rounded up), written by "
        "scripts/floors.py. Checked by `summarizer eval --check-floors` (exit 6); override the file with "
        "SUMMARIZER_FLOORS."
    )
    out = {
        "_doc": doc, "floors": floors,
        "measured": {"date": dt.date.today().isoformat(), "stories": [s["id"] for s in report["stories"]], **measured},
    }  # fmt: skip
    OUT.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "reports/eval/report.json"))
