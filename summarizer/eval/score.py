"""Deterministic scorer: a Brief's JSON against hand-labelled gold (see ``evals/GUIDE.md``).

``score(brief_json, gold, corpus_texts)`` is pure: no model, no I/O, no randomness. It reads the
brief's own statements (never its evidence text) in the brief's order, credits gold facts only
within a word budget, charges statements that match nothing and are not supported by their
sources (contradictions twice), matches discrepancies on measure, values and each source under
its value, checks every evidence span against its source, and rewards setting apart documents
about another event. One headline ``score`` in [0, 1] is a weighted mean of the components.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from summarizer.brief import Brief, Span
from summarizer.eval.checks import DerivativeResult, UnsupportedItem, derivative_results, unsupported
from summarizer.eval.components import discrepancies, evidence_errors, other_events, quotes
from summarizer.eval.gold import GoldStory, first_error, parse_gold
from summarizer.eval.match import Text, fact_verdict
from summarizer.eval.results import ItemResult, StatementResult
from summarizer.eval.words import content_stems, negated, reverses

WEIGHTS: dict[str, float] = {
    "fact_recall": 0.30,
    "discrepancy_recall": 0.20,
    "other_events": 0.10,
    "statement_precision": 0.10,
    "discrepancy_precision": 0.05,
    "attribution_precision": 0.05,
    "quote_recall": 0.05,
    "derivative_f1": 0.05,
    "evidence_validity": 0.05,
    "unsupported": 0.05,
}
"""Headline weights. What a reader comes for first (the facts, within a readable length, and the
conflicts) weighs most; keeping another event out and not saying false things next. A component
with nothing to measure in a story (no other-event document, no quote, no derivative, no gold
discrepancy) is left out and the rest re-weighted."""

METRICS = ("score", *WEIGHTS)

BUDGET_BASE_WORDS = 250
BUDGET_WORDS_PER_SOURCE = 25
"""The word budget: 250 words plus 25 per independent source of the main event. Gold facts are
credited only when a statement within the budget, read in the brief's order, states them, and
fact recall is measured against what a perfect brief can state within the same budget (the
gold's discrepancies, then its facts, most important first: :func:`ideal_weight`). Ranking and
concision count; a dump, whose first few hundred words are one source's opening, loses."""

SUPPORT_CONTAINMENT = 0.6
"""An unmatched statement is supported when this share of its content words, and all of its
figures, are in the evidence it cites."""


class BriefSchemaError(ValueError):
    """The brief is not JSON or does not match the Brief schema (one-line message)."""


class _Report(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScoreReport(_Report):
    story: str
    split: str
    score: float
    fact_recall: float
    discrepancy_recall: float
    other_events: float
    statement_precision: float
    discrepancy_precision: float
    attribution_precision: float
    quote_recall: float
    derivative_f1: float
    evidence_validity: float
    unsupported: float
    applicable: list[str]
    fact_recall_unbudgeted: float
    discrepancy_source_accuracy: float = Field(
        description="Share of labelled (value, source) pairs found under the right value."
    )
    budget_words: int
    length_words: int
    false_discrepancies: int
    contradictions: int
    unsupported_statements: int
    unsupported_count: int
    facts: list[ItemResult] = Field(default_factory=list)
    discrepancies: list[ItemResult] = Field(default_factory=list)
    quotes: list[ItemResult] = Field(default_factory=list)
    other_event_items: list[ItemResult] = Field(default_factory=list)
    statements: list[StatementResult] = Field(default_factory=list)
    unsupported_items: list[UnsupportedItem] = Field(default_factory=list)
    derivatives: list[DerivativeResult] = Field(default_factory=list)
    evidence_errors: list[str] = Field(default_factory=list)

    def scores(self) -> dict[str, float]:
        """The headline and every component, each in [0, 1]."""
        return {name: float(getattr(self, name)) for name in METRICS}

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)


def parse_brief(brief_json: str | bytes | Mapping[str, Any] | Brief) -> Brief:
    """Validate a brief (JSON text, decoded mapping or model); raise :class:`BriefSchemaError`."""
    if isinstance(brief_json, Brief):
        return brief_json
    data: object = brief_json
    if isinstance(brief_json, str | bytes):
        try:
            data = json.loads(brief_json)
        except json.JSONDecodeError as exc:
            raise BriefSchemaError(
                f"brief is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
    if not isinstance(data, Mapping):
        raise BriefSchemaError(f"brief JSON must be an object, got {type(data).__name__}")
    try:
        return Brief.model_validate(dict(data))
    except ValidationError as exc:
        raise BriefSchemaError(f"brief does not match the Brief schema at {first_error(exc)}") from None


# --------------------------------------------------------------------------- statements


@dataclass
class _Stmt:
    ref: str
    text: Text
    sources: list[str]
    evidence: list[Span]
    is_discrepancy: bool = False
    also: str = ""  # for overview sentences: the topics and values of the discrepancies they cite
    words: int = 0
    within: bool = True
    verdicts: dict[str, str] = field(default_factory=dict)


def _statements(brief: Brief) -> list[_Stmt]:
    """The brief's statements in reading order: overview, discrepancies, facts, single-source."""
    by_id: dict[str, tuple[list[str], list[Span]]] = {}
    disc_text = {d.id: d.topic + " " + " ".join(v.value.raw for v in d.values) for d in brief.discrepancies}
    for f in [*brief.facts, *brief.single_source]:
        by_id[f.id] = (f.sources, f.evidence)
    for d in brief.discrepancies:
        by_id[d.id] = (
            [s for v in d.values for s in v.sources],
            [s for v in d.values for s in v.evidence],
        )
    out: list[_Stmt] = []
    for i, sent in enumerate(brief.overview):
        srcs = [s for r in sent.refs for s in by_id.get(r, ([], []))[0]]
        ev = [s for r in sent.refs for s in by_id.get(r, ([], []))[1]]
        also = " | ".join(disc_text[r] for r in sent.refs if r in disc_text)
        if also:  # citing a discrepancy supports saying that the sources disagree
            also += " | sources disagree disagreement differ conflict vary"
        out.append(_Stmt(f"overview[{i}]", Text.of(sent.text), list(dict.fromkeys(srcs)), ev, also=also))
    for d in brief.discrepancies:
        raws = " vs ".join(v.value.raw for v in d.values)
        srcs, ev = by_id[d.id]
        out.append(_Stmt(f"discrepancies[{d.id}]", Text.of(f"{d.topic}: {raws}"), srcs, ev, True))
    for kind, facts in (("facts", brief.facts), ("single_source", brief.single_source)):
        for f in facts:
            out.append(_Stmt(f"{kind}[{f.id}]", Text.of(f.statement), list(f.sources), f.evidence))
    return out


def _apply_budget(stmts: list[_Stmt], budget: int) -> int:
    used = 0
    for s in stmts:
        s.words = len(s.text.raw.split())
        s.within = used < budget
        used += s.words
    return used


def _supported(stmt: _Stmt, texts: Mapping[str, str]) -> bool:
    """Does a statement that matches no gold fact say only what its own evidence says: its
    figures, its names, 60% of its content words, no negation or reversal the evidence lacks?"""
    ev = " | ".join(s.text for s in stmt.evidence if texts.get(s.source, "")[s.start : s.end] == s.text)
    if ev and stmt.also:
        ev += " | " + stmt.also
    if not ev:
        return False
    ev_text = Text.of(ev)
    for q in stmt.text.qty:
        if (q.unit or any(c.isdigit() for c in q.text)) and not any(q.same(e) for e in ev_text.qty):
            return False
    ev_words = set(ev_text.toks)
    names = {t.lower() for t in re.findall(r"(?<=[a-z,;] )[A-Z][a-z]+", stmt.text.raw)}
    if not names <= ev_words:
        return False
    if negated(stmt.text.raw) and not negated(ev) or reverses([ev], stmt.text.raw):
        return False
    want = stmt.text.stems
    return not want or len(want & content_stems(ev)) / len(want) >= SUPPORT_CONTAINMENT


def _judge_statements(gold: GoldStory, stmts: list[_Stmt], texts: Mapping[str, str]) -> list[StatementResult]:
    out: list[StatementResult] = []
    for s in stmts:
        for f in gold.facts:
            v = fact_verdict(f, s.text)
            if v:
                s.verdicts[f.id] = v
        matched = [k for k, v in s.verdicts.items() if v == "match"]
        if any(gold.facts[i].values for i, f in enumerate(gold.facts) if f.id in matched):
            # its figure belongs to a fact it states: another figure of that kind is not a lie
            s.verdicts = {k: v for k, v in s.verdicts.items() if v != "other_figure"}
        if any(v != "match" for v in s.verdicts.values()):
            verdict = "contradiction"  # a false statement, whatever else it gets right
        elif matched:
            verdict = "match"
        else:
            verdict = "supported" if _supported(s, texts) else "unsupported"
        allowed = {src for f in gold.facts if f.id in matched for src in f.sources}
        wrong = [src for src in s.sources if matched and src not in allowed]
        out.append(StatementResult(
            ref=s.ref, words=s.words, within_budget=s.within, verdict=verdict,
            gold=matched or list(s.verdicts), cited=s.sources, wrong_sources=wrong,
        ))  # fmt: skip
    return out


def ideal_weight(gold: GoldStory, budget: int) -> float:
    """The importance a perfect brief can credit within the budget: its discrepancy rows (the
    measure and each value's first form), then the gold facts, most important first."""
    used = sum(len(d.measure.split()) + sum(len(v.forms[0].split()) for v in d.values)
               for d in gold.discrepancies)  # fmt: skip
    weight = 0.0
    for f in sorted(gold.facts, key=lambda f: -f.importance):
        if used < budget:
            weight += f.importance
        used += len(f.statement.split())
    return weight


def _fact_results(gold: GoldStory, stmts: list[_Stmt]) -> tuple[list[ItemResult], float]:
    budgeted: list[ItemResult] = []
    anywhere = 0.0
    for f in gold.facts:
        refs = [s.ref for s in stmts if s.verdicts.get(f.id) == "match"]
        inside = [s.ref for s in stmts if s.within and s.verdicts.get(f.id) == "match"]
        if refs:
            anywhere += f.importance
        if inside:
            reason = f"matched by {inside[0]}"
        elif refs:
            reason = f"matched by {refs[0]}, past the word budget"
        else:
            near = [s.ref for s in stmts if s.verdicts.get(f.id) in ("negated", "other_figure")]
            reason = f"contradicted by {near[0]}" if near else "no statement matches"
        budgeted.append(ItemResult(id=f.id, hit=bool(inside), weight=f.importance, reason=reason, matched=refs))
    total = sum(f.importance for f in gold.facts)
    return budgeted, (anywhere / total if total else 1.0)


def _weighted(results: list[ItemResult]) -> float:
    total = sum(r.weight for r in results)
    return sum(r.weight for r in results if r.hit) / total if total else 1.0


def score(
    brief_json: str | bytes | Mapping[str, Any] | Brief,
    gold: GoldStory | Mapping[str, Any],
    corpus_texts: Mapping[str, str],
) -> ScoreReport:
    """Score one brief against one story's gold labels. Pure and deterministic."""
    brief = parse_brief(brief_json)
    g = parse_gold(gold)
    budget = BUDGET_BASE_WORDS + BUDGET_WORDS_PER_SOURCE * len(g.independent_sources())
    stmts = _statements(brief)
    length = _apply_budget(stmts, budget)
    judged = _judge_statements(g, stmts, corpus_texts)
    facts, unbudgeted = _fact_results(g, stmts)
    plain = [j for j in judged if not j.ref.startswith("discrepancies")]
    contradictions = sum(j.verdict == "contradiction" for j in plain)
    unsupported_n = sum(j.verdict == "unsupported" for j in plain)
    precision = max(0.0, 1 - (unsupported_n + 2 * contradictions) / len(plain)) if plain else 1.0
    cited = sum(len(j.cited) for j in plain if j.verdict == "match")
    wrong = sum(len(j.wrong_sources) for j in plain)
    discs, accuracy, false, d_precision = discrepancies(g, brief)
    quote_items = quotes(g, brief)
    others, other_score = other_events(g, brief)
    _, _, d_f1, ders = derivative_results(g, brief)
    checked, bad = unsupported(brief, corpus_texts)
    ev_errors, ev_checks = evidence_errors(brief, corpus_texts)
    credited = sum(r.weight for r in facts if r.hit)
    ideal = ideal_weight(g, budget)
    comps = {
        "fact_recall": min(1.0, credited / ideal) if ideal else 1.0,
        "discrepancy_recall": _weighted(discs),
        "other_events": other_score,
        "statement_precision": precision,
        "discrepancy_precision": d_precision,
        "attribution_precision": 1 - wrong / cited if cited else 1.0,
        "quote_recall": _weighted(quote_items),
        "derivative_f1": d_f1,
        "evidence_validity": 1 - len(ev_errors) / ev_checks if ev_checks else 1.0,
        "unsupported": 1.0 - len(bad) / checked if checked else 1.0,
    }
    skip = {
        "other_events": not others,
        "quote_recall": not g.quotes,
        "derivative_f1": not ders,
        "discrepancy_recall": not g.discrepancies,
    }
    applicable = [k for k in WEIGHTS if not skip.get(k, False)]
    headline = sum(WEIGHTS[k] * comps[k] for k in applicable) / sum(WEIGHTS[k] for k in applicable)
    return ScoreReport(
        story=g.story, split=g.split, score=headline, **comps, applicable=applicable,
        fact_recall_unbudgeted=unbudgeted, discrepancy_source_accuracy=accuracy,
        budget_words=budget, length_words=length, false_discrepancies=false,
        contradictions=contradictions, unsupported_statements=unsupported_n,
        unsupported_count=len(bad), facts=facts, discrepancies=discs, quotes=quote_items,
        other_event_items=others, statements=judged, unsupported_items=bad,
        derivatives=ders, evidence_errors=ev_errors,
    )  # fmt: skip
