"""The HTML page (fast, no browser): escaping, no network references, highlight offsets, sources,
links that resolve, the index page and the CLI's --format html."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pytest

from summarizer.brief import Brief, Flag, SetApart
from summarizer.documents import load_inputs
from summarizer.pipeline import summarize
from summarizer.render.html import render_html, render_index

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "evals" / "corpus" / "seeds").glob("0*.txt"))
MERGER = sorted((ROOT / "tests" / "fixtures" / "story_merger").glob("*.txt"))
HOSTILE = (
    "<script>alert(1)</script> Northwind deal draws protest\n\n"
    "Northwind Traders will pay $1.6 billion for Contoso, a rival said on Thursday. "
    'The filing <img src=x onerror=alert(1)> was "<b>bold</b>" and <a href="https://evil.example/">here</a>.\n\n'
    "The combined company will employ about 9,000 people, the rival said.\n"
)


class Page(html.parser.HTMLParser):
    """Tags, attributes, ids, links and every <mark> with its text (entities decoded)."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[tuple[dict[str, str | None], str]] = []
        self.in_mark: dict[str, str | None] | None = None
        self.buf: list[str] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "mark":
            assert self.in_mark is None, "nested <mark>"
            self.in_mark, self.buf = dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self.in_mark is not None:
            self.marks.append((self.in_mark, "".join(self.buf)))
            self.in_mark = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.in_mark is not None:
            self.buf.append(data)

    def ids(self) -> set[str]:
        return {a["id"] or "" for _, a in self.tags if a.get("id")}


def _texts(paths: list[Path] | list[tuple[str, str]]) -> dict[str, str]:
    return {d.id: d.text for d in load_inputs(paths).documents}


@pytest.fixture(scope="module")
def seeds() -> tuple[Brief, dict[str, str], str]:
    brief = summarize(SEEDS, backend=None)
    texts = _texts(SEEDS)
    return brief, texts, render_html(brief, texts)


@pytest.fixture(scope="module")
def hostile() -> tuple[Brief, dict[str, str], str]:
    inputs = [(p.stem, p.read_text()) for p in MERGER] + [("hostile", HOSTILE)]
    brief = summarize(inputs, backend=None)
    texts = _texts(inputs)
    assert "<script>" in texts["hostile"], "the hostile text must stay raw (not converted from HTML)"
    return brief, texts, render_html(brief, texts)


def test_hostile_source_shows_as_text(hostile: tuple[Brief, dict[str, str], str]) -> None:
    _, _, markup = hostile
    page = Page(markup)
    tags = [t for t, _ in page.tags]
    assert tags.count("script") == 1, "only the page's own script"
    assert "img" not in tags and "b" not in tags
    assert not [(t, k) for t, a in page.tags for k in a if k.lower().startswith("on")], "no event handler attribute"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "&lt;img src=x onerror=alert(1)&gt;" in markup
    text = "".join(page.text)
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(1)>" in text


def test_every_brief_string_is_escaped(seeds: tuple[Brief, dict[str, str], str]) -> None:
    brief, texts, _ = seeds
    evil = "<script>x()</script><img src=x onerror=y()>"
    b = brief.model_copy(deep=True)
    b.title = evil
    b.sources[0].outlet = evil
    b.facts[0].statement = evil
    b.discrepancies[0].topic = evil
    b.quotes[0].speaker = evil
    b.flags = [Flag(kind="inconsistent", message=evil)]
    b.overview[0].text = evil
    b.set_apart = [SetApart(source=b.sources[3].id, event=evil, reason=evil)]
    page = Page(render_html(b, texts))
    assert [t for t, _ in page.tags].count("script") == 1 and "img" not in [t for t, _ in page.tags]


def _external(markup: str) -> list[str]:
    page = Page(markup)
    bad = [v or "" for _, a in page.tags for k, v in a.items() if k in ("href", "src", "action", "srcset", "data")]
    bad = [v for v in bad if not v.startswith("#") and (":" in v.split("/")[0] or v.startswith("//"))]
    if re.search(r"@import|url\s*\(|https?://", "".join(re.findall(r"<style>(.*?)</style>", markup, re.S))):
        bad.append("style")
    if re.search(r"https?://|fetch\(|XMLHttpRequest|import\(", "".join(re.findall(r"<script>(.*?)</script>", markup, re.S))):
        bad.append("script")
    return bad


def test_no_external_references(seeds: tuple[Brief, dict[str, str], str], hostile: tuple[Brief, dict[str, str], str]) -> None:
    for _, _, markup in (seeds, hostile):
        assert _external(markup) == []
        assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', markup)
        assert "default-src 'none'" in markup  # a CSP backs the escaping up
    assert _external(render_index([("A", "a.html"), ("B", "https://evil.example/"), ("C", "//evil.example/x")])) == []


