"""Figures grouped by what they measure, and the discrepancies among them.

Every figure mention is blocked by dimension (money, count, year, ...) and by its relation to
the text ('until 2031' is an end point), then grouped by a weighted context similarity with a
bonus when values agree; clusters told in closely similar words join, which is how a
discrepancy forms. A verified model alignment (``measure_group``) overrides the grouping.
A group whose values disagree is a discrepancy, across sources or within one source; a group
whose values agree backs a fact."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from summarizer.brief import Value
from summarizer.compare import agree, near, rounded_alike, spread
from summarizer.evidence import Candidate
from summarizer.measures import differ, relation, role, state
from summarizer.quantities import make_value
from summarizer.similarity import (
    Rows,
    TfIdf,
    UnionFind,
    Vector,
    average_linkage,
    candidate_pairs,
    unit,
)
from summarizer.text import content_words
from summarizer.units import is_money, scaled_count

# Thresholds measured on the seeds and ind_surya_ghar_cabinet (dev stories).
FIGURE_SIMILARITY = 0.3
SAME_DOC_SIMILARITY = 0.5
VALUE_AGREEMENT_BONUS = 0.4
CONFLICT_SIMILARITY = 0.4
LABEL_WEIGHT = 4.0
STATE_BONUS = 0.3  # morbi (dev): "toll at 132" and "killing 141 people" share no other word
STATE_WEIGHT = 2.0  # about what a shared rare word next to the figure weighs
LABEL_SHARE = 0.6
NEAR_WINDOW = 1.1  # candidates for stage 3, before the rounding check
MAX_SPREAD = 100.0  # seeds: "$500,000" vs "$500 million" is one contract told alike (sim 0.9)
SAME_MEASURE_SIMILARITY = 0.6
NEAR_JOIN_SIMILARITY = 0.2
K_NEIGHBOURS = 20  # per figure; no dev story has a figure with more than 12 same-measure mentions


@dataclass
class FigureGroup:
    dimension: str
    members: list[Candidate] = field(default_factory=list)


def _q(c: Candidate) -> Value:
    assert c.quantity is not None
    return c.quantity


def _dimension(v: Value) -> str:
    return "money" if is_money(v) else v.unit


def figure_vectors(figs: Sequence[Candidate], tfidf: TfIdf, states: Sequence[frozenset[str]]) -> list[Vector]:
    """Each figure's context vector; ``states`` are the figures' :func:`state`, computed once by the caller."""
    out = []
    for k, c in enumerate(figs):
        assert c.quantity_span is not None
        local = c.context
        sentence = content_words(c.span.text)
        v: Vector = {}
        for t, w in tfidf.vector(sentence, 1.0).items():
            v[t] = v.get(t, 0.0) + w
        for t, w in tfidf.vector(local, 2.5).items():
            v[t] = v.get(t, 0.0) + w
        if c.topic:
            for t, w in tfidf.vector(content_words(c.topic), 1.5).items():
                v[t] = v.get(t, 0.0) + w
        for t, w in tfidf.vector(c.paragraph, 0.4).items():
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
    story gives the same amount elsewhere ('₹24.75 crore'): it is that amount, not a count."""
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
    adopt_currency(figs)
    first: dict[tuple[object, ...], int] = {}
    dup_of: list[int] = []
    for i, c in enumerate(figs):
        assert c.quantity_span is not None
        key = (c.span.text, c.quantity_span.start - c.span.start, _q(c).raw, tuple(c.labels), c.measure_group)
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
    clustering's cost then grows with the figures, not with the pairs blocking lets through."""
    incident: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for n, ((i, j), sim) in enumerate(zip(pairs, sims, strict=True)):
        incident[i].append((sim, n))
        incident[j].append((sim, n))
    keep: set[int] = set()
    for items in incident.values():
        keep.update(n for _, n in (heapq.nlargest(k, items) if len(items) > k else items))
    return [(pairs[n], sims[n]) for n in sorted(keep)]


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
        if len(groups_of[ri] | groups_of[rj]) > 1 or _one_sentence(members_of[ri], members_of[rj], figs):
            continue  # the alignment says these are different measures; or one sentence gives both
        shared = docs_of[ri] & docs_of[rj]
        ok = all(
            any(
                raw.get((min(a, b), max(a, b)), 0.0) >= SAME_DOC_SIMILARITY
                or (figs[a].sentence != figs[b].sentence  # the same figure again, or a headline's rounding
                    and (agree(_q(figs[a]), _q(figs[b])) is True or rounded_alike(_q(figs[a]), _q(figs[b]))))
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
    _join_near_values(uf, [members_of.get(k, clusters[k]) for k in range(len(clusters))], figs, matrix, dims)
    _join_same_state(uf, clusters, figs, states, roles, dims)
    _join_lone_values(uf, clusters, figs, matrix, dims, roles)
    joined = [sorted(g) for g in uf.groups().values()]
    out = []
    for roots in joined:  # noqa: B007
        members = sorted(i for k in roots for i in clusters[k])
        out.append(FigureGroup(dims[members[0]], [figs[i] for i in members]))
    return out


def _join_same_state(
    uf: UnionFind, clusters: list[list[int]], figs: Sequence[Candidate], states: Sequence[frozenset[str]],
    roles: Sequence[frozenset[str]], dims: Sequence[str],
) -> None:
    """Stage 4: counts of people in one state are one measure however they are told ('288
    people had been confirmed dead' and 'the death toll rose to 288'), when most of each
    cluster's mentions say that state and none says another. A part ('88 of the 275') and
    a verified alignment's separate groups stay apart."""
    roots = sorted({uf.find(k) for k in range(len(clusters))})
    members = {r: [i for k in range(len(clusters)) if uf.find(k) == r for i in clusters[k]] for r in roots}
    by_state: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for r, ms in members.items():
        said = {st for i in ms for st in states[i]}
        if len(said) != 1 or dims[ms[0]] != "count" or any("part" in roles[i] for i in ms):
            continue
        (only,) = said
        if not only.startswith("age") and 2 * sum(1 for i in ms if states[i]) >= len(ms):
            by_state[(only, relation(figs[ms[0]]), next(iter(roles[ms[0]]), ""))].append(r)
    for rs in by_state.values():
        for a, b in zip(rs, rs[1:], strict=False):
            ma, mb = members[a], members[b]
            if len({g for i in ma + mb if (g := figs[i].measure_group) is not None}) > 1 or _one_sentence(ma, mb, figs):
                continue
            uf.union(uf.find(a), uf.find(b))
            members[b] = ma + mb


LONE_JOIN_SIMILARITY = 0.1
"""Measured on the dev stories: 0.05 to 0.14 score alike (dev 0.654 -> 0.656-0.657); at 0.2,
as NEAR_JOIN_SIMILARITY, no cluster joins (a source's own wording shares little)."""


def _join_lone_values(
    uf: UnionFind, clusters: list[list[int]], figs: Sequence[Candidate], matrix: Rows, dims: Sequence[str],
    roles: Sequence[frozenset[str]],
) -> None:
    """Stage 5: a source that states one of a discrepancy's values in words of its own ('the Rs
    615 crore moon mission') is a source of that value. A cluster whose figures all agree, from
    sources the discrepancy does not cite, joins the discrepancy whose value it states and
    whose words it shares most (at least LONE_JOIN_SIMILARITY); never across roles, relations
    or a verified alignment's groups."""
    roots = sorted({uf.find(k) for k in range(len(clusters))})
    members = {r: [i for k in range(len(clusters)) if uf.find(k) == r for i in clusters[k]] for r in roots}

    def conflicts(ms: list[int]) -> bool:
        return any(agree(_q(figs[a]), _q(figs[b])) is False for x, a in enumerate(ms) for b in ms[x + 1 :])

    torn = [r for r in roots if conflicts(members[r])]
    for r in roots:
        ms = members[r]
        if r in torn or conflicts(ms):
            continue
        docs = {figs[i].doc for i in ms}
        kind = (dims[ms[0]], relation(figs[ms[0]]), roles[ms[0]])
        best, best_sim = None, LONE_JOIN_SIMILARITY
        for t in torn:
            mt = members[t]
            if (dims[mt[0]], relation(figs[mt[0]]), roles[mt[0]]) != kind or docs & {figs[i].doc for i in mt}:
                continue
            if len({g for i in ms + mt if (g := figs[i].measure_group) is not None}) > 1:
                continue
            if not any(agree(_q(figs[ms[0]]), _q(figs[j])) is True for j in mt):
                continue
            sim = float(matrix.block(ms, mt).max())
            if sim >= best_sim:
                best, best_sim = t, sim
        if best is not None:
            uf.union(uf.find(best), uf.find(r))
            members[best] = members[best] + ms


def _one_sentence(ma: Sequence[int], mb: Sequence[int], figs: Sequence[Candidate]) -> bool:
    """True when one sentence gives a figure of each: they never measure the same thing
    ("$59.5 billion, or $64.5 billion including debt")."""
    where = {(figs[i].doc, figs[i].sentence) for i in ma}
    return any((figs[j].doc, figs[j].sentence) in where for j in mb)


def _join_near_values(
    uf: UnionFind, clusters: list[list[int]], figs: Sequence[Candidate], matrix: Rows, dims: list[str]
) -> None:
    """Stage 3: clusters of one dimension and relation whose typical values are the same figure
    rounded (:func:`~summarizer.compare.rounded_alike`), told in somewhat related words, are one measure told two ways
    ("a ₹75,000 crore rooftop scheme" / "a total outlay of ₹75,021 crore"). Clusters a
    verified alignment keeps apart stay apart. Only neighbours in value are compared."""
    roots = sorted({uf.find(k) for k in range(len(clusters))})
    members = {r: [i for k in range(len(clusters)) if uf.find(k) == r for i in clusters[k]] for r in roots}

    def typical(ms: list[int]) -> float:
        vals = sorted(_q(figs[i]).value or 0.0 for i in ms)
        return vals[len(vals) // 2]

    def typical_value(ms: list[int]) -> Value:
        return _q(figs[sorted(ms, key=lambda i: _q(figs[i]).value or 0.0)[len(ms) // 2]])

    by_kind: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
    for r in roots:
        ms = members[r]
        if typical(ms) > 0:
            by_kind[(dims[ms[0]], relation(figs[ms[0]]))].append((typical(ms), r))
    for kind, items in by_kind.items():
        items.sort()
        if kind[0] not in ("year", "date", "ordinal") and len(items) > 1 and items[-1][0] / items[0][0] <= NEAR_WINDOW:
            # every figure of this kind in the story lies within a few per cent (the touchdown
            # at 6:03, 6:04 or 6:05 pm): one measure, unless one sentence gives two of them
            for (_, a), (_, b) in zip(items, items[1:], strict=False):
                if not _one_sentence(members[a], members[b], figs) and uf.find(a) != uf.find(b):
                    uf.union(uf.find(a), uf.find(b))
            continue
        if kind[0] in ("year", "date", "time", "ordinal"):
            continue
        for x, (va, a) in enumerate(items):
            for vb, b in items[x + 1 :]:
                if vb / va > NEAR_WINDOW:
                    break
                ra, rb = uf.find(a), uf.find(b)
                ma, mb = members[a], members[b]
                groups = {g for i in ma + mb if (g := figs[i].measure_group) is not None}
                if ra == rb or len(groups) > 1 or not rounded_alike(typical_value(ma), typical_value(mb)):
                    continue
                if _one_sentence(ma, mb, figs):
                    continue
                if matrix.block(ma, mb).max() >= NEAR_JOIN_SIMILARITY:
                    uf.union(ra, rb)
