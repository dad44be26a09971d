"""What documents tell differently in words (not in figures) reaches the brief only through a
capable model's alignment, and only as the sentences write it."""

from __future__ import annotations

from summarizer.align import StoryDoc, render, verify
from summarizer.brief import Brief, RunInfo
from summarizer.documents import load_text
from summarizer.evidence import analyze
from summarizer.grounding import Grounded
from summarizer.render.markdown import render_markdown
from summarizer.schemas import Alignment
from summarizer.told import discrepancies_told

A = "Acme picks Pune\n\nAcme Corp chose Pune for its new $40 million plant, the company said.\n\nThe board took the decision last month.\n"
B = "Acme picks Pune\n\nAcme Corp chose Pune for its new $45 million plant.\n\nThe board took the decision this week, a person familiar said.\n"


def _docs() -> list[StoryDoc]:
    return [StoryDoc(analyze(load_text(k, t)), Grounded()) for k, t in (("a", A), ("b", B))]


def _answer(*disagree: dict[str, object]) -> Alignment:
    return Alignment.model_validate({"same_measure": [], "same_fact": [], "other_event": [], "disagree": list(disagree)})


WHEN = {"topic": "when the board decided", "values": [
    {"texts": ["last month"], "sentences": ["D1.S2"]}, {"texts": ["this week", "this Week"], "sentences": ["D2.S2"]}]}  # fmt: skip


def test_other_sentences_are_listed_for_versions_told_in_words() -> None:
    lists = render(_docs())
    assert "D2.S2: The board took the decision this week" in lists["other_sentences"]


def test_a_disagreement_holds_only_as_the_sentences_write_it() -> None:
    docs = _docs()
    verified = verify(_answer(WHEN), docs)
    [stated] = verified.disagreements
    assert [t for t, _ in stated.versions] == ["last month", "this week"]
    for _, spans in stated.versions:  # verbatim spans of the cited sentences
        assert all(docs["ab".index(sp.source)].ev.doc.text[sp.start : sp.end] == sp.text for sp in spans)
    wrong = {"topic": "x", "values": [{"texts": ["last month"], "sentences": ["D1.S2"]},
                                      {"texts": ["next year"], "sentences": ["D2.S2"]}]}  # fmt: skip
    figures = {"topic": "y", "values": [{"texts": ["$40 million"], "sentences": ["D1.S1"]},
                                        {"texts": ["$45 million"], "sentences": ["D2.S1"]}]}  # fmt: skip
    unknown = {"topic": "z", "values": [{"texts": ["last month"], "sentences": ["D1.S9"]}]}
    checked = verify(_answer(wrong, figures, unknown), docs)
    assert checked.dropped["disagree_version_not_in_sentence"] == 1
    assert checked.dropped["disagree_fewer_than_two_versions"] == 2
    assert [d.topic for d in checked.disagreements] == ["y"]  # figures: summarizer.told decides
    assert checked.dropped["disagree_unknown_ref"] == 1


def test_versions_become_a_discrepancy_over_the_documents_kept() -> None:
    stated = verify(_answer(WHEN), _docs()).disagreements
    [disc], _ = discrepancies_told(stated, {"a", "b"}, {"b": "a"}, [])
    assert (disc.dimension, disc.scope) == ("text", "across_sources")
    assert [(v.value.raw, v.sources, v.derivative_sources) for v in disc.values] == [
        ("last month", ["a"], []), ("this week", ["b"], ["b"])]  # fmt: skip
    none, dropped = discrepancies_told(stated, {"a"}, {}, [])
    assert none == [] and dropped["disagree_set_apart"] == 1  # the other side was set apart
    disc.id = "D1"
    brief = Brief(title="t", run=RunInfo(backend="x", documents=2), sources=[], discrepancies=[disc])
    assert "### D1: when the board decided (told in words, across sources)" in render_markdown(brief)


def test_figures_told_apart_stand_only_where_the_figure_groups_missed_them_and_they_disagree() -> None:
    docs = _docs()
    cost = {"topic": "plant cost", "values": [{"texts": ["$40 million"], "sentences": ["D1.S1"]},
                                              {"texts": ["$45 million"], "sentences": ["D2.S1"]}]}  # fmt: skip
    stated = verify(_answer(cost), docs).disagreements
    [disc], _ = discrepancies_told(stated, {"a", "b"}, {}, [])
    assert disc.dimension == "USD" and [v.value.value for v in disc.values] == [40e6, 45e6]
    found = [sp for _, spans in stated[0].versions for sp in spans][:1]  # a figure discrepancy holds it
    assert discrepancies_told(stated, {"a", "b"}, {}, found)[1]["disagree_figures_found_already"] == 1
    alike = {"topic": "plant cost", "values": [{"texts": ["$40 million"], "sentences": ["D1.S1"]},
                                               {"texts": ["$40 million plant"], "sentences": ["D1.S1"]}]}  # fmt: skip
    out, dropped = discrepancies_told(verify(_answer(alike), docs).disagreements, {"a", "b"}, {}, [])
    assert out == [] and dropped["disagree_figures_agree"] == 1  # the code compares figures itself


def test_a_version_is_written_only_as_whole_words() -> None:
    from summarizer.text import written_in

    assert written_in("son", "Boris Johnson said so.") is None  # not inside another word
    m = written_in("this week", "The board met This\nweek.")
    assert m is not None and m.group(0) == "This\nweek"  # verbatim: the source's own characters
    part = {"topic": "when", "values": [{"texts": ["last mon"], "sentences": ["D1.S2"]},
                                        {"texts": ["this week"], "sentences": ["D2.S2"]}]}  # fmt: skip
    assert verify(_answer(part), _docs()).dropped["disagree_version_not_in_sentence"] == 1
