"""Meta-tests for the eval scorer: a brief built from gold scores perfectly, and each kind of
damage moves exactly the metric it should, by exactly the expected amount."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.goldbrief import brief_from_gold
from evals.normalize import norm_text, phrase_in, quantities
from evals.score import (
    METRICS,
    BriefSchemaError,
    GoldError,
    GoldStory,
    ScoreReport,
    check_gold,
    format_report_markdown,
    load_corpus,
    load_gold,
    score,
)
from summarizer.brief import Brief, Derivative, Span

ROOT = Path(__file__).resolve().parents[1]
GOLD_PATH = ROOT / "evals" / "gold" / "seeds.json"

S000 = "000_46aef3835b0e6e2a"
S001 = "001_b25516201257ea1d"
S002 = "002_1e576be946aa0105"
S003 = "003_cc6058d86ca66856"
S004 = "004_9be57d61793ae54d"


@pytest.fixture(scope="module")
def gold() -> GoldStory:
    return load_gold(GOLD_PATH)


@pytest.fixture(scope="module")
def texts(gold: GoldStory) -> dict[str, str]:
    return load_corpus(ROOT / gold.corpus)


@pytest.fixture(scope="module")
def perfect(gold: GoldStory, texts: dict[str, str]) -> Brief:
    return brief_from_gold(gold, texts)


@pytest.fixture(scope="module")
def base(perfect: Brief, gold: GoldStory, texts: dict[str, str]) -> ScoreReport:
    return score(perfect.to_json(), gold, texts)


def _copy(brief: Brief) -> Brief:
    return brief.model_copy(deep=True)


def _others(report: ScoreReport, changed: str) -> dict[str, float]:
    return {k: v for k, v in report.scores().items() if k != changed}


def _all_ones_except(changed: str) -> dict[str, float]:
    return {k: 1.0 for k in METRICS if k != changed}


# --------------------------------------------------------------------------- gold itself


def test_gold_is_consistent_with_its_texts(
    gold: GoldStory, texts: dict[str, str]
) -> None:
    assert set(texts) == set(gold.sources)
    assert check_gold(gold, texts) == []
    assert 15 <= len(gold.facts) <= 25
    assert sum(f.importance for f in gold.facts) == 50
    assert sum(d.importance for d in gold.discrepancies) == 14


def test_check_gold_reports_a_bad_label(gold: GoldStory, texts: dict[str, str]) -> None:
    data = gold.model_dump()
    data["facts"][0]["keywords"] = [["helicopter gunship"]]
    problems = check_gold(data, texts)
    assert (
        problems[0]
        == "f_agreements_signed: statement does not match its own keywords/values"
    )
    assert len(problems) == 6  # the statement and all five sources


def test_malformed_gold_raises(gold: GoldStory, texts: dict[str, str]) -> None:
    data = gold.model_dump()
    data["facts"][0]["sources"] = ["999_nope"]
    with pytest.raises(GoldError, match="unknown source '999_nope'"):
        score(brief_from_gold(gold, texts), data, texts)


# --------------------------------------------------------------------------- perfect brief


def test_gold_brief_scores_perfectly(base: ScoreReport) -> None:
    assert base.scores() == {k: 1.0 for k in METRICS}
    assert base.unsupported_count == 0
    assert base.unsupported_items == []
    assert base.unsupported_checked == 54
    assert base.derivative_precision == base.derivative_recall == 1.0
    assert base.invalid_spans == []
    assert all(r.hit for r in [*base.facts, *base.discrepancies, *base.quotes])
    assert len(base.facts) == 25
    assert len(base.discrepancies) == 6
    assert len(base.quotes) == 9
    assert base.length_words > 0


def test_score_is_pure_and_deterministic(
    perfect: Brief, gold: GoldStory, texts: dict[str, str]
) -> None:
    raw = perfect.to_json()
    gold_dump = gold.model_dump_json()
    first = score(raw, json.loads(gold_dump), texts).to_json()
    second = score(json.loads(raw), gold, dict(texts)).to_json()
    assert first == second
    assert gold.model_dump_json() == gold_dump
    assert perfect.to_json() == raw


# --------------------------------------------------------------------------- one damage each


def test_removing_a_fact_lowers_only_fact_recall(
    perfect: Brief, gold: GoldStory, texts: dict[str, str]
) -> None:
    brief = _copy(perfect)
    before = len(brief.single_source)
    brief.single_source = [
        f for f in brief.single_source if f.id != "f_waiver_unlikely"
    ]
    assert len(brief.single_source) == before - 1
    report = score(brief.to_json(), gold, texts)
    assert report.fact_recall == pytest.approx(48 / 50)
    missed = [r for r in report.facts if not r.hit]
    assert [r.id for r in missed] == ["f_waiver_unlikely"]
    assert missed[0].reason == "no brief item matches any keyword group"
    assert _others(report, "fact_recall") == _all_ones_except("fact_recall")
    assert report.unsupported_count == 0


def test_swapping_an_attribution_lowers_only_attribution_precision(
    perfect: Brief, base: ScoreReport, gold: GoldStory, texts: dict[str, str]
) -> None:
    cited = sum(len(a.cited) for a in base.attributions)
    assert cited == 71
    brief = _copy(perfect)
    fact = next(f for f in brief.facts if f.id == "f_singh_twitter")
    assert S003 not in fact.sources
    fact.sources = [S003 if s == S002 else s for s in fact.sources]
    report = score(brief.to_json(), gold, texts)
    assert report.attribution_precision == pytest.approx(70 / 71)
    wrong = [a for a in report.attributions if a.wrong]
    assert [(a.item, a.wrong) for a in wrong] == [("facts[f_singh_twitter]", [S003])]
    assert _others(report, "attribution_precision") == _all_ones_except(
        "attribution_precision"
    )


def test_inventing_a_figure_raises_only_unsupported(
    perfect: Brief, base: ScoreReport, gold: GoldStory, texts: dict[str, str]
) -> None:
    brief = _copy(perfect)
    fact = next(f for f in brief.facts if f.id == "f_rifles_amethi")
    fact.statement = fact.statement.rstrip(".") + " in a deal worth $9.9 billion."
    report = score(brief.to_json(), gold, texts)
    assert report.unsupported_count == 1
    assert report.unsupported_checked == base.unsupported_checked + 1 == 55
    assert report.unsupported == pytest.approx(1 - 1 / 55)
    assert [(u.kind, u.text, u.where) for u in report.unsupported_items] == [
        ("figure", "$9.9 billion", "facts[f_rifles_amethi].statement")
    ]
    assert _others(report, "unsupported") == _all_ones_except("unsupported")


def test_inventing_a_name_is_unsupported(
    perfect: Brief, gold: GoldStory, texts: dict[str, str]
) -> None:
    brief = _copy(perfect)
    brief.overview[0].text += " Meanwhile Emmanuel Macron called Modi."
    report = score(brief, gold, texts)
    assert [(u.kind, u.text, u.missing) for u in report.unsupported_items] == [
        ("name", "Meanwhile Emmanuel Macron", ["Emmanuel", "Macron"])
    ]
    assert report.unsupported_checked == 56  # + "Emmanuel Macron" and a lone "Modi"
    assert report.unsupported == pytest.approx(1 - 1 / 56)


def test_dropping_a_discrepancy_source_lowers_only_discrepancy_recall(
    perfect: Brief, gold: GoldStory, texts: dict[str, str]
) -> None:
    brief = _copy(perfect)
    disc = next(d for d in brief.discrepancies if d.id == "d_rifle_count")
    disc.values[0].sources = [s for s in disc.values[0].sources if s != S004]
    report = score(brief.to_json(), gold, texts)
    assert report.discrepancy_recall == pytest.approx(11 / 14)
    missed = [r for r in report.discrepancies if not r.hit]
    assert [r.id for r in missed] == ["d_rifle_count"]
    assert missed[0].reason == (
        f"closest discrepancies[d_rifle_count]: value '500,000' lacks sources ['{S004}']"
    )
    assert _others(report, "discrepancy_recall") == _all_ones_except(
        "discrepancy_recall"
    )


def test_a_source_on_the_wrong_discrepancy_value_is_a_miss(
    perfect: Brief, gold: GoldStory, texts: dict[str, str]
) -> None:
    brief = _copy(perfect)
    disc = next(d for d in brief.discrepancies if d.id == "d_coop_end_year")
    disc.values[0].sources.append(S003)  # 003 says 2031, not 2030
    report = score(brief, gold, texts)
    assert report.discrepancy_recall == pytest.approx(11 / 14)
    assert "wrongly cites" in report.discrepancies[2].reason


def test_removing_a_derivative_lowers_only_derivative_f1(
    perfect: Brief, gold: GoldStory, texts: dict[str, str]
) -> None:
    brief = _copy(perfect)
    brief.derivatives = [d for d in brief.derivatives if d.source != S004]
    report = score(brief.to_json(), gold, texts)
    assert report.derivative_precision == 1.0
    assert report.derivative_recall == 0.5
    assert report.derivative_f1 == pytest.approx(2 / 3)
    assert [(d.source, d.status) for d in report.derivatives] == [
        (S001, "hit"),
        (S004, "missed"),
    ]
    assert _others(report, "derivative_f1") == _all_ones_except("derivative_f1")


def _derivative(source: str, original: str) -> Derivative:
    return Derivative(
        source=source,
        original=original,
        kind="rewrite",
        similarity=0.2,
        paraphrase_similarity=0.5,
        reason="test",
    )


def test_derivative_pairs_spurious_optional_and_via_republication(
    perfect: Brief, gold: GoldStory, texts: dict[str, str]
) -> None:
    brief = _copy(perfect)
    brief.derivatives.append(_derivative(S002, S000))  # optional in gold: ignored
    assert score(brief, gold, texts).derivative_f1 == 1.0
    brief.derivatives.append(_derivative(S003, S000))  # spurious
    report = score(brief, gold, texts)
    assert report.derivative_precision == pytest.approx(2 / 3)
    assert report.derivative_f1 == pytest.approx(0.8)
    # 004 -> 001 is 004 -> 000: 001 is a republication of 000.
    brief = _copy(perfect)
    brief.derivatives = [_derivative(S001, S000), _derivative(S004, S001)]
    assert score(brief, gold, texts).derivative_f1 == 1.0


def test_removing_a_quote_lowers_only_quote_recall(
    perfect: Brief, gold: GoldStory, texts: dict[str, str]
) -> None:
    brief = _copy(perfect)
    brief.quotes = [q for q in brief.quotes if q.id != "q_lavrov_undermine"]
    for q in brief.quotes:
        if q.id == "q_putin_great_power":
            q.speaker = "Sergei Lavrov"  # the right words under the wrong speaker
    report = score(brief, gold, texts)
    assert report.quote_recall == pytest.approx(7 / 9)
    reasons = {r.id: r.reason for r in report.quotes if not r.hit}
    assert reasons == {
        "q_lavrov_undermine": "1 quote(s) by the speaker, none with keywords "
        "[['undermine', 'sovereign country']]",
        "q_putin_great_power": "no quote attributed to Vladimir Putin",
    }
    assert _others(report, "quote_recall") == _all_ones_except("quote_recall")


def test_value_forms_are_matched_numerically(
    perfect: Brief, gold: GoldStory, texts: dict[str, str]
) -> None:
    brief = _copy(perfect)
    disc = next(d for d in brief.discrepancies if d.id == "d_rifle_count")
    disc.values[0].value.raw = "five lakh"
    disc.values[0].value.display = "5,00,000"
    disc.values[1].value.raw = "six hundred thousand"
    assert score(brief, gold, texts).discrepancy_recall == 1.0
    disc.values[1].value.raw = "$600,000"  # a sum of money is not a count of rifles
    disc.values[1].value.display = "USD 600,000"
    disc.values[1].value.unit = "USD"
    assert score(brief, gold, texts).discrepancy_recall == pytest.approx(11 / 14)


# --------------------------------------------------------------------------- schema errors


@pytest.mark.parametrize(
    ("payload", "start"),
    [
        ("{not json", "brief is not valid JSON: Expecting property name"),
        ("[1, 2]", "brief JSON must be an object, got list"),
        (
            '{"title": "x"}',
            "brief does not match the Brief schema at run: Field required",
        ),
    ],
)
def test_bad_brief_raises_one_line_error(
    payload: str, start: str, gold: GoldStory, texts: dict[str, str]
) -> None:
    with pytest.raises(BriefSchemaError) as info:
        score(payload, gold, texts)
    message = str(info.value)
    assert message.startswith(start)
    assert "\n" not in message


def test_wrong_shape_names_the_first_bad_field(
    perfect: Brief, gold: GoldStory, texts: dict[str, str]
) -> None:
    data = json.loads(perfect.to_json())
    del data["facts"][1]["sources"]
    with pytest.raises(BriefSchemaError) as info:
        score(data, gold, texts)
    assert str(info.value) == (
        "brief does not match the Brief schema at facts[1].sources: Field required (1 error(s))"
    )
    data = json.loads(perfect.to_json())
    data["discrepancies"][0]["values"] = data["discrepancies"][0]["values"][:1]
    data["quotes"][0]["colour"] = "red"
    with pytest.raises(
        BriefSchemaError, match=r"^[^\n]*discrepancies\[0\]\.values: List"
    ):
        score(json.dumps(data), gold, texts)


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("500,000", "5,00,000"),
        ("500,000", "five lakh"),
        ("500,000", "half a million"),
        ("$5.5 billion", "USD 5,500 million"),
        ("$5.5 billion", "US$5.5bn"),
        ("51 billion rupees", "Rs 5,100 crore"),
        ("US $676 million", "676 million dollars"),
        ("about a dozen", "12"),
        ("ten", "10"),
        ("21st", "twenty-first"),
    ],
)
def test_numbers_normalise_alike(a: str, b: str) -> None:
    assert {q.key for q in quantities(a)} == {q.key for q in quantities(b)}


def test_money_and_counts_differ() -> None:
    assert {q.key for q in quantities("$500,000")} != {
        q.key for q in quantities("500,000")
    }
    assert quantities("pic.twitter.com/9WNBx6m7ok") == []


def test_keyword_normalisation() -> None:
    text = norm_text("Russia’s Defence programme with the U.S. on AK‑203 rifles")
    assert phrase_in(norm_text("defense program"), text)
    assert phrase_in(norm_text("Russia's"), text)
    assert phrase_in(norm_text("United States"), text)
    assert phrase_in(norm_text("AK-203"), text)
    assert not phrase_in(
        norm_text("US"), norm_text("told us")
    )  # the pronoun is not the US
    assert not phrase_in(norm_text("AK"), norm_text("Alaska"))


# --------------------------------------------------------------------------- report output


def test_report_renders_and_round_trips(
    perfect: Brief, gold: GoldStory, texts: dict[str, str]
) -> None:
    brief = _copy(perfect)
    brief.single_source = [f for f in brief.single_source if f.id != "f_quad"]
    report = score(brief, gold, texts)
    text = format_report_markdown(report)
    assert "| fact_recall | 0.980 |" in text
    assert "- [ ] `f_quad` (w=1): no brief item matches any keyword group" in text
    assert ScoreReport.model_validate_json(report.to_json()) == report


def test_whole_document_evidence_earns_no_facts(
    perfect: Brief, gold: GoldStory, texts: dict[str, str]
) -> None:
    brief = _copy(perfect)
    fact = brief.facts[0].model_copy(deep=True)
    text = texts[S002]
    fact.statement, fact.topic, fact.quantity = "Something happened.", "misc", None
    fact.evidence = [Span(source=S002, start=0, end=len(text), text=text)]
    brief.facts, brief.single_source, brief.discrepancies = [fact], [], []
    report = score(brief, gold, texts)
    assert report.fact_recall == 0.0
    assert report.attribution_precision == 1.0  # nothing matched, nothing to judge
    assert report.invalid_spans == []
