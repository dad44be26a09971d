"""Backends and their selection. Order: an explicit choice (flag or keyword), then the
environment (SUMMARIZER_BACKEND, or an endpoint in SUMMARIZER_BASE_URL/OPENAI_BASE_URL), then
the embedded model if it is installed, then the deterministic layer alone (None)."""

from __future__ import annotations

from collections.abc import Callable

from summarizer.backends.base import (
    Backend,
    ExtractionRequest,
    ExtractionResponse,
    LazyBackend,
    Usage,
    endpoint_identity,
    gguf_identity,
)
from summarizer.errors import BackendUnavailable, ConfigError
from summarizer.settings import Settings

__all__ = ["BACKENDS", "Backend", "ExtractionRequest", "ExtractionResponse", "Usage", "resolve_backend"]


def resolve_backend(settings: Settings) -> Backend | None:
    choice = settings.backend
    if choice == "auto":
        if settings.base_url:
            choice = "openai"
        else:
            from summarizer.backends.gguf import available

            choice = "llama" if (settings.model_path or available()) else "none"
    if choice == "none":
        return None
    build = BACKENDS.get(choice)
    if build is None:
        raise ConfigError(f"unknown backend {choice!r}; choose from none, {', '.join(BACKENDS)}")
    return build(settings)


def _openai(settings: Settings) -> Backend:
    """Any OpenAI-compatible endpoint: capable (it writes the overview and aligns stories)."""
    if not settings.base_url and not settings.api_key:
        raise ConfigError("the openai backend needs --base-url (or SUMMARIZER_BASE_URL) or an API key")
    model = settings.model or "gpt-4o-mini"

    def build_openai() -> Backend:
        from summarizer.backends.openai_compat import OpenAIBackend

        return OpenAIBackend(
            model=model,
            base_url=settings.base_url,
            api_key=settings.api_key.get_secret_value() if settings.api_key else None,
            mode=settings.mode,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
            validation_retries=settings.validation_retries,
        )

    return LazyBackend(
        "openai", model, settings.base_url,
        endpoint_identity(model, settings.base_url, settings.mode), build_openai,
        capable=True, default_max_tokens=4096,
    )  # fmt: skip


def _embedded(settings: Settings, explicit: bool) -> Backend:
    """The ``llama`` backend: the chosen GGUF (assembled from its PyPI parts on first use) run
    in-process by llama.cpp's server through xllamacpp."""
    if settings.mode not in ("auto", "json_schema"):
        raise ConfigError("the embedded llama backend supports only --mode json_schema")
    from summarizer.backends.gguf import MAX_TOKENS, choose, locate, runtime_installed
    from summarizer.settings import default_cache_dir

    choice = choose(settings.model_path, settings.model, explicit)
    if not runtime_installed():
        raise BackendUnavailable("the embedded runtime is not installed: pip install 'summarizer[local]' (xllamacpp)")
    dirs = [settings.cache_dir / "models", default_cache_dir() / "models"]
    path = locate(choice, dirs)

    def build_llama() -> Backend:
        from summarizer.backends.embedded import EmbeddedBackend, slots_for

        return EmbeddedBackend(
            model_path=path,
            n_ctx=settings.n_ctx,
            seed=settings.seed,
            validation_retries=settings.validation_retries,
            n_parallel=slots_for(settings.concurrency),
        )

    return LazyBackend(
        "llama", path.name, None, gguf_identity(path), build_llama, capable=False,
        default_max_tokens=MAX_TOKENS,
    )  # fmt: skip


BACKENDS: dict[str, Callable[[Settings], Backend]] = {
    "openai": _openai,
    "llama": lambda settings: _embedded(settings, explicit=settings.backend == "llama"),
}
"""The backends by name: a new backend is a module in this package and one line here. Each
builder returns a LazyBackend that declares what it can do (``capable``: writes the overview
and runs the story alignment) and imports its SDK only when first used."""
