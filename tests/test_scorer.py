"""Meta-tests for the eval scorer: the gold-built brief scores near 1, baselines score well below
it, and each kind of damage (a changed figure, a negation, a forged span, a wrong topic, another
event merged in) moves the metric it should. Paraphrases written by the labeller must score like
the original. Every gold story is checked, dev and test alike: the scorer must hold on all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.brief import Brief, Fact, SetApart, Span
from summarizer.eval.baselines import dump_brief, lead_brief
from summarizer.eval.gold import GoldError, GoldStory, load_corpus, load_gold, parse_gold
from summarizer.eval.goldbrief import brief_from_gold
from summarizer.eval.lint import check_gold
from summarizer.eval.normalize import quantities
from summarizer.eval.report import format_report_markdown
from summarizer.eval.score import METRICS, BriefSchemaError, ScoreReport, score

ROOT = Path(__file__).resolve().parents[1]
GOLD_FILES = sorted((ROOT / "evals" / "gold").glob("*.json"))
STORIES = [p.stem for p in GOLD_FILES]


def _load(story: str) -> tuple[GoldStory, dict[str, str]]:
    gold = load_gold(ROOT / "evals" / "gold" / f"{story}.json")
    return gold, load_corpus(ROOT / gold.corpus)


@pytest.fixture(scope="module", params=STORIES)
def story(request: pytest.FixtureRequest) -> tuple[GoldStory, dict[str, str], Brief, ScoreReport]:
    gold, texts = _load(request.param)
    perfect = brief_from_gold(gold, texts)
    return gold, texts, perfect, score(perfect, gold, texts)


def _copy(brief: Brief) -> Brief:
    return brief.model_copy(deep=True)


def test_every_story_meets_the_guide(story: tuple[GoldStory, dict[str, str], Brief, ScoreReport]) -> None:
    gold, texts, _, _ = story
    assert check_gold(gold, texts) == []
    assert set(gold.sources) == set(texts), "every corpus file is labelled, and only those"


def test_gold_built_brief_scores_at_least_095(story: tuple[GoldStory, dict[str, str], Brief, ScoreReport]) -> None:
    _, _, _, report = story
    assert report.score >= 0.95, format_report_markdown(report)
    assert report.discrepancy_recall == 1.0
    assert report.evidence_errors == []
    assert report.false_discrepancies == 0 and report.contradictions == 0


def test_baselines_score_well_below_the_gold_brief(
    story: tuple[GoldStory, dict[str, str], Brief, ScoreReport],
) -> None:
    gold, texts, _, report = story
    for brief in (lead_brief(texts), dump_brief(texts)):
        assert score(brief, gold, texts).score <= report.score - 0.15


def _with_statement(brief: Brief, fact_id: str, text: str, alone: bool = False) -> Brief:
    """The brief with one fact's statement replaced; ``alone``: that fact is all it states."""
    out = _copy(brief)
    if alone:
        out.facts = [f for f in out.facts if f.id == fact_id]
        out.single_source = [f for f in out.single_source if f.id == fact_id]
        out.discrepancies = []
    for f in [*out.facts, *out.single_source]:
        if f.id == fact_id:
            f.statement = text
    return out


def _hit(report: ScoreReport, fact_id: str) -> bool:
    return {r.id: r.hit for r in report.facts}[fact_id]


def test_paraphrases_score_like_the_original(story: tuple[GoldStory, dict[str, str], Brief, ScoreReport]) -> None:
    gold, texts, perfect, _ = story
    tried = 0
    for fact in gold.facts:
        original = score(_with_statement(perfect, fact.id, fact.statement, alone=True), gold, texts)
        for para in fact.paraphrases:
            damaged = score(_with_statement(perfect, fact.id, para, alone=True), gold, texts)
            assert _hit(damaged, fact.id) == _hit(original, fact.id), (fact.id, para)
            tried += 1
    assert tried or not any(f.paraphrases for f in gold.facts)


