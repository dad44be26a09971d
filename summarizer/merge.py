"""Merge one story's per-document candidates into the brief's content.

1. Sources and derivatives (summarizer.derivatives): copies never count as independent.
2. Figures (summarizer.figures): grouped by what they measure; disagreeing groups are
   discrepancies, agreeing ones back facts.
3. Claims (summarizer.claims): grouped by meaning across documents. Groups with two or more
   independent sources are agreed facts; the rest are single-source claims. A source whose
   figure conflicts with the group's statement is not cited for it: the discrepancy shows its
   value instead.
4. Quotes, and an overview built from the structured facts.

No rule here names anything specific to a story.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.brief import (
    Derivative,
    Discrepancy,
    Fact,
    Flag,
    OverviewSentence,
    Quote,
    Source,
    Span,
    dedupe_spans,
)
from summarizer.claims import (
    add_headline_weight,
    group_claims,
    group_quotes,
    ranked_representatives,
    representative,
    statement,
    topic_words,
)
from summarizer.compare import agree
from summarizer.derivatives import detect_derivatives, independent
from summarizer.discrepancies import conflicting, discrepancies_of, figure_topic, value_classes
from summarizer.evidence import Candidate, DocEvidence, value_of
from summarizer.figures import FigureGroup, adopt_currency, group_figures
from summarizer.grounding import specific_words
from summarizer.overview import build_overview
from summarizer.quantities import find_mentions
from summarizer.similarity import TfIdf, bag

LABEL_AGREEMENT = 1.0
"""Share of their specific words two documents' labels must have in common to confirm a
disagreement: all of them. Measured on the nine dev stories with the oracle: at 0.5, labels
that share one name ('Permian' in 'Permian 2027' and 'Permian estimated') drew a false
discrepancy on one story; at 1.0 none, with the same recall."""
MAX_REPRESENTATIVES = 8  # sentences tried as a group's statement, best-ranked first
FigureKey = tuple[str, int, int]  # (doc, start, end) of a figure mention


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
    unconfirmed: int = 0
    """Disagreements the code's grouping found that the model's alignment did not confirm."""


def build_sources(evidence: Sequence[DocEvidence]) -> list[Source]:
    out = []
    for ev in evidence:
        d = ev.doc
        out.append(
            Source(
                id=d.id,
                path=d.path,
                title=ev.meta.get("title"),
                outlet=ev.meta.get("outlet"),
                byline=ev.meta.get("byline"),
                date=ev.meta.get("date"),
                chars=len(d.text),
                words=len(d.text.split()),
                sha256=d.sha256,
                status="ok",
            )  # fmt: skip
        )
    return out


@dataclass
class FigureFindings:
    discrepancies: list[Discrepancy]
    agreed: list[list[Candidate]]
    """Value classes stated alike by two or more sources."""
    fig_class: dict[FigureKey, tuple[int, int]]
    """(group, value class) of every figure mention in a discrepancy."""
    unconfirmed: int = 0
    """Disagreements the code's grouping found that the model did not confirm."""


def model_confirms(classes: Sequence[Sequence[Candidate]]) -> bool:
    """The model says two figures whose values disagree measure one thing: a verified
    same-measure group of its alignment holds both, or a group it proposed named both (a vote),
    or both carry a label from their own document's answer with the same specific words
    (LABEL_AGREEMENT)."""
    for i, a in enumerate(classes):
        for b in classes[i + 1 :]:
            if agree(value_of(a[0]), value_of(b[0])) is not False:
                continue
            if any(_same_measure(x, y) for x in a for y in b):
                return True
    return False


def _same_measure(x: Candidate, y: Candidate) -> bool:
    if x.measure_group is not None and x.measure_group == y.measure_group:
        return True
    if x.measure_votes & y.measure_votes:  # the code grouped them and the model named them together
        return True
    wx, wy = specific_words(" ".join(x.labels)), specific_words(" ".join(y.labels))
    return bool(wx and wy) and len(wx & wy) >= LABEL_AGREEMENT * len(wx | wy)


