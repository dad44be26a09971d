"""Build a :class:`~summarizer.brief.Brief` straight from gold labels: the reference brief.

``brief_from_gold(gold, texts)`` is the brief a perfect pipeline would write: the gold facts,
most important first, the discrepancies under their measures, the quotes, the derivatives, and
the other-event documents set apart. Its evidence spans are real, found without the scorer's
matcher: for each source, the window of one to three sentences that holds the item's figures and
shares the most words with it. The scorer's meta-tests check that it scores at least 0.95.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from summarizer.brief import (
    Brief,
    Derivative,
    Discrepancy,
    DiscrepancyValue,
    Fact,
    Quote,
    RunInfo,
    SetApart,
    Source,
    Span,
    Value,
)
from summarizer.eval.gold import GoldDiscrepancy, GoldFact, GoldQuote, GoldStory, parse_gold
from summarizer.eval.normalize import quantities

_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019)]*(?=\s)|\n+")
_WORDS = re.compile(r"[a-z0-9]+")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence-ish stretch of ``text``, trimmed of surrounding space."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        out.append((start, m.end()))
        start = m.end()
    out.append((start, len(text)))
    trimmed: list[tuple[int, int]] = []
    for s, e in out:
        chunk = text[s:e]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        if e - trail > s + lead:
            trimmed.append((s + lead, e - trail))
    return trimmed


def _words(text: str) -> set[str]:
    return set(_WORDS.findall(text.lower()))


def _figures_in(figures: Sequence[str]) -> Callable[[str], bool]:
    """Does a text hold every one of these figures (same magnitude and unit)?"""
    # the same figures the evidence check looks for: a unit or digits ("second" is a word)
    wanted = [q for f in figures for q in quantities(f) if q.unit or any(c.isdigit() for c in q.text)]
    return lambda text: all(any(w.same(q) for q in quantities(text)) for w in wanted)


def find_span(
    text: str, source: str, about: str, accept: Callable[[str], bool], max_sentences: int = 3
) -> Span | None:
    """The window of 1..``max_sentences`` sentences that ``accept`` accepts and that shares the
    most words with ``about`` (the shortest among equals)."""
    sents = sentences(text)
    want = _words(about)
    best: tuple[float, Span] | None = None
    for width in range(1, max_sentences + 1):
        for i in range(len(sents) - width + 1):
            start, end = sents[i][0], sents[i + width - 1][1]
            chunk = text[start:end]
            if not accept(chunk):
                continue
            overlap = len(want & _words(chunk)) - 0.5 * (width - 1)
            if best is None or overlap > best[0]:
                best = (overlap, Span(source=source, start=start, end=end, text=chunk))
    return best[1] if best else None


def _fact_span(fact: GoldFact, text: str, source: str) -> Span | None:
    figures = [f for f in [fact.statement] if quantities(f)]
    return find_span(text, source, fact.statement, _figures_in(figures))


def make_value(raw: str) -> Value:
    """A :class:`Value` for a surface form, normalised with the scorer's own number reader."""
    found = quantities(raw)
    if not found:
        return Value(raw=raw, display=raw, unit="date")
    q = found[0]
    unit = q.unit or (
        "year" if 1900 <= q.value <= 2100 and q.value.is_integer() else "count"
    )
    if q.unit == "%":
        unit = "percent"
    display = f"{q.unit} {q.value:,.0f}" if q.unit and q.unit != "%" else raw
    return Value(raw=raw, display=display, value=q.value, unit=unit)


def _derivative_map(gold: GoldStory) -> dict[str, str]:
    return {d.source: d.original for d in gold.derivatives if not d.optional}


def _independent(sources: Sequence[str], derived: Mapping[str, str]) -> list[str]:
    return [s for s in sources if derived.get(s) not in sources]


