"""Every error a user can meet, each with a documented exit code and a one-line message.

Exit codes (also in the README):

==== =====================================================================
0    success: the brief was written from every document
1    internal error (a bug): please report it
2    usage or configuration error (bad flag, bad environment value)
3    input error: no usable document (missing, empty, binary, too large...)
4    backend error: the model failed for every document (the brief is still written from
     the evidence layer), or the backend could not be used
5    partial: the brief was written, but some documents failed (see the brief); duplicate
     inputs are only warnings
6    eval floor missed (``summarizer eval``)
130  interrupted (Ctrl-C); results already paid for stay in the cache
==== =====================================================================
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_BACKEND = 4
EXIT_PARTIAL = 5
EXIT_EVAL_FLOOR = 6
EXIT_INTERRUPTED = 130


class SummarizerError(Exception):
    """Base class. ``str(err)`` is always a single line fit for a terminal."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))

    @property
    def message(self) -> str:
        return str(self)


class ConfigError(SummarizerError):
    exit_code = EXIT_USAGE


class InputError(SummarizerError):
    """A document could not be read or is not usable text."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class PromptError(SummarizerError):
    """A prompt file is malformed (checked on load)."""

    exit_code = EXIT_USAGE


class BackendError(SummarizerError):
    """The model failed. Carries the attempt count and the last completion, like instructor."""

    exit_code = EXIT_BACKEND

    def __init__(
        self,
        message: str,
        *,
        attempts: int = 1,
        last_completion: Any = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_completion = last_completion
        self.retryable = retryable


class BackendUnavailable(BackendError):
    """The backend cannot be built here (package missing, model file missing)."""

    exit_code = EXIT_USAGE


class ModeRejected(BackendError):
    """The server refused the structured-output mode (e.g. ``response_format`` json_schema)."""


def redact(text: str, secrets: list[str]) -> str:
    """Remove every secret (API keys) from a message before it is shown or stored."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
