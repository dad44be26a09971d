"""Gold labels (format version 2, see ``evals/GUIDE.md``): the model, loading and the lint.

A story's gold says what a perfect brief states: facts (with what must be there, paraphrases
that must match and contradictions that must not), discrepancies by measure with each source
under its value, derivatives, quotes, and which documents are about another event.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Keywords = list[list[str]]


class GoldError(ValueError):
    """The gold file is malformed or inconsistent (one-line message)."""


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldSource(_Gold):
    outlet: str = ""
    note: str = ""
    event: str = Field(default="main", description="'main', or a label of the other event.")
    reason: str = ""


class GoldEvent(_Gold):
    who: list[str] = Field(default_factory=list)
    what: str = ""
    when: str = ""
    where: str = ""


class GoldFact(_Gold):
    id: str
    statement: str
    importance: int = Field(ge=1, le=3)
    sources: list[str] = Field(min_length=1)
    keywords: Keywords = Field(min_length=1)
    values: list[str] = Field(default_factory=list)
    paraphrases: list[str] = Field(default_factory=list)
    contradictions: list[str] = Field(default_factory=list)
    topic: str | None = None
    note: str = ""


class GoldDiscrepancyValue(_Gold):
    forms: list[str] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class GoldDiscrepancy(_Gold):
    id: str
    measure: str
    topic_keywords: Keywords = Field(default_factory=list)
    importance: int = Field(ge=1, le=3)
    scope: Literal["across_sources", "within_source"] = "across_sources"
    values: list[GoldDiscrepancyValue] = Field(min_length=2)
    note: str = ""


class GoldDerivative(_Gold):
    source: str
    original: str
    kind: Literal["republication", "rewrite"]
    optional: bool = False
    note: str = ""


class GoldQuote(_Gold):
    id: str
    speaker: list[str] = Field(min_length=1)
    keywords: Keywords = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    text: str = ""
    note: str = ""


class GoldStory(_Gold):
    version: int = 2
    story: str
    split: Literal["dev", "test"] = "dev"
    field: str = ""
    event: GoldEvent = Field(default_factory=GoldEvent)
    corpus: str
    sources: dict[str, GoldSource]
    facts: list[GoldFact] = Field(default_factory=list)
    discrepancies: list[GoldDiscrepancy] = Field(default_factory=list)
    derivatives: list[GoldDerivative] = Field(default_factory=list)
    quotes: list[GoldQuote] = Field(default_factory=list)

    @property
    def other_event_sources(self) -> dict[str, GoldSource]:
        """Documents about another event, by source id."""
        return {k: v for k, v in self.sources.items() if v.event != "main"}

    @property
    def main_sources(self) -> list[str]:
        return [k for k, v in self.sources.items() if v.event == "main"]

    def independent_sources(self) -> list[str]:
        """Main-event sources that are not a (required) derivative of another."""
        derived = {d.source for d in self.derivatives if not d.optional}
        return [s for s in self.main_sources if s not in derived]

    @model_validator(mode="after")
    def _consistent(self) -> GoldStory:
        ids = [f.id for f in self.facts] + [d.id for d in self.discrepancies]
        ids += [q.id for q in self.quotes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate gold ids: {dupes}")
        known = set(self.sources)
        other = set(self.other_event_sources)
        refs: list[tuple[str, str]] = []
        for fact in self.facts:
            refs += [(fact.id, s) for s in fact.sources]
        for disc in self.discrepancies:
            refs += [(disc.id, s) for v in disc.values for s in v.sources]
        for quote in self.quotes:
            refs += [(quote.id, s) for s in quote.sources]
        for where, src in refs:
            if src not in known:
                raise ValueError(f"{where} names unknown source {src!r}")
            if src in other:
                raise ValueError(f"{where} names {src!r}, a document about another event")
        for der in self.derivatives:
            for src in (der.source, der.original):
                if src not in known:
                    raise ValueError(f"derivative names unknown source {src!r}")
        keyed = [(f.id, f.keywords) for f in self.facts]
        keyed += [(d.id, d.topic_keywords) for d in self.discrepancies]
        keyed += [(q.id, q.keywords) for q in self.quotes]
        for item_id, keywords in keyed:
            if any(not group for group in keywords):
                raise ValueError(f"{item_id} has an empty keyword group")
        return self


def first_error(exc: ValidationError) -> str:
    """The first validation error as one line: ``loc: message (N error(s))``."""
    err = exc.errors()[0]
    loc = ""
    for part in err["loc"]:
        loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
    msg = " ".join(str(err["msg"]).split())
    return f"{loc or '<root>'}: {msg} ({len(exc.errors())} error(s))"


def parse_gold(gold: GoldStory | Mapping[str, Any]) -> GoldStory:
    """Validate a gold mapping (as loaded from ``evals/gold/<story>.json``)."""
    if isinstance(gold, GoldStory):
        return gold
    try:
        return GoldStory.model_validate(gold)
    except ValidationError as exc:
        raise GoldError(f"gold: {first_error(exc)}") from None


def load_gold(path: str | Path) -> GoldStory:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GoldError(f"gold {path}: {exc}") from None
    return parse_gold(data)


def load_corpus(directory: str | Path) -> dict[str, str]:
    """``{file stem: text}`` for every ``*.txt`` in ``directory``, byte-exact (no newline mapping)."""
    return {p.stem: p.read_bytes().decode("utf-8") for p in sorted(Path(directory).glob("*.txt"))}
