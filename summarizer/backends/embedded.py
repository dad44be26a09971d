"""The embedded backend: llama.cpp's own server, in-process, through xllamacpp (a prebuilt
wheel: no compiler). The server batches continuously over parallel slots, so the documents the
pipeline extracts at once really run together, and it constrains decoding to the JSON schema
of OpenAI's ``response_format``.

Requests and answers take the openai backend's path unchanged (instructor in JSON_SCHEMA mode,
usage accounting, salvage of truncated answers): its HTTP client gets a transport that hands
each chat-completion request to ``Server.handle_chat_completions`` in-process, so no byte goes
through a socket. The model is loaded lazily, once per process and settings, and stopped at
exit."""

from __future__ import annotations

import atexit
import json
import os
import threading
from pathlib import Path
from typing import Any

from summarizer.backends.base import ExtractionRequest, ExtractionResponse, gguf_identity
from summarizer.backends.gguf import MAX_TOKENS
from summarizer.errors import BackendUnavailable

MAX_SLOTS = 4


def _http_module() -> Any:
    """The HTTP library the openai SDK is built on (httpx2 from openai 3 on, httpx before)."""
    try:
        import httpx2

        return httpx2
    except ImportError:
        import httpx

        return httpx


httpx: Any = _http_module()


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class EmbeddedServer:
    """One llama.cpp server context holding the model, shared by every backend in the process
    that asks for the same file and layout."""

    def __init__(self, path: Path, n_ctx: int, n_parallel: int, n_threads: int, seed: int = 0) -> None:
        # Before llama.cpp's OpenMP runtime loads: its threads then sleep rather than spin at
        # each barrier. Spinning threads that share 2 cores with anything else starve each other
        # (measured: 0.6 tok/s instead of 19 while another process ran).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import xllamacpp
        except ImportError:
            raise BackendUnavailable(
                "the embedded runtime is not installed: pip install 'summarizer[local]' (xllamacpp)"
            ) from None
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.n_parallel = n_parallel
        params.n_ctx = n_ctx * n_parallel  # split evenly: each slot gets n_ctx
        # Decoding one token per slot is short work between barriers: one core less than the
        # machine's leaves room for the pipeline and was faster on 2 cores (3 slots x 64 tokens:
        # 14.5 s with 1 thread, 19.2 s with 2). Reading the prompt is long matrix work: all cores.
        params.cpuparams.n_threads = max(1, n_threads - 1)
        params.cpuparams_batch.n_threads = n_threads
        params.sampling.seed = seed
        # The model's own chat template through llama.cpp's built-in renderer, not its Jinja
        # engine: on the Jinja path the server parses every answer with a PEG parser that throws
        # HTTP 500 ("does not match the expected peg-native format") on an answer cut at
        # max_tokens, so nothing of it reaches the salvage (4 of 5 seed requests, 2026-11-23;
        # upstream ggml-org/llama.cpp#27279). The built-in path returns the cut answer with
        # finish_reason "length"; the JSON-schema grammar applies on both.
        params.use_jinja = False
        params.cont_batching = True
        params.hostnames = ["127.0.0.1"]  # the HTTP listener the server opens stays on loopback
        params.port = 0
        params.ui = False
        params.verbosity = -1
        params.warmup = False
        self.path = path
        self.n_parallel = n_parallel
        try:
            self._server: Any = xllamacpp.Server(params)
        except (RuntimeError, ValueError) as exc:
            raise BackendUnavailable(f"cannot load {path.name}: {' '.join(str(exc).split())[:200]}") from None

    def chat(self, body: dict[str, Any]) -> dict[str, Any]:
        server = self._server
        if server is None:
            raise BackendUnavailable("the embedded model was shut down")
        result: Any = server.handle_chat_completions(body)
        return result if isinstance(result, dict) else {"error": {"code": 500, "message": str(result)[:300]}}

    def close(self) -> None:
        """Drop the server: llama.cpp stops its loop and frees the model once the last
        in-flight call has returned."""
        self._server = None