def figure_findings(figs: Sequence[Candidate], tfidf: TfIdf, derivative_of: dict[str, str]) -> FigureFindings:
    """Discrepancies and agreed figures. Once a model's alignment has grouped figures by
    measure (some figure carries a verified ``measure_group``), a disagreement is reported only
    when the model confirms it; the code's grouping alone then backs agreements only."""
    out = FigureFindings([], [], {})
    judged = any(c.measure_group is not None for c in figs)
    for gi, g in enumerate(group_figures(figs, tfidf)):
        classes = value_classes(g.members)
        if not conflicting(classes):
            if len({c.doc for c in g.members}) >= 2:
                out.agreed.append(g.members)
            continue
        if judged and not model_confirms(classes):
            out.agreed.extend(cl for cl in classes if len({c.doc for c in cl}) >= 2)
            out.unconfirmed += 1
            continue
        out.discrepancies.extend(discrepancies_of(g, classes, derivative_of, tfidf))
        for ci, cl in enumerate(classes):
            for c in cl:
                assert c.quantity_span is not None
                out.fig_class[(c.doc, c.quantity_span.start, c.quantity_span.end)] = (gi, ci)
    return out


def _importance(indep: int, n_docs: int, position: float, has_figure: bool, multi: bool) -> float:
    return round(
        min(1.0, 0.55 * indep / n_docs + 0.25 * (1 - position) + (0.1 if has_figure else 0.0)
            + (0.1 if multi else 0.0)),
        3,
    )  # fmt: skip


def claim_facts(
    claims: Sequence[Candidate], figs: Sequence[Candidate], found: FigureFindings,
    tfidf: TfIdf, derivative_of: dict[str, str], n_docs: int,
) -> list[Fact]:  # fmt: skip
    """One Fact per group of claims (agreed or single-source, decided by the caller)."""
    classes_by_doc: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for (doc, _s, _e), (gi, ci) in found.fig_class.items():
        classes_by_doc[doc][gi].add(ci)
    mentions_by_sentence: dict[tuple[str, int], list[Candidate]] = defaultdict(list)
    for f in figs:
        mentions_by_sentence[(f.doc, f.sentence)].append(f)
    anchors: dict[tuple[str, int], set[str]] = defaultdict(set)
    for k, members in enumerate(found.agreed):  # undisputed figures told by several sources
        for f in members:
            if value_of(f).unit not in ("year", "date", "time", "ordinal"):
                anchors[(f.doc, f.sentence)].add(str(k))
    def supporters_of(rep: Candidate, members: Sequence[Candidate]) -> list[Candidate]:
        # A source supports the statement unless it gives, anywhere, another value for one of
        # the statement's figures (and never the statement's value): the discrepancy shows it.
        rep_classes = {
            k for f in mentions_by_sentence.get((rep.doc, rep.sentence), []) if f.quantity_span is not None
            and (k := found.fig_class.get((f.doc, f.quantity_span.start, f.quantity_span.end))) is not None
        }  # fmt: skip
        return [
            m for m in members
            if not any(classes_by_doc[m.doc].get(g) and c not in classes_by_doc[m.doc][g] for g, c in rep_classes)
        ]  # fmt: skip

    out = []
    for group in group_claims(claims, tfidf, anchors):
        members = list(group)
        # The statement shown is the one most of the group's sources support (a sentence with a
        # disputed figure would leave out every source giving another value); the sources it
        # leaves out state the fact with their own figures, as a fact of their own.
        while members:
            ranked = ranked_representatives(members, derivative_of)[:MAX_REPRESENTATIVES]
            rep, supporters = max(
                ((r, supporters_of(r, members)) for r in ranked),
                key=lambda rs: len(independent(sorted({m.doc for m in rs[1]}), derivative_of)),
            )
            if not supporters:
                break
            out.append(_fact(rep, supporters, members, mentions_by_sentence, derivative_of, n_docs))
            taken = {id(m) for m in supporters}  # identity: comparing dataclasses field by field is quadratic
            members = [m for m in members if id(m) not in taken]
    return out


def _fact(
    rep: Candidate, supporters: Sequence[Candidate], members: Sequence[Candidate],
    mentions_by_sentence: dict[tuple[str, int], list[Candidate]], derivative_of: dict[str, str], n_docs: int,
) -> Fact:  # fmt: skip
    rep_figs = mentions_by_sentence.get((rep.doc, rep.sentence), [])
    docs = sorted({m.doc for m in supporters})
    indep = independent(docs, derivative_of)
    quantity = rep_figs[0].quantity if rep_figs else None
    return Fact(
        id="", statement=statement(rep), topic=rep.topic or topic_words(rep.statement),
        kind=rep.kind if rep.kind != "event" or not quantity else "figure",
        quantity=quantity, sources=docs, independent_sources=indep,
        importance=_importance(len(indep), n_docs, min(m.position for m in members), quantity is not None,
                               len(docs) > 1),
        evidence=_one_span_per_source([rep, *supporters]), origin=sorted({m.origin for m in supporters}),
    )  # fmt: skip


