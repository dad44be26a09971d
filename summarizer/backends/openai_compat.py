"""Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp's server) through the
openai SDK and instructor.

The instructor mode is configurable. ``auto`` starts with JSON_SCHEMA and falls back to JSON,
then MD_JSON, when a server refuses a mode (some servers reject a ``response_format`` of
type ``json_schema``); the mode that works is remembered."""

from __future__ import annotations

import threading
from typing import Any

import instructor
import openai
from instructor.core.exceptions import InstructorError, InstructorRetryException
from tenacity import Retrying

from summarizer.backends.base import (
    ExtractionRequest,
    ExtractionResponse,
    Usage,
    describe_failure,
    endpoint_identity,
    usage_of,
)
from summarizer.backends.retry import call_with_retries, make_retrying
from summarizer.errors import BackendError, ModeRejected, redact
from summarizer.schemas import salvage_as

MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "tools": instructor.Mode.TOOLS,
    "md_json": instructor.Mode.MD_JSON,
}
FALLBACK = ["json_schema", "json", "md_json"]



def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return (exc.status_code == 429 or exc.status_code >= 500) and not _mode_rejected(exc)
    return False


def _mode_rejected(exc: BaseException) -> bool:
    if not isinstance(exc, openai.APIStatusError):
        return False
    text = str(exc).lower()
    if exc.status_code == 500:
        # Some servers (llama-cpp-python's, for one) report their request-validation error on
        # response_format as a 500 ("Input should be 'text' or 'json_object'"): a refusal, not an outage.
        return "response_format" in text and ("validation error" in text or "literal_error" in text)
    if exc.status_code not in (400, 422, 501):
        return False
    return any(w in text for w in ("response_format", "json_schema", "tool", "not supported"))


def _transport_error(exc: InstructorRetryException) -> BaseException | None:
    """The API error instructor wrapped, when the call failed before any output was parsed.
    instructor wraps every API error in InstructorRetryException; unwrapped, it can be retried
    (tenacity, honouring Retry-After) and reported for what it is."""
    cause = exc.__cause__
    if isinstance(cause, openai.APIError) and not getattr(exc, "failed_attempts", None):
        return cause
    return None