_servers: dict[tuple[str, int, int, int, int], EmbeddedServer] = {}
_servers_lock = threading.Lock()


def shared_server(path: Path, n_ctx: int, n_parallel: int, n_threads: int, seed: int = 0) -> EmbeddedServer:
    """The process's server for this model and layout, started on first use."""
    key = (str(path.resolve()), n_ctx, n_parallel, n_threads, seed)
    with _servers_lock:
        server = _servers.get(key)
        if server is None:
            if not _servers:
                atexit.register(shutdown)
            server = _servers[key] = EmbeddedServer(path, n_ctx, n_parallel, n_threads, seed)
        return server


def shutdown() -> None:
    """Stop every embedded server of the process (registered with atexit)."""
    with _servers_lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        server.close()


class ServerTransport(httpx.BaseTransport):  # type: ignore[misc]
    """An httpx transport that answers ``POST …/chat/completions`` from the in-process server,
    with the HTTP status the server's own listener would give."""

    def __init__(self, server: EmbeddedServer) -> None:
        self.server = server

    def handle_request(self, request: Any) -> Any:
        if request.method != "POST" or not request.url.path.endswith("/chat/completions"):
            return _error(request, 404, f"not served in-process: {request.method} {request.url.path}")
        try:
            body = json.loads(request.read())
        except ValueError:
            return _error(request, 400, "the request body is not JSON")
        if not isinstance(body, dict) or body.get("stream"):
            return _error(request, 400, "only non-streaming chat completions are served in-process")
        try:
            result = self.server.chat(body)
        except ValueError as exc:  # xllamacpp raises the server's request-validation errors
            return _error(request, 400, str(exc))
        except RuntimeError as exc:
            return _error(request, 500, str(exc))
        error = result.get("error")
        if error is None and "choices" not in result:
            error = result  # xllamacpp's own {"code", "type", "message"} when the answer is not JSON
        if error is not None:
            code = error.get("code") if isinstance(error, dict) else None
            status = code if isinstance(code, int) and 400 <= code < 600 else 500
            message = error.get("message") if isinstance(error, dict) else error
            return _error(request, status, str(message))
        return httpx.Response(200, json=result, request=request)


def _error(request: Any, status: int, message: str) -> Any:
    body = {"error": {"code": status, "message": " ".join(message.split())[:500], "type": "server_error"}}
    return httpx.Response(status, json=body, request=request)


class EmbeddedBackend:
    """The ``llama`` backend: a GGUF run in-process by llama.cpp's server."""

    name = "llama"
    default_max_tokens = MAX_TOKENS
    capable = False  # a small local model does not write the overview nor align across documents
    endpoint: str | None = None

    def __init__(
        self,
        model_path: Path,
        n_ctx: int = 8192,
        seed: int = 0,
        validation_retries: int = 1,
        n_parallel: int = 2,
        n_threads: int | None = None,
    ) -> None:
        from summarizer.backends.openai_compat import OpenAIBackend

        if not model_path.is_file():
            raise BackendUnavailable(f"model file not found: {model_path}")
        self.model_path = model_path
        self.model = model_path.name
        self.server = shared_server(model_path, n_ctx, max(1, n_parallel), n_threads or cpu_count(), seed)
        self._client = OpenAIBackend(
            model=self.model,
            base_url="http://in-process.llama/v1",  # never resolved: the transport answers
            api_key=None,
            mode="json_schema",
            timeout=3600.0,
            max_retries=0,
            validation_retries=validation_retries,
            transport=ServerTransport(self.server),
        )

    def identity(self) -> dict[str, Any]:
        return gguf_identity(self.model_path)

    def extract(self, request: ExtractionRequest) -> ExtractionResponse:
        return self._client.extract(request)


def slots_for(concurrency: int) -> int:
    """Parallel slots: as many as documents run at once, at least 2 (continuous batching
    shares each decoding step between them) and at most MAX_SLOTS (each slot holds its own
    context in memory)."""
    return max(2, min(concurrency, MAX_SLOTS))
