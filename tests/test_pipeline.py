"""Pipeline plumbing with the queue model: grounding, failures, cache, chunking."""

from __future__ import annotations

from pathlib import Path

from fakes.ids import empty_alignment, empty_ids, numbered_figures, numbered_sentences

from summarizer.backends.base import ExtractionRequest
from summarizer.backends.fake import QueueBackend
from summarizer.errors import BackendError
from summarizer.pipeline import chunk_text, summarize
from summarizer.settings import Settings

TEXT_A = (
    "Acme Corp said on Monday it would hire 2,000 engineers in Pune.\n\n"
    "The expansion will cost $40 million, chief executive Maria Lopez said.\n"
)
TEXT_B = (
    "Acme Corp announced on Monday that it will hire 2,000 engineers in Pune.\n\n"
    "The expansion will cost $45 million, according to a company filing.\n"
)


def _text(request: ExtractionRequest) -> str:
    return request.messages[1]["content"]


def _ids(request: ExtractionRequest) -> dict[str, object]:
    """Document a: one good key sentence, one unknown id, one repeat, the headline; one fitting
    measure, one unknown figure, one money label on a count. Every other document fails at the model."""
    if request.doc_id == "alignment":
        return empty_alignment()
    if request.doc_id != "a":
        raise BackendError(f"{request.doc_id}: scripted failure", attempts=3)
    sents = numbered_sentences(_text(request))
    figs = numbered_figures(_text(request))
    headline = next(k for k, s in sents.items() if "2,000" in s)
    cost = next(k for k, s in sents.items() if "$40" in s)
    count = next(k for k, (_, raw) in figs.items() if raw == "2,000")
    money = next(k for k, (_, raw) in figs.items() if "$40" in raw)
    return {
        "key_sentences": [{"id": cost, "topic": "Lopez on cost"}, {"id": "S99", "topic": "invented"},
                          {"id": cost, "topic": "again"}, {"id": headline, "topic": "hiring"}],
        "figures": [{"id": money, "measure": "expansion cost"}, {"id": "F99", "measure": "robots"},
                    {"id": count, "measure": "total cost"}],
        "event": {"who": "Acme Corp, Zebulon Quark", "what": "hiring", "when": "Monday"},
    }  # fmt: skip


def _empty(request: ExtractionRequest) -> dict[str, object]:
    return empty_alignment() if request.doc_id == "alignment" else empty_ids()


def settings(tmp_path: Path) -> Settings:
    # every task, whatever `auto` gives a small model: these tests follow the answers' plumbing
    return Settings.resolve(env={}, cache_dir=tmp_path / "cache", concurrency=2, model_tasks="keys,labels,align")


def test_grounding_keeps_true_and_drops_invented(tmp_path: Path) -> None:
    backend = QueueBackend(responder=_ids)
    brief = summarize([("a", TEXT_A), ("b", TEXT_B)], settings(tmp_path), backend=backend)
    g = brief.run.grounding
    # document a has one reporting sentence and two figures: the request's schema allows no more
    # items, so the answer is cut to its first ones (the other checks: tests/test_ids.py)
    assert g.proposed == 3
    assert g.grounded == 2
    assert g.dropped == {"unknown_figure_id": 1, "event_name_not_in_source": 1}
    assert (brief.run.contribution.key_sentences, brief.run.contribution.figure_labels) == (1, 1)
    # document b failed at the model, but the evidence layer still used it
    status = {s.id: s.status for s in brief.sources}
    assert status == {"a": "ok", "b": "evidence_only"}
    assert [f.source for f in brief.failures] == ["b"]
    assert "invented" not in brief.to_markdown()
    # the hiring figure agrees across both sources; the cost does not
    assert any(set(f.independent_sources) == {"a", "b"} for f in brief.facts)
    costs = [d for d in brief.discrepancies if d.dimension == "USD"]
    assert costs and {v.value.display for v in costs[0].values} == {"$40 million", "$45 million"}


def test_key_sentence_is_exact_and_ranked(tmp_path: Path) -> None:
    """A key sentence becomes a model claim: the sentence's own span, the model's topic."""
    backend = QueueBackend(responder=_ids)
    brief = summarize([("a", TEXT_A), ("b", TEXT_B)], settings(tmp_path), backend=backend)
    model_facts = [f for f in brief.facts + brief.single_source if "model" in f.origin]
    assert model_facts
    fact = model_facts[0]
    span = next(e for e in fact.evidence if e.source == "a")
    assert TEXT_A[span.start : span.end] == span.text
    assert "$40 million" in span.text and fact.topic == "Lopez on cost"


