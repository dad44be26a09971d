"""Score components that read the brief's sections directly: discrepancies, quotes, documents
about another event, and evidence spans."""

from __future__ import annotations

from collections.abc import Mapping

from summarizer.brief import Brief, Span
from summarizer.eval.gold import GoldStory
from summarizer.eval.match import Text, assign, form_hit, groups_hit, sources_ok, topic_ok, value_text
from summarizer.eval.normalize import norm_text, phrase_in, quantities
from summarizer.eval.results import ItemResult

# --------------------------------------------------------------------------- discrepancies


def discrepancies(gold: GoldStory, brief: Brief) -> tuple[list[ItemResult], float, int, float]:
    """Recall items, source accuracy, false discrepancies and discrepancy precision."""
    values = [[(value_text(v.value), set(v.sources)) for v in d.values] for d in brief.discrepancies]
    results: list[ItemResult] = []
    pairs_total = pairs_right = 0
    for gd in gold.discrepancies:
        hits: list[str] = []
        best_pairs, why = 0, "no brief discrepancy holds its values"
        for d, vals in zip(brief.discrepancies, values, strict=True):
            forms = [[any(form_hit(f, t) for f in gv.forms) for t, _ in vals] for gv in gd.values]
            cols = assign(forms)
            if cols is None:
                continue
            right = sum(len(set(gv.sources) & vals[c][1]) for gv, c in zip(gd.values, cols, strict=True))
            best_pairs = max(best_pairs, right)
            problems = [sources_ok(gd, k, vals[c][1]) for k, c in enumerate(cols)]
            problems = [p for p in problems if p]
            if not topic_ok(gd, d.topic):
                problems.insert(0, f"topic {d.topic!r} does not name the measure")
            if problems:
                why = f"closest discrepancies[{d.id}]: " + "; ".join(problems)
            else:
                hits.append(f"discrepancies[{d.id}]")
        pairs_total += sum(len(gv.sources) for gv in gd.values)
        pairs_right += best_pairs
        reason = f"matched by {hits[0]}" if hits else why
        results.append(ItemResult(id=gd.id, hit=bool(hits), weight=gd.importance, reason=reason, matched=hits))
    other = set(gold.other_event_sources)
    credit = 0.0
    false = 0
    for vals in values:
        best = 0.0
        for gd in gold.discrepancies:
            ok = [[any(form_hit(f, t) for f in gv.forms) for gv in gd.values] for t, _ in vals]
            covered = {k for row in ok for k, hit in enumerate(row) if hit}
            if len(covered) >= 2:
                pure = all(any(row) for row in ok)
                best = max(best, 1.0 if pure else 0.5)
        if any(srcs & other for _, srcs in vals):
            best = 0.0
        credit += best
        false += best == 0.0
    precision = credit / len(values) if values else 1.0
    accuracy = pairs_right / pairs_total if pairs_total else 1.0
    return results, accuracy, false, precision


# --------------------------------------------------------------------------- the rest


def quotes(gold: GoldStory, brief: Brief) -> list[ItemResult]:
    out: list[ItemResult] = []
    for gq in gold.quotes:
        hits: list[str] = []
        why = f"no quote attributed to {gq.speaker[0]}"
        for q in brief.quotes:
            if not any(phrase_in(norm_text(s), norm_text(q.speaker or "")) for s in gq.speaker):
                continue
            if not all(groups_hit(gq.keywords, Text.of(q.text))):
                why = f"quotes[{q.id}] by the speaker lacks keywords {gq.keywords}"
                continue
            wrong = [s for s in q.sources if s not in gq.sources]
            if wrong or not q.sources:
                why = f"quotes[{q.id}] cites {wrong or 'no source'}"
                continue
            hits.append(f"quotes[{q.id}]")
        reason = f"matched by {hits[0]}" if hits else why
        out.append(ItemResult(id=gq.id, hit=bool(hits), weight=1.0, reason=reason, matched=hits))
    return out


def cited_sources(brief: Brief) -> dict[str, list[str]]:
    """Every source a brief item rests on -> the refs that cite it."""
    cited: dict[str, list[str]] = {}
    for kind, facts in (("facts", brief.facts), ("single_source", brief.single_source)):
        for f in facts:
            for s in f.sources:
                cited.setdefault(s, []).append(f"{kind}[{f.id}]")
    for d in brief.discrepancies:
        for s in {s for v in d.values for s in v.sources}:
            cited.setdefault(s, []).append(f"discrepancies[{d.id}]")
    for q in brief.quotes:
        for s in q.sources:
            cited.setdefault(s, []).append(f"quotes[{q.id}]")
    return cited


def other_events(gold: GoldStory, brief: Brief) -> tuple[list[ItemResult], float]:
    apart = {a.source for a in brief.set_apart}
    cited = cited_sources(brief)
    out: list[ItemResult] = []
    for src, gs in gold.other_event_sources.items():
        merged = cited.get(src, [])
        hit = src in apart and not merged
        reason = "set apart" if hit else (f"merged into {merged[0]}" if merged else "not set apart")
        out.append(ItemResult(id=src, hit=hit, weight=1.0, reason=f"{reason} ({gs.event})", matched=merged))
    for src in sorted(apart - set(gold.other_event_sources)):
        out.append(ItemResult(id=src, hit=False, weight=1.0, reason="set apart, but about the main event"))
    return out, (sum(r.hit for r in out) / len(out) if out else 1.0)


def evidence_errors(brief: Brief, texts: Mapping[str, str]) -> tuple[list[str], int]:
    """Spans whose text is not the source's at its offsets, and statements or values whose
    figures are not in their own evidence. Returns (errors, checks)."""
    errors: list[str] = []
    checks = 0
    items: list[tuple[str, str, list[Span]]] = []
    for kind, facts in (("facts", brief.facts), ("single_source", brief.single_source)):
        items += [(f"{kind}[{f.id}]", f.statement, f.evidence) for f in facts]
    for d in brief.discrepancies:
        items += [(f"discrepancies[{d.id}].values[{k}]", v.value.raw, v.evidence) for k, v in enumerate(d.values)]
    items += [(f"quotes[{q.id}]", "", q.evidence) for q in brief.quotes]
    for ref, text, spans in items:
        good = []
        for sp in spans:
            checks += 1
            src = texts.get(sp.source)
            if src is None or src[sp.start : sp.end] != sp.text:
                errors.append(f"{ref}: span {sp.source}[{sp.start}:{sp.end}] is not the source's text")
            else:
                good.append(sp.text)
        figures = [q for q in quantities(text) if q.unit or any(c.isdigit() for c in q.text)]
        if figures:
            checks += 1
            found = Text.of(" | ".join(good)).qty
            if not all(any(q.same(e) for e in found) for q in figures):
                errors.append(f"{ref}: its figures are not in its evidence")
    return errors, checks


