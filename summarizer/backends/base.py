"""The one interface the core depends on. Backends live in this package and are the only
modules allowed to import an SDK (enforced by ruff's banned-api rule and a test)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0


@dataclass
class ExtractionRequest:
    doc_id: str
    messages: list[dict[str, str]]
    schema: type[BaseModel]
    sampling: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExtractionResponse:
    data: BaseModel
    usage: Usage
    attempts: int = 1


@runtime_checkable
class Backend(Protocol):
    name: str
    model: str
    endpoint: str | None

    def extract(self, request: ExtractionRequest) -> ExtractionResponse: ...

    def identity(self) -> dict[str, Any]:
        """What identifies this backend's answers in a cache key (never a secret)."""
        ...