def test_contradictions_lose_the_fact_and_cost_precision(
    story: tuple[GoldStory, dict[str, str], Brief, ScoreReport],
) -> None:
    gold, texts, perfect, report = story
    tried = charged = 0
    for fact in gold.facts:
        for wrong in fact.contradictions:
            alone = score(_with_statement(perfect, fact.id, wrong, alone=True), gold, texts)
            assert not _hit(alone, fact.id), (fact.id, wrong)
            damaged = score(_with_statement(perfect, fact.id, wrong), gold, texts)
            assert damaged.statement_precision <= report.statement_precision, (fact.id, wrong)
            charged += damaged.statement_precision < report.statement_precision
            tried += 1
    assert tried, "every story labels contradictions"
    # Every contradiction loses its fact; most are also charged as false statements. The rest
    # (e.g. "put off a decision" for "approved") read as supported: no lexical rule sees them.
    assert charged / tried >= 0.75, f"{charged}/{tried} contradictions cost precision"


def test_a_forged_span_costs_evidence_validity(story: tuple[GoldStory, dict[str, str], Brief, ScoreReport]) -> None:
    gold, texts, perfect, report = story
    damaged = _copy(perfect)
    fact = next(f for f in [*damaged.facts, *damaged.single_source] if f.evidence)
    span = fact.evidence[0]
    fact.evidence[0] = Span(source=span.source, start=span.start, end=span.end, text=span.text + " Forged.")
    after = score(damaged, gold, texts)
    assert after.evidence_validity < report.evidence_validity
    assert after.score < report.score


def test_a_span_without_its_statements_figure_costs(story: tuple[GoldStory, dict[str, str], Brief, ScoreReport]) -> None:
    gold, texts, perfect, report = story
    damaged = _copy(perfect)
    with_figure = [
        f for f in [*damaged.facts, *damaged.single_source]
        if any(q.unit or any(c.isdigit() for c in q.text) for q in quantities(f.statement)) and f.evidence
    ]
    if not with_figure:
        pytest.skip("no fact with a figure in this story")
    fact = with_figure[0]
    text = texts[fact.evidence[0].source]
    first = next(i for i, c in enumerate(text) if c.isalpha())
    fact.evidence = [Span(source=fact.evidence[0].source, start=first, end=first + 1, text=text[first])]
    assert score(damaged, gold, texts).evidence_validity < report.evidence_validity


def test_swapped_or_emptied_topics_cost_discrepancy_recall(
    story: tuple[GoldStory, dict[str, str], Brief, ScoreReport],
) -> None:
    gold, texts, perfect, report = story
    emptied = _copy(perfect)
    for d in emptied.discrepancies:
        d.topic = "figures"
    assert score(emptied, gold, texts).discrepancy_recall == 0.0
    if len(perfect.discrepancies) >= 2:
        swapped = _copy(perfect)
        topics = [d.topic for d in swapped.discrepancies]
        for d, t in zip(swapped.discrepancies, topics[1:] + topics[:1], strict=True):
            d.topic = t
        assert score(swapped, gold, texts).discrepancy_recall < report.discrepancy_recall


def test_another_event_merged_into_a_fact_costs(story: tuple[GoldStory, dict[str, str], Brief, ScoreReport]) -> None:
    gold, texts, perfect, report = story
    others = list(gold.other_event_sources)
    if not others:
        pytest.skip("this story has no other-event document")
    damaged = _copy(perfect)
    damaged.set_apart = []
    fact = damaged.facts[0]
    fact.sources = [*fact.sources, others[0]]
    after = score(damaged, gold, texts)
    assert after.other_events < report.other_events
    assert after.score < report.score


def test_setting_apart_a_main_source_costs(story: tuple[GoldStory, dict[str, str], Brief, ScoreReport]) -> None:
    gold, texts, perfect, report = story
    damaged = _copy(perfect)
    damaged.set_apart.append(SetApart(source=gold.main_sources[0], event="x", reason="x"))
    after = score(damaged, gold, texts)
    assert after.other_events < 1.0 and after.score < report.score


