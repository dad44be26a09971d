"""The consolidated Brief: the pipeline's output model and its published JSON Schema.

Everything a renderer or the eval harness reads is defined here. The JSON form of a
:class:`Brief` is documented by ``schema/brief.schema.json`` (regenerate it with
``python -m summarizer schema``); ``SCHEMA_VERSION`` changes whenever that file changes shape.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.3"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """A verbatim stretch of one source: ``text == source_text[start:end]``."""

    source: str = Field(description="Source id.")
    start: int = Field(ge=0, description="Character offset where the span starts.")
    end: int = Field(ge=0, description="Character offset one past the span's end.")
    text: str = Field(description="The source's characters in [start, end).")


def dedupe_spans(spans: list[Span]) -> list[Span]:
    """The spans in order, each (source, start, end) once."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for s in spans:
        key = (s.source, s.start, s.end)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


class Value(_Model):
    """A quantity as written and as normalised for comparison."""

    raw: str = Field(description="The figure (or, for unit 'text', the words) as the source wrote it.")
    display: str = Field(description="A normalised, human-readable form, e.g. 'USD 500 million'.")
    value: float | None = Field(default=None, description="Normalised magnitude (unit-less).")
    unit: str = Field(
        description="'count', 'year', 'date', 'duration_years', 'percent', 'ordinal', an ISO"
        " currency code such as 'USD' or 'INR', or 'text' for a version told in words (from a"
        " model's alignment; no magnitude)."
    )
    qualifier: Literal["exact", "over", "under", "about", "range", "up_to"] = "exact"
    low: float | None = Field(default=None, description="Lower bound of a range.")
    high: float | None = Field(default=None, description="Upper bound of a range.")
    alternatives: list[Value] = Field(
        default_factory=list,
        description="The same figure given in another unit by the same source (never converted).",
    )


class Source(_Model):
    id: str
    path: str | None = None
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    date: str | None = None
    chars: int
    words: int
    sha256: str
    status: Literal["ok", "failed", "evidence_only"] = Field(
        description="'ok': extracted; 'evidence_only': the model failed, the deterministic layer"
        " still contributed; 'failed': the document could not be read."
    )
    derivative_of: str | None = Field(
        default=None, description="Id of the source this one copies or rewrites."
    )
    independent: bool = True


class Derivative(_Model):
    source: str = Field(description="The derivative source.")
    original: str = Field(description="The source it derives from.")
    kind: Literal["republication", "rewrite"]
    similarity: float = Field(description="Shingle containment of the derivative in the original.")
    paraphrase_similarity: float = Field(description="Sentence-alignment similarity (0-1).")
    reason: str


class Fact(_Model):
    id: str
    statement: str = Field(description="A self-contained statement, taken from the evidence.")
    topic: str
    kind: Literal["event", "figure", "quote", "context"]
    quantity: Value | None = None
    sources: list[str] = Field(description="Every source that supports the fact.")
    independent_sources: list[str] = Field(
        description="The supporting sources that are not derivatives of another supporter."
    )
    importance: float = Field(description="0-1; higher is more central to the story.")
    evidence: list[Span]
    origin: list[Literal["evidence", "model"]] = Field(
        description="Which layer proposed the fact: the deterministic evidence layer, the model,"
        " or both."
    )


class DiscrepancyValue(_Model):
    value: Value
    sources: list[str]
    derivative_sources: list[str] = Field(
        default_factory=list, description="Those of `sources` that are derivatives."
    )
    evidence: list[Span]


class Discrepancy(_Model):
    id: str
    topic: str
    dimension: str = Field(description="What is measured: a unit such as 'count', 'USD', 'year'; 'text' for versions told in words.")
    scope: Literal["across_sources", "within_source"]
    values: list[DiscrepancyValue] = Field(min_length=2)
    note: str = ""


class Quote(_Model):
    id: str
    text: str
    speaker: str | None
    sources: list[str]
    evidence: list[Span]


class SetApart(_Model):
    """A document about another event than the brief's story: listed, never merged."""

    source: str = Field(description="Source id.")
    event: str = Field(description="A short label of the other event (who, what, when).")
    reason: str = Field(description="Why it is another event, in one sentence.")


class Flag(_Model):
    kind: Literal["implausible", "inconsistent"]
    message: str
    refs: list[str] = Field(default_factory=list, description="Ids of facts or discrepancies.")


class OverviewSentence(_Model):
    text: str
    refs: list[str] = Field(description="Ids of the facts/discrepancies the sentence rests on.")


class DocumentFailure(_Model):
    source: str
    stage: Literal["load", "extract", "ground"]
    error: str = Field(description="Error class name.")
    message: str


class GroundingStats(_Model):
    proposed: int = 0
    grounded: int = 0
    dropped: dict[str, int] = Field(
        default_factory=dict, description="Dropped model items by reason."
    )
    evidence_candidates: int = 0


class ModelContribution(_Model):
    """What the model added to the brief, after verification (all zero without a model)."""

    key_sentences: int = Field(default=0, description="Key sentences the model picked, used as claims.")
    figure_labels: int = Field(default=0, description="Figures labelled with the measure they state.")
    measure_groups: int = Field(
        default=0, description="Same-measure groups from the cross-document alignment, applied."
    )
    fact_groups: int = Field(
        default=0, description="Same-fact groups from the cross-document alignment, applied."
    )
    set_apart: int = Field(default=0, description="Documents the alignment set apart as another event.")


class RunInfo(_Model):
    backend: str
    model: str | None = None
    endpoint: str | None = None
    prompt_version: str | None = None
    documents: int = 0
    model_calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    wall_seconds: float = 0.0
    grounding: GroundingStats = Field(default_factory=GroundingStats)
    contribution: ModelContribution = Field(default_factory=ModelContribution)


class Brief(_Model):
    schema_version: str = SCHEMA_VERSION
    title: str
    run: RunInfo
    sources: list[Source]
    derivatives: list[Derivative] = Field(default_factory=list)
    overview: list[OverviewSentence] = Field(default_factory=list)
    facts: list[Fact] = Field(
        default_factory=list, description="Facts supported by two or more sources."
    )
    discrepancies: list[Discrepancy] = Field(default_factory=list)
    single_source: list[Fact] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    set_apart: list[SetApart] = Field(
        default_factory=list,
        description="Documents about another event: listed with the reason, never merged.",
    )
    flags: list[Flag] = Field(default_factory=list)
    failures: list[DocumentFailure] = Field(default_factory=list)

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

    def to_markdown(self) -> str:
        """The brief as markdown (through the render registry, imported on call)."""
        from summarizer.render import render

        return render(self, "md")

    @classmethod
    def json_schema(cls) -> dict[str, object]:
        schema = cls.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"summarizer-brief-{SCHEMA_VERSION}"
        return schema

    @classmethod
    def json_schema_text(cls) -> str:
        return json.dumps(cls.json_schema(), indent=2, sort_keys=True) + "\n"
