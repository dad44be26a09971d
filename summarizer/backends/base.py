"""The one interface the core depends on. Backends live in this package and are the only
modules allowed to import an SDK (enforced by ruff's banned-api rule and a test)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

# instructor logs every failed attempt at ERROR, in several lines, and may echo what a server
# sent back (an API key among it). With no handler configured Python would print that on
# stderr; errors reach the user through BackendError instead, one line, redacted.
logging.getLogger("instructor").addHandler(logging.NullHandler())


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


def usage_of(completion: Any, calls: int) -> Usage:
    """Token usage of an OpenAI-style completion (zeros when it reports none)."""
    usage = getattr(completion, "usage", None)
    return Usage(
        prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
        completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
        calls=calls,
    )


def endpoint_identity(model: str, endpoint: str | None, mode: str) -> dict[str, Any]:
    """What identifies an endpoint backend's answers (the configured mode, not the one in use
    after a fallback, so a key taken mid-run still matches on the next run)."""
    return {"backend": "openai", "model": model, "endpoint": endpoint, "mode": mode}


def gguf_identity(path: Path) -> dict[str, Any]:
    return {"backend": "llama", "model": path.name, "size": path.stat().st_size, "mode": "json_schema"}


class LazyBackend:
    """Stands in for a backend and builds it (importing its SDK, loading a model) on the first
    call only, so a run served wholly from the cache never pays for that."""

    def __init__(
        self,
        name: str,
        model: str,
        endpoint: str | None,
        identity: dict[str, Any],
        factory: Callable[[], Backend],
        capable: bool,
        default_max_tokens: int,
    ) -> None:
        self.name = name
        self.model = model
        self.endpoint = endpoint
        self.capable = capable
        self.default_max_tokens = default_max_tokens
        self._identity = identity
        self._factory = factory
        self._real: Backend | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._real is not None

    def identity(self) -> dict[str, Any]:
        return self._identity

    def build(self) -> Backend:
        """The real backend, built on the first call (loading a model happens here)."""
        with self._lock:
            if self._real is None:
                self._real = self._factory()
            return self._real

    def extract(self, request: ExtractionRequest) -> ExtractionResponse:
        return self.build().extract(request)


def describe_failure(exc: BaseException, completion: Any) -> str:
    """One short line for a model failure: a refusal as such, else the last attempt's error
    (instructor's own message nests every attempt in XML)."""
    try:
        refusal = completion.choices[0].message.refusal
    except Exception:  # noqa: BLE001 - any shape: no refusal to report
        refusal = None
    if refusal:
        return f"the model refused: {' '.join(str(refusal).split())[:160]}"
    attempts = getattr(exc, "failed_attempts", None) or []
    last: BaseException = attempts[-1].exception if attempts else exc
    text = str(last).split("For further information", 1)[0]
    return f"{type(last).__name__}: {' '.join(text.split())[:200]}"
