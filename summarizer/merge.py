"""Merge per-document candidates into one Brief.

1. Sources: metadata and derivative detection (shingle containment for republications,
   order-aware sentence alignment for rewrites). Derivatives never count as independent.
2. Figures: every figure mention is blocked by dimension and context words, then grouped by a
   weighted context similarity. A group whose values disagree is a discrepancy (across sources,
   or within one source); a group whose values agree backs a fact.
3. Claims: sentences (and grounded model claims) are grouped across documents by TF-IDF cosine,
   blocked through an inverted index. Groups with two or more independent sources are agreed
   facts; the rest are single-source claims. A source whose figure conflicts with the group's
   statement is not cited for it: the discrepancy shows its value instead.
4. Quotes, plausibility flags, and an overview built from the structured facts.

No rule here names anything specific to a story.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from summarizer.brief import (
    Derivative,
    Discrepancy,
    DiscrepancyValue,
    Fact,
    Flag,
    OverviewSentence,
    Quote,
    Source,
    Span,
    Value,
)
from summarizer.evidence import Candidate, DocEvidence
from summarizer.overview import build_overview
from summarizer.quantities import agree, is_money
from summarizer.similarity import (
    TfIdf,
    UnionFind,
    Vector,
    alignment,
    average_linkage,
    bag,
    candidate_pairs,
    containment,
    dot,
    unit,
)
from summarizer.text import content_words, fold, shingles

REPUBLICATION_CONTAINMENT = 0.6
REWRITE_ALIGNMENT = 0.6
REWRITE_MEAN_SIMILARITY = 0.55
REWRITE_MIN_ALIGNMENT = 0.4
CLAIM_SIMILARITY = 0.42
FIGURE_SIMILARITY = 0.3
SAME_DOC_SIMILARITY = 0.5
VALUE_AGREEMENT_BONUS = 0.4
CONFLICT_SIMILARITY = 0.4
LABEL_WEIGHT = 4.0
LABEL_SHARE = 0.6
QUOTE_SIMILARITY = 0.5


@dataclass
class MergeResult:
    sources: list[Source]
    derivatives: list[Derivative]
    facts: list[Fact]
    single_source: list[Fact]
    discrepancies: list[Discrepancy]
    quotes: list[Quote]
    flags: list[Flag]
    overview: list[OverviewSentence]
    title: str


# ---------------------------------------------------------------- sources and derivatives


def build_sources(evidence: Sequence[DocEvidence]) -> list[Source]:
    out = []
    for ev in evidence:
        d = ev.doc
        out.append(
            Source(
                id=d.id, path=d.path, title=ev.meta.get("title"), outlet=ev.meta.get("outlet"),
                byline=ev.meta.get("byline"), date=ev.meta.get("date"), chars=len(d.text),
                words=len(d.text.split()), sha256=d.sha256, status="ok",
            )  # fmt: skip
        )
    return out


def detect_derivatives(evidence: Sequence[DocEvidence], tfidf: TfIdf) -> list[Derivative]:
    """A source is a derivative of another when most of it is contained in, or aligns sentence
    by sentence with, the other, and more so than the other in it.

    Only pairs that share several rare content-word trigrams are compared (blocking), so the
    cost grows with the number of near pairs, not with the square of the sources."""
    texts = {ev.doc.id: " ".join(s.text for s in ev.sentences) for ev in evidence}
    vecs = {ev.doc.id: [unit(tfidf.vector(bag(s.text))) for s in ev.sentences] for ev in evidence}
    shingle_sets = {d: shingles(t) for d, t in texts.items()}
    ids = list(texts)
    pairs = _near_pairs({d: content_words(t) for d, t in texts.items()})
    score: dict[tuple[str, str], tuple[float, float, float]] = {}
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            c = containment(shingle_sets[x], shingle_sets[y])
            al, mb = alignment(vecs[x], vecs[y], threshold=0.45)
            score[(x, y)] = (c, al, mb)
    def strength(a: str, b: str) -> float:
        c, al, mb = score[(a, b)]
        return max(c, al, mb if al >= REWRITE_MIN_ALIGNMENT else 0.0)

    def is_derivative(a: str, b: str) -> bool:
        c, al, mb = score[(a, b)]
        return (
            c >= REPUBLICATION_CONTAINMENT
            or al >= REWRITE_ALIGNMENT
            or (mb >= REWRITE_MEAN_SIMILARITY and al >= REWRITE_MIN_ALIGNMENT)
        )

    found: dict[str, str] = {}
    for a in ids:
        candidates_b = [
            b for b in ids
            if b != a and (a, b) in score and is_derivative(a, b) and strength(a, b) > strength(b, a)
        ]  # fmt: skip
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
                source=a, original=b, kind=kind, similarity=round(c, 3),
                paraphrase_similarity=round(al, 3), reason=reason,
            )  # fmt: skip
        )
    return sorted(out, key=lambda d: d.source)


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
    return {p for p, n in shared.items() if n >= min_shared}


# ---------------------------------------------------------------- figures


@dataclass
class FigureGroup:
    dimension: str
    members: list[Candidate] = field(default_factory=list)


def _dimension(v: Value) -> str:
    return "money" if is_money(v) else v.unit


def figure_vectors(figs: Sequence[Candidate], tfidf: TfIdf) -> list[Vector]:
    out = []
    for c in figs:
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
        if c.labels:
            for t, w in tfidf.vector([f"@{x}" for x in c.labels], LABEL_WEIGHT).items():
                v[t] = v.get(t, 0.0) + w
        out.append(unit(v))
    return out


def group_figures(figs: Sequence[Candidate], tfidf: TfIdf) -> list[FigureGroup]:
    """Group figure mentions that measure the same thing, across and within documents.

    Stage 1 clusters mentions by context similarity, with a bonus when their values agree
    (average linkage, so unrelated figures do not chain). Stage 2 joins clusters whose values
    differ when some pair of their members is told in closely similar words: that is a
    discrepancy. Candidate pairs come from an inverted index (blocking), never all pairs.
    """
    vecs = figure_vectors(figs, tfidf)
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
        for a, b in candidate_pairs(sub, groups, top_terms=8):
            i, j = sorted((idx[a], idx[b]))
            if _relation(figs[i]) != _relation(figs[j]):
                continue
            sim = dot(vecs[i], vecs[j])
            li, lj = set(figs[i].labels), set(figs[j].labels)
            if li and lj:  # both labelled by a model: its words for the measure weigh most
                sim = LABEL_SHARE * len(li & lj) / len(li | lj) + (1 - LABEL_SHARE) * sim
            raw[(i, j)] = sim
            qi, qj = figs[i].quantity, figs[j].quantity
            assert qi is not None and qj is not None
            if agree(qi, qj):
                sim += VALUE_AGREEMENT_BONUS
            elif figs[i].doc == figs[j].doc and sim < SAME_DOC_SIMILARITY:
                sim = -1.0  # one source's two figures are one measure only if told alike
            if sim != 0:
                edges[(i, j)] = sim
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
    for (i, j), sim in sorted(raw.items(), key=lambda kv: -kv[1]):
        if sim < CONFLICT_SIMILARITY:
            break
        ri, rj = uf.find(cluster_of[i]), uf.find(cluster_of[j])
        if ri == rj:
            continue
        shared = docs_of[ri] & docs_of[rj]
        ok = all(
            any(
                raw.get((min(a, b), max(a, b)), 0.0) >= SAME_DOC_SIMILARITY
                for a in members_of[ri] if figs[a].doc == d
                for b in members_of[rj] if figs[b].doc == d
            )
            for d in shared
        )  # fmt: skip
        if ok:
            uf.union(ri, rj)
            root = uf.find(ri)
            docs_of[root] = docs_of[ri] | docs_of[rj]
            members_of[root] = members_of.pop(ri if root == rj else rj) + members_of[root]
    joined = [sorted(g) for g in uf.groups().values()]
    out = []
    for roots in joined:  # noqa: B007
        members = sorted(i for k in roots for i in clusters[k])
        out.append(FigureGroup(dims[members[0]], [figs[i] for i in members]))
    return out


_RELATIONS = {
    "until": "end", "through": "end", "till": "end", "to": "end", "by": "end", "thru": "end",
    "since": "start", "from": "start", "in": "point", "of": "point", "on": "point",
    "during": "point",
}  # fmt: skip


def _relation(c: Candidate) -> str:
    """For years and dates, how the text relates to them ('until 2030' is an end point, 'in
    2018' a point in time); figures with different relations never measure the same thing."""
    if c.quantity is None or c.quantity.unit not in ("year", "date") or c.quantity_span is None:
        return ""
    before = c.span.text[: c.quantity_span.start - c.span.start].split()
    return _RELATIONS.get(before[-1].lower().strip(",") if before else "", "other")


def _value_classes(members: Sequence[Candidate]) -> list[list[Candidate]]:
    classes: list[list[Candidate]] = []
    for c in members:
        assert c.quantity is not None
        for cl in classes:
            assert cl[0].quantity is not None
            if agree(cl[0].quantity, c.quantity):
                cl.append(c)
                break
        else:
            classes.append([c])
    return classes


def _conflicting(classes: list[list[Candidate]]) -> bool:
    """True when two classes state comparable values that disagree (a figure in another
    currency is never converted, so it cannot conflict on its own)."""
    for i, a in enumerate(classes):
        for b in classes[i + 1 :]:
            qa, qb = a[0].quantity, b[0].quantity
            if qa is not None and qb is not None and agree(qa, qb) is False:
                return True
    return False


def figure_topic(members: Sequence[Candidate]) -> str:
    """The phrase the sources most often use next to the figure, as written ('AK-203 assault
    rifles', 'contract worth'); ties go to the earliest mention."""
    phrases = Counter(c.topic for c in members if c.topic)
    if phrases:
        best = max(phrases.values())
        return next(c.topic for c in members if phrases.get(c.topic) == best)
    words = Counter(w for c in members for w in dict.fromkeys(c.context))
    return " ".join(w for w, _ in words.most_common(3)) or "figure"


# ---------------------------------------------------------------- the merge


def _dedupe_spans(spans: list[Span]) -> list[Span]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for s in spans:
        key = (s.source, s.start, s.end)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _independent(sources: Sequence[str], derivative_of: dict[str, str]) -> list[str]:
    """Supporting sources that are not derivatives of another supporter (or of anything)."""
    return [s for s in sources if s not in derivative_of]


def merge(evidence: Sequence[DocEvidence], cands: Sequence[Candidate]) -> MergeResult:
    sources = build_sources(evidence)
    tfidf = TfIdf([bag(s.text) for ev in evidence for s in ev.sentences])
    derivatives = detect_derivatives(evidence, tfidf)
    derivative_of = {d.source: d.original for d in derivatives}
    for s in sources:
        if s.id in derivative_of:
            s.derivative_of = derivative_of[s.id]
            s.independent = False
    n_docs = max(1, len(evidence))

    figs = [c for c in cands if c.kind == "figure" and c.quantity is not None]
    fgroups = group_figures(figs, tfidf)

    # Which value class each figure mention belongs to, per group, for conflict checks.
    fig_class: dict[tuple[str, int, int], tuple[int, int]] = {}
    discrepancies: list[Discrepancy] = []
    agreed_figures: list[tuple[FigureGroup, list[Candidate]]] = []
    for gi, g in enumerate(fgroups):
        classes = _value_classes(g.members)
        for ci, cl in enumerate(classes):
            for c in cl:
                assert c.quantity_span is not None
                fig_class[(c.doc, c.quantity_span.start, c.quantity_span.end)] = (gi, ci)
        docs_per_class = [sorted({c.doc for c in cl}) for cl in classes]
        if _conflicting(classes):
            discrepancies.extend(_discrepancies(g, classes, derivative_of))
        elif len(docs_per_class[0]) >= 2:
            agreed_figures.append((g, classes[0]))

    classes_by_doc: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for (doc, _s, _e), (gi, ci) in fig_class.items():
        classes_by_doc[doc][gi].add(ci)

    # Claims: group sentences / model claims across documents.
    claims = [c for c in cands if c.kind in ("event", "context", "quote")]
    claims = [c for c in claims if not (c.kind == "quote" and c.speaker and c.sentence < 0)]
    claim_groups = _group_claims(claims, tfidf)
    mentions_by_sentence: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
    for f in figs:
        mentions_by_sentence[(f.doc, f.sentence)].append(f)

    facts: list[Fact] = []
    single: list[Fact] = []
    for members in claim_groups:
        rep = _representative(members, derivative_of)
        rep_figs = mentions_by_sentence.get((rep.doc, rep.sentence), [])
        rep_classes = {
            fig_class[(f.doc, f.quantity_span.start, f.quantity_span.end)]
            for f in rep_figs
            if f.quantity_span is not None
        }
        # A source supports the statement unless it gives, anywhere, another value for one of
        # the statement's figures (and never the statement's value): the discrepancy shows it.
        supporters = [
            m
            for m in members
            if not any(
                classes_by_doc[m.doc].get(g) and c not in classes_by_doc[m.doc][g]
                for g, c in rep_classes
            )
        ]
        docs = sorted({m.doc for m in supporters})
        indep = _independent(docs, derivative_of)
        quantity = rep_figs[0].quantity if rep_figs else None
        kind = rep.kind if rep.kind != "event" or not quantity else "figure"
        origin = sorted({m.origin for m in supporters})
        importance = round(
            min(1.0, 0.55 * len(indep) / n_docs + 0.25 * (1 - min(m.position for m in members))
                + (0.1 if quantity else 0.0) + (0.1 if len(docs) > 1 else 0.0)),
            3,
        )  # fmt: skip
        fact = Fact(
            id="",
            statement=_statement(rep),
            topic=rep.topic or _topic_words(rep.statement),
            kind=kind,
            quantity=quantity,
            sources=docs,
            independent_sources=indep,
            importance=importance,
            evidence=_dedupe_spans([m.span for m in supporters]),
            origin=origin,
        )
        if len(indep) >= 2:
            facts.append(fact)
        else:
            single.append(fact)
    covered = {(sp.source, sp.start) for f in facts + single for sp in f.evidence}
    for _group, members in agreed_figures:
        docs = sorted({c.doc for c in members})
        indep = _independent(docs, derivative_of)
        if len(indep) < 2 or any((c.doc, c.span.start) in covered for c in members):
            continue
        rep = _representative(members, derivative_of)
        facts.append(
            Fact(
                id="", statement=_statement(rep), topic=figure_topic(members), kind="figure",
                quantity=rep.quantity, sources=docs, independent_sources=indep,
                importance=round(min(1.0, 0.55 * len(indep) / n_docs + 0.35), 3),
                evidence=_dedupe_spans([c.span for c in members]), origin=["evidence"],
            )  # fmt: skip
        )
    facts = [f for f in facts if f.kind != "quote"]
    facts.sort(key=lambda f: (-len(f.independent_sources), -f.importance, f.statement))
    single = [f for f in single if f.kind != "quote"]
    single.sort(key=lambda f: (-f.importance, f.statement))
    for i, fact in enumerate(facts, 1):
        fact.id = f"F{i}"
    for i, fact in enumerate(single, 1):
        fact.id = f"S{i}"
    for i, d in enumerate(discrepancies, 1):
        d.id = f"D{i}"

    quotes = _quotes([c for c in cands if c.kind == "quote" and c.speaker is not None], tfidf)
    flags = plausibility(figs, discrepancies)
    title = _story_title(sources, facts)
    overview = build_overview(sources, derivatives, facts, discrepancies)
    return MergeResult(
        sources, derivatives, facts, single, discrepancies, quotes, flags, overview, title
    )


def _statement(c: Candidate) -> str:
    return " ".join(fold(c.statement).split())


def _topic_words(text: str) -> str:
    ws = [w for w in re.findall(r"[A-Za-z][\w\-]+", text) if w.lower() not in _TOPIC_STOP]
    return " ".join(ws[:4])


_TOPIC_STOP = {"the", "and", "that", "with", "from", "this", "have", "were", "said", "their"}


def _group_claims(claims: Sequence[Candidate], tfidf: TfIdf) -> list[list[Candidate]]:
    vecs = [unit(tfidf.vector(bag(c.statement + " " + c.topic))) for c in claims]
    uf = UnionFind(len(claims))
    # A model claim and the sentence it was grounded in are the same claim.
    by_span: dict[tuple[str, int], int] = {}
    for i, c in enumerate(claims):
        if c.origin == "evidence" and c.sentence >= 0:
            by_span[(c.doc, c.sentence)] = i
    for i, c in enumerate(claims):
        if c.origin == "model" and (c.doc, c.sentence) in by_span:
            uf.union(i, by_span[(c.doc, c.sentence)])
    groups = [c.doc for c in claims]
    for i, j in candidate_pairs(vecs, groups):
        if dot(vecs[i], vecs[j]) >= CLAIM_SIMILARITY:
            uf.union(i, j)
    return [[claims[i] for i in sorted(m)] for m in uf.groups().values()]


def _representative(members: Sequence[Candidate], derivative_of: dict[str, str]) -> Candidate:
    """The statement shown: a model's self-contained statement when one is grounded, else the
    sentence of an independent source that best matches the others."""

    def rank(c: Candidate) -> tuple[int, int, float, int]:
        return (
            0 if c.origin == "model" else 1,
            1 if c.doc in derivative_of else 0,
            c.position,
            len(c.statement),
        )

    return min(members, key=rank)


def _discrepancies(
    g: FigureGroup, classes: list[list[Candidate]], derivative_of: dict[str, str]
) -> list[Discrepancy]:
    topic = figure_topic(g.members)
    values = []
    for cl in sorted(classes, key=lambda cl: -len({c.doc for c in cl})):
        docs = sorted({c.doc for c in cl})
        rep = cl[0]
        assert rep.quantity is not None
        values.append(
            DiscrepancyValue(
                value=rep.quantity,
                sources=docs,
                derivative_sources=[d for d in docs if d in derivative_of],
                evidence=_dedupe_spans([c.quantity_span for c in cl if c.quantity_span]),
            )
        )
    dim = g.dimension if g.dimension != "money" else (values[0].value.unit)
    out = []
    all_docs = [set(v.sources) for v in values]
    across = len(set().union(*all_docs)) > 1
    if across:
        note = _disc_note(values)
        out.append(
            Discrepancy(id="", topic=topic, dimension=dim, scope="across_sources", values=values, note=note)
        )
    # A source that gives two different values for the same thing contradicts itself.
    per_doc: dict[str, list[DiscrepancyValue]] = defaultdict(list)
    for v in values:
        for d in v.sources:
            per_doc[d].append(v)
    for d, vs in sorted(per_doc.items()):
        if len(vs) >= 2:
            inner = [
                DiscrepancyValue(
                    value=v.value,
                    sources=[d],
                    derivative_sources=[d] if d in derivative_of else [],
                    evidence=[e for e in v.evidence if e.source == d],
                )
                for v in vs
            ]
            out.append(
                Discrepancy(
                    id="", topic=topic, dimension=dim, scope="within_source", values=inner,
                    note=f"{d} gives {len(inner)} different values for this figure.",
                )  # fmt: skip
            )
    return out


def _disc_note(values: Sequence[DiscrepancyValue]) -> str:
    only_copies = [v for v in values if v.sources and set(v.sources) <= set(v.derivative_sources)]
    if only_copies:
        return "Some values appear only in derivative sources."
    return ""


def _quotes(cands: Sequence[Candidate], tfidf: TfIdf) -> list[Quote]:
    vecs = [unit(tfidf.vector(bag(c.statement))) for c in cands]
    uf = UnionFind(len(cands))
    for i, j in candidate_pairs(vecs, [c.doc for c in cands]):
        if cands[i].speaker == cands[j].speaker and dot(vecs[i], vecs[j]) >= QUOTE_SIMILARITY:
            uf.union(i, j)
    out = []
    groups = sorted(uf.groups().values(), key=lambda m: (-len({cands[i].doc for i in m}), m[0]))
    for members in groups:
        ms = [cands[i] for i in members]
        rep = min(ms, key=lambda c: (c.position, c.doc))
        out.append(
            Quote(
                id="",
                text=" ".join(fold(rep.statement).split()),
                speaker=rep.speaker,
                sources=sorted({c.doc for c in ms}),
                evidence=_dedupe_spans([c.span for c in ms]),
            )
        )
    for i, q in enumerate(out, 1):
        q.id = f"Q{i}"
    return out


def plausibility(figs: Sequence[Candidate], discrepancies: Sequence[Discrepancy]) -> list[Flag]:
    """Flag a money figure that, divided by a count in the same sentence, gives an implausibly
    small amount per item (e.g. a contract worth one dollar per unit)."""
    by_sentence: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
    for f in figs:
        by_sentence[(f.doc, f.sentence)].append(f)
    seen: set[tuple[str, float, float]] = set()
    flags = []
    for (doc, _), items in sorted(by_sentence.items()):
        counts = [f for f in items if f.quantity and f.quantity.unit == "count" and (f.quantity.value or 0) >= 1000]
        money = [f for f in items if f.quantity and is_money(f.quantity) and f.quantity.value]
        for c in counts:
            for m in money:
                assert c.quantity is not None and m.quantity is not None
                assert c.quantity.value and m.quantity.value
                per = m.quantity.value / c.quantity.value
                key = (m.quantity.unit, m.quantity.value, c.quantity.value)
                if per < 10 and key not in seen:
                    seen.add(key)
                    refs = [
                        d.id for d in discrepancies
                        if any(m.quantity_span in v.evidence for v in d.values)
                    ]  # fmt: skip
                    flags.append(
                        Flag(
                            kind="implausible",
                            message=(
                                f"{doc}: '{m.quantity.raw}' for '{c.quantity.raw}' items is"
                                f" {m.quantity.unit} {per:.2g} per item, which is implausibly low."
                            ),
                            refs=refs,
                        )
                    )
    return flags


def _story_title(sources: Sequence[Source], facts: Sequence[Fact]) -> str:
    indep = [s for s in sources if s.independent and s.title]
    if indep:
        return indep[0].title or ""
    titled = [s for s in sources if s.title]
    if titled:
        return titled[0].title or ""
    return facts[0].statement if facts else "Brief"


__all__ = ["MergeResult", "merge", "detect_derivatives", "group_figures"]