class OpenAIBackend:
    name = "openai"
    capable = True  # an endpoint model is trusted to write the overview (still checked)

    def __init__(
        self,
        model: str,
        base_url: str | None,
        api_key: str | None,
        mode: str = "auto",
        timeout: float = 120.0,
        max_retries: int | Retrying = 4,
        validation_retries: int = 1,
        transport: Any = None,
    ) -> None:
        """``transport`` (an httpx transport) replaces the network: the embedded backend answers
        in-process."""
        self.model = model
        self.endpoint = base_url
        self._secret = api_key or ""
        # Every HTTP request is counted (per thread): transport retries and instructor's re-asks
        # are paid calls too, and neither shows in the attempt counts the libraries report.
        self._sent = threading.local()
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout,
            max_retries=0,  # tenacity does the transport retries, bounded and counted
            http_client=openai.DefaultHttpxClient(
                transport=transport, event_hooks={"request": [self._count_request]}
            ),
        )
        self.mode = mode
        self.modes = list(FALLBACK) if mode == "auto" else [mode]
        self.validation_retries = validation_retries
        self.retrying = make_retrying(max_retries, is_retryable)
        self._lock = threading.Lock()
        self._instructors: dict[str, Any] = {}

    def _count_request(self, request: Any) -> None:
        self._sent.n = getattr(self._sent, "n", 0) + 1

    def identity(self) -> dict[str, Any]:
        # The configured mode, not the current one: with "auto" the mode in use changes when the
        # server refuses json_schema, and a key taken mid-run would then miss on the next run.
        return endpoint_identity(self.model, self.endpoint, self.mode)

    def _instructor(self, mode: str) -> Any:
        with self._lock:
            if mode not in self._instructors:
                self._instructors[mode] = instructor.from_openai(self._client, mode=MODES[mode])
            return self._instructors[mode]

    def extract(self, request: ExtractionRequest) -> ExtractionResponse:
        while True:
            mode = self.modes[0]
            try:
                return self._extract(request, mode)
            except ModeRejected:
                with self._lock:
                    if len(self.modes) > 1 and self.modes[0] == mode:
                        self.modes.pop(0)
                    elif self.modes[0] == mode:
                        raise

    def _extract(self, request: ExtractionRequest, mode: str) -> ExtractionResponse:
        client = self._instructor(mode)
        self._sent.n = 0
        sampling = dict(request.sampling)
        sampling.pop("seed", None) if mode == "md_json" else None

        def call() -> Any:
            try:
                return client.chat.completions.create_with_completion(
                    model=self.model,
                    messages=request.messages,
                    response_model=request.schema,
                    max_retries=self.validation_retries,
                    **sampling,
                )
            except InstructorRetryException as exc:
                cause = _transport_error(exc)
                if cause is not None:
                    raise cause from None
                raise

        def sent() -> int:
            return max(1, getattr(self._sent, "n", 0))

        try:
            (data, completion), attempts = call_with_retries(self.retrying, call)
        except InstructorRetryException as exc:
            cause = exc.__cause__ or exc
            if _mode_rejected(cause):
                raise ModeRejected(f"server refused mode {mode}") from None
            salvaged = _salvage(request, exc.last_completion, sent())
            if salvaged is not None:
                return salvaged
            raise BackendError(
                redact(f"{request.doc_id}: invalid output after {exc.n_attempts} attempt(s): "
                       f"{describe_failure(exc, exc.last_completion)}", [self._secret]),
                attempts=sent(), last_completion=_text(exc.last_completion),
            ) from None  # fmt: skip
        except openai.APIStatusError as exc:
            if _mode_rejected(exc):
                raise ModeRejected(f"server refused mode {mode}") from None
            raise BackendError(
                redact(f"{request.doc_id}: HTTP {exc.status_code} from {self.endpoint} after"
                       f" {sent()} attempt(s): {_short(exc)}", [self._secret]),
                attempts=sent(), retryable=is_retryable(exc),
            ) from None  # fmt: skip
        except (openai.APITimeoutError, openai.APIConnectionError) as exc:
            raise BackendError(
                redact(f"{request.doc_id}: {type(exc).__name__} talking to {self.endpoint} after"
                       f" {sent()} attempt(s)", [self._secret]),
                attempts=sent(), retryable=True,
            ) from None  # fmt: skip
        except InstructorError as exc:
            salvaged = _salvage(request, getattr(exc, "last_completion", None), sent())
            if salvaged is not None:
                return salvaged
            raise BackendError(
                redact(f"{request.doc_id}: {type(exc).__name__}: {_short(exc)}", [self._secret]),
                attempts=sent(), last_completion=_text(getattr(exc, "last_completion", None)),
            ) from None  # fmt: skip
        # instructor sums usage over its re-asks in _total_usage; the completion has the last only
        usage = getattr(data, "_total_usage", None) or getattr(completion, "usage", None)
        return ExtractionResponse(
            data=data,
            usage=Usage(
                prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
                completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
                calls=sent(),
            ),
            attempts=attempts,
        )


def _salvage(request: ExtractionRequest, completion: Any, calls: int) -> ExtractionResponse | None:
    """A truncated (finish_reason "length") or slightly malformed extraction still holds
    complete items: keep those; grounding checks them like any other. The answer counts as
    given: its tokens are counted and the pipeline caches it (the same request, seed and cap
    would be cut at the same place again). Requests carry a per-document subclass of
    IdExtraction (id_schema)."""
    data = salvage_as(request.schema, _text(completion))
    if data is None:
        return None
    return ExtractionResponse(data=data, usage=usage_of(completion, calls))


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


def _text(completion: Any) -> str | None:
    try:
        return str(completion.choices[0].message.content)
    except Exception:  # noqa: BLE001
        return None if completion is None else str(completion)[:2000]
