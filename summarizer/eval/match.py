"""Matching a brief's items against gold items: the scorer's judgement, deterministic.

A fact matches a statement when what must be there is there (every keyword group: the actors and
the relation, inflections folded by a light stem), the fact's figure is present with its unit and
a compatible qualifier, and the relation is not negated. The labeller's paraphrases must match and
contradictions must not (checked by the lint and the meta-tests). A statement that has the actors and the relation but
negates it, or gives another figure of the same unit, *contradicts* the fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from summarizer.brief import Value
from summarizer.eval.gold import GoldDiscrepancy, GoldFact, Keywords
from summarizer.eval.normalize import Quantity, norm_text, phrase_in, quantities, quantity_from_value
from summarizer.eval.words import (
    NEGATIONS,
    content_stems,
    months,
    qualifier_class,
    reverses,
    stem,
    stem_phrase_in,
    tokens,
)

PARAPHRASE_CONTAINMENT = 0.75
"""A statement that misses one of three or more keyword groups still matches when it holds this share of the
content words of the gold statement or of one of its paraphrases (a synonym the labeller did
not list). Chosen on the seeds' labels; the lint checks every story's paraphrases and
contradictions against it."""

NEGATION_WINDOW = 5
"""A negation counts when it stands at most this many words before a keyword of the fact."""

FIGURE_WINDOW = 4
"""Another figure of the fact's kind contradicts it only within this many words of one of the
fact's keywords (so a statement about something else that happens to name a year does not)."""

Verdict = Literal["match", "negated", "other_figure"] | None
"""'negated' and 'other_figure' are the two ways a statement contradicts a fact."""


@dataclass(frozen=True)
class Text:
    """A brief text as matching sees it: its words, stems and figures."""

    raw: str
    toks: tuple[str, ...]
    stems: frozenset[str]
    qty: tuple[Quantity, ...]

    @classmethod
    def of(cls, text: str, extra: Iterable[Quantity | None] = ()) -> Text:
        qty = [*quantities(text), *(q for q in extra if q is not None)]
        return cls(text, tuple(tokens(text)), frozenset(content_stems(text)), tuple(qty))


def group_hit(group: Sequence[str], text: Text) -> bool:
    return any(stem_phrase_in(alt, text.raw) for alt in group)


def groups_hit(keywords: Keywords, text: Text) -> list[bool]:
    return [group_hit(g, text) for g in keywords]


def _keyword_positions(keywords: Keywords, text: Text) -> list[int]:
    """Token positions where a keyword alternative starts."""
    stems = [stem(t) for t in text.toks]
    out: list[int] = []
    for group in keywords:
        for alt in group:
            alt_stems = [stem(t) for t in tokens(alt)]
            n = len(alt_stems)
            out += [i for i in range(len(stems) - n + 1) if n and stems[i : i + n] == alt_stems]
    return out


def negates(keywords: Keywords, text: Text) -> bool:
    """Is a keyword of the fact governed by a negation (up to NEGATION_WINDOW words before)?"""
    for pos in _keyword_positions(keywords, text):
        window = text.toks[max(0, pos - NEGATION_WINDOW) : pos]
        if any(t in NEGATIONS or t.endswith("n't") for t in window):
            return True
    return False


def _contains(phrasing: str, text: Text) -> bool:
    want = content_stems(phrasing)
    return bool(want) and len(want & text.stems) / len(want) >= PARAPHRASE_CONTAINMENT


def form_hit(form: str, text: Text) -> bool:
    """Does an accepted form occur: its figure (same magnitude and unit, and the form's
    qualifier class when it has one), or for a form without a figure, the phrase?"""
    wanted = quantities(form)
    if not wanted:
        return phrase_in(norm_text(form), norm_text(text.raw))
    need = qualifier_class(form)
    if months(form) and not months(form) <= months(text.raw):
        return False  # a date: the day alone is not the date
    for w in wanted:
        for q in text.qty:
            if w.same(q) and (need is None or qualifier_class(_around(text.raw, q)) == need):
                return True
    return False


