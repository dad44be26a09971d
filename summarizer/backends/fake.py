"""A scripted backend for tests, after simonw/llm's fake model: a queue of canned outputs.
Each item is a DocumentExtraction (or dict), or an exception to raise."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from summarizer.backends.base import ExtractionRequest, ExtractionResponse, Usage


class QueueBackend:
    name = "fake"
    endpoint: str | None = None

    def __init__(
        self,
        outputs: Iterable[Any] = (),
        model: str = "queue",
        responder: Callable[[ExtractionRequest], Any] | None = None,
        capable: bool = False,
    ) -> None:
        self.capable = capable
        self.model = model
        self.queue: deque[Any] = deque(outputs)
        self.responder = responder
        self.requests: list[ExtractionRequest] = []
        self._lock = threading.Lock()

    def identity(self) -> dict[str, Any]:
        return {"backend": self.name, "model": self.model}

    def extract(self, request: ExtractionRequest) -> ExtractionResponse:
        with self._lock:
            self.requests.append(request)
            item = self.responder(request) if self.responder else self.queue.popleft()
        if isinstance(item, BaseException):
            raise item
        data = item if not isinstance(item, dict) else request.schema.model_validate(item)
        words = sum(len(m["content"].split()) for m in request.messages)
        return ExtractionResponse(data=data, usage=Usage(words, 10, 1))
