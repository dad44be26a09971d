"""HTML output: the brief as one self-contained page (CSS and JS inline, nothing loaded from the
network; a Content-Security-Policy allows only the page's own style and script, by hash).

Every string from the brief and every source text is escaped. Evidence spans are highlighted
from their character offsets into each source's text; the Brief does not carry those texts, so
:func:`render_html` takes an optional ``{source id: text}`` mapping (the CLI passes the loaded
documents' texts). A text whose sha256 differs from the source's is not used: the page then shows
the cited spans alone. The page reads fully without JS; the script adds show/hide of evidence."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from html import escape
from importlib import resources
from urllib.parse import quote

from summarizer.brief import Brief, Discrepancy, Fact, Source, Span
from summarizer.text import sentences

SEP = " \u00b7 "


def esc(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


@cache
def _asset(name: str) -> str:
    return resources.files("summarizer.render").joinpath("assets", name).read_text(encoding="utf-8")


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _document(title: str, body: str, script: str = "") -> str:
    css = _asset("brief.css")
    csp = f"default-src 'none'; style-src {_sha(css)}; base-uri 'none'; form-action 'none'"
    if script:
        csp += f"; script-src {_sha(script)}"
    tail = f"<script>{script}</script>\n" if script else ""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n{body}\n{tail}</body>\n</html>\n"
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text) or "x"


class _Page:
    """Per-brief lookups: source labels, usable texts, reader anchors."""

    def __init__(self, brief: Brief, texts: Mapping[str, str] | None) -> None:
        self.brief = brief
        self.num = {s.id: i for i, s in enumerate(brief.sources, 1)}
        self.by_id = {s.id: s for s in brief.sources}
        self.texts: dict[str, str] = {}
        for s in brief.sources:
            t = (texts or {}).get(s.id)
            if t is not None and hashlib.sha256(t.encode("utf-8")).hexdigest() == s.sha256:
                self.texts[s.id] = t
        self._sents: dict[str, list[tuple[int, int]]] = {}
        self.kinds = {d.source: d.kind for d in brief.derivatives}

    def short(self, sid: str) -> str:
        return f"[{self.num[sid]}]" if sid in self.num else sid

    def name(self, sid: str) -> str:
        s = self.by_id.get(sid)
        if s is None:
            return sid
        if s.outlet:
            return s.outlet
        if s.title:
            return s.title if len(s.title) <= 28 else s.title[:26].rstrip() + "\u2026"
        return s.id if len(s.id) <= 14 else s.id[:12] + "\u2026"

    def anchor(self, span: Span) -> str:
        return f"r{self.num.get(span.source, 0)}-{span.start}-{span.end}"

    def chip(self, sid: str, href: str | None = None, extra: str = "") -> str:
        s = self.by_id.get(sid)
        deriv = s is not None and s.derivative_of is not None
        cls = "chip deriv" if deriv else "chip"
        tip = f"{self.short(sid)} {self.name(sid)}"
        if deriv and s is not None and s.derivative_of:
            tip += f" \u2014 derivative of {self.short(s.derivative_of)} {self.name(s.derivative_of)}"
        kind = self.kinds.get(sid, "derived")
        mark = f' <span class="dmark">{"copy" if kind == "republication" else kind}</span>' if deriv else ""
        inner = f'<span class="n">{esc(self.short(sid))}</span> {esc(self.name(sid))}{mark}{extra}'
        if href:
            return f'<a class="{cls}" href="#{esc(href)}" title="{esc(tip)}">{inner}</a>'
        return f'<span class="{cls}" title="{esc(tip)}">{inner}</span>'

    def chips(self, sources: Iterable[str], evidence: Sequence[Span]) -> str:
        first: dict[str, Span] = {}
        for sp in evidence:
            first.setdefault(sp.source, sp)
        out = []
        for sid in sources:
            got = first.get(sid)
            out.append(self.chip(sid, self.anchor(got) if got else None))
        return '<span class="chips">' + " ".join(out) + "</span>"

    def humanize(self, text: str) -> str:
        """Escape, then name sources by their number and outlet instead of their ids."""
        out = esc(text)
        for sid in sorted(self.num, key=len, reverse=True):
            name = self.name(sid)
            out = out.replace(esc(sid), esc(self.short(sid) + ("" if name.endswith("\u2026") else " " + name)))
        return out

    def sentence(self, span: Span) -> tuple[int, int]:
        text = self.texts[span.source]
        if span.source not in self._sents:
            self._sents[span.source] = [(g.start, g.end) for g in sentences(text)]
        s, e = span.start, span.end
        for a, b in self._sents[span.source]:
            if a <= span.start < b:
                s = min(s, a)
            if a < span.end <= b:
                e = max(e, b)
        return s, e


def _mark(sp: Span, text: str, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return (f'<mark{c} data-source="{esc(sp.source)}" data-start="{sp.start}" data-end="{sp.end}">'
            f"{esc(text)}</mark>")  # fmt: skip


def _in_context(p: _Page, sp: Span) -> str:
    if sp.source not in p.texts:
        return f"\u2026{_mark(sp, sp.text, 'fig')}\u2026"
    text = p.texts[sp.source]
    s, e = p.sentence(sp)
    return esc(text[s : sp.start]) + _mark(sp, text[sp.start : sp.end], "fig") + esc(text[sp.end : e])


def _overview(p: _Page) -> str:
    b = p.brief
    n_ind = sum(1 for s in b.sources if s.independent)
    stats = (f"{len(b.sources)} sources ({n_ind} independent) \u00b7 {len(b.discrepancies)} discrepancies \u00b7"
             f" {len(b.facts)} agreed facts \u00b7 {len(b.single_source)} single-source claims")  # fmt: skip
    out = ['<section id="overview" aria-labelledby="h-overview">', '<h2 id="h-overview">Overview</h2>',
           f'<p class="stats">{esc(stats)}</p>']  # fmt: skip
    if b.overview:
        out.append('<div class="lede">')
        for s in b.overview:
            refs = " ".join(f'<a class="ref" href="#{esc(_slug(r))}">{esc(r)}</a>' for r in s.refs)
            out.append(f"<p>{esc(s.text)} {refs}</p>".replace(" </p>", "</p>"))
        out.append("</div>")
    else:
        out.append("<p><em>No overview was written for this brief.</em></p>")
    if b.flags:
        out.append('<div class="flags" role="note" aria-label="Flags"><h3>Flags</h3><ul>')
        for f in b.flags:
            refs = " ".join(f'<a class="ref" href="#{esc(_slug(r))}">{esc(r)}</a>' for r in f.refs)
            out.append(f'<li><strong>{esc(f.kind)}</strong>: {p.humanize(f.message)} {refs}</li>')
        out.append("</ul></div>")
    out.append("</section>")
    return "\n".join(out)


def _discrepancy(p: _Page, d: Discrepancy) -> str:
    did = _slug(d.id)
    scope = "within one source" if d.scope == "within_source" else "across sources"
    out = [f'<div class="disc" id="{esc(did)}">', "<table>",
           f'<caption><span class="id">{esc(d.id)}</span> {esc(d.topic)} '
           f'<span class="dim">{esc("told in words" if d.dimension == "text" else d.dimension)} \u00b7 {esc(scope)}</span></caption>',
           '<colgroup><col class="c-val"><col class="c-wr"><col><col class="c-num"></colgroup>'
           '<thead><tr><th scope="col">Value</th><th scope="col">As written</th>'
           '<th scope="col">Sources</th><th scope="col" class="num">Independent</th></tr></thead>', "<tbody>"]  # fmt: skip
    for i, v in enumerate(d.values):
        row = f"ev-{did}-{i}"
        alts = "".join(f' <span class="alt">/ {esc(a.display)}</span>' for a in v.value.alternatives)
        written = "; ".join(esc(t) for t in sorted({e.text for e in v.evidence}))
        ind = sum(1 for s in v.sources if s not in v.derivative_sources)
        out.append(
            f'<tr class="val-row"><th scope="row"><button type="button" class="val" aria-expanded="true"'
            f' aria-controls="{row}" title="Show the sentence from each source">{esc(v.value.display)}</button>{alts}</th>'
            f"<td>{written}</td><td>{p.chips(v.sources, v.evidence)}</td><td class=\"num\">{ind}</td></tr>"
        )
        items = []
        for sp in v.evidence:
            items.append(f'<li>{p.chip(sp.source, p.anchor(sp))} <span class="ctx">{_in_context(p, sp)}</span></li>')
        out.append(f'<tr class="ev" id="{row}"><td colspan="4"><p class="vh">Evidence for {esc(v.value.display)}:</p>'
                   f'<ul class="evidence">{"".join(items)}</ul></td></tr>')  # fmt: skip
    out.append("</tbody></table>")
    if d.note:
        out.append(f'<p class="note">{p.humanize(d.note)}</p>')
    out.append("</div>")
    return "\n".join(out)


def _discrepancies(p: _Page) -> str:
    ds = p.brief.discrepancies
    out = ['<section id="discrepancies" aria-labelledby="h-disc">', f'<h2 id="h-disc">Discrepancies ({len(ds)})</h2>']
    if ds:
        out.append('<p class="hint">Sources disagree on these figures. Select a value to see the sentence from each'
                   ' source; dashed <span class="chip deriv demo">[n] <span class="dmark">copy</span></span>'
                   " or <span class=\"chip deriv demo\">[n] <span class=\"dmark\">rewrite</span></span> sources"
                   " derive from another source and are not independent.</p>")  # fmt: skip
        out += [_discrepancy(p, d) for d in ds]
    else:
        out.append("<p>The sources agree on every figure found.</p>")
    out.append("</section>")
    return "\n".join(out)


def _source_row(p: _Page, s: Source, apart: set[str]) -> str:
    rel = "independent"
    for d in p.brief.derivatives:
        if d.source == s.id:
            rel = f"{d.kind} of {p.short(d.original)} {p.name(d.original)}"
    if s.derivative_of and rel == "independent":
        rel = f"derivative of {p.short(s.derivative_of)}"
    status = s.status + ("; other event" if s.id in apart else "")
    title = f'<a href="#reader-{p.num[s.id]}">{esc(s.title or s.id)}</a>'
    return (f'<tr id="src-{p.num[s.id]}"><th scope="row">{esc(p.short(s.id))}</th><td>{esc(s.outlet or chr(8212))}</td>'
            f"<td>{title}</td><td>{esc(s.byline or chr(8212))}</td><td>{esc(s.date or chr(8212))}</td>"
            f'<td class="num">{s.words}</td><td><span class="st st-{esc(s.status)}">{esc(status)}</span></td>'
            f"<td>{esc(rel)}</td></tr>")  # fmt: skip


def _sources(p: _Page) -> str:
    b = p.brief
    set_apart = list(getattr(b, "set_apart", None) or [])
    apart = {str(getattr(a, "source", "")) for a in set_apart}
    out = ['<section id="sources" aria-labelledby="h-src">', f'<h2 id="h-src">Sources ({len(b.sources)})</h2>',
           '<table class="sources"><thead><tr><th scope="col">#</th><th scope="col">Outlet</th><th scope="col">Title</th>'
           '<th scope="col">Byline</th><th scope="col">Date</th><th scope="col" class="num">Words</th>'
           '<th scope="col">Status</th><th scope="col">Relation</th></tr></thead><tbody>']  # fmt: skip
    out += [_source_row(p, s, apart) for s in b.sources]
    out.append("</tbody></table>")
    if b.derivatives:
        out.append('<h3>Copies and rewrites</h3><ul class="derivs">')
        for d in b.derivatives:
            out.append(f"<li>{p.chip(d.source)} is a <strong>{esc(d.kind)}</strong> of {p.chip(d.original)}"
                       f" (shingle containment {d.similarity:.2f}, sentence alignment {d.paraphrase_similarity:.2f}):"
                       f" {p.humanize(d.reason.rstrip('.'))}. It does not count as independent corroboration.</li>")  # fmt: skip
        out.append("</ul>")
    if set_apart:
        out.append('<div class="apart" id="set-apart"><h3>About another event (set apart, not merged)</h3>'
                   '<table><thead><tr><th scope="col">Source</th><th scope="col">Event</th>'
                   '<th scope="col">Why it is set apart</th></tr></thead><tbody>')  # fmt: skip
        for a in set_apart:
            sid = str(getattr(a, "source", ""))
            who = p.chip(sid) if sid in p.num else esc(sid)
            out.append(f"<tr><td>{who}</td><td>{esc(getattr(a, 'event', ''))}</td>"
                       f"<td>{p.humanize(str(getattr(a, 'reason', '')))}</td></tr>")  # fmt: skip
        out.append("</tbody></table></div>")
    if b.failures:
        out.append('<h3>Problems</h3><ul class="problems">')
        out += [f"<li>{p.humanize(f.source)} ({esc(f.stage)}): {p.humanize(f.message)}</li>" for f in b.failures]
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def _fact(p: _Page, f: Fact) -> str:
    copies = [s for s in f.sources if s not in f.independent_sources]
    n = len(f.independent_sources)
    who = f"{n} independent" if n else "only derivative sources"
    extra = f' <span class="lbl">copies:</span> {p.chips(copies, f.evidence)}' if copies else ""
    return (f'<li id="{esc(_slug(f.id))}"><span class="id">{esc(f.id)}</span><div>{esc(f.statement)}'
            f' <span class="support"><span class="lbl">{esc(who)}:</span> {p.chips(f.independent_sources, f.evidence)}'
            f"{extra}</span></div></li>")  # fmt: skip


def _claims(p: _Page) -> str:
    b = p.brief
    out = ['<section id="facts" aria-labelledby="h-facts">', f'<h2 id="h-facts">Agreed facts ({len(b.facts)})</h2>']
    out.append('<ol class="facts">' + "".join(_fact(p, f) for f in b.facts) + "</ol>" if b.facts
               else "<p><em>No fact is supported by two independent sources.</em></p>")  # fmt: skip
    out.append("</section>")
    if b.single_source:
        out += ['<section id="single" aria-labelledby="h-single">',
                f'<h2 id="h-single">Single-source claims ({len(b.single_source)})</h2>',
                '<ol class="facts single">' + "".join(_fact(p, f) for f in b.single_source) + "</ol></section>"]  # fmt: skip
    if b.quotes:
        out += ['<section id="quotes" aria-labelledby="h-quotes">', f'<h2 id="h-quotes">Quotes ({len(b.quotes)})</h2>']
        for q in b.quotes:
            out.append(f'<figure class="quote" id="{esc(_slug(q.id))}"><blockquote><p>\u201c{esc(q.text)}\u201d</p></blockquote>'
                       f'<figcaption>\u2014 <span class="speaker">{esc(q.speaker or "unattributed")}</span>'
                       f" {p.chips(q.sources, q.evidence)}</figcaption></figure>")  # fmt: skip
        out.append("</section>")
    return "\n".join(out)


def _all_spans(brief: Brief) -> list[tuple[Span, bool]]:
    out: list[tuple[Span, bool]] = []
    for d in brief.discrepancies:
        out += [(sp, True) for v in d.values for sp in v.evidence]
    for f in [*brief.facts, *brief.single_source]:
        out += [(sp, False) for sp in f.evidence]
    for q in brief.quotes:
        out += [(sp, False) for sp in q.evidence]
    return out


def _highlighted(p: _Page, sid: str, text: str, spans: list[tuple[Span, bool]]) -> str:
    """The text with every cited span marked; overlapping spans split into segments."""
    spans = [(sp, fig) for sp, fig in spans if 0 <= sp.start < sp.end <= len(text)]
    cuts = sorted({0, len(text), *(sp.start for sp, _ in spans), *(sp.end for sp, _ in spans)})
    starts: dict[int, list[str]] = {}
    for sp, _ in spans:
        starts.setdefault(sp.start, [])
        if p.anchor(sp) not in starts[sp.start]:
            starts[sp.start].append(p.anchor(sp))
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        out += [f'<span class="anchor" id="{esc(i)}"></span>' for i in starts.get(a, [])]
        cover = [(sp, fig) for sp, fig in spans if sp.start <= a and b <= sp.end]
        if not cover:
            out.append(esc(text[a:b]))
            continue
        ids = " ".join(sorted({p.anchor(sp) for sp, _ in cover}))
        cls = "c fig" if any(fig for _, fig in cover) else "c"
        out.append(f'<mark class="{cls}" data-source="{esc(sid)}" data-start="{a}" data-end="{b}"'
                   f' data-spans="{esc(ids)}">{esc(text[a:b])}</mark>')  # fmt: skip
    return "".join(out)


def _readers(p: _Page) -> str:
    spans = _all_spans(p.brief)
    out = ['<section id="readers" aria-labelledby="h-readers">', '<h2 id="h-readers">Source texts</h2>',
           '<p class="hint">Every cited passage is highlighted; figures in dispute are highlighted more strongly.</p>']  # fmt: skip
    for s in p.brief.sources:
        mine = [(sp, fig) for sp, fig in spans if sp.source == s.id]
        meta = " \u00b7 ".join(esc(x) for x in (s.outlet, s.byline, s.date) if x)
        if s.derivative_of:
            meta += f' \u00b7 <span class="st">derivative of {esc(p.short(s.derivative_of))} {esc(p.name(s.derivative_of))}</span>'
        out.append(f'<article class="reader" id="reader-{p.num[s.id]}" aria-labelledby="rh-{p.num[s.id]}">'
                   f'<h3 id="rh-{p.num[s.id]}"><span class="n">{esc(p.short(s.id))}</span> {esc(s.title or s.id)}</h3>'
                   f'<p class="meta">{meta}{SEP if meta else ""}<code>{esc(s.id)}</code></p>')  # fmt: skip
        if s.id in p.texts:
            out.append(f'<div class="text">{_highlighted(p, s.id, p.texts[s.id], mine)}</div>')
        else:
            out.append('<p class="note">The full text was not available to this page; the cited passages:</p><ul class="cited">')
            seen: set[str] = set()
            for sp, fig in sorted(mine, key=lambda t: (t[0].start, t[0].end)):
                if p.anchor(sp) not in seen:
                    seen.add(p.anchor(sp))
                    out.append(f'<li id="{esc(p.anchor(sp))}">{_mark(sp, sp.text, "c fig" if fig else "c")}</li>')
            out.append("</ul>")
        out.append("</article>")
    out.append("</section>")
    return "\n".join(out)


def render_html(brief: Brief, texts: Mapping[str, str] | None = None) -> str:
    """The brief as one HTML document. ``texts`` maps source ids to the texts the spans index."""
    p = _Page(brief, texts)
    r = brief.run
    model = f" / {r.model}" if r.model else ""
    nav = [("overview", "Overview"), ("discrepancies", "Discrepancies"), ("sources", "Sources"),
           ("facts", "Agreed facts"), ("single", "Single-source"), ("quotes", "Quotes"), ("readers", "Source texts")]  # fmt: skip
    present = {"single": bool(brief.single_source), "quotes": bool(brief.quotes)}
    links = "".join(f'<li><a href="#{k}">{v}</a></li>' for k, v in nav if present.get(k, True))
    head = (f'<header><p class="kicker">Brief</p><h1>{esc(brief.title)}</h1>'
            f'<p class="meta">Made by backend <code>{esc(r.backend)}{esc(model)}</code> from {r.documents} documents in'
            f" {r.wall_seconds:.1f} s; {r.model_calls} model calls.</p>"
            f'<nav aria-label="Sections"><ul>{links}</ul></nav></header>')  # fmt: skip
    g = r.grounding
    dropped = ", ".join(f"{k} {v}" for k, v in sorted(g.dropped.items())) or "none"
    foot = (f"<footer><p>Grounding: {g.proposed} model claims proposed, {g.grounded} grounded; dropped:"
            f" {esc(dropped)}. Evidence-layer candidates: {g.evidence_candidates}. Schema {esc(brief.schema_version)}.</p></footer>")  # fmt: skip
    main = "\n".join([_overview(p), _discrepancies(p), _sources(p), _claims(p), _readers(p)])
    body = f'<a class="skip" href="#main">Skip to the brief</a>\n{head}\n<main id="main">\n{main}\n</main>\n{foot}'
    return _document(f"Brief: {brief.title}", body, _asset("brief.js"))


def _href(filename: str) -> str:
    """A relative link: any scheme (``javascript:``, ``https:``) is neutralised by a ``./`` prefix."""
    h = quote(filename, safe="/#-._~")  # ':' is encoded, so no scheme survives
    return "./" + h if h.startswith("/") else h


def render_index(pages: list[tuple[str, str]]) -> str:
    """An index of several briefs: ``pages`` are (title, relative file name) pairs."""
    items = "".join(f'<li><a href="{esc(_href(fn))}">{esc(title)}</a></li>' for title, fn in pages)
    body = (f'<header><p class="kicker">Briefs</p><h1>{len(pages)} stories</h1></header>\n<main id="main">'
            f'<section aria-labelledby="h-idx"><h2 id="h-idx">Stories</h2><ul class="index">{items}</ul></section></main>')  # fmt: skip
    return _document("Briefs", body)


__all__ = ["render_html", "render_index"]
