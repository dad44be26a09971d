"""Deterministic scorer: a Brief's JSON against hand-labelled gold (see ``evals/GUIDE.md``).

``score(brief_json, gold, corpus_texts)`` is pure: no model, no I/O, no randomness. It validates
the brief with :class:`summarizer.brief.Brief` (the only pipeline import; matching, number and
text normalisation live in :mod:`evals.normalize` so the scorer stays independent of the code it
judges) and returns a :class:`ScoreReport` with per-metric scores in [0, 1] and a hit/miss line,
with a reason, for every gold item.

Command line: ``python -m evals.score BRIEF.json evals/gold/seeds.json [--json]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from evals.normalize import (
    Quantity,
    clean,
    norm_text,
    phrase_in,
    quantities,
    quantity_from_value,
    words,
)
from summarizer.brief import Brief, Discrepancy, Fact, Value

METRICS = (
    "fact_recall",
    "discrepancy_recall",
    "attribution_precision",
    "unsupported",
    "derivative_f1",
    "quote_recall",
)

MAX_EVIDENCE_CHARS = 1000
"""Longer evidence spans are not searched when matching gold facts (no whole-document spans)."""


class BriefSchemaError(ValueError):
    """The brief is not JSON or does not match the Brief schema (one-line message)."""


class GoldError(ValueError):
    """The gold file is malformed or inconsistent (one-line message)."""


# --------------------------------------------------------------------------- gold model


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")


Keywords = list[list[str]]


class GoldSource(_Gold):
    note: str = ""


class GoldFact(_Gold):
    id: str
    statement: str
    importance: int = Field(ge=1, le=3)
    sources: list[str] = Field(min_length=1)
    keywords: Keywords = Field(min_length=1)
    values: list[str] = Field(default_factory=list)
    topic: str | None = None
    note: str = ""


class GoldDiscrepancyValue(_Gold):
    forms: list[str] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class GoldDiscrepancy(_Gold):
    id: str
    topic: str
    keywords: Keywords = Field(default_factory=list)
    importance: int = Field(ge=1, le=3)
    scope: Literal["across_sources", "within_source"] = "across_sources"
    values: list[GoldDiscrepancyValue] = Field(min_length=2)
    note: str = ""


class GoldDerivative(_Gold):
    source: str
    original: str
    kind: Literal["republication", "rewrite"]
    optional: bool = False
    note: str = ""


class GoldQuote(_Gold):
    id: str
    speaker: list[str] = Field(min_length=1)
    keywords: Keywords = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    text: str = ""
    note: str = ""


class GoldStory(_Gold):
    story: str
    corpus: str
    sources: dict[str, GoldSource]
    facts: list[GoldFact] = Field(default_factory=list)
    discrepancies: list[GoldDiscrepancy] = Field(default_factory=list)
    derivatives: list[GoldDerivative] = Field(default_factory=list)
    quotes: list[GoldQuote] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> GoldStory:
        ids = [f.id for f in self.facts] + [d.id for d in self.discrepancies]
        ids += [q.id for q in self.quotes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate gold ids: {dupes}")
        known = set(self.sources)
        refs: list[tuple[str, str]] = []
        for fact in self.facts:
            refs += [(fact.id, s) for s in fact.sources]
        for disc in self.discrepancies:
            refs += [(disc.id, s) for v in disc.values for s in v.sources]
        for quote in self.quotes:
            refs += [(quote.id, s) for s in quote.sources]
        for der in self.derivatives:
            refs += [
                (f"derivative {der.source}", der.source),
                ("derivative", der.original),
            ]
        for where, src in refs:
            if src not in known:
                raise ValueError(f"{where} names unknown source {src!r}")
        keyed = [(f.id, f.keywords) for f in self.facts]
        keyed += [(d.id, d.keywords) for d in self.discrepancies]
        keyed += [(q.id, q.keywords) for q in self.quotes]
        for item_id, keywords in keyed:
            if any(not group for group in keywords):
                raise ValueError(f"{item_id} has an empty keyword group")
        return self


def parse_gold(gold: GoldStory | Mapping[str, Any]) -> GoldStory:
    """Validate a gold mapping (as loaded from ``evals/gold/<story>.json``)."""
    if isinstance(gold, GoldStory):
        return gold
    try:
        return GoldStory.model_validate(gold)
    except ValidationError as exc:
        raise GoldError(f"gold: {_first_error(exc)}") from None


def load_gold(path: str | Path) -> GoldStory:
    return parse_gold(json.loads(Path(path).read_text(encoding="utf-8")))


def load_corpus(directory: str | Path) -> dict[str, str]:
    """``{file stem: text}`` for every ``*.txt`` in ``directory``, byte-exact (no newline mapping)."""
    return {
        p.stem: p.read_bytes().decode("utf-8")
        for p in sorted(Path(directory).glob("*.txt"))
    }


# --------------------------------------------------------------------------- report model


class _Report(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ItemResult(_Report):
    id: str
    hit: bool
    weight: float
    reason: str
    matched: list[str] = Field(
        default_factory=list, description="Brief item refs that matched."
    )


class AttributionResult(_Report):
    item: str = Field(description="Brief item ref, e.g. 'facts[f3]'.")
    gold: list[str] = Field(description="Gold facts the item was matched to.")
    cited: list[str]
    wrong: list[str] = Field(description="Cited sources no matched gold fact lists.")


class UnsupportedItem(_Report):
    kind: Literal["figure", "name"]
    text: str
    where: str
    missing: list[str] = Field(
        default_factory=list, description="For names: unknown words."
    )


class DerivativeResult(_Report):
    source: str
    original: str
    status: Literal["hit", "missed", "spurious", "optional"]
    reason: str


class ScoreReport(_Report):
    story: str
    fact_recall: float
    discrepancy_recall: float
    attribution_precision: float
    unsupported: float = Field(
        description="1 - unsupported_count / unsupported_checked."
    )
    unsupported_count: int
    unsupported_checked: int
    derivative_precision: float
    derivative_recall: float
    derivative_f1: float
    quote_recall: float
    length_words: int = Field(
        description="Words in the brief's text fields (not scored)."
    )
    facts: list[ItemResult] = Field(default_factory=list)
    discrepancies: list[ItemResult] = Field(default_factory=list)
    quotes: list[ItemResult] = Field(default_factory=list)
    attributions: list[AttributionResult] = Field(default_factory=list)
    unsupported_items: list[UnsupportedItem] = Field(default_factory=list)
    derivatives: list[DerivativeResult] = Field(default_factory=list)
    invalid_spans: list[str] = Field(
        default_factory=list,
        description="Evidence spans whose text is not the source's (info).",
    )

    def scores(self) -> dict[str, float]:
        """The six scored metrics, each in [0, 1]."""
        return {name: float(getattr(self, name)) for name in METRICS}

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)


# --------------------------------------------------------------------------- brief parsing


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ""
    for part in err["loc"]:
        loc += (
            f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
        )
    msg = " ".join(str(err["msg"]).split())
    return f"{loc or '<root>'}: {msg} ({len(exc.errors())} error(s))"


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
        raise BriefSchemaError(
            f"brief JSON must be an object, got {type(data).__name__}"
        )
    try:
        return Brief.model_validate(dict(data))
    except ValidationError as exc:
        raise BriefSchemaError(
            f"brief does not match the Brief schema at {_first_error(exc)}"
        ) from None


# --------------------------------------------------------------------------- haystacks


@dataclass
class Haystack:
    """Normalised text of some fields plus every figure in them."""

    norm: str
    qty: list[Quantity]


def haystack(texts: Iterable[str], extra: Iterable[Quantity | None] = ()) -> Haystack:
    texts = [t for t in texts if t]
    qty = [q for t in texts for q in quantities(t)]
    qty += [q for q in extra if q is not None]
    return Haystack(" | ".join(norm_text(t) for t in texts), qty)


def _value_texts(value: Value | None) -> tuple[list[str], list[Quantity | None]]:
    if value is None:
        return [], []
    texts = [value.raw, value.display]
    extra = [quantity_from_value(value.value, value.unit)]
    for alt in value.alternatives:
        t, e = _value_texts(alt)
        texts += t
        extra += e
    return texts, extra


@dataclass
class _Item:
    """A brief fact, single-source fact or discrepancy, as fact matching sees it."""

    ref: str
    core: Haystack  # statement/topic/values
    full: Haystack  # core + evidence span texts
    sources: list[str] = field(default_factory=list)
    is_fact: bool = True


def _fact_item(kind: str, fact: Fact) -> _Item:
    vt, ve = _value_texts(fact.quantity)
    core = [fact.statement, fact.topic, *vt]
    evidence = [s.text for s in fact.evidence if len(s.text) <= MAX_EVIDENCE_CHARS]
    return _Item(
        f"{kind}[{fact.id}]",
        haystack(core, ve),
        haystack(core + evidence, ve),
        list(fact.sources),
    )


def _disc_item(disc: Discrepancy) -> _Item:
    core = [disc.topic]
    extra: list[Quantity | None] = []
    evidence: list[str] = []
    for dv in disc.values:
        vt, ve = _value_texts(dv.value)
        core += vt
        extra += ve
        evidence += [s.text for s in dv.evidence if len(s.text) <= MAX_EVIDENCE_CHARS]
    ref = f"discrepancies[{disc.id}]"
    return _Item(
        ref, haystack(core, extra), haystack(core + evidence, extra), is_fact=False
    )


def groups_hit(keywords: Sequence[Sequence[str]], hay: Haystack) -> list[bool]:
    return [
        any(phrase_in(norm_text(alt), hay.norm) for alt in group) for group in keywords
    ]


def form_hit(form: str, hay: Haystack) -> bool:
    wanted = quantities(form)
    if wanted:
        return any(w.same(q) for w in wanted for q in hay.qty)
    return phrase_in(norm_text(form), hay.norm)


def fact_matches(fact: GoldFact, hay: Haystack) -> bool:
    if not all(groups_hit(fact.keywords, hay)):
        return False
    return not fact.values or any(form_hit(v, hay) for v in fact.values)


# --------------------------------------------------------------------------- metrics


def _weighted(results: Sequence[ItemResult]) -> float:
    total = sum(r.weight for r in results)
    if total == 0:
        return 1.0
    return sum(r.weight for r in results if r.hit) / total


def _fact_results(gold: GoldStory, items: Sequence[_Item]) -> list[ItemResult]:
    out: list[ItemResult] = []
    for fact in gold.facts:
        core = [i.ref for i in items if fact_matches(fact, i.core)]
        full = [i.ref for i in items if fact_matches(fact, i.full)]
        if core:
            out.append(
                ItemResult(
                    id=fact.id,
                    hit=True,
                    weight=fact.importance,
                    reason=f"matched by {core[0]}",
                    matched=full,
                )
            )
        elif full:
            out.append(
                ItemResult(
                    id=fact.id,
                    hit=True,
                    weight=fact.importance,
                    reason=f"matched via evidence of {full[0]}",
                    matched=full,
                )
            )
        else:
            out.append(
                ItemResult(
                    id=fact.id,
                    hit=False,
                    weight=fact.importance,
                    reason=_fact_miss_reason(fact, items),
                )
            )
    return out


def _fact_miss_reason(fact: GoldFact, items: Sequence[_Item]) -> str:
    best: tuple[int, str, list[str]] | None = None
    for item in items:
        hits = groups_hit(fact.keywords, item.full)
        n = sum(hits)
        if n and (best is None or n > best[0]):
            missing = [g[0] for g, h in zip(fact.keywords, hits, strict=True) if not h]
            best = (n, item.ref, missing)
    if best is None:
        return "no brief item matches any keyword group"
    n, ref, missing = best
    if not missing:
        return f"{ref} matches the keywords but none of the values {fact.values}"
    return f"closest {ref} matches {n}/{len(fact.keywords)} keyword groups; missing {missing}"


def _attributions(
    gold: GoldStory, items: Sequence[_Item]
) -> tuple[float, list[AttributionResult]]:
    results: list[AttributionResult] = []
    cited_total = 0
    correct = 0
    for item in items:
        if not item.is_fact:
            continue
        matched = [f for f in gold.facts if fact_matches(f, item.core)]
        if not matched:
            matched = [f for f in gold.facts if fact_matches(f, item.full)]
        if not matched:
            continue
        supported = {s for f in matched for s in f.sources}
        cited = list(dict.fromkeys(item.sources))
        wrong = [s for s in cited if s not in supported]
        cited_total += len(cited)
        correct += len(cited) - len(wrong)
        results.append(
            AttributionResult(
                item=item.ref, gold=[f.id for f in matched], cited=cited, wrong=wrong
            )
        )
    return (correct / cited_total if cited_total else 1.0), results


def _value_hay(dv_value: Value) -> Haystack:
    texts, extra = _value_texts(dv_value)
    return haystack(texts, extra)


def _disc_value_ok(
    gold_disc: GoldDiscrepancy, k: int, brief_sources: set[str], hay: Haystack
) -> tuple[bool, str]:
    """Does a brief value satisfy gold value ``k``? (form present, sources right)."""
    gv = gold_disc.values[k]
    if not any(form_hit(form, hay) for form in gv.forms):
        return False, "no form"
    others = {s for j, v in enumerate(gold_disc.values) if j != k for s in v.sources}
    forbidden = (others - set(gv.sources)) & brief_sources
    missing = set(gv.sources) - brief_sources
    if missing:
        return False, f"value {gv.forms[0]!r} lacks sources {sorted(missing)}"
    if forbidden:
        return False, f"value {gv.forms[0]!r} wrongly cites {sorted(forbidden)}"
    return True, ""


def _assign(ok: list[list[bool]]) -> bool:
    """Can every gold value (row) take a distinct brief value (column)?"""

    def go(row: int, used: frozenset[int]) -> bool:
        if row == len(ok):
            return True
        return any(
            ok[row][col] and col not in used and go(row + 1, used | {col})
            for col in range(len(ok[row]))
        )

    return go(0, frozenset())


def _discrepancy_results(gold: GoldStory, brief: Brief) -> list[ItemResult]:
    out: list[ItemResult] = []
    hays = [
        [(_value_hay(v.value), set(v.sources)) for v in d.values]
        for d in brief.discrepancies
    ]
    for gd in gold.discrepancies:
        hit_refs: list[str] = []
        best: tuple[int, str, list[str]] | None = None
        for disc, values in zip(brief.discrepancies, hays, strict=True):
            ok: list[list[bool]] = []
            problems: list[str] = []
            for k in range(len(gd.values)):
                row = []
                row_problems = []
                for hay, srcs in values:
                    good, why = _disc_value_ok(gd, k, srcs, hay)
                    row.append(good)
                    if why != "no form":
                        row_problems.append(why)
                ok.append(row)
                if not any(row):
                    problems.append(
                        row_problems[0]
                        if row_problems
                        else f"no value {gd.values[k].forms[0]!r}"
                    )
            ref = f"discrepancies[{disc.id}]"
            if _assign(ok):
                hit_refs.append(ref)
                continue
            n = sum(1 for row in ok if any(row))
            has_form = sum(
                1
                for k in range(len(gd.values))
                if any(
                    any(form_hit(f, h) for f in gd.values[k].forms) for h, _ in values
                )
            )
            if has_form and (best is None or has_form > best[0]):
                best = (
                    has_form,
                    ref,
                    problems or [f"{n}/{len(gd.values)} values assignable"],
                )
        if hit_refs:
            out.append(
                ItemResult(
                    id=gd.id,
                    hit=True,
                    weight=gd.importance,
                    reason=f"matched by {hit_refs[0]}",
                    matched=hit_refs,
                )
            )
        elif best is None:
            out.append(
                ItemResult(
                    id=gd.id,
                    hit=False,
                    weight=gd.importance,
                    reason="no brief discrepancy contains any of its values"
                    + _topic_hint(gd, brief),
                )
            )
        else:
            out.append(
                ItemResult(
                    id=gd.id,
                    hit=False,
                    weight=gd.importance,
                    reason=f"closest {best[1]}: " + "; ".join(best[2]),
                )
            )
    return out


def _topic_hint(gd: GoldDiscrepancy, brief: Brief) -> str:
    """Name brief discrepancies whose topic matches the gold keywords (for the miss reason)."""
    if not gd.keywords:
        return ""
    refs = [
        f"discrepancies[{d.id}]"
        for d in brief.discrepancies
        if all(groups_hit(gd.keywords, haystack([d.topic])))
    ]
    return f" (topic matches {', '.join(refs)})" if refs else ""


def _quote_results(gold: GoldStory, brief: Brief) -> list[ItemResult]:
    out: list[ItemResult] = []
    for gq in gold.quotes:
        speaker_ok: list[str] = []
        hits: list[str] = []
        for q in brief.quotes:
            speaker = norm_text(q.speaker or "")
            if not any(phrase_in(norm_text(s), speaker) for s in gq.speaker):
                continue
            speaker_ok.append(q.id)
            if all(groups_hit(gq.keywords, haystack([q.text]))):
                hits.append(f"quotes[{q.id}]")
        if hits:
            reason = f"matched by {hits[0]}"
        elif speaker_ok:
            reason = f"{len(speaker_ok)} quote(s) by the speaker, none with keywords {gq.keywords}"
        else:
            reason = f"no quote attributed to {gq.speaker[0]}"
        out.append(
            ItemResult(
                id=gq.id, hit=bool(hits), weight=1.0, reason=reason, matched=hits
            )
        )
    return out


def _root(source: str, republished: Mapping[str, str]) -> str:
    seen = {source}
    while source in republished and republished[source] not in seen:
        source = republished[source]
        seen.add(source)
    return source


def _derivative_results(
    gold: GoldStory, brief: Brief
) -> tuple[float, float, float, list[DerivativeResult]]:
    # A pointer to a republication is a pointer to its original (the texts are the same).
    republished = {
        d.source: d.original for d in gold.derivatives if d.kind == "republication"
    }
    required = {
        (d.source, _root(d.original, republished)): d
        for d in gold.derivatives
        if not d.optional
    }
    optional = {
        (d.source, _root(d.original, republished))
        for d in gold.derivatives
        if d.optional
    }
    predicted: dict[tuple[str, str], str] = {}
    for d in brief.derivatives:
        predicted.setdefault((d.source, _root(d.original, republished)), d.kind)
    results: list[DerivativeResult] = []
    tp = 0
    for pair, gd in required.items():
        if pair in predicted:
            tp += 1
            kind = predicted[pair]
            note = "" if kind == gd.kind else f" (kind {kind!r}, gold {gd.kind!r})"
            results.append(
                DerivativeResult(
                    source=pair[0],
                    original=pair[1],
                    status="hit",
                    reason="found" + note,
                )
            )
        else:
            results.append(
                DerivativeResult(
                    source=pair[0],
                    original=pair[1],
                    status="missed",
                    reason=f"gold {gd.kind} not in brief",
                )
            )
    fp = 0
    for pair in predicted:
        if pair in required:
            continue
        if pair in optional:
            results.append(
                DerivativeResult(
                    source=pair[0],
                    original=pair[1],
                    status="optional",
                    reason="optional in gold: not counted",
                )
            )
            continue
        fp += 1
        results.append(
            DerivativeResult(
                source=pair[0],
                original=pair[1],
                status="spurious",
                reason="not a gold derivative pair",
            )
        )
    n_pred = tp + fp
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / len(required) if required else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, results


# --------------------------------------------------------------------------- unsupported

# Common sentence openers: dropped from the start of a capitalised run.
_STARTERS = frozenset(
    {
        "a",
        "about",
        "according",
        "after",
        "also",
        "although",
        "an",
        "and",
        "another",
        "as",
        "at",
        "because",
        "before",
        "both",
        "but",
        "by",
        "despite",
        "during",
        "each",
        "earlier",
        "either",
        "even",
        "finally",
        "for",
        "from",
        "further",
        "furthermore",
        "however",
        "if",
        "in",
        "it",
        "its",
        "later",
        "meanwhile",
        "moreover",
        "most",
        "neither",
        "no",
        "not",
        "of",
        "on",
        "once",
        "one",
        "only",
        "other",
        "over",
        "several",
        "separately",
        "since",
        "so",
        "some",
        "still",
        "such",
        "than",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "thus",
        "to",
        "two",
        "under",
        "unlike",
        "until",
        "what",
        "when",
        "where",
        "whereas",
        "which",
        "while",
        "who",
        "with",
        "yet",
    }
)
_CAP_TOKEN = re.compile(r"[A-Za-z][A-Za-z']*")
_SENTENCE_END = re.compile(r"[.!?:;\"(\[]")


def _is_figure(q: Quantity) -> bool:
    """Digits, money, percentages or large number words; not 'one', 'second', 'ten'."""
    return bool(q.unit) or any(c.isdigit() for c in q.text) or q.value > 12


def _text_fields(brief: Brief) -> list[tuple[str, str]]:
    """(where, text) for every field the unsupported check reads."""
    out: list[tuple[str, str]] = []
    for i, sent in enumerate(brief.overview):
        out.append((f"overview[{i}]", sent.text))
    for kind, facts in (("facts", brief.facts), ("single_source", brief.single_source)):
        for f in facts:
            out += [
                (f"{kind}[{f.id}].statement", f.statement),
                (f"{kind}[{f.id}].topic", f.topic),
            ]
            out += [(f"{kind}[{f.id}].quantity", raw) for raw in _raws(f.quantity)]
    for d in brief.discrepancies:
        out.append((f"discrepancies[{d.id}].topic", d.topic))
        for k, dv in enumerate(d.values):
            out += [
                (f"discrepancies[{d.id}].values[{k}]", raw) for raw in _raws(dv.value)
            ]
    for q in brief.quotes:
        out.append((f"quotes[{q.id}].text", q.text))
    return out


def _raws(value: Value | None) -> list[str]:
    if value is None:
        return []
    return [value.raw] + [r for alt in value.alternatives for r in _raws(alt)]


def _name_runs(text: str) -> list[tuple[str, list[str]]]:
    """Capitalised word runs worth checking: (surface, words to check).

    A lone capitalised word at the start of a sentence is skipped (it may be an ordinary word);
    a run starting a sentence drops its first word when that is a common sentence opener.
    """
    text = re.sub(r"(?<![A-Za-z.])(?:U\.S\.A\.|U\.S\.)", "US", clean(text))
    runs: list[tuple[str, list[str], bool]] = []
    prev_end = 0
    current: list[re.Match[str]] = []
    current_start = False
    sentence_start = True
    for m in _CAP_TOKEN.finditer(text):
        gap = text[prev_end : m.start()]
        joined = bool(current) and re.fullmatch(r"[ \t]*[-/]?[ \t]*", gap) is not None
        if gap and _SENTENCE_END.search(gap):
            sentence_start = True
        if not m.group(0)[0].isupper():
            if current:
                runs.append(_run(text, current, current_start))
                current = []
        elif joined:
            current.append(m)
        else:
            if current:
                runs.append(_run(text, current, current_start))
            current = [m]
            current_start = sentence_start
        sentence_start = False
        prev_end = m.end()
    if current:
        runs.append(_run(text, current, current_start))
    out: list[tuple[str, list[str]]] = []
    for surface, toks, at_start in runs:
        if at_start:
            if len(toks) == 1:
                continue
            if toks[0].lower() in _STARTERS:
                toks = toks[1:]
        out.append((surface, toks))
    return out


def _run(
    text: str, toks: list[re.Match[str]], at_start: bool
) -> tuple[str, list[str], bool]:
    words_ = [re.sub(r"'s?$", "", t.group(0)) for t in toks]
    return text[toks[0].start() : toks[-1].end()], words_, at_start


def _unsupported(
    brief: Brief, texts: Mapping[str, str]
) -> tuple[int, list[UnsupportedItem]]:
    corpus_words: set[str] = set()
    corpus_keys: set[tuple[float, str | None]] = set()
    corpus_values: set[float] = set()
    for text in texts.values():
        corpus_words |= words(text)
        for q in quantities(text):
            corpus_keys.add(q.key)
            corpus_values.add(q.key[0])
    checked: set[tuple[str, object]] = set()
    bad: list[UnsupportedItem] = []
    for where, text in _text_fields(brief):
        for q in quantities(text):
            if not _is_figure(q):
                continue
            key = ("figure", q.key)
            if key in checked:
                continue
            checked.add(key)
            ok = q.key in corpus_keys if q.unit else q.key[0] in corpus_values
            if not ok:
                bad.append(UnsupportedItem(kind="figure", text=q.text, where=where))
        for surface, toks in _name_runs(text):
            name_key = ("name", norm_text(" ".join(toks)))
            if not toks or name_key in checked:
                continue
            checked.add(name_key)
            missing = [t for t in toks if not words(t) <= corpus_words]
            if missing:
                bad.append(
                    UnsupportedItem(
                        kind="name", text=surface, where=where, missing=missing
                    )
                )
    return len(checked), bad


def _invalid_spans(brief: Brief, texts: Mapping[str, str]) -> list[str]:
    spans = [
        (f"facts[{f.id}]", s)
        for f in [*brief.facts, *brief.single_source]
        for s in f.evidence
    ]
    spans += [
        (f"discrepancies[{d.id}]", s)
        for d in brief.discrepancies
        for v in d.values
        for s in v.evidence
    ]
    spans += [(f"quotes[{q.id}]", s) for q in brief.quotes for s in q.evidence]
    out = []
    for ref, span in spans:
        text = texts.get(span.source)
        if text is None:
            out.append(f"{ref}: unknown source {span.source}")
        elif text[span.start : span.end] != span.text:
            out.append(
                f"{ref}: {span.source}[{span.start}:{span.end}] differs from span text"
            )
    return out


def _length(brief: Brief) -> int:
    parts = [brief.title]
    parts += [s.text for s in brief.overview]
    for f in [*brief.facts, *brief.single_source]:
        parts += [f.topic, f.statement]
    for d in brief.discrepancies:
        parts += [d.topic, d.note] + [v.value.display for v in d.values]
    parts += [q.text for q in brief.quotes] + [fl.message for fl in brief.flags]
    return sum(len(p.split()) for p in parts)


# --------------------------------------------------------------------------- entry points


def score(
    brief_json: str | bytes | Mapping[str, Any] | Brief,
    gold: GoldStory | Mapping[str, Any],
    corpus_texts: Mapping[str, str],
) -> ScoreReport:
    """Score one brief against one story's gold labels. Pure and deterministic.

    Raises :class:`BriefSchemaError` for a brief that is not valid Brief JSON and
    :class:`GoldError` for malformed gold.
    """
    brief = parse_brief(brief_json)
    g = parse_gold(gold)
    items = [_fact_item("facts", f) for f in brief.facts]
    items += [_fact_item("single_source", f) for f in brief.single_source]
    items += [_disc_item(d) for d in brief.discrepancies]
    facts = _fact_results(g, items)
    precision, attributions = _attributions(g, items)
    discs = _discrepancy_results(g, brief)
    quotes = _quote_results(g, brief)
    d_p, d_r, d_f1, ders = _derivative_results(g, brief)
    checked, bad = _unsupported(brief, corpus_texts)
    return ScoreReport(
        story=g.story,
        fact_recall=_weighted(facts),
        discrepancy_recall=_weighted(discs),
        attribution_precision=precision,
        unsupported=1.0 - len(bad) / checked if checked else 1.0,
        unsupported_count=len(bad),
        unsupported_checked=checked,
        derivative_precision=d_p,
        derivative_recall=d_r,
        derivative_f1=d_f1,
        quote_recall=_weighted(quotes),
        length_words=_length(brief),
        facts=facts,
        discrepancies=discs,
        quotes=quotes,
        attributions=attributions,
        unsupported_items=bad,
        derivatives=ders,
        invalid_spans=_invalid_spans(brief, corpus_texts),
    )


def check_gold(
    gold: GoldStory | Mapping[str, Any], corpus_texts: Mapping[str, str]
) -> list[str]:
    """Lint gold against its texts: every labelled source must contain the item's keyword
    groups (and a value form where values are given). Returns problems, empty when clean."""
    g = parse_gold(gold)
    problems = [f"source {s} has no text" for s in g.sources if s not in corpus_texts]
    hays = {s: haystack([t]) for s, t in corpus_texts.items()}
    for fact in g.facts:
        if not fact_matches(fact, haystack([fact.statement])):
            problems.append(
                f"{fact.id}: statement does not match its own keywords/values"
            )
        for src in fact.sources:
            if src in hays and not fact_matches(fact, hays[src]):
                problems.append(f"{fact.id}: {src} lacks its keywords/values")
    for disc in g.discrepancies:
        for gv in disc.values:
            for src in gv.sources:
                if src in hays and not any(form_hit(f, hays[src]) for f in gv.forms):
                    problems.append(f"{disc.id}: {src} lacks any of {gv.forms}")
    for quote in g.quotes:
        for src in quote.sources:
            if src in hays and not all(groups_hit(quote.keywords, hays[src])):
                problems.append(f"{quote.id}: {src} lacks its keywords")
        if quote.text and not all(groups_hit(quote.keywords, haystack([quote.text]))):
            problems.append(f"{quote.id}: text does not match its own keywords")
    return problems


def _pct(x: float) -> str:
    return f"{x:.3f}"


def format_report_markdown(report: ScoreReport) -> str:
    """A human-readable Markdown rendering of a :class:`ScoreReport`."""
    lines = [f"# Score: {report.story}", "", "| metric | score |", "| --- | --- |"]
    lines += [f"| {name} | {_pct(value)} |" for name, value in report.scores().items()]
    lines += [
        "",
        (
            f"- derivatives: precision {_pct(report.derivative_precision)}, "
            f"recall {_pct(report.derivative_recall)}"
        ),
        f"- unsupported: {report.unsupported_count} of {report.unsupported_checked} checked",
        f"- length: {report.length_words} words",
    ]
    for title, results in (
        ("Facts", report.facts),
        ("Discrepancies", report.discrepancies),
        ("Quotes", report.quotes),
    ):
        lines += ["", f"## {title}", ""]
        for r in results:
            mark = "x" if r.hit else " "
            lines.append(f"- [{mark}] `{r.id}` (w={r.weight:g}): {r.reason}")
    wrong = [a for a in report.attributions if a.wrong]
    lines += ["", "## Attribution", ""]
    lines += [
        f"- `{a.item}` ({', '.join(a.gold)}): wrongly cites {', '.join(a.wrong)}"
        for a in wrong
    ] or ["- all cited sources supported"]
    lines += ["", "## Unsupported", ""]
    lines += [
        f"- {u.kind} `{u.text}` in {u.where}"
        + (f" (unknown: {', '.join(u.missing)})" if u.missing else "")
        for u in report.unsupported_items
    ] or ["- none"]
    lines += ["", "## Derivatives", ""]
    lines += [
        f"- {d.status}: {d.source} -> {d.original} ({d.reason})"
        for d in report.derivatives
    ] or ["- none"]
    if report.invalid_spans:
        lines += ["", "## Invalid evidence spans (not scored)", ""]
        lines += [f"- {s}" for s in report.invalid_spans]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.score", description=__doc__)
    parser.add_argument("brief", type=Path, help="Brief JSON file")
    parser.add_argument("gold", type=Path, help="gold JSON, e.g. evals/gold/seeds.json")
    parser.add_argument(
        "--corpus", type=Path, help="corpus dir (default: the gold's 'corpus')"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    gold = load_gold(args.gold)
    corpus = args.corpus or Path(gold.corpus)
    if not corpus.is_dir():  # gold lives in <repo>/evals/gold/; corpus is repo-relative
        corpus = args.gold.resolve().parents[2] / gold.corpus
    try:
        report = score(
            args.brief.read_text(encoding="utf-8"), gold, load_corpus(corpus)
        )
    except (BriefSchemaError, GoldError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.to_json() if args.json else format_report_markdown(report), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
