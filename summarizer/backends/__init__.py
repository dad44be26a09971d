"""Backends and their selection. Order: an explicit choice (flag or keyword), then the
environment (SUMMARIZER_BACKEND, or an endpoint in SUMMARIZER_BASE_URL/OPENAI_BASE_URL), then
the embedded model if it is installed, then the deterministic layer alone (None)."""

from __future__ import annotations

from summarizer.backends.base import Backend, ExtractionRequest, ExtractionResponse, Usage
from summarizer.errors import ConfigError
from summarizer.settings import Settings

__all__ = ["Backend", "ExtractionRequest", "ExtractionResponse", "Usage", "resolve_backend"]


def resolve_backend(settings: Settings) -> Backend | None:
    choice = settings.backend
    if choice == "auto":
        if settings.base_url:
            choice = "openai"
        else:
            from summarizer.backends.llama_cpp import available

            choice = "llama" if (settings.model_path or available()) else "none"
    if choice == "none":
        return None
    if choice == "openai":
        if not settings.base_url and not settings.api_key:
            raise ConfigError(
                "the openai backend needs --base-url (or SUMMARIZER_BASE_URL) or an API key"
            )
        from summarizer.backends.openai_compat import OpenAIBackend

        return OpenAIBackend(
            model=settings.model or "gpt-4o-mini",
            base_url=settings.base_url,
            api_key=settings.api_key.get_secret_value() if settings.api_key else None,
            mode=settings.mode,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
            validation_retries=settings.validation_retries,
        )
    from summarizer.backends.llama_cpp import LlamaCppBackend

    if settings.mode not in ("auto", "json_schema"):
        raise ConfigError("the embedded llama backend supports only --mode json_schema")
    return LlamaCppBackend(
        model_path=settings.model_path,
        n_ctx=settings.n_ctx,
        seed=settings.seed,
        validation_retries=settings.validation_retries,
    )
