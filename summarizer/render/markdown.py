"""Markdown output. Source text is escaped: markdown and HTML in an article cannot change the
brief's structure, and links are defanged ("https[:]//", "www[.]") so none is made live."""

from __future__ import annotations

import re

from summarizer.brief import Brief, Fact

DASH = "\u2014"
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def esc(text: str | None) -> str:
    if not text:
        return ""
    t = " ".join(text.split())
    t = re.sub(r"&(?=#?\w+;)", "&amp;", t)  # only what would read as an HTML entity
    t = _SPECIAL.sub(r"\\\1", t)
    t = re.sub(r"(?i)\b(https?|ftp)://", r"\1[:]//", t)
    t = re.sub(r"(?i)\bwww\.", "www[.]", t)
    return t


def _cite(ids: list[str], short: dict[str, str]) -> str:
    return ", ".join(short.get(i, i) for i in ids)


def _fact_line(f: Fact, short: dict[str, str]) -> str:
    if not f.independent_sources:
        return f"- **{f.id}** {esc(f.statement)} \u2014 *only in derivative source(s): {_cite(f.sources, short)}*"
    n = len(f.independent_sources)
    copies = [s for s in f.sources if s not in f.independent_sources]
    extra = f"; copies: {_cite(copies, short)}" if copies else ""
    return (
        f"- **{f.id}** {esc(f.statement)} \u2014 *{n} independent source{'s' if n != 1 else ''}:"
        f" {_cite(f.independent_sources, short)}{extra}*"
    )


def render_markdown(brief: Brief) -> str:
    short = {s.id: f"[{i}]" for i, s in enumerate(brief.sources, 1)}
    out: list[str] = [f"# Brief: {esc(brief.title)}", ""]
    r = brief.run
    model = f" / {esc(r.model)}" if r.model else ""
    out.append(
        f"*Made by backend `{r.backend}`{model} from {r.documents} documents in"
        f" {r.wall_seconds:.1f} s; {r.model_calls} model calls, {r.cache_hits} cache hits.*"
    )
    out.append("")
    if brief.overview:
        out += ["## Overview", "", " ".join(esc(s.text) for s in brief.overview), ""]
    out += ["## Sources", "", "| # | id | title | outlet | byline | date | words | status |",
            "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for s in brief.sources:
        status = s.status if s.independent else f"{s.status}; derivative of {short.get(s.derivative_of or '', s.derivative_of)}"
        out.append(
            f"| {short[s.id]} | {esc(s.id)} | {esc(s.title) or DASH} | {esc(s.outlet) or DASH} |"
            f" {esc(s.byline) or DASH} | {esc(s.date) or DASH} | {s.words} | {status} |"
        )
    out.append("")
    if brief.derivatives:
        out += ["## Derivative sources", ""]
        for d in brief.derivatives:
            out.append(
                f"- {short.get(d.source, d.source)} is a **{d.kind}** of {short.get(d.original, d.original)}"
                f" (shingle containment {d.similarity:.2f}, sentence alignment"
                f" {d.paraphrase_similarity:.2f}): {esc(d.reason)}. It does not count as"
                " independent corroboration."
            )
        out.append("")
    if brief.discrepancies:
        out += ["## Discrepancies", ""]
        for disc in brief.discrepancies:
            scope = "within one source" if disc.scope == "within_source" else "across sources"
            kind = "told in words" if disc.dimension == "text" else disc.dimension
            out += [f"### {disc.id}: {esc(disc.topic)} ({esc(kind)}, {scope})", "",
                    "| value | as written | sources | of which derivative |", "|---|---|---|---|"]  # fmt: skip
            for v in disc.values:
                alts = "".join(f" / {a.display}" for a in v.value.alternatives)
                written = "; ".join(sorted({esc(e.text) for e in v.evidence}))
                out.append(
                    f"| {esc(v.value.display)}{esc(alts)} | {written} | {_cite(v.sources, short)} |"
                    f" {_cite(v.derivative_sources, short) or DASH} |"
                )
            if disc.note:
                out += ["", f"*{esc(disc.note)}*"]
            out.append("")
    if brief.flags:
        out += ["## Flags", ""]
        out += [f"- **{f.kind}**: {esc(f.message)}" for f in brief.flags]
        out.append("")
    out += ["## Agreed facts", ""]
    out += [_fact_line(f, short) for f in brief.facts] or ["*No fact is supported by two independent sources.*"]
    out.append("")
    if brief.single_source:
        out += ["## Single-source claims", ""]
        out += [_fact_line(f, short) for f in brief.single_source]
        out.append("")
    if brief.quotes:
        out += ["## Quotes", ""]
        for q in brief.quotes:
            out.append(f"- \u201c{esc(q.text)}\u201d \u2014 {esc(q.speaker) or 'unattributed'} ({_cite(q.sources, short)})")
        out.append("")
    if brief.failures:
        out += ["## Problems", ""]
        out += [f"- {esc(f.source)} ({f.stage}): {esc(f.message)}" for f in brief.failures]
        out.append("")
    g = r.grounding
    dropped = ", ".join(f"{k} {v}" for k, v in sorted(g.dropped.items())) or "none"
    out += ["---", "", f"*Grounding: {g.proposed} model claims proposed, {g.grounded} grounded;"
            f" dropped: {dropped}. Evidence layer candidates: {g.evidence_candidates}.*", ""]  # fmt: skip
    return "\n".join(out)
