"""Result rows of the scorer's report, shared by its components."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Report(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ItemResult(_Report):
    id: str
    hit: bool
    weight: float
    reason: str
    matched: list[str] = Field(default_factory=list, description="Brief item refs that matched.")


class StatementResult(_Report):
    ref: str
    words: int
    within_budget: bool
    verdict: str = Field(description="'match', 'contradiction', 'supported' or 'unsupported'.")
    gold: list[str] = Field(default_factory=list)
    cited: list[str] = Field(default_factory=list)
    wrong_sources: list[str] = Field(default_factory=list)