def test_a_padded_brief_loses_facts_past_the_budget(
    story: tuple[GoldStory, dict[str, str], Brief, ScoreReport],
) -> None:
    gold, texts, perfect, report = story
    padded = _copy(perfect)
    filler = dump_brief(texts).single_source
    padded.facts = [*filler, *padded.facts]
    assert score(padded, gold, texts).fact_recall < report.fact_recall


def test_score_is_pure_and_deterministic() -> None:
    gold, texts = _load("seeds")
    brief = brief_from_gold(gold, texts).to_json()
    assert score(brief, gold, texts).to_json() == score(brief, gold, texts).to_json()


def test_scores_are_in_range_and_report_renders() -> None:
    gold, texts = _load("seeds")
    report = score(dump_brief(texts), gold, texts)
    assert set(report.scores()) == set(METRICS)
    assert all(0.0 <= v <= 1.0 for v in report.scores().values())
    md = format_report_markdown(report)
    assert "## Facts" in md and "budget" in md
    assert ScoreReport.model_validate_json(report.to_json()) == report


def test_a_false_discrepancy_costs_precision() -> None:
    gold, texts = _load("seeds")
    perfect = brief_from_gold(gold, texts)
    damaged = _copy(perfect)
    bogus = damaged.discrepancies[0].model_copy(deep=True)
    bogus.id = "bogus"
    for v, raw in zip(bogus.values, ("1,234", "9,876"), strict=False):
        v.value.raw = v.value.display = raw
        v.value.value = float(raw.replace(",", ""))
        v.value.alternatives = []
    damaged.discrepancies.append(bogus)
    after = score(damaged, gold, texts)
    assert after.false_discrepancies == 1 and after.discrepancy_precision < 1.0


def test_unsupported_statement_costs_precision_and_supported_one_does_not() -> None:
    gold, texts = _load("seeds")
    perfect = brief_from_gold(gold, texts)
    base = score(perfect, gold, texts)
    ev = perfect.facts[0].evidence[0]
    supported = Fact(
        id="extra", statement=ev.text, topic="x", kind="context", sources=[ev.source],
        independent_sources=[ev.source], importance=0, evidence=[ev], origin=["evidence"],
    )  # fmt: skip
    invented = supported.model_copy(update={"id": "invented", "statement": "Zorblax announced 77 new moons."})
    with_supported = _copy(perfect)
    with_supported.single_source.append(supported)
    with_invented = _copy(perfect)
    with_invented.single_source.append(invented)
    assert score(with_supported, gold, texts).unsupported_statements == base.unsupported_statements
    assert score(with_invented, gold, texts).unsupported_statements == base.unsupported_statements + 1
    assert score(with_invented, gold, texts).statement_precision < base.statement_precision


def test_bad_brief_and_bad_gold_raise_one_line_errors() -> None:
    gold, texts = _load("seeds")
    with pytest.raises(BriefSchemaError, match="not valid JSON"):
        score("{nope", gold, texts)
    with pytest.raises(BriefSchemaError, match="Brief schema"):
        score(json.dumps({"title": 1}), gold, texts)
    bad = gold.model_dump()
    bad["facts"][0]["sources"] = ["nope"]
    with pytest.raises(GoldError, match="unknown source"):
        parse_gold(bad)


@pytest.mark.parametrize(
    ("a", "b"),
    [("5,00,000", "500,000"), ("five lakh", "half a million"), ("$5.5bn", "USD 5,500 million"),
     ("Rs 5,100 crore", "51 billion rupees"), ("twenty-first", "21st")],
)  # fmt: skip
def test_numbers_normalise_alike(a: str, b: str) -> None:
    assert quantities(a)[0].same(quantities(b)[0])


def test_a_time_of_day_is_one_figure() -> None:
    from summarizer.eval.match import Text, form_hit

    assert form_hit("6:04 pm", Text.of("landed at 18:04 IST"))
    assert form_hit("around 06:05 PM", Text.of("at about 6:05 p.m."))
    assert not form_hit("6:04 pm", Text.of("around 6:03 pm"))  # its hour alone is not the time
    assert not form_hit("6:03", Text.of("Chandrayaan 3"))
    assert form_hit("3", Text.of("a ratio of 3:2"))  # not a time: two numbers
