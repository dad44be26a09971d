"""How the deterministic stages scale: ``python bench/scale.py [--sizes 100,1000,5000]``.

For each size, synthetic documents (bench/synth.py) go through the evidence layer, the stories
stage, the merge of the largest story, and the merge of all documents as if one story, each
timed on its own (perf_counter, one process, no model), after a warm-up run that pays the
imports once. Prints a Markdown table and writes bench/scale.json."""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import synth_docs  # noqa: E402

from summarizer.documents import load_inputs  # noqa: E402
from summarizer.evidence import analyze, candidates  # noqa: E402
from summarizer.merge import merge  # noqa: E402
from summarizer.stories import group_stories  # noqa: E402

BENCH = Path(__file__).resolve().parent


def run(n: int) -> dict[str, float]:
    docs = load_inputs(synth_docs(n), 10**7).documents
    t0 = time.perf_counter()
    evs = [analyze(d) for d in docs]
    cands = [c for ev in evs for c in candidates(ev)]
    t1 = time.perf_counter()
    stories = group_stories(evs)
    t2 = time.perf_counter()
    main = {d for d in stories[0].main}
    merged = merge([ev for ev in evs if ev.doc.id in main], [c for c in cands if c.doc in main])
    t3 = time.perf_counter()
    merge(evs, cands)  # every document as one story: the worst case
    t4 = time.perf_counter()
    return {
        "documents": n, "evidence_s": round(t1 - t0, 2), "stories_s": round(t2 - t1, 2),
        "merge_main_s": round(t3 - t2, 2), "main_story_docs": len(main), "merge_all_s": round(t4 - t3, 2), "facts": len(merged.facts),
        "discrepancies": len(merged.discrepancies),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--sizes", default="100,1000,5000")
    args = ap.parse_args()
    t0 = time.perf_counter()
    run(20)  # imports (scikit-learn, scipy) and first-call caches, paid once per process
    print(f"warm-up (imports, 20 documents): {time.perf_counter() - t0:.2f} s")
    rows = [run(int(n)) for n in args.sizes.split(",")]
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    (BENCH / "scale.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
