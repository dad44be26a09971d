"""Figures grouped by what they measure, and the discrepancies among them.

Every figure mention is blocked by dimension (money, count, year, ...) and by its relation to
the text ('until 2031' is an end point), then grouped by a weighted context similarity with a
bonus when values agree; clusters told in closely similar words join, which is how a
discrepancy forms. A verified model alignment (``measure_group``) overrides the grouping.
A group whose values disagree is a discrepancy, across sources or within one source; a group
whose values agree backs a fact."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from summarizer.brief import Value
from summarizer.compare import agree, near, rounded_alike, spread
from summarizer.evidence import Candidate, value_of
from summarizer.figure_joins import (
    NEAR_WINDOW,
    join_lone_values,
    join_near_values,
    join_same_state,
    one_sentence,
)
from summarizer.measures import differ, relation, role, state
from summarizer.similarity import (
    Rows,
    TfIdf,
    UnionFind,
    Vector,
    average_linkage,
    bag,
    candidate_pairs,
    unit,
)
from summarizer.units import is_money, scaled_count
from summarizer.values import make_value

# Thresholds measured on the seeds and ind_surya_ghar_cabinet (dev stories).
FIGURE_SIMILARITY = 0.3
SAME_DOC_SIMILARITY = 0.5
VALUE_AGREEMENT_BONUS = 0.4
CONFLICT_SIMILARITY = 0.4
LABEL_WEIGHT = 4.0
STATE_BONUS = 0.3  # morbi (dev): "toll at 132" and "killing 141 people" share no other word
STATE_WEIGHT = 2.0  # about what a shared rare word next to the figure weighs
LABEL_SHARE = 0.6
MAX_SPREAD = 100.0  # seeds: "$500,000" vs "$500 million" is one contract told alike (sim 0.9)
SAME_MEASURE_SIMILARITY = 0.6
K_NEIGHBOURS = 20  # per figure; no dev story has a figure with more than 12 same-measure mentions


@dataclass
class FigureGroup:
    dimension: str
    members: list[Candidate] = field(default_factory=list)


def _dimension(v: Value) -> str:
    return "money" if is_money(v) else v.unit


def figure_vectors(figs: Sequence[Candidate], tfidf: TfIdf, states: Sequence[frozenset[str]]) -> list[Vector]:
    """Each figure's context vector; ``states`` are the figures' :func:`state`, computed once by the caller."""
    out = []
    shared: dict[tuple[str, int], Vector] = {}  # the sentence and its paragraph, once per sentence
    for k, c in enumerate(figs):
        assert c.quantity_span is not None
        if (base := shared.get((c.doc, c.sentence))) is None:
            base = tfidf.vector(bag(c.span.text), 1.0)
            for t, w in tfidf.vector(c.paragraph, 0.4).items():
                base[t] = base.get(t, 0.0) + w
            shared[(c.doc, c.sentence)] = base
        v: Vector = dict(base)
        for t, w in tfidf.vector(c.context, 2.5).items():
            v[t] = v.get(t, 0.0) + w
        if c.topic:
            for t, w in tfidf.vector(bag(c.topic), 1.5).items():
                v[t] = v.get(t, 0.0) + w
        for st in states[k]:
            v[f"@state:{st}"] = v.get(f"@state:{st}", 0.0) + STATE_WEIGHT
        if c.labels:
            for t, w in tfidf.vector([f"@{x}" for x in c.labels], LABEL_WEIGHT).items():
                v[t] = v.get(t, 0.0) + w
        out.append(unit(v))
    return out


def adopt_currency(figs: Sequence[Candidate]) -> None:
    """A sum written without its currency ('raised it to 24.75 crore') takes the currency the
    story gives the same amount elsewhere ('₹24.75 crore'): it is that amount, not a count. In
    place, before grouping, so that every later use of the figure reads it as money."""
    money: dict[float, Value] = {}
    for c in figs:
        if c.quantity is not None and is_money(c.quantity) and c.quantity.value:
            money.setdefault(round(c.quantity.value, 2), c.quantity)
    for c in figs:
        q = c.quantity
        if q is not None and q.value and scaled_count(q) and (m := money.get(round(q.value, 2))) is not None:
            c.quantity = make_value(q.raw, q.value, m.unit, q.qualifier, q.low, q.high)


def group_figures(figs: Sequence[Candidate], tfidf: TfIdf) -> list[FigureGroup]:
    """Group figure mentions that measure the same thing (see :func:`_group_unique`). The same
    figure in the same sentence in several sources (wire copy) is grouped once, then expanded."""
    first: dict[tuple[object, ...], int] = {}
    dup_of: list[int] = []
    for i, c in enumerate(figs):
        assert c.quantity_span is not None
        key = (c.span.text, c.quantity_span.start - c.span.start, value_of(c).raw, tuple(c.labels), c.measure_group)
        dup_of.append(first.setdefault(key, i))
    uniq = sorted(first.values())
    if len(uniq) == len(figs):
        return _group_unique(figs, tfidf)
    copies: dict[int, list[Candidate]] = defaultdict(list)
    for i, j in enumerate(dup_of):
        copies[j].append(figs[i])
    groups = _group_unique([figs[i] for i in uniq], tfidf)
    index = {id(figs[i]): i for i in uniq}
    return [FigureGroup(g.dimension, [c for m in g.members for c in copies[index[id(m)]]]) for g in groups]


def _nearest(pairs: list[tuple[int, int]], sims: list[float], k: int) -> list[tuple[tuple[int, int], float]]:
    """The pairs among each item's k most similar (a sparse k-nearest-neighbour graph): the
    clustering's cost then grows with the figures, not with the pairs blocking lets through.
    Ties go to the later pair. In bulk (numpy): sorted by item, then similarity, then pair."""
    import numpy as np

    if not pairs:
        return []
    n = len(pairs)
    ends = np.asarray(pairs, dtype=np.int64).T.ravel()  # each pair's first items, then its second
    sim = np.tile(np.asarray(sims, dtype=np.float64), 2)
    pair = np.tile(np.arange(n), 2)
    order = np.lexsort((-pair, -sim, ends))
    item = ends[order]
    starts = np.flatnonzero(np.r_[True, item[1:] != item[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    keep = np.unique(pair[order][rank < k]).tolist()
    return [(pairs[m], sims[m]) for m in keep]


def _group_unique(figs: Sequence[Candidate], tfidf: TfIdf) -> list[FigureGroup]:
    """Group figure mentions that measure the same thing, across and within documents.

    Stage 1 clusters mentions by context similarity, with a bonus when their values agree
    (average linkage, so unrelated figures do not chain). Stage 2 joins clusters whose values
    differ when some pair of their members is told in closely similar words: that is a
    discrepancy. Candidate pairs come from an inverted index (blocking), never all pairs.
    """
    states = [state(c) for c in figs]
    vecs = figure_vectors(figs, tfidf, states)
    matrix = Rows(vecs)
    relations = [relation(c) for c in figs]
    roles = [role(c) for c in figs]
    dims = [_dimension(c.quantity) for c in figs if c.quantity is not None]
    by_dim: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(dims):
        by_dim[d].append(i)
    raw: dict[tuple[int, int], float] = {}
    edges: dict[tuple[int, int], float] = {}
    for idx in by_dim.values():
        sub = [vecs[i] for i in idx]
        # Two figures of one sentence never measure the same thing.
        groups = [f"{figs[i].doc}#{figs[i].sentence}" for i in idx]
        pairs = []
        for a, b in candidate_pairs(sub, groups, top_terms=8):
            i, j = (idx[a], idx[b]) if idx[a] < idx[b] else (idx[b], idx[a])
            if relations[i] == relations[j]:
                pairs.append((i, j))
        for (i, j), sim in _nearest(pairs, matrix.pair_dots(pairs), K_NEIGHBOURS):
            li, lj = set(figs[i].labels), set(figs[j].labels)
            if li and lj:  # both labelled by a model: its words for the measure weigh most
                sim = LABEL_SHARE * len(li & lj) / len(li | lj) + (1 - LABEL_SHARE) * sim
            if states[i] and states[i] == states[j] and not next(iter(states[i])).startswith("age"):
                sim += STATE_BONUS  # both count the dead (or the missing...): the same measure, told any way
            raw[(i, j)] = sim
            qi, qj = figs[i].quantity, figs[j].quantity
            assert qi is not None and qj is not None
            gi, gj = figs[i].measure_group, figs[j].measure_group
            if gi is not None and gj is not None:  # a verified alignment decides
                raw[(i, j)] = sim = 1.0 if gi == gj else -10.0
            elif roles[i] != roles[j] or differ(states[i], states[j]) or differ(figs[i].occasion, figs[j].occasion):
                raw[(i, j)] = sim = -1.0  # "$64.5 billion including debt" is not "$59.5 billion"
            elif spread(qi, qj) > MAX_SPREAD and sim < SAME_MEASURE_SIMILARITY:
                sim = -1.0  # a thousand times more is another measure unless told the same way
            elif agree(qi, qj) or (near(qi, qj, NEAR_WINDOW) and (figs[i].doc != figs[j].doc or rounded_alike(qi, qj))):
                sim += VALUE_AGREEMENT_BONUS
            elif figs[i].doc == figs[j].doc and sim < SAME_DOC_SIMILARITY:
                sim = -1.0  # one source's two figures are one measure only if told alike
            if sim != 0:
                edges[(i, j)] = sim
    by_group: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(figs):
        if c.measure_group is not None:
            by_group[(c.measure_group, dims[i])].append(i)
    for same in by_group.values():  # pairs blocking missed: the alignment joined them
        for a in same:
            for b in same:
                if a < b:
                    raw[(a, b)] = edges[(a, b)] = 1.0
    by_sentence: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for i, c in enumerate(figs):
        by_sentence[(c.doc, c.sentence, dims[i])].append(i)
    for same in by_sentence.values():
        for a in same:
            for b in same:
                if a < b:
                    edges[(a, b)] = -10.0  # two figures of one sentence: never one measure
    clusters = average_linkage(len(figs), edges, FIGURE_SIMILARITY)
    cluster_of = {i: k for k, members in enumerate(clusters) for i in members}
    # Stage 2: join clusters told in closely similar words. A source normally states one value
    # per measure, so two clusters that share a source join only if that source's own two
    # mentions are told alike (a within-source inconsistency).
    uf = UnionFind(len(clusters))
    docs_of = [{figs[i].doc for i in members} for members in clusters]
    members_of: dict[int, list[int]] = {k: list(m) for k, m in enumerate(clusters)}
    groups_of = [{g for i in members if (g := figs[i].measure_group) is not None} for members in clusters]
    for (i, j), sim in sorted(raw.items(), key=lambda kv: -kv[1]):
        if sim < CONFLICT_SIMILARITY:
            break
        ri, rj = uf.find(cluster_of[i]), uf.find(cluster_of[j])
        if ri == rj:
            continue
        if len(groups_of[ri] | groups_of[rj]) > 1 or one_sentence(members_of[ri], members_of[rj], figs):
            continue  # the alignment says these are different measures; or one sentence gives both
        shared = docs_of[ri] & docs_of[rj]
        ok = all(
            any(
                raw.get((min(a, b), max(a, b)), 0.0) >= SAME_DOC_SIMILARITY
                or (figs[a].sentence != figs[b].sentence  # the same figure again, or a headline's rounding
                    and (agree(value_of(figs[a]), value_of(figs[b])) is True or rounded_alike(value_of(figs[a]), value_of(figs[b]))))
                for a in members_of[ri] if figs[a].doc == d
                for b in members_of[rj] if figs[b].doc == d
            )
            for d in shared
        )  # fmt: skip
        if ok:
            uf.union(ri, rj)
            root = uf.find(ri)
            docs_of[root] = docs_of[ri] | docs_of[rj]
            groups_of[root] = groups_of[ri] | groups_of[rj]
            members_of[root] = members_of.pop(ri if root == rj else rj) + members_of[root]
    join_near_values(uf, [members_of.get(k, clusters[k]) for k in range(len(clusters))], figs, matrix, dims)
    join_same_state(uf, clusters, figs, states, roles, dims)
    join_lone_values(uf, clusters, figs, matrix, dims, roles)
    joined = [sorted(g) for g in uf.groups().values()]
    out = []
    for roots in joined:  # noqa: B007
        members = sorted(i for k in roots for i in clusters[k])
        out.append(FigureGroup(dims[members[0]], [figs[i] for i in members]))
    return out