def _one_span_per_source(members: Sequence[Candidate]) -> list[Span]:
    """Each source's sentence for the fact, once (the shown statement's own first)."""
    first: dict[str, Span] = {}
    for m in members:
        first.setdefault(m.doc, m.span)
    return list(first.values())


def figure_facts(
    found: FigureFindings, stated: Sequence[Fact], derivative_of: dict[str, str], n_docs: int
) -> list[Fact]:
    """Agreed figures no agreed fact's statement already gives, as facts of their own (a
    sentence with two figures is one fact; the second figure, told by other sources too, is
    another)."""
    values = [m.value for f in stated for m in find_mentions(f.statement)]
    out = []
    for members in found.agreed:
        docs = sorted({c.doc for c in members})
        indep = independent(docs, derivative_of)
        if len(indep) < 2 or any(agree(value_of(members[0]), v) for v in values):
            continue
        rep = representative(members, derivative_of)
        values += [m.value for m in find_mentions(rep.statement)]
        out.append(
            Fact(
                id="",
                statement=statement(rep),
                topic=figure_topic(members),
                kind="figure",
                quantity=rep.quantity,
                sources=docs,
                independent_sources=indep,
                importance=round(min(1.0, 0.55 * len(indep) / n_docs + 0.35), 3),
                evidence=dedupe_spans([c.span for c in members]),
                origin=["evidence"],
            )  # fmt: skip
        )
    return out


def _one_per_statement(facts: list[Fact], derivative_of: dict[str, str]) -> list[Fact]:
    """Facts shown with the same sentence are one fact, with all their sources."""
    by_text: dict[str, Fact] = {}
    for f in facts:
        kept = by_text.setdefault(f.statement, f)
        if kept is not f:
            kept.sources = sorted(set(kept.sources) | set(f.sources))
            kept.independent_sources = independent(kept.sources, derivative_of)
            have = {sp.source for sp in kept.evidence}
            kept.evidence = dedupe_spans(kept.evidence + [sp for sp in f.evidence if sp.source not in have])
            kept.importance = max(kept.importance, f.importance)
    return list(by_text.values())


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
    adopt_currency(figs)
    found = figure_findings(figs, tfidf, derivative_of)
    claims = [c for c in cands if c.kind in ("event", "context", "quote")]
    claims = [c for c in claims if not (c.kind == "quote" and c.speaker and c.sentence < 0)]
    grouped = claim_facts(claims, figs, found, tfidf, derivative_of, n_docs)
    facts = [f for f in grouped if len(f.independent_sources) >= 2]
    single = [f for f in grouped if len(f.independent_sources) < 2]
    facts += figure_facts(found, facts, derivative_of, n_docs)

    facts = _one_per_statement([f for f in facts if f.kind != "quote"], derivative_of)
    single = [f for f in single if f.kind != "quote"]
    add_headline_weight([*facts, *single], [ev.meta.get("title") or "" for ev in evidence], tfidf)
    facts.sort(key=lambda f: (-len(f.independent_sources), -f.importance, f.statement))
    single.sort(key=lambda f: (-f.importance, f.statement))
    for i, fact in enumerate(facts, 1):
        fact.id = f"F{i}"
    for i, fact in enumerate(single, 1):
        fact.id = f"S{i}"
    for i, d in enumerate(found.discrepancies, 1):
        d.id = f"D{i}"
    quotes = group_quotes([c for c in cands if c.kind == "quote" and c.speaker is not None], tfidf)
    return MergeResult(
        sources, derivatives, facts, single, found.discrepancies, quotes, [],
        build_overview(sources, derivatives, facts, found.discrepancies), _story_title(sources, facts),
        found.unconfirmed,
    )  # fmt: skip


def _story_title(sources: Sequence[Source], facts: Sequence[Fact]) -> str:
    indep = [s for s in sources if s.independent and s.title]
    if indep:
        return indep[0].title or ""
    titled = [s for s in sources if s.title]
    if titled:
        return titled[0].title or ""
    return facts[0].statement if facts else "Brief"


__all__ = ["MergeResult", "merge", "detect_derivatives", "group_figures", "FigureGroup"]
