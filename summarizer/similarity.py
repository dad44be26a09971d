"""Lexical similarity: TF-IDF sentence vectors with an inverted index for blocking, shingle
containment for near-copies, and order-aware sentence alignment for rewrites (paraphrase)."""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

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


class Rows:
    """Unit vectors as rows of a sparse matrix, for similarities in bulk (scipy): the dot
    products of many pairs at once, or a dense block between two sets of rows."""

    def __init__(self, vectors: Sequence[Vector]) -> None:
        import numpy as np
        from scipy.sparse import csr_matrix

        vocab: dict[str, int] = {}
        indptr, indices, data = [0], [], []
        for v in vectors:
            for t, w in v.items():
                indices.append(vocab.setdefault(t, len(vocab)))
                data.append(w)
            indptr.append(len(indices))
        self.m = csr_matrix(
            (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
            shape=(len(vectors), max(1, len(vocab))),
        )

    @classmethod
    def of(cls, m: Any) -> Rows:
        """Rows over a sparse matrix (scipy csr) whose rows are already unit vectors."""
        rows = cls.__new__(cls)
        rows.m = m
        return rows

    def pair_dots(self, pairs: Sequence[tuple[int, int]]) -> list[float]:
        if not pairs:
            return []
        i = [a for a, _ in pairs]
        j = [b for _, b in pairs]
        out: list[float] = self.m[i].multiply(self.m[j]).sum(axis=1).A1.tolist()
        return out

    def block(self, rows_a: Sequence[int], rows_b: Sequence[int]) -> Any:
        """The dense matrix (numpy) of dot products, rows_a by rows_b."""
        return (self.rows(rows_a) @ self.rows(rows_b).T).toarray()

    def rows(self, rows: Sequence[int]) -> Any:
        """The sub-matrix of these rows; a contiguous run is a cheap slice."""
        if rows and rows[-1] - rows[0] + 1 == len(rows) and all(b == a + 1 for a, b in zip(rows, rows[1:], strict=False)):
            return self.m[rows[0] : rows[-1] + 1]
        return self.m[list(rows)]


class TfIdf:
    """IDF fitted on a collection of token lists; vectors are L2-unnormalised TF-IDF."""

    def __init__(self, docs: Sequence[Sequence[str]]) -> None:
        self.n = max(1, len(docs))
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(d))
        self.idf = {t: math.log((1 + self.n) / (1 + c)) + 1.0 for t, c in df.items()}

    def unit_rows(self, docs: Sequence[Sequence[str]]) -> Rows:
        """The unit :meth:`vector` of each token list, as the rows of one sparse matrix built
        in bulk (numpy): the same numbers, without a dictionary per row."""
        import numpy as np
        from scipy.sparse import csr_matrix

        vocab: dict[str, int] = {}
        cols = np.asarray([vocab.setdefault(t, len(vocab)) for d in docs for t in d], dtype=np.int64)
        n_terms = max(1, len(vocab))
        row = np.repeat(np.arange(len(docs), dtype=np.int64), [len(d) for d in docs])
        keys, counts = np.unique(row * n_terms + cols, return_counts=True)  # sorted: by row, then term
        row, cols = keys // n_terms, keys % n_terms
        idf = np.asarray([self.idf.get(t, 1.0) for t in vocab], dtype=np.float64)
        data = (1 + np.log(counts.astype(np.float64))) * idf[cols]
        bounds = np.searchsorted(row, np.arange(len(docs) + 1))
        m = csr_matrix((data, cols, bounds), shape=(len(docs), n_terms))
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        m.data = data / np.repeat(np.where(norms > 0, norms, 1.0), np.diff(bounds))
        return Rows.of(m)

    def vector(self, tokens: Sequence[str], weight: float = 1.0) -> Vector:
        tf = Counter(tokens)
        return {t: weight * (1 + math.log(c)) * self.idf.get(t, 1.0) for t, c in tf.items()}


def candidate_pairs(
    vectors: Sequence[Vector], groups: Sequence[str], max_postings: int = 200, top_terms: int = 6
) -> set[tuple[int, int]]:
    """Blocking: pairs (i < j) from different groups that share one of their heaviest terms.
    Terms shared by more than ``max_postings`` items are too common to block on. Computed as a
    sparse product of the items' top-term indicator rows (scipy)."""
    import numpy as np
    from scipy.sparse import csr_matrix, triu

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, v in enumerate(vectors):
        for t, _ in heapq.nlargest(top_terms, v.items(), key=itemgetter(1)):  # ties: the first
            rows.append(i)
            cols.append(vocab.setdefault(t, len(vocab)))
    if not rows:
        return set()
    ind = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(vectors), len(vocab)))
    df = np.asarray(ind.sum(axis=0)).ravel()
    ind = ind[:, np.flatnonzero(df <= max_postings)]
    co = triu(ind @ ind.T, k=1).tocoo()
    codes: dict[str, int] = {}
    group = np.asarray([codes.setdefault(g, len(codes)) for g in groups], dtype=np.int64)
    apart = group[co.row] != group[co.col]
    return set(zip(co.row[apart].tolist(), co.col[apart].tolist(), strict=True))


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
    return alignment_of(Rows([*a_vecs, *b_vecs]).block(range(len(a_vecs)), range(len(a_vecs), len(a_vecs) + len(b_vecs))), threshold)


def alignment_of(sims: Any, threshold: float) -> tuple[float, float]:
    """:func:`alignment` from the matrix (numpy) of a's sentences (rows) against b's (columns)."""
    import numpy as np

    sims = np.asarray(sims, dtype=float)
    if sims.ndim != 2 or not sims.shape[0] or not sims.shape[1]:
        return 0.0, 0.0
    best = sims.argmax(axis=1)
    scores = sims[np.arange(sims.shape[0]), best]
    matched = [int(j) for j, sc in zip(best, scores, strict=True) if sc >= threshold]
    return _lis_length(matched) / sims.shape[0], float(scores.mean())


def bag(text: str) -> list[str]:
    return list(_bag(text))


@lru_cache(maxsize=131072)
def _bag(text: str) -> tuple[str, ...]:
    """Each sentence's words are read once, however many stages compare it."""
    return tuple(content_words(text))
