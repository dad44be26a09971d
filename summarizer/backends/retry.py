"""Transport retries with tenacity: 429 (honouring Retry-After), 5xx, timeouts and dropped
connections, bounded, with exponential backoff. ``max_retries`` takes an int or a tenacity
``Retrying`` object, like instructor's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

T = TypeVar("T")
MAX_RETRY_AFTER = 60.0


def retry_after_seconds(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(value)))
    except ValueError:
        return None


def make_retrying(
    max_retries: int | Retrying, is_retryable: Callable[[BaseException], bool]
) -> Retrying:
    if isinstance(max_retries, Retrying):
        return max_retries
    backoff = wait_exponential(multiplier=0.5, max=20.0) + wait_random(0, 0.25)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        hinted = retry_after_seconds(exc) if exc else None
        return hinted if hinted is not None else float(backoff(state))

    return Retrying(
        stop=stop_after_attempt(max_retries + 1),
        wait=wait,
        retry=retry_if_exception(is_retryable),
        reraise=True,
    )


def call_with_retries(retrying: Retrying, fn: Callable[[], T]) -> tuple[T, int]:
    """Run ``fn`` under ``retrying``; return its result and the number of attempts."""
    attempts = 0

    def counted() -> Any:
        nonlocal attempts
        attempts += 1
        return fn()

    result = retrying(counted)
    return result, attempts
