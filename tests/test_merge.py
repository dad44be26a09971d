"""The merge on the seeds and on a story it has never seen (tests/fixtures/story_city)."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.brief import Brief
from summarizer.pipeline import summarize
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "evals" / "corpus" / "seeds").glob("0*.txt"))
CITY = ROOT / "tests" / "fixtures" / "story_city"


@pytest.fixture(scope="module")
def seeds_brief() -> Brief:
    return summarize(SEEDS, Settings.resolve(env={}, length="full"), backend=None)


@pytest.fixture(scope="module")
def city_brief() -> Brief:
    return summarize([CITY], Settings.resolve(env={}), backend=None)


def _values(brief: Brief) -> list[dict[str, list[str]]]:
    return [
        {v.value.display: [s[:3] for s in v.sources] for v in d.values}
        for d in brief.discrepancies
        if d.scope == "across_sources"
    ]


def test_seed_discrepancies(seeds_brief: Brief) -> None:
    found = _values(seeds_brief)
    # the same figure with another qualifier is another value, shown with its own sources
    assert {"over 500,000": ["000", "001", "004"], "over 600,000": ["002"], "600,000": ["003"]} in found
    assert {"2030": ["000", "001", "002", "004"], "2031": ["003"]} in found
    assert {"10": ["000", "001", "004"], "about 12": ["003"]} in found
    assert {"$5.5 billion": ["000", "002", "003"], "$5.4 billion": ["002"]} in found
    money = next(d for d in found if "over $500 million" in d)
    assert money["over $500,000"] == ["000", "001", "002"]
    assert money["₹51 billion"] == ["003"]


def test_within_source_inconsistency(seeds_brief: Brief) -> None:
    """002 gives the S-400 deal as $5.5 billion and as $5.4 billion: it stands under both values
    of the across-sources discrepancy, and the note says it contradicts itself."""
    deal = next(d for d in seeds_brief.discrepancies if "$5.4 billion" in {v.value.display for v in d.values})
    assert deal.scope == "across_sources"
    assert all(SEEDS[2].stem in v.sources for v in deal.values)
    assert f"{SEEDS[2].stem} itself gives $5.5 billion and $5.4 billion" in deal.note


def test_a_source_alone_at_odds_with_itself_is_a_within_source_discrepancy() -> None:
    texts = [("solo", "Plan approved.\n\nAlmost one crore homes will benefit, officials said. The scheme covers "
                      "more than 1 crore homes across the country, the release added.")]
    brief = summarize(texts, Settings.resolve(env={}), backend=None)
    within = [d for d in brief.discrepancies if d.scope == "within_source"]
    assert [{v.value.raw for v in d.values} for d in within] == [{"Almost one crore", "more than 1 crore"}]


def test_seed_derivatives(seeds_brief: Brief) -> None:
    pairs = {(d.source[:3], d.original[:3], d.kind) for d in seeds_brief.derivatives}
    assert pairs == {("001", "000", "republication"), ("004", "000", "rewrite")}


def test_derivatives_never_corroborate(seeds_brief: Brief) -> None:
    derivative = {d.source for d in seeds_brief.derivatives}
    for f in seeds_brief.facts + seeds_brief.single_source:
        assert not derivative & set(f.independent_sources)
        assert len(f.independent_sources) >= 2 or f in seeds_brief.single_source


def test_every_span_is_verbatim(seeds_brief: Brief) -> None:
    texts = {p.stem: p.read_text(encoding="utf-8") for p in SEEDS}
    spans = [s for f in seeds_brief.facts + seeds_brief.single_source for s in f.evidence]
    spans += [s for d in seeds_brief.discrepancies for v in d.values for s in v.evidence]
    spans += [s for q in seeds_brief.quotes for s in q.evidence]
    assert spans
    for s in spans:
        assert texts[s.source][s.start : s.end] == s.text


def test_figures_trace_to_spans(seeds_brief: Brief) -> None:
    from summarizer.quantities import agree, find_mentions

    for f in seeds_brief.facts + seeds_brief.single_source:
        ev = [m.value for s in f.evidence for m in find_mentions(s.text)]
        for m in find_mentions(f.statement):
            assert any(agree(m.value, v) for v in ev), (f.statement, m.raw)



def test_quotes_have_speakers(seeds_brief: Brief) -> None:
    speakers = {q.speaker for q in seeds_brief.quotes}
    assert {"Rajnath Singh", "Sergei Lavrov", "Vladimir Putin"} <= speakers


def test_unseen_story_derivatives(city_brief: Brief) -> None:
    pairs = {(d.source, d.original) for d in city_brief.derivatives}
    assert ("b_copy", "a_original") in pairs
    assert ("d_paraphrase", "a_original") in pairs
    assert not any(d.source in ("c_independent", "e_western") for d in city_brief.derivatives)


def test_unseen_story_discrepancy_and_indian_formats(city_brief: Brief) -> None:
    jobs = [d for d in _values(city_brief) if "15,000" in d]
    assert jobs and jobs[0]["12,000"] == ["a_o", "b_c", "c_i", "d_p"]
    # a dozen thousand == 12,000; Indian grouping and lakh parse into comparable counts
    assert "c_independent" in next(
        v.sources for d in city_brief.discrepancies for v in d.values if v.value.display == "12,000"
    )


def test_no_currency_conversion(city_brief: Brief) -> None:
    for d in city_brief.discrepancies:
        units = {v.value.unit for v in d.values}
        assert not ({"INR", "USD"} <= units and len(d.values) == 2), d


def test_merge_is_deterministic() -> None:
    a = summarize(SEEDS, Settings.resolve(env={}), backend=None)
    b = summarize(SEEDS, Settings.resolve(env={}), backend=None)
    strip = {"run"}
    assert a.model_dump(exclude=strip) == b.model_dump(exclude=strip)


def test_standard_length_keeps_the_brief_brief() -> None:
    full = summarize(SEEDS, Settings.resolve(env={}, length="full"), backend=None)
    standard = summarize(SEEDS, Settings.resolve(env={}), backend=None)
    short = summarize(SEEDS, Settings.resolve(env={}, length="short"), backend=None)
    assert len(standard.single_source) <= 8 < len(full.single_source)
    assert len(standard.quotes) <= 5 < len(full.quotes)
    assert sum(len(s.text.split()) for s in standard.overview) <= 120
    assert len(short.facts) <= 6 and len(short.single_source) <= 3
    assert standard.discrepancies == full.discrepancies  # every discrepancy, at any length


def test_unseen_city_discrepancies_found(city_brief: Brief) -> None:
    found = _values(city_brief)
    assert {"₹5,100 crore": ["a_o", "b_c", "d_p"], "₹5,000 crore": ["c_i"]} in found
    assert {"601,427": ["a_o", "b_c", "d_p"], "about 600,000": ["c_i"], "over 600,000": ["e_w"]} in found
    assert {"31": ["a_o", "d_p"], "29": ["c_i"]} in found


def test_headline_weight_lifts_the_fact_the_headlines_are_about() -> None:
    """Of two facts with the same corroboration, the one the sources' headlines are about gains
    importance; a fact the headlines never touch gains nothing, and no headline changes nothing."""
    from summarizer.brief import Fact
    from summarizer.claims import add_headline_weight
    from summarizer.similarity import TfIdf, bag

    def fact(text: str) -> Fact:
        return Fact(id="F", statement=text, topic="", kind="event", sources=["a", "b"],
                    independent_sources=["a", "b"], importance=0.5, evidence=[], origin=["evidence"])  # fmt: skip

    texts = ["The suspension bridge over the river collapsed on Sunday evening.",
             "The state announced compensation for the families of the victims.",
             "Hundreds had gathered on the bridge for the festival."]  # fmt: skip
    tfidf = TfIdf([bag(t) for t in texts])
    collapse, compensation = fact(texts[0]), fact(texts[1])
    add_headline_weight([collapse, compensation], ["Bridge collapses over river", "River bridge collapse"], tfidf)
    assert collapse.importance > 0.5 and compensation.importance == 0.5
    untouched = fact(texts[0])
    add_headline_weight([untouched], ["", ""], tfidf)
    assert untouched.importance == 0.5


def test_a_sentence_naming_a_news_agency_is_reporting_a_credit_line_is_not() -> None:
    from summarizer.text import furniture_lines

    text = (
        "HOUSTON, Oct 11 (Reuters) - Exxon Mobil agreed to buy Pioneer Natural Resources for $59.5 billion "
        "in an all-stock deal, its largest purchase since the Mobil merger.\n\n"
        "The county's police chief said earlier, speaking to AFP by phone, that more than 130 people had been rescued.\n\n"
        "Photo: Rescue workers at the site/AFP\n\n"
        "Our Standards: The Thomson Reuters Trust Principles.\n\n"
        "The deal is expected to close in the first half of next year, the companies said."
    )
    dropped = {text[s:e].split()[0] for s, e in furniture_lines(text)}
    assert dropped == {"Photo:", "Our"}
