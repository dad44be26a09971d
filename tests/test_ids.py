"""Answers by ids: the consistency checks of grounding, and the verification of a story's
alignment before any group reaches the candidates."""

from __future__ import annotations

import re

from summarizer.align import StoryDoc, apply, render, verify
from summarizer.documents import load_text
from summarizer.evidence import DocEvidence, analyze, candidates
from summarizer.grounding import Grounded, GroundingReport, ground, measure_fits
from summarizer.quantities import find_mentions
from summarizer.schemas import Alignment, IdExtraction, id_schema, salvage_extraction

A = (
    "Acme grows in Pune\n\n"
    "Acme Corp will hire 2,000 engineers in Pune, chief executive Maria Lopez said on Monday.\n\n"
    "The expansion will cost $40 million, the company said in a filing.\n\n"
    "The plant opened in 2019 with 300 workers.\n"
)
B = (
    "Acme adds engineers\n\n"
    "Acme Corp announced on Monday that it will take on 2,500 engineers in Pune.\n\n"
    "The expansion is worth $45 million, according to the filing.\n\n"
    "The firm first came to Pune in 2019.\n"
)
C = "Acme Corp opened a new office in Lyon last year, the company said in a statement on Friday.\n"
EVENT = {"who": "", "what": "", "when": ""}


def ev(doc: str, text: str) -> DocEvidence:
    return analyze(load_text(doc, text))


def fid(e: DocEvidence, raw: str) -> str:
    return f"F{next(j for j, (_, m) in enumerate(e.mentions) if m.raw == raw) + 1}"


def answer(**kw: object) -> IdExtraction:
    return IdExtraction.model_validate({"key_sentences": [], "figures": [], "event": EVENT, **kw})


def test_measure_must_fit_the_figures_unit() -> None:
    money, count, year = (find_mentions(t)[0].value for t in ("$40 million", "300 workers", "in 2019"))
    assert measure_fits("expansion cost", money) and not measure_fits("expansion cost", count)
    assert measure_fits("death toll", count) and not measure_fits("death toll", money)
    assert measure_fits("opening year", year) and not measure_fits("opening year", money)
    assert not measure_fits("number of engineers", money)
    assert measure_fits("AK-203 rifles", count) and measure_fits("AK-203 rifles", money)  # no kind: no claim


def test_counts_durations_and_ambiguous_kind_words_fit_their_labels() -> None:
    count, days, price = (find_mentions(t)[0].value for t in ("22 coaches", "a four-day delay", "$253 a share"))
    assert days.unit.startswith("duration_")
    assert measure_fits("number of coaches", count) and not measure_fits("number of coaches", price)
    assert measure_fits("days between reopening and collapse", days)
    assert measure_fits("Pioneer share", price) and measure_fits("exchange ratio", count)  # 'share' alone says no kind
    assert not measure_fits("market share percent", count)  # with 'percent' it does


def test_a_label_that_only_repeats_a_figure_names_no_measure() -> None:
    a = ev("a", A)
    report = GroundingReport()
    got = ground(answer(figures=[f"{fid(a, '$40 million')}: $40 million (USD 40m)", f"{fid(a, '2019')}: 2019",
                                 f"{fid(a, '2,000')}: engineers hired"]), a, report)  # fmt: skip
    assert list(got.measures.values()) == ["engineers hired"]
    assert report.dropped == {"measure_only_restates_a_figure": 2}