def test_every_mark_matches_its_source_text(seeds: tuple[Brief, dict[str, str], str]) -> None:
    brief, texts, markup = seeds
    marks = Page(markup).marks
    assert len(marks) > 50
    for attrs, text in marks:
        src, start, end = attrs["data-source"] or "", int(attrs["data-start"] or -1), int(attrs["data-end"] or -1)
        assert texts[src][start:end] == text, (src, start, end)
    figures = {(a["data-source"], a["data-start"]) for a, _ in marks if "fig" in (a.get("class") or "")}
    for d in brief.discrepancies:
        for v in d.values:
            for sp in v.evidence:
                assert (sp.source, str(sp.start)) in figures


def test_all_sources_and_sections_present(seeds: tuple[Brief, dict[str, str], str]) -> None:
    brief, _, markup = seeds
    page = Page(markup)
    ids = page.ids()
    for i, s in enumerate(brief.sources, 1):
        assert f"reader-{i}" in ids and f"src-{i}" in ids
        assert s.id in markup
    for section in ("overview", "discrepancies", "sources", "facts", "single", "quotes", "readers"):
        assert section in ids
    assert sum(1 for t, _ in page.tags if t == "table") >= len(brief.discrepancies) + 1
    assert sum(1 for t, a in page.tags if t == "th" and a.get("scope")) > 10
    assert markup.index('id="overview"') < markup.index('id="discrepancies"') < markup.index('id="readers"')
    text = "".join(page.text)
    for figure in ("2030", "2031", "over 600,000", "Rajnath Singh", "republication", "rewrite"):
        assert figure in text
    # read well without JS: nothing is hidden in the markup; the script only adds hiding
    assert not [t for t, a in page.tags if "hidden" in a]
    assert "@media print" in markup


def test_every_link_resolves_and_claims_link_to_spans(seeds: tuple[Brief, dict[str, str], str]) -> None:
    brief, _, markup = seeds
    page = Page(markup)
    ids = page.ids()
    hrefs = [a["href"] or "" for t, a in page.tags if t == "a" and a.get("href")]
    assert hrefs and all(h.startswith("#") and h[1:] in ids for h in hrefs), [h for h in hrefs if h[1:] not in ids]
    for f in [*brief.facts, *brief.single_source]:
        for sp in f.evidence:
            assert f'href="#r{[s.id for s in brief.sources].index(sp.source) + 1}-{sp.start}-{sp.end}"' in markup
    buttons = [a for t, a in page.tags if t == "button"]
    assert buttons and all(a.get("type") == "button" and a.get("aria-controls") in ids for a in buttons)


def test_set_apart_section_shows_when_present(seeds: tuple[Brief, dict[str, str], str]) -> None:
    brief, texts, markup = seeds
    assert 'id="set-apart"' not in markup
    b = brief.model_copy(deep=True)
    b.set_apart = [SetApart(source=b.sources[3].id, event="A 2019 rifle deal", reason="Names another year & deal.")]
    out = render_html(b, texts)
    assert 'id="set-apart"' in out and "A 2019 rifle deal" in out and "another year &amp; deal" in out


def test_without_texts_or_with_wrong_texts_shows_the_spans(seeds: tuple[Brief, dict[str, str], str]) -> None:
    brief, texts, _ = seeds
    for given in (None, {k: v + " changed" for k, v in texts.items()}):
        markup = render_html(brief, given)
        marks = Page(markup).marks
        assert marks and "not available" in markup
        for attrs, text in marks:
            assert texts[attrs["data-source"] or ""][int(attrs["data-start"] or 0) : int(attrs["data-end"] or 0)] == text


def test_index_page_links() -> None:
    markup = render_index([("Seeds <story>", "seeds.html"), ("Merger & co", "merger deal.html"),
                           ("Bad", "javascript:alert(1)"), ("Abs", "/etc/passwd")])  # fmt: skip
    page = Page(markup)
    hrefs = [a["href"] for t, a in page.tags if t == "a"]
    assert hrefs == ["seeds.html", "merger%20deal.html", "javascript%3Aalert%281%29", ".//etc/passwd"]
    assert "Seeds &lt;story&gt;" in markup and "Merger &amp; co" in markup
    assert [t for t, _ in page.tags].count("script") == 0


def test_cli_format_html(tmp_path: Path) -> None:
    from summarizer.cli import main

    out = tmp_path / "brief.html"
    assert main(["brief", *map(str, SEEDS), "--backend", "none", "-q", "--no-cache", "-o", str(out)]) == 0
    markup = out.read_text(encoding="utf-8")
    assert markup.startswith("<!doctype html>") and "<mark" in markup and "not available" not in markup
    out2 = tmp_path / "brief.txt"
    assert main(["brief", *map(str, SEEDS), "--backend", "none", "-q", "--format", "html", "-o", str(out2)]) == 0
    assert out2.read_text(encoding="utf-8").startswith("<!doctype html>")
