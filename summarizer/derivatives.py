"""Which sources are copies of another: republications (most 5-word shingles contained in the
other) and rewrites (sentences aligning, in order, with reworded sentences of the other).
Derivatives never count as independent sources."""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any, Literal

from summarizer.brief import Derivative
from summarizer.evidence import DocEvidence
from summarizer.similarity import Rows, TfIdf, alignment_of, bag, containment
from summarizer.text import shingles

# Measured on the seeds and ind_surya_ghar_cabinet (dev): republications contain >= 0.8 of the
# original's shingles, distinct originals on one event <= 0.3.
REPUBLICATION_CONTAINMENT = 0.6
REWRITE_ALIGNMENT = 0.6
REWRITE_MEAN_SIMILARITY = 0.55
REWRITE_MIN_ALIGNMENT = 0.4
MAX_PAIRS_PER_DOC = 8
NOTE_WEIGHT = 0.2  # larger than the containment asymmetry of trimmed copies on the dev stories (<= 0.05)
COPY_NOTE = re.compile(
    r"\b(syndicated|wire (copy|feed)|originally (published|appeared)|republished|reproduced "
    r"(with|by|from)|has not been edited|first (published|appeared) (in|on|by))\b",
    re.IGNORECASE,
)


def detect_derivatives(evidence: Sequence[DocEvidence], tfidf: TfIdf) -> list[Derivative]:
    """A source is a derivative of another when most of it is contained in, or aligns sentence
    by sentence with, the other, and more so than the other in it.

    Only pairs that share several rare content-word trigrams are compared (blocking), so the
    cost grows with the number of near pairs, not with the square of the sources."""
    texts = {ev.doc.id: " ".join(s.text for s in ev.sentences) for ev in evidence}
    ids = list(texts)
    # a document's content words are its sentences' bags, read once for every stage
    pairs = _near_pairs({ev.doc.id: [w for s in ev.sentences for w in bag(s.text)] for ev in evidence})
    near = {d for pair in pairs for d in pair}  # only documents in a near pair are compared
    rows: dict[str, list[int]] = {}
    bags: list[list[str]] = []
    for ev in evidence:
        if ev.doc.id in near:
            rows[ev.doc.id] = list(range(len(bags), len(bags) + len(ev.sentences)))
            bags += [bag(s.text) for s in ev.sentences]
    matrix = tfidf.unit_rows(bags)
    shingle_sets = {d: shingles(texts[d]) for d in near}
    score: dict[tuple[str, str], tuple[float, float, float]] = {}
    for (a, b), sims in _sentence_blocks(pairs, rows, matrix).items():
        for x, y, m in ((a, b, sims), (b, a, None if sims is None else sims.T)):
            c = containment(shingle_sets[x], shingle_sets[y])
            al, mb = alignment_of(m, threshold=0.45) if m is not None else (0.0, 0.0)
            score[(x, y)] = (c, al, mb)

    def strength(a: str, b: str) -> float:
        c, al, mb = score[(a, b)]
        return max(c, al, mb if al >= REWRITE_MIN_ALIGNMENT else 0.0)

    noted = {ev.doc.id for ev in evidence if COPY_NOTE.search(ev.doc.text)}

    def directed(a: str, b: str) -> float:
        """How strongly a copies b; a note saying a text was syndicated or republished tips a
        near-symmetric pair (both contain most of the other) towards the noted one."""
        return strength(a, b) + NOTE_WEIGHT * ((a in noted) - (b in noted))

    def is_derivative(a: str, b: str) -> bool:
        c, al, mb = score[(a, b)]
        return (
            c >= REPUBLICATION_CONTAINMENT
            or al >= REWRITE_ALIGNMENT
            or (mb >= REWRITE_MEAN_SIMILARITY and al >= REWRITE_MIN_ALIGNMENT)
        )

    compared: dict[str, list[str]] = defaultdict(list)
    for a, b in score:
        compared[a].append(b)
    found: dict[str, str] = {}
    for a in ids:
        candidates_b = [b for b in compared[a] if is_derivative(a, b) and directed(a, b) > directed(b, a)]
        if candidates_b:
            found[a] = max(candidates_b, key=lambda b: (strength(a, b), b))
    out: list[Derivative] = []
    for a, b in found.items():
        seen = {a}
        while b in found and found[b] not in seen:  # a copy of a copy points at the original
            seen.add(b)
            b = found[b]
        c, al, mb = score.get((a, b), score[(a, found[a])])
        kind: Literal["republication", "rewrite"] = (
            "republication" if c >= REPUBLICATION_CONTAINMENT else "rewrite"
        )
        reason = (
            f"{c:.0%} of its 5-word shingles appear in {b}"
            if kind == "republication"
            else f"{al:.0%} of its sentences align, in order, with reworded sentences of {b}"
            f" (mean best match {mb:.2f})"
        )
        out.append(
            Derivative(
                source=a,
                original=b,
                kind=kind,
                similarity=round(c, 3),
                paraphrase_similarity=round(al, 3),
                reason=reason,
            )  # fmt: skip
        )
    return sorted(out, key=lambda d: d.source)


def _sentence_blocks(pairs: set[tuple[str, str]], rows: dict[str, list[int]], matrix: Rows) -> dict[tuple[str, str], Any]:
    """Each pair's sentence similarities (a's sentences by b's), or None when one has no
    sentences: one sparse product per document against all its partners, cut into blocks."""
    partners: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(pairs):
        partners[a].append(b)
    out: dict[tuple[str, str], Any] = {}
    for a, bs in partners.items():
        with_rows = [b for b in bs if rows[a] and rows[b]]
        out.update({(a, b): None for b in bs if b not in with_rows})
        if not with_rows:
            continue
        sims = matrix.block(rows[a], [r for b in with_rows for r in rows[b]])
        start = 0
        for b in with_rows:
            out[(a, b)] = sims[:, start : start + len(rows[b])]
            start += len(rows[b])
    return out


def _near_pairs(bags: dict[str, list[str]], k: int = 3, min_shared: int = 3) -> set[tuple[str, str]]:
    """Document pairs sharing at least ``min_shared`` content-word k-grams that are rare in the
    collection (a k-gram in more than max(10, 5%) of the documents says nothing)."""
    grams: dict[str, set[tuple[str, ...]]] = {
        d: {tuple(ws[i : i + k]) for i in range(len(ws) - k + 1)} for d, ws in bags.items()
    }
    index: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for d, gs in grams.items():
        for g in gs:
            index[g].append(d)
    limit = max(10, int(0.05 * len(bags)))
    shared: Counter[tuple[str, str]] = Counter()
    for docs in index.values():
        if 1 < len(docs) <= limit:
            for i, a in enumerate(docs):
                for b in docs[i + 1 :]:
                    shared[(a, b) if a < b else (b, a)] += 1
    best: dict[str, list[tuple[int, tuple[str, str]]]] = defaultdict(list)
    for p, n in shared.items():
        if n >= min_shared:
            best[p[0]].append((n, p))
            best[p[1]].append((n, p))
    # a copy shares the most with its original: each document keeps its closest few pairs
    return {p for items in best.values() for _, p in heapq.nlargest(MAX_PAIRS_PER_DOC, items)}


# ---------------------------------------------------------------- figures


def independent(sources: Sequence[str], derivative_of: dict[str, str]) -> list[str]:
    """Supporting sources that are not derivatives of another source."""
    return [s for s in sources if s not in derivative_of]