def test_ids_are_exact_and_what_fails_is_counted() -> None:
    a = ev("a", A)
    report = GroundingReport()
    got = ground(answer(
        key_sentences=[{"id": "S2", "topic": "expansion cost"}, {"id": "S9", "topic": "x"},
                       {"id": "S2", "topic": "again"}, {"id": "S1", "topic": "Zebulon Quark hire"},
                       {"id": "S3", "topic": "rifle exports"}],
        figures=[{"id": fid(a, "$40 million"), "measure": "expansion cost"},
                 {"id": fid(a, "2,000"), "measure": "expansion cost"}, {"id": "F99", "measure": "x"}],
        event={"who": "Acme Corp, Olaf Scholz", "what": "hiring", "when": "Monday"},
    ), a, report)  # fmt: skip
    key, unlabelled = got.key_sentences
    assert unlabelled.topic == "" and unlabelled.sentence == 0
    assert key.span.text == a.sentences[1].text and A[key.span.start : key.span.end] == key.span.text
    assert key.origin == "model" and key.topic == "expansion cost"
    assert list(got.measures.values()) == ["expansion cost"]
    assert got.event is not None and got.event.who == "Acme Corp"
    assert report.dropped == {
        "unknown_sentence_id": 1, "duplicate": 1, "topic_not_in_source": 1, "topic_not_about_sentence": 1,
        "measure_unit_mismatch": 1, "unknown_figure_id": 1, "event_name_not_in_source": 1,
    }  # fmt: skip
    # the unknown name in a topic costs only the topic: the sentence stays, unlabelled
    assert report.grounded == 3


def test_salvage_keeps_complete_items_of_a_truncated_answer() -> None:
    text = '{"key_sentences": ["S2: a", "S3: b", "S4: c'
    got = salvage_extraction(text)
    assert got is not None and [k.id for k in got.keys()] == ["S2", "S3"]
    objects = '{"key_sentences": [{"id": "S2", "topic": "a"}, {"id": "S3", "topic": "b"}, {"id": "S4", "to'
    assert [k.id for k in salvage_extraction(objects).keys()] == ["S2", "S3"]  # type: ignore[union-attr]
    assert salvage_extraction('{"key_sentences": ["S2: a') is None


def test_answer_items_are_short_strings_read_leniently() -> None:
    got = answer(key_sentences=["S3: rifle deal", "s4 - cost", "5: date", {"id": 6, "topic": "x"}, "F2: no"],
                 figures=["F2: deal value"], event="India, Russia; defence pacts; 6 December")  # fmt: skip
    assert [(k.id, k.topic) for k in got.keys()] == [("S3", "rifle deal"), ("S4", "cost"), ("S5", "date"), ("S6", "x")]
    assert got.event_label().what == "defence pacts" and got.event_label().when == "6 December"
    schema = id_schema(3, 2).model_json_schema()["properties"]  # per request: no more items than exist
    assert (schema["key_sentences"]["maxItems"], schema["figures"]["maxItems"]) == (3, 2)
    pattern = re.compile(schema["key_sentences"]["items"]["pattern"])  # labels of five words at most
    assert pattern.match("S3: rifle deal value") and not pattern.match("S3: " + "word " * 8)
    assert got.keys()[0].topic == "rifle deal" and len(answer(key_sentences=["S1: " + "w " * 9]).keys()[0].topic.split()) == 5


def story() -> tuple[list[StoryDoc], list[DocEvidence]]:
    evs = [ev("a", A), ev("b", B), ev("c", C)]
    labels = {"a": {"$40 million": "expansion cost", "2,000": "engineers hired"},
              "b": {"$45 million": "expansion cost", "2,500": "engineers hired"}}  # fmt: skip
    docs = []
    for e in evs:
        measures = {j: labels.get(e.doc.id, {}).get(m.raw) for j, (_, m) in enumerate(e.mentions)}
        docs.append(StoryDoc(e, Grounded(measures={j: v for j, v in measures.items() if v})))
    return docs, evs


def test_alignment_prompt_lists_refs() -> None:
    docs, evs = story()
    lists = render(docs)
    assert lists["documents"].splitlines()[0] == "D1 = a; event: ?"
    assert f"D1.{fid(evs[0], '$40 million')}: $40 million | expansion cost" in lists["figures"]


