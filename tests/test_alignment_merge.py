"""The merge honours a verified cross-document alignment: figures sharing a measure_group are one
measure (a discrepancy when their values differ), figures of different groups never are; claims
sharing a fact_group are one fact."""

from __future__ import annotations

import hashlib

from summarizer.documents import Document
from summarizer.evidence import Candidate, DocEvidence, analyze, candidates
from summarizer.merge import merge

TEXTS = {
    "a": "Harbour deal signed.\n\nThe port operator agreed to pay $5 billion for the terminal, "
    "officials said on Monday. Work starts next spring.",
    "b": "Terminal changes hands.\n\nA price of $6 billion was put on the waterfront asset by "
    "the buyer. Critics called the sale rushed.",
    "c": "Terminal sale.\n\nThe port operator agreed to pay $5 billion for the terminal. "
    "Unions want guarantees for the 2,000 dock workers.",
}


def _evidence(texts: dict[str, str] = TEXTS) -> tuple[list[DocEvidence], list[Candidate]]:
    evs = [analyze(Document(k, t, hashlib.sha256(t.encode()).hexdigest())) for k, t in texts.items()]
    return evs, [c for ev in evs for c in candidates(ev)]


def _money(cands: list[Candidate]) -> list[Candidate]:
    return [c for c in cands if c.kind == "figure" and c.quantity is not None and c.quantity.unit == "USD"]


def test_same_measure_group_makes_a_discrepancy_lexical_grouping_misses() -> None:
    evs, cands = _evidence()
    plain = merge(evs, cands)
    assert not any(d.scope == "across_sources" for d in plain.discrepancies)
    for c in _money(cands):
        c.measure_group = "price of the terminal"
    aligned = merge(evs, cands)
    found = [{v.value.raw: v.sources for v in d.values} for d in aligned.discrepancies]
    assert {"$5 billion": ["a", "c"], "$6 billion": ["b"]} in found


def test_different_measure_groups_never_conflict() -> None:
    evs, cands = _evidence()
    money = _money(cands)
    for c in money:
        c.measure_group = "price of the terminal"
    next(c for c in money if c.doc == "b").measure_group = "valuation by analysts"
    assert not merge(evs, cands).discrepancies


def test_fact_group_joins_claims_told_in_other_words() -> None:
    evs, cands = _evidence()
    first = {c.doc: c for c in cands if c.kind != "figure" and "$" in c.statement}
    assert set(first) == {"a", "b", "c"}
    before = merge(evs, cands)
    assert not any({"a", "b", "c"} <= set(f.sources) for f in before.facts)
    for c in first.values():
        c.fact_group = "terminal price"
    after = merge(evs, cands)
    assert any({"a", "b", "c"} <= set(f.sources) for f in after.facts + after.single_source)


def test_a_label_of_kind_words_only_is_corroborated_by_the_same_words() -> None:
    from summarizer.align import StoryDoc, _corroborated
    from summarizer.grounding import Grounded

    evs, _ = _evidence()
    docs = [StoryDoc(evs[0], Grounded(measures={0: "death toll"})), StoryDoc(evs[1], Grounded(measures={0: "number of injured"})),
            StoryDoc(evs[2], Grounded(measures={0: "terminal price"}))]  # fmt: skip
    assert _corroborated((0, 0), "death toll", docs)  # kind words only, all of them the group's
    assert not _corroborated((1, 0), "death toll", docs)  # other kind words: another measure
    assert _corroborated((2, 0), "price of the terminal", docs)  # a specific word shared
    assert not _corroborated((2, 0), "death toll", docs)


SAME_WORDS = {
    "a": "Terminal sold.\n\nThe port operator agreed to pay $5 billion for the terminal on Monday. "
    "The terminal employs 2,000 dock workers.",
    "b": "Terminal sold.\n\nThe port operator agreed to pay $6 billion for the terminal on Monday. "
    "The terminal employs 2,000 dock workers.",
}


def test_once_a_model_has_grouped_figures_a_disagreement_needs_its_word() -> None:
    evs, cands = _evidence(SAME_WORDS)
    assert [d.scope for d in merge(evs, cands).discrepancies] == ["across_sources"]  # the code alone
    workers = [c for c in cands if c.kind == "figure" and c.quantity is not None and c.quantity.value == 2000]
    assert len(workers) == 2
    for c in workers:  # the alignment grouped other figures, not these prices
        c.measure_group = "dock workers"
    judged = merge(evs, cands)
    assert not judged.discrepancies and judged.unconfirmed == 1  # counted, not lost silently
    for c in _money(cands):  # each document's own answer labels its price alike
        c.labels = ["price", "terminal"]
    assert [sorted(v.value.raw for v in d.values) for d in merge(evs, cands).discrepancies] == [["$5 billion", "$6 billion"]]
    for c, label in zip(_money(cands), (["price", "terminal"], ["price", "dock", "workers"]), strict=True):
        c.labels = label  # labels naming other things: not confirmed
    assert not merge(evs, cands).discrepancies
    for c in _money(cands):  # the model named both in one group that verification pruned: a vote
        c.measure_votes = {"P1"}
    assert len(merge(evs, cands).discrepancies) == 1
