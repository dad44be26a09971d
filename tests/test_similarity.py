"""The bulk (numpy) forms of the similarity helpers give what their plain forms give."""

from __future__ import annotations

import heapq
import random
from collections import defaultdict

from summarizer.figures import _nearest
from summarizer.similarity import Rows, TfIdf, unit


def test_bulk_sentence_vectors_give_the_same_cosines_as_one_vector_at_a_time() -> None:
    rng = random.Random(7)
    for _ in range(40):
        docs = [[rng.choice("abcdefg") for _ in range(rng.randint(0, 6))] for _ in range(rng.randint(1, 8))]
        tfidf = TfIdf(docs[:-1] or docs)  # the last list may hold words the fit never saw
        bulk, plain = tfidf.unit_rows(docs), Rows([unit(tfidf.vector(d)) for d in docs])
        every = list(range(len(docs)))
        assert abs(bulk.block(every, every) - plain.block(every, every)).max() < 1e-12


def _nearest_plainly(pairs: list[tuple[int, int]], sims: list[float], k: int) -> list[tuple[tuple[int, int], float]]:
    incident: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for n, ((i, j), sim) in enumerate(zip(pairs, sims, strict=True)):
        incident[i].append((sim, n))
        incident[j].append((sim, n))
    keep: set[int] = set()
    for items in incident.values():
        keep.update(n for _, n in heapq.nlargest(k, items))
    return [(pairs[n], sims[n]) for n in sorted(keep)]


def test_nearest_neighbour_pruning_keeps_each_items_k_most_similar_pairs() -> None:
    rng = random.Random(11)
    for _ in range(200):
        m = rng.randint(2, 30)
        pairs = sorted({tuple(sorted(rng.sample(range(m), 2))) for _ in range(rng.randint(1, 150))})
        sims = [round(rng.random(), 1) for _ in pairs]  # rounded: many ties
        k = rng.randint(1, 6)
        assert _nearest(pairs, sims, k) == _nearest_plainly(pairs, sims, k)  # type: ignore[arg-type]
