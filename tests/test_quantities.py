from __future__ import annotations

import pytest

from summarizer.compare import agree, rounded_alike
from summarizer.quantities import find_mentions


def one(text: str):  # type: ignore[no-untyped-def]
    found = find_mentions(text)
    assert len(found) == 1, [m.raw for m in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "unit", "value", "qualifier"),
    [
        ("over 500,000 rifles", "count", 500_000, "over"),
        ("5,00,000 people", "count", 500_000, "exact"),
        ("five lakh people", "count", 500_000, "exact"),
        ("six lakh people", "count", 600_000, "exact"),
        ("6,01,427 voters", "count", 601_427, "exact"),
        ("a deal worth $500 million", "USD", 500e6, "exact"),
        ("51 billion rupees", "INR", 51e9, "exact"),
        ("₹5,100 crore", "INR", 51e9, "exact"),
        ("Rs 5,000 crore", "INR", 50e9, "exact"),
        ("as many as ten agreements", "count", 10, "up_to"),
        ("about a dozen agreements", "count", 12, "about"),
        ("the 2021-31 plan", "year", 2021, "range"),
        ("a fee of 103 M€ was agreed", "EUR", 103e6, "exact"),  # the symbol after the figure
        ("a salary of 12 M€ a year", "EUR", 12e6, "exact"),
        ("tickets at 20 € each", "EUR", 20, "exact"),
        ("sold for 40 M$ in all", "USD", 40e6, "exact"),
    ],
)
def test_parses_forms(text: str, unit: str, value: float, qualifier: str) -> None:
    m = one(text)
    assert m.value.unit == unit
    assert m.value.value == pytest.approx(value)
    assert m.value.qualifier == qualifier
    assert text[m.start : m.end] == m.raw


def test_one_or_two_is_a_figure_only_when_it_counts_people() -> None:
    assert one("Two people are still missing.").value.value == 2
    assert one("one other person died in hospital").value.value == 1
    assert find_mentions("one of the two countries signed, and two ministers met") == []


def test_year_range_bounds() -> None:
    v = one("the 2021-31 plan").value
    assert (v.low, v.high) == (2021, 2031)


def test_designations_are_not_figures() -> None:
    assert find_mentions("AK-203 rifles, S\u2011400 systems, F-35 jets and COVID-19") == []


def test_two_currencies_are_kept_not_converted() -> None:
    m = one("The deal is worth 51 billion rupees (US $676 million).")
    assert m.value.unit == "INR"
    assert [a.unit for a in m.value.alternatives] == ["USD"]
    assert m.value.alternatives[0].value == pytest.approx(676e6)


def test_qualifiers_respected() -> None:
    over = one("over 500,000").value
    exact = one("500,000").value
    six = one("600,000").value
    assert agree(over, exact) is True
    assert agree(exact, six) is False
    assert agree(one("6,01,427").value, six) is False  # a rounded figure is another value...
    assert rounded_alike(one("6,01,427").value, six)  # ...of the same measure, rounded
    assert not rounded_alike(one("$64.5 billion").value, one("$60 billion").value)
    assert agree(one("ten").value, one("about a dozen").value) is False


def test_currencies_never_compared() -> None:
    assert agree(one("$500 million").value, one("51 billion rupees").value) is None


def test_years_exact() -> None:
    assert agree(one("until 2030").value, one("until 2031").value) is False


def test_dates() -> None:
    assert one("on December 6, 2021").value.display == "2021-12-06"
    assert one("date 2021-12-06").value.display == "2021-12-06"
    assert one("12/7/2021").value.display == "2021-12-07"


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("a $1.2bn deal", "USD", 1.2e9),
        ("€300m in aid", "EUR", 300e6),
        ("£5m fine", "GBP", 5e6),
        ("agreed a 103m euros deal", "EUR", 103e6),  # a one-letter scale before a written currency
        ("a 103m-euro deal", "EUR", 103e6),  # a hyphenated compound
        ("a 50-million-dollar fine", "USD", 50e6),
        ("some 5m people", "count", 5e6),  # "m" before a plural noun is million
        ("the 233m-long bridge", "m", 233),  # before a dimension it is metres
        ("a 1.5m wide deck", "m", 1.5),
        ("3.5 lakh crore", "count", 3.5e12),
        ("Rs. 25 lakh", "INR", 2.5e6),
        ("two dozen", "count", 24),
    ],
)
def test_compact_and_compound_scales(text: str, unit: str, value: float) -> None:
    m = one(text)
    assert (m.value.unit, m.value.value) == (unit, pytest.approx(value))


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [("between 2019 and 2021", 2019, 2021, "year"), ("1,200 to 1,500 jobs", 1200, 1500, "count")],
)
def test_ranges(text: str, low: float, high: float, unit: str) -> None:
    v = one(text).value
    assert (v.unit, v.qualifier, v.low, v.high) == (unit, "range", low, high)


@pytest.mark.parametrize(
    ("text", "raw", "display"),
    [
        ("budget set at Rs.75,021 crore.", "Rs.75,021 crore", "₹75,021 crore"),
        ("a ₹5,100-crore deal", "₹5,100-crore", "₹5,100 crore"),
        ("to add 30 GW of capacity", "30 GW", "30 GW"),
        ("a 500-MW plant", "500-MW", "500 MW"),
        ("1.5 lakh tonnes", "1.5 lakh tonnes", "150,000 t"),
        ("for systems of 2 to 3 kW", "2 to 3 kW", "2 kW-3 kW"),
        ("a magnitude 6.4 tremor", "magnitude 6.4", "6.4 magnitude"),
        ("on 29 February", "29 February", "02-29 (no year)"),
    ],
)
def test_formats_read_as_written(text: str, raw: str, display: str) -> None:
    found = find_mentions(text)
    assert [(m.raw, m.value.display) for m in found] == [(raw, display)]


def test_clock_times_are_times_not_counts() -> None:
    found = [(m.raw, m.value.unit) for m in find_mentions("Updated 04 Feb 2024, 03:22 PM IST and 9 a.m.")]
    assert found == [("04 Feb 2024", "date"), ("03:22 PM IST", "time"), ("9 a.m.", "time")]


def test_span_of_years_states_its_end() -> None:
    span, till, other = one("2021-31").value, one("2031").value, one("2030").value
    assert span.unit == "year" and agree(span, till) is True and agree(span, other) is False
    assert agree(span, one("2021-2031").value) is True and agree(span, one("2020-31").value) is False


def test_opposite_qualifiers_on_one_number_disagree() -> None:
    assert agree(one("almost one crore").value, one("more than 1 crore").value) is False
    assert agree(one("over 500,000").value, one("500,000").value) is True


def test_hyphenated_durations() -> None:
    assert [(m.raw, m.value.unit) for m in find_mentions("a 41-day voyage, a two-week trip")] == [
        ("41-day", "duration_days"), ("two-week", "duration_weeks")
    ]