def _around(raw: str, q: Quantity) -> str:
    """The few words before a figure's text in ``raw`` (where its qualifier stands)."""
    at = raw.find(q.text) if q.text else -1
    if at < 0:
        return raw
    return raw[max(0, at - 24) : at + len(q.text)]


def _figures(text: Text) -> list[Quantity]:
    """Figures of a text, leaving out numbers that are part of a name (S-400, AK-203, F-35)."""
    out = []
    for q in text.qty:
        if q.text and re.search(r"[A-Za-z]-?" + re.escape(q.text), text.raw):
            continue
        if q.unit or any(c.isdigit() for c in q.text) or q.value > 12:
            out.append(q)
    return out


def _token_index(text: Text, q: Quantity) -> int:
    """Where a figure stands in the text's tokens (its first token's position)."""
    first = tokens(q.text)[:1]
    return text.toks.index(first[0]) if first and first[0] in text.toks else -10_000


def _kind(q: Quantity) -> tuple[str | None, bool]:
    """What a figure measures, coarsely: its unit, and for bare numbers whether it is a year."""
    return q.unit, q.unit is None and q.value.is_integer() and 1800 <= q.value <= 2100


def fact_verdict(fact: GoldFact, text: Text) -> Verdict:
    """'match', a contradiction ('negated', 'other_figure') or None for one gold fact and one
    brief statement."""
    hits = groups_hit(fact.keywords, text)
    if not all(hits):
        near_miss = sum(hits) >= len(hits) - 1 and len(hits) >= 3
        if not (near_miss and any(_contains(p, text) for p in [fact.statement, *fact.paraphrases])):
            return None
    if negates(fact.keywords, text) and not negates(fact.keywords, Text.of(fact.statement)):
        return "negated"
    if reverses([fact.statement, *fact.paraphrases], text.raw):
        return "negated"
    if not fact.values:
        return "match"
    if any(form_hit(v, text) for v in fact.values):
        return "match"
    gold_kinds = {_kind(q) for v in fact.values for q in quantities(v)}
    near = _keyword_positions(fact.keywords, text)
    for q in _figures(text):
        at = _token_index(text, q)
        if _kind(q) in gold_kinds and any(abs(at - p) <= FIGURE_WINDOW for p in near):
            return "other_figure"
    return None


def value_text(value: Value) -> Text:
    """A brief value as text: what the source wrote, its display form and its alternatives."""
    raws: list[str] = []
    extra: list[Quantity | None] = []

    def walk(v: Value) -> None:
        raws.extend([v.raw, v.display])
        extra.append(quantity_from_value(v.value, v.unit))
        for alt in v.alternatives:
            walk(alt)

    walk(value)
    return Text.of(" | ".join(raws), extra)


def topic_ok(gold: GoldDiscrepancy, topic: str) -> bool:
    """Does a brief topic name the gold measure (its topic words, or most of its description)?"""
    text = Text.of(topic)
    if gold.topic_keywords and all(groups_hit(gold.topic_keywords, text)):
        return True
    want = content_stems(gold.measure)
    return bool(want) and len(want & text.stems) / len(want) >= 0.6


def assign(ok: list[list[bool]]) -> list[int] | None:
    """A distinct column for every row with ok[row][col], or None (small bipartite search)."""

    def go(row: int, used: tuple[int, ...]) -> list[int] | None:
        if row == len(ok):
            return list(used)
        for col in range(len(ok[row])):
            if ok[row][col] and col not in used:
                found = go(row + 1, (*used, col))
                if found is not None:
                    return found
        return None

    return go(0, ())


def sources_ok(gold: GoldDiscrepancy, k: int, cited: set[str]) -> str:
    """'' when a brief value's sources fit gold value k: all of its sources, none that gold
    places only under another value; else why not."""
    gv = gold.values[k]
    others = {s for j, v in enumerate(gold.values) if j != k for s in v.sources} - set(gv.sources)
    missing = set(gv.sources) - cited
    if missing:
        return f"value {gv.forms[0]!r} lacks sources {sorted(missing)}"
    wrong = others & cited
    if wrong:
        return f"value {gv.forms[0]!r} wrongly cites {sorted(wrong)}"
    return ""