def _fact(
    gold_fact: GoldFact, texts: Mapping[str, str], derived: Mapping[str, str]
) -> Fact:
    evidence = [
        span
        for src in gold_fact.sources
        if src in texts and (span := _fact_span(gold_fact, texts[src], src)) is not None
    ]
    quantity = None
    if gold_fact.values:
        raw = next((f for f in gold_fact.values if quantities(f)), gold_fact.values[0])
        quantity = make_value(raw)
    return Fact(
        id=gold_fact.id,
        statement=gold_fact.statement,
        topic=gold_fact.topic or gold_fact.id.removeprefix("f_").replace("_", " "),
        kind="figure" if gold_fact.values else "event",
        quantity=quantity,
        sources=list(gold_fact.sources),
        independent_sources=_independent(gold_fact.sources, derived),
        importance=gold_fact.importance / 3,
        evidence=evidence,
        origin=["evidence"],
    )


def _has_form(forms: Sequence[str], literal: bool = False) -> Callable[[str], bool]:
    def accept(text: str) -> bool:
        low = " ".join(text.lower().split())
        return any(f.lower() in low or (not literal and quantities(f) and _figures_in([f])(text)) for f in forms)

    return accept


def _value_span(text: str, source: str, measure: str, forms: Sequence[str]) -> Span | None:
    """A window that writes one of the forms as given; else one that states its figure."""
    return find_span(text, source, measure, _has_form(forms, literal=True)) or find_span(
        text, source, measure, _has_form(forms)
    )


def _discrepancy(
    gd: GoldDiscrepancy, texts: Mapping[str, str], derived: Mapping[str, str]
) -> Discrepancy:
    values: list[DiscrepancyValue] = []
    for gv in gd.values:
        evidence = [
            span
            for src in gv.sources
            if src in texts
            and (span := _value_span(texts[src], src, gd.measure, gv.forms)) is not None
        ]
        values.append(
            DiscrepancyValue(
                value=make_value(gv.forms[0]),
                sources=list(gv.sources),
                derivative_sources=[s for s in gv.sources if s in derived],
                evidence=evidence,
            )
        )
    unit = values[0].value.unit
    return Discrepancy(
        id=gd.id,
        topic=gd.measure,
        dimension=unit,
        scope=gd.scope,
        values=values,
        note=gd.note,
    )


def _quote(gq: GoldQuote, texts: Mapping[str, str]) -> Quote:
    evidence = [
        span
        for src in gq.sources
        if src in texts
        and (
            span := find_span(texts[src], src, gq.text or " ".join(gq.keywords[0]), lambda t: True)
        )
        is not None
    ]
    text = gq.text or (evidence[0].text if evidence else "")
    return Quote(
        id=gq.id,
        text=text,
        speaker=gq.speaker[0],
        sources=list(gq.sources),
        evidence=evidence,
    )


def brief_from_gold(
    gold: GoldStory | Mapping[str, Any], texts: Mapping[str, str]
) -> Brief:
    """The Brief a perfect pipeline would produce for ``gold`` over ``texts``."""
    g = parse_gold(gold)
    derived = _derivative_map(g)
    kinds = {d.source: d for d in g.derivatives if not d.optional}
    sources = [
        Source(
            id=sid,
            path=f"{g.corpus}/{sid}.txt",
            chars=len(texts.get(sid, "")),
            words=len(texts.get(sid, "").split()),
            sha256=hashlib.sha256(texts.get(sid, "").encode("utf-8")).hexdigest(),
            status="ok" if sid in texts else "failed",
            derivative_of=derived.get(sid),
            independent=sid not in derived,
        )
        for sid in g.sources
    ]
    ranked = sorted(g.facts, key=lambda f: -f.importance)
    facts = [_fact(f, texts, derived) for f in ranked]
    return Brief(
        title=g.story,
        run=RunInfo(backend="gold", documents=len(texts)),
        sources=sources,
        derivatives=[
            Derivative(
                source=d.source,
                original=d.original,
                kind=d.kind,
                similarity=1.0 if d.kind == "republication" else 0.5,
                paraphrase_similarity=1.0,
                reason="gold label",
            )
            for d in kinds.values()
        ],
        facts=[f for f in facts if len(f.sources) > 1],
        single_source=[f for f in facts if len(f.sources) == 1],
        discrepancies=[_discrepancy(d, texts, derived) for d in g.discrepancies],
        quotes=[_quote(q, texts) for q in g.quotes],
        set_apart=[
            SetApart(source=sid, event=gs.event, reason=gs.reason or f"about {gs.event}")
            for sid, gs in g.other_event_sources.items()
        ],
    )