def test_verified_groups_only_reach_the_candidates() -> None:
    docs, evs = story()
    a40, b45 = fid(evs[0], "$40 million"), fid(evs[1], "$45 million")
    a2000, b2500, a300 = fid(evs[0], "2,000"), fid(evs[1], "2,500"), fid(evs[0], "300")
    alignment = Alignment.model_validate({
        "same_measure": [
            {"measure": "expansion cost", "figures": [f"D1.{a40}", f"D2.{b45}"]},
            {"measure": "engineers hired", "figures": [f"D1.{a2000}", f"D2.{b2500}", f"D1.{a300}"]},
            {"measure": "x", "figures": ["D1.F99", f"D2.{b45}"]},
            {"measure": "engineers hired", "figures": [f"D1.{a40}", f"D2.{b2500}"]},
        ],
        "same_fact": [{"sentences": ["D1.S1", "D2.S1"]}, {"sentences": ["D1.S2"]}, {"sentences": ["D1.S3", "D9.S1"]}],
        "other_event": [{"docs": ["D3"], "event": "Lyon office", "reason": "another office, last year"}],
    })  # fmt: skip
    verified = verify(alignment, docs)
    assert verified.dropped["same_measure_unknown_ref"] == 1
    assert verified.dropped["same_measure_member_left_out"] == 1  # 300 workers: no label of its own
    assert verified.dropped["same_measure_group_too_small"] == 1  # its figures are in groups already
    assert verified.dropped["same_fact_single_document"] == 1 and verified.dropped["same_fact_unknown_ref"] == 1
    assert [a.source for a in verified.set_apart] == ["c"]
    cands = [c for e in evs for c in candidates(e)]
    applied = apply(verified, cands)
    assert (applied.measure_groups, applied.fact_groups) == (2, 1)
    group_of = {(c.doc, c.quantity_span.text): c.measure_group for c in cands if c.quantity_span}
    assert group_of[("a", "$40 million")] == group_of[("b", "$45 million")] is not None
    assert group_of[("a", "2,000")] == group_of[("b", "2,500")] != group_of[("a", "$40 million")]
    assert group_of[("a", "300")] is None
    votes = {(c.doc, c.quantity_span.text): c.measure_votes for c in cands if c.quantity_span}
    assert votes[("a", "300")] & votes[("b", "2,500")]  # left out of the group, still named with it
    assert not votes[("a", "300")] & votes[("b", "$45 million")]
    facts = {c.fact_group for c in cands if c.sentence == 0 and c.doc in "ab" and c.kind == "event"}
    assert len(facts) == 1 and None not in facts


def test_other_event_never_takes_the_majority() -> None:
    docs, _ = story()
    alignment = Alignment.model_validate({"same_measure": [], "same_fact": [], "other_event": [
        {"docs": ["D1", "D2"], "event": "x", "reason": "y"}]})  # fmt: skip
    verified = verify(alignment, docs)
    assert verified.set_apart == [] and verified.dropped["other_event_not_a_minority"] == 2


def test_a_document_whose_own_answer_names_the_storys_event_is_not_set_apart() -> None:
    """Two separate answers must not disagree: the alignment says D2 reports another event, but
    D2's own answer names the event the rest of the story names, so D2 stays; D3's own answer
    names another event, so D3 is set apart."""
    from summarizer.schemas import EventLabel

    docs, _ = story()
    hiring = EventLabel(who="Acme Corp", what="hires engineers in Pune", when="Monday")
    docs[0].answer.event = docs[1].answer.event = hiring
    docs[2].answer.event = EventLabel(who="Acme Corp", what="opens Lyon office", when="last year")
    extra = [StoryDoc(docs[0].ev, Grounded(event=hiring)) for _ in range(2)]  # two of five are a minority
    alignment = Alignment.model_validate({"same_measure": [], "same_fact": [], "other_event": [
        {"docs": ["D2", "D3"], "event": "Lyon office", "reason": "another office"}]})  # fmt: skip
    verified = verify(alignment, [*docs, *extra])
    assert [a.source for a in verified.set_apart] == ["c"]
    assert verified.dropped["other_event_refuted_by_own_answer"] == 1
