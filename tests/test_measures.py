"""What a figure measures: counts of people by their state, and topics that name the measure.
Stories here are made up for the test (no eval story's text)."""

from __future__ import annotations

from pathlib import Path

from summarizer.brief import Brief
from summarizer.pipeline import summarize


def _values(brief: Brief) -> dict[str, dict[str, list[str]]]:
    return {d.topic: {v.value.raw: v.sources for v in d.values} for d in brief.discrepancies}


def test_counts_of_the_dead_are_one_measure_however_told() -> None:
    docs = [
        ("a", "Flood kills 40 in Ruritania\n\nAt least 40 people died when the river burst its banks near Varn"
              " on Monday, officials said. The army has sent boats to the villages."),
        ("b", "Ruritania flood toll climbs\n\nIn the Ruritania floods, the death toll rose to 46 on Tuesday, the"
              " national disaster agency said. Boats reached the villages near Varn."),
        ("c", "Ruritania floods: 46 dead\n\nForty-six people were confirmed dead in the floods near Varn, the"
              " agency said on Tuesday. So far 12 bodies have been identified, it added."),
        ("d", "Varn floods\n\nIn Ruritania, the toll from the floods now stands at 46, the agency said. Rescuers"
              " said 30 bodies have been identified so far in Varn."),
    ]
    found = _values(summarize(docs, backend=None))
    dead = next(v for t, v in found.items() if "death toll" in t)
    assert {raw: sorted(s) for raw, s in dead.items()} == {"At least 40": ["a"], "46": ["b", "c", "d"]}
    # bodies identified are another measure: they are not values of the death toll
    identified = next(v for t, v in found.items() if "identified" in t)
    assert {raw: sorted(s) for raw, s in identified.items()} == {"12": ["c"], "30": ["d"]}


def test_a_time_of_day_is_named_as_a_time() -> None:
    docs = [
        ("a", "Quake jolts Marlow\n\nAn earthquake struck the town of Marlow at 6.45 am on Sunday, damaging old"
              " houses, officials said."),
        ("b", "Marlow shaken by quake\n\nThe earthquake struck Marlow at around 7 am on Sunday, and old houses"
              " were damaged, the officials said."),
        ("c", "Marlow earthquake\n\nThe earthquake struck Marlow at 6.45 am on Sunday and damaged old houses,"
              " officials said."),
    ]
    (topic,) = _values(summarize(docs, backend=None))
    assert topic.startswith("time: ")


def test_a_source_stating_a_discrepancys_value_in_its_own_words_is_cited_under_it() -> None:
    # a dev story: "The Rs 615 crore moon mission lifted off ..." (003) shares few words with
    # "put the total cost of Chandrayaan-3 at Rs. 615 crore" (006), but states that value
    corpus = Path(__file__).parent.parent / "evals" / "corpus" / "sci_chandrayaan3_moon_landing"
    brief = summarize(sorted(str(p) for p in corpus.glob("*.txt")), backend=None)
    cost = next(d for d in brief.discrepancies if any(v.value.raw.endswith("615 crore") for v in d.values))
    cited = {s for v in cost.values if v.value.value == 6.15e9 for s in v.sources}
    assert {"003_86c8e423d3", "006_69fe3fdf26"} <= cited


def test_a_sources_own_currency_conversion_joins_the_values() -> None:
    docs = [
        ("a", "Reyes to Northvale\n\nNorthvale United agreed a fee of 103m euros (£88.5m) for the striker Tomas"
              " Reyes on Friday, the club said."),
        ("b", "Northvale sign Reyes\n\nNorthvale United agreed a fee of £88.5m for the striker Tomas Reyes on"
              " Friday, the club said."),
        ("c", "Reyes joins Northvale\n\nNorthvale United agreed a fee of €100m for the striker Tomas Reyes on"
              " Friday, the club confirmed."),
    ]
    (disc,) = summarize(docs, backend=None).discrepancies
    # '£88.5m' is the conversion source a gives of its '103m euros': one value, not a third
    assert {v.value.display: sorted(v.sources) for v in disc.values} == {
        "€103 million": ["a", "b"], "€100 million": ["c"],
    }


def test_lengths_are_grouped_by_the_dimension_they_measure() -> None:
    """A height is not a length: '120 metres high' and 'the 115m-high dam' disagree on one
    measure; 'the 1.2-kilometre-long wall' and 'stretches 1,200 metres' agree on another."""
    docs = [
        ("a", "Dam opens in Tarvik\n\nThe new dam at Tarvik is 120 metres high and its wall stretches 1,200"
              " metres across the valley, the ministry said on Friday."),
        ("b", "Tarvik dam inaugurated\n\nThe ministry opened the 115m-high dam at Tarvik on Friday. Its"
              " 1.2-kilometre-long wall closes the valley."),
        ("c", "Tarvik gets its dam\n\nOn Friday the ministry inaugurated the Tarvik dam, which rises 120"
              " metres. Its wall is 1,200 metres long."),
    ]
    found = _values(summarize(docs, backend=None))
    height = next(v for t, v in found.items() if t.startswith("height"))
    assert {raw: sorted(s) for raw, s in height.items()} == {"120 metres": ["a", "c"], "115m": ["b"]}
    assert not any(t.startswith("length") for t in found)  # the wall's length is agreed
