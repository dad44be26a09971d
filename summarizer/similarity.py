"""Lexical similarity: TF-IDF sentence vectors with an inverted index for blocking, shingle
containment for near-copies, and order-aware sentence alignment for rewrites (paraphrase)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from summarizer.text import content_words

Vector = dict[str, float]


def unit(v: Vector) -> Vector:
    """Scale to length 1, so that cosine becomes a plain dot product."""
    n = math.sqrt(sum(w * w for w in v.values()))
    return {t: w / n for t, w in v.items()} if n else {}


def dot(a: Vector, b: Vector) -> float:
    """Dot product; the cosine of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    total = 0.0
    for t, w in a.items():
        v = b.get(t)
        if v is not None:
            total += w * v
    return total


def cosine(a: Vector, b: Vector) -> float:
    d = dot(a, b)
    if not d:
        return 0.0
    return d / (math.sqrt(dot(a, a)) * math.sqrt(dot(b, b)))


class TfIdf:
    """IDF fitted on a collection of token lists; vectors are L2-unnormalised TF-IDF."""

    def __init__(self, docs: Sequence[Sequence[str]]) -> None:
        self.n = max(1, len(docs))
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(d))
        self.idf = {t: math.log((1 + self.n) / (1 + c)) + 1.0 for t, c in df.items()}

    def vector(self, tokens: Sequence[str], weight: float = 1.0) -> Vector:
        tf = Counter(tokens)
        return {t: weight * (1 + math.log(c)) * self.idf.get(t, 1.0) for t, c in tf.items()}


def candidate_pairs(
    vectors: Sequence[Vector], groups: Sequence[str], max_postings: int = 200, top_terms: int = 6
) -> set[tuple[int, int]]:
    """Blocking: pairs (i < j) from different groups that share one of their heaviest terms.
    Terms shared by more than ``max_postings`` items are too common to block on."""
    index: dict[str, list[int]] = defaultdict(list)
    keys: list[list[str]] = []
    for i, v in enumerate(vectors):
        terms = [t for t, _ in sorted(v.items(), key=lambda kv: -kv[1])[:top_terms]]
        keys.append(terms)
        for t in terms:
            index[t].append(i)
    pairs: set[tuple[int, int]] = set()
    for i, terms in enumerate(keys):
        for t in terms:
            post = index[t]
            if len(post) > max_postings:
                continue
            for j in post:
                if j > i and groups[i] != groups[j]:
                    pairs.add((i, j))
    return pairs


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            out[self.find(i)].append(i)
        return out


def average_linkage(n: int, edges: dict[tuple[int, int], float], threshold: float) -> list[list[int]]:
    """Agglomerative clustering over a sparse similarity graph: repeatedly merge the two
    clusters with the highest average pairwise similarity (missing pairs count as 0) while it
    is at least ``threshold``. Unlike single linkage, it does not chain unrelated items."""
    import heapq

    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    sums: dict[int, dict[int, float]] = defaultdict(dict)
    for (a, b), w in edges.items():
        sums[a][b] = sums[a].get(b, 0.0) + w
        sums[b][a] = sums[b].get(a, 0.0) + w
    heap = [(-w, a, b) for (a, b), w in edges.items() if w >= threshold]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        avg = sums[a].get(b, 0.0) / (len(members[a]) * len(members[b]))
        if abs(avg + neg) > 1e-12:
            continue  # stale entry
        if avg < threshold:
            break
        members[a].extend(members.pop(b))
        for c, w in sums.pop(b).items():
            if c == a:
                continue
            sums[a][c] = sums[a].get(c, 0.0) + w
            sums[c].pop(b, None)
            sums[c][a] = sums[a][c]
        sums[a].pop(b, None)
        for c, w in sums[a].items():
            new_avg = w / (len(members[a]) * len(members[c]))
            if new_avg >= threshold:
                heapq.heappush(heap, (-new_avg, min(a, c), max(a, c)))
    return [sorted(m) for m in members.values()]


def containment(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a) if a else 0.0


def _lis_length(seq: list[int]) -> int:
    import bisect

    tails: list[int] = []
    for x in seq:
        k = bisect.bisect_left(tails, x)
        if k == len(tails):
            tails.append(x)
        else:
            tails[k] = x
    return len(tails)


def alignment(a_vecs: Sequence[Vector], b_vecs: Sequence[Vector], threshold: float) -> tuple[float, float]:
    """How much of a reads as b reworded: the share of a's sentences whose best match in b is
    above ``threshold`` and in the same order (longest increasing run), and the mean best score.
    The vectors must be unit vectors (see :func:`unit`)."""
    if not a_vecs or not b_vecs:
        return 0.0, 0.0
    matched: list[int] = []
    best_scores = []
    for va in a_vecs:
        scores = [dot(va, vb) for vb in b_vecs]
        j = max(range(len(scores)), key=scores.__getitem__)
        best_scores.append(scores[j])
        if scores[j] >= threshold:
            matched.append(j)
    return _lis_length(matched) / len(a_vecs), sum(best_scores) / len(best_scores)


def bag(text: str) -> list[str]:
    return content_words(text)