def test_second_run_is_served_from_cache(tmp_path: Path) -> None:
    first = QueueBackend(responder=_ids)
    summarize([("a", TEXT_A)], settings(tmp_path), backend=first)
    assert len(first.requests) == 1
    second = QueueBackend(responder=_ids)
    brief = summarize([("a", TEXT_A)], settings(tmp_path), backend=second)
    assert second.requests == []
    assert (brief.run.model_calls, brief.run.cache_hits) == (0, 1)


def test_no_cache_calls_again(tmp_path: Path) -> None:
    s = Settings.resolve(env={}, cache_dir=tmp_path / "c", no_cache=True)
    for _ in range(2):
        b = QueueBackend(responder=_ids)
        summarize([("a", TEXT_A)], s, backend=b)
        assert len(b.requests) == 1
    assert not (tmp_path / "c").exists()


def test_chunking_overlaps_and_bounds() -> None:
    paras = [f"Paragraph {i} " + "word " * 50 for i in range(40)]
    text = "\n\n".join(paras)
    chunks = chunk_text(text, 2000)
    assert len(chunks) > 1
    assert all(len(c) <= 2000 for c in chunks)
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        assert prev.split("\n\n")[-1] == nxt.split("\n\n")[0]


def test_long_document_is_chunked_and_claims_merged(tmp_path: Path) -> None:
    body = "\n\n".join(f"Item {i}: the city planted {100 + i} trees this year." for i in range(300))
    backend = QueueBackend(responder=_empty)
    s = Settings.resolve(env={}, cache_dir=tmp_path / "c", chunk_chars=2000)
    summarize([("long", body)], s, backend=backend)
    assert len(backend.requests) > 5


def test_model_overview_is_checked_sentence_by_sentence(tmp_path: Path) -> None:
    def responder(request: ExtractionRequest) -> dict[str, object]:
        if request.doc_id == "overview":
            assert "F1" in request.messages[1]["content"]
            return {
                "sentences": [
                    {"text": "Acme will hire 2,000 engineers in Pune, two sources agree.", "refs": ["F1"]},
                    {"text": "Acme will hire 7,500 engineers.", "refs": ["F1"]},
                    {"text": "Acme was founded by Zebulon Quark.", "refs": ["F1"]},
                    {"text": "Costs differ.", "refs": ["F99"]},
                ]
            }  # fmt: skip
        return _empty(request)

    backend = QueueBackend(responder=responder, capable=True)
    brief = summarize([("a", TEXT_A), ("b", TEXT_B)], settings(tmp_path), backend=backend)
    assert [s.text for s in brief.overview] == [
        "Acme will hire 2,000 engineers in Pune, two sources agree."
    ]
    assert brief.overview[0].refs == ["F1"]
    dropped = brief.run.grounding.dropped
    assert dropped["overview_figure_not_in_cited_facts"] == 1
    assert dropped["overview_name_not_in_cited_facts"] == 1
    assert dropped["overview_bad_refs"] == 1
    assert brief.run.model_calls == 4  # two documents, the alignment and the overview


def test_incapable_backend_keeps_facts_overview(tmp_path: Path) -> None:
    backend = QueueBackend(responder=_empty)
    brief = summarize([("a", TEXT_A), ("b", TEXT_B)], settings(tmp_path), backend=backend)
    assert len(backend.requests) == 2
    assert brief.overview and brief.overview[0].text == brief.facts[0].statement  # built from the facts


def test_overview_setting_facts_makes_no_extra_call(tmp_path: Path) -> None:
    backend = QueueBackend(responder=_empty, capable=True)
    s = Settings.resolve(env={}, cache_dir=tmp_path / "c", overview="facts")
    brief = summarize([("a", TEXT_A), ("b", TEXT_B)], s, backend=backend)
    assert sorted(r.doc_id for r in backend.requests) == ["a", "alignment", "b"]
    assert "overview" not in [r.doc_id for r in backend.requests]
    assert brief.overview and brief.overview[0].refs == [brief.facts[0].id]
