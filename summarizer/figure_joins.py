"""Stages 3 to 5 of the figure grouping (figures.py runs stages 1 and 2 on single mentions):
joins of whole clusters that one measure told several ways leaves apart. Stage 3 joins a figure
rounded; stage 4 counts of people in one state; stage 5 a source's own wording of a
discrepancy's value, and two wordings of one disagreement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from summarizer.brief import Value
from summarizer.compare import agree, rounded_alike
from summarizer.evidence import Candidate, value_of
from summarizer.measures import LENGTH_UNITS, relation
from summarizer.similarity import Rows, UnionFind

NEAR_WINDOW = 1.1  # candidates for stage 3, before the rounding check
NEAR_JOIN_SIMILARITY = 0.2


def _members(uf: UnionFind, clusters: list[list[int]]) -> dict[int, list[int]]:
    """The figures under each root of the joins so far, in one pass."""
    out: dict[int, list[int]] = defaultdict(list)
    for k, ms in enumerate(clusters):
        out[uf.find(k)].extend(ms)
    return dict(out)


def _values(ms: list[int], figs: Sequence[Candidate]) -> list[Value]:
    """The distinct values the figures state, as written (unit, amount, qualifier, range)."""
    out: dict[tuple[object, ...], Value] = {}
    for i in ms:
        q = value_of(figs[i])
        out.setdefault((q.unit, q.value, q.qualifier, q.low, q.high), q)
    return list(out.values())


def _conflicts(vals: list[Value]) -> bool:
    return any(agree(a, b) is False for x, a in enumerate(vals) for b in vals[x + 1 :])


def _keys(vals: list[Value]) -> set[tuple[str, float]]:
    """Unit and amount of each value and of its stated conversions: a cheap test for 'may agree'."""
    return {(w.unit, round(w.value, 6)) for v in vals for w in (v, *v.alternatives) if w.value is not None}


def join_same_state(
    uf: UnionFind, clusters: list[list[int]], figs: Sequence[Candidate], states: Sequence[frozenset[str]],
    roles: Sequence[frozenset[str]], dims: Sequence[str],
) -> None:
    """Stage 4: counts of people in one state are one measure however they are told ('288
    people had been confirmed dead' and 'the death toll rose to 288'), when most of each
    cluster's mentions say that state and none says another; so are lengths of one dimension
    ('1.25 metres wide', 'the 1.5m-wide crossing'). A part ('88 of the 275') and a verified
    alignment's separate groups stay apart."""
    members = _members(uf, clusters)
    by_state: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    for r, ms in members.items():
        said = {st for i in ms for st in states[i]}
        if len(said) != 1 or dims[ms[0]] not in ("count", *LENGTH_UNITS) or any("part" in roles[i] for i in ms):
            continue
        (only,) = said
        if not only.startswith("age") and 2 * sum(1 for i in ms if states[i]) >= len(ms):
            by_state[(dims[ms[0]], only, relation(figs[ms[0]]), next(iter(roles[ms[0]]), ""))].append(r)
    for rs in by_state.values():
        for a, b in zip(rs, rs[1:], strict=False):
            ma, mb = members[a], members[b]
            if aligned_apart(ma, mb, figs) or one_sentence(ma, mb, figs):
                continue
            uf.union(uf.find(a), uf.find(b))
            members[b] = ma + mb


LONE_JOIN_SIMILARITY = 0.1
"""Measured on the dev stories: 0.05 to 0.14 score alike (dev 0.654 -> 0.656-0.657); at 0.2,
as NEAR_JOIN_SIMILARITY, no cluster joins (a source's own wording shares little)."""


def join_lone_values(
    uf: UnionFind, clusters: list[list[int]], figs: Sequence[Candidate], matrix: Rows, dims: Sequence[str],
    roles: Sequence[frozenset[str]],
) -> None:
    """Stage 5: a source that states one of a discrepancy's values in words of its own ('the Rs
    615 crore moon mission') is a source of that value. A cluster whose figures all agree, from
    sources the discrepancy does not cite, joins the discrepancy whose value it states and
    whose words it shares most (at least LONE_JOIN_SIMILARITY); never across roles, relations
    or a verified alignment's groups."""
    members = _members(uf, clusters)
    roots = sorted(members)
    vals = {r: _values(members[r], figs) for r in roots}
    torn = [r for r in roots if _conflicts(vals[r])]
    keys = {t: _keys(vals[t]) for t in torn}
    for r in roots:
        ms = members[r]
        if r in keys:
            continue
        docs = {figs[i].doc for i in ms}
        kind = _kind(ms, figs, dims, roles)
        mine = _keys(vals[r])
        best, best_sim = None, LONE_JOIN_SIMILARITY
        for t in torn:
            mt = members[t]
            if not mine & keys[t] or _kind(mt, figs, dims, roles) != kind:
                continue
            if docs & {figs[i].doc for i in mt} or not any(agree(vals[r][0], v) is True for v in vals[t]):
                continue
            if aligned_apart(ms, mt, figs):
                continue
            sim = float(matrix.block(ms, mt).max())
            if sim >= best_sim:
                best, best_sim = t, sim
        if best is not None:
            uf.union(uf.find(best), uf.find(r))
            members[best] = members[best] + ms
    _join_same_conflict(uf, torn, members, figs, dims, roles)


def _join_same_conflict(
    uf: UnionFind, torn: list[int], members: dict[int, list[int]], figs: Sequence[Candidate],
    dims: Sequence[str], roles: Sequence[frozenset[str]],
) -> None:
    """Two discrepancies between the same two values or more are one disagreement told in two
    wordings ('103m euros' against '€100m'), unless a source they share would then give two
    values. Only discrepancies that share two stated values (as unit and amount) are compared."""

    vals = {t: _values(members[t], figs) for t in torn}
    index: dict[tuple[str, float], list[int]] = defaultdict(list)
    for t in torn:
        for key in _keys(vals[t]):
            index[key].append(t)
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    for ts in index.values():
        for x, a in enumerate(ts):
            for b in ts[x + 1 :]:
                pairs[(a, b) if a < b else (b, a)] += 1
    for (a, b), n in sorted(pairs.items()):
        if n < 2:
            continue
        ra, rb = uf.find(a), uf.find(b)
        ma, mb = members[a], members[b]
        if ra == rb or _kind(ma, figs, dims, roles) != _kind(mb, figs, dims, roles):
            continue
        if aligned_apart(ma, mb, figs) or one_sentence(ma, mb, figs):
            continue
        own = {figs[i].doc for i in ma} & {figs[j].doc for j in mb}
        if all(
            agree(value_of(figs[i]), value_of(figs[j])) is True
            for i in ma if figs[i].doc in own for j in mb if figs[j].doc == figs[i].doc
        ):
            uf.union(ra, rb)


def _kind(
    ms: list[int], figs: Sequence[Candidate], dims: Sequence[str], roles: Sequence[frozenset[str]]
) -> tuple[str, str, frozenset[str]]:
    """What a cluster measures as far as joins go: dimension, relation and role of its first figure."""
    return dims[ms[0]], relation(figs[ms[0]]), roles[ms[0]]


def aligned_apart(ma: Sequence[int], mb: Sequence[int], figs: Sequence[Candidate]) -> bool:
    """True when a verified model alignment put the two clusters' figures in different groups."""
    return len({g for i in (*ma, *mb) if (g := figs[i].measure_group) is not None}) > 1


def one_sentence(ma: Sequence[int], mb: Sequence[int], figs: Sequence[Candidate]) -> bool:
    """True when one sentence gives a figure of each: they never measure the same thing
    ("$59.5 billion, or $64.5 billion including debt")."""
    where = {(figs[i].doc, figs[i].sentence) for i in ma}
    return any((figs[j].doc, figs[j].sentence) in where for j in mb)


def join_near_values(
    uf: UnionFind, clusters: list[list[int]], figs: Sequence[Candidate], matrix: Rows, dims: list[str]
) -> None:
    """Stage 3: clusters of one dimension and relation whose typical values are the same figure
    rounded (:func:`~summarizer.compare.rounded_alike`), told in somewhat related words, are one measure told two ways
    ("a ₹75,000 crore rooftop scheme" / "a total outlay of ₹75,021 crore"). Clusters a
    verified alignment keeps apart stay apart. Only neighbours in value are compared."""
    members = _members(uf, clusters)
    roots = sorted(members)

    def typical(ms: list[int]) -> float:
        vals = sorted(value_of(figs[i]).value or 0.0 for i in ms)
        return vals[len(vals) // 2]

    def typical_value(ms: list[int]) -> Value:
        return value_of(figs[sorted(ms, key=lambda i: value_of(figs[i]).value or 0.0)[len(ms) // 2]])

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
                if not one_sentence(members[a], members[b], figs) and uf.find(a) != uf.find(b):
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
                if ra == rb or aligned_apart(ma, mb, figs) or not rounded_alike(typical_value(ma), typical_value(mb)):
                    continue
                if one_sentence(ma, mb, figs):
                    continue
                if matrix.block(ma, mb).max() >= NEAR_JOIN_SIMILARITY:
                    uf.union(ra, rb)
