"""What documents tell differently in words (not in figures) reaches the brief only through a
capable model's alignment, and only as the sentences write it."""

from __future__ import annotations

from summarizer.align import StoryDoc, discrepancies_told, render, verify
from summarizer.brief import Brief, RunInfo
from summarizer.documents import load_text
from summarizer.evidence import analyze
from summarizer.grounding import Grounded
from summarizer.render.markdown import render_markdown
from summarizer.schemas import Alignment

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
    dropped = verify(_answer(wrong, figures, unknown), docs).dropped
    assert dropped["disagree_version_not_in_sentence"] == 1 and dropped["disagree_fewer_than_two_versions"] == 2
    assert dropped["disagree_figures_only"] == 1  # figures disagree through same_measure
    assert dropped["disagree_unknown_ref"] == 1


def test_versions_become_a_discrepancy_over_the_documents_kept() -> None:
    verified = verify(_answer(WHEN), _docs())
    [disc] = discrepancies_told(verified, {"a", "b"}, {"b": "a"})
    assert (disc.dimension, disc.scope) == ("text", "across_sources")
    assert [(v.value.raw, v.sources, v.derivative_sources) for v in disc.values] == [
        ("last month", ["a"], []), ("this week", ["b"], ["b"])]  # fmt: skip
    assert discrepancies_told(verified, {"a"}, {}) == []  # the other side was set apart
    disc.id = "D1"
    brief = Brief(title="t", run=RunInfo(backend="x", documents=2), sources=[], discrepancies=[disc])
    assert "### D1: when the board decided (told in words, across sources)" in render_markdown(brief)
