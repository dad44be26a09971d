"""A second story the code has never seen (tests/fixtures/story_merger, Western formats): what
the evidence layer finds alone, and what a capable model's topic labels add to it."""

from __future__ import annotations

import re
from pathlib import Path

from fakes.ids import numbered_figures

from summarizer.backends.base import ExtractionRequest
from summarizer.backends.fake import QueueBackend
from summarizer.brief import Brief
from summarizer.pipeline import summarize
from summarizer.settings import Settings

STORY = Path(__file__).resolve().parent / "fixtures" / "story_merger"
LABELS = {  # what a capable model calls each figure, in its own words
    r"\$1\.2bn|\$1\.4 billion": ("deal value", "kind"),
    r"\$4[25]\b": ("offer price per share", "kind"),
    r"8,500|9,000": ("employees after merger", "kind"),
}


def labelling_model(request: ExtractionRequest) -> dict[str, object]:
    """Labels each figure with the measure it states, by id (what a capable model does)."""
    figures = []
    for fid, (_, raw) in numbered_figures(request.messages[1]["content"]).items():
        for pattern, (measure, _) in LABELS.items():
            if re.search(pattern, raw):
                figures.append({"id": fid, "measure": measure})
    return {"key_sentences": [], "figures": figures, "event": {"who": "", "what": "", "when": ""}}


def _discrepancies(brief: Brief) -> list[set[str]]:
    return [{v.value.display for v in d.values} for d in brief.discrepancies if d.scope == "across_sources"]


def test_evidence_layer_alone_finds_the_copies(tmp_path: Path) -> None:
    brief = summarize([STORY], Settings.resolve(env={}, cache_dir=tmp_path), backend=None)
    pairs = {(d.source, d.original, d.kind) for d in brief.derivatives}
    assert pairs == {("syndicated", "wire", "republication"), ("rewrite", "wire", "rewrite")}
    assert {s.id for s in brief.sources if s.independent} == {"wire", "business_daily"}


def test_evidence_layer_alone_finds_the_discrepancies_told_alike(tmp_path: Path) -> None:
    found = _discrepancies(summarize([STORY], Settings.resolve(env={}, cache_dir=tmp_path), backend=None))
    assert {"$42", "$45"} in found
    assert {"about 8,500", "about 9,000"} in found


def test_model_labels_reveal_paraphrased_discrepancies(tmp_path: Path) -> None:
    backend = QueueBackend(responder=labelling_model)
    settings = Settings.resolve(env={}, cache_dir=tmp_path / "b", model_tasks="labels")
    brief = summarize([STORY], settings, backend=backend)
    found = _discrepancies(brief)
    assert {"$1.2 billion", "$1.4 billion"} in found
    assert {"$42", "$45"} in found
    assert {"about 8,500", "about 9,000"} in found
    deal = next(d for d in brief.discrepancies if "$1.4 billion" in {v.value.display for v in d.values})
    by_value = {v.value.display: set(v.sources) for v in deal.values}
    assert by_value["$1.4 billion"] == {"business_daily"}
    assert by_value["$1.2 billion"] == {"wire", "syndicated", "rewrite"}
    assert set(next(v for v in deal.values if v.value.display == "$1.2 billion").derivative_sources) == {
        "syndicated", "rewrite"
    }
