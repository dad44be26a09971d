"""The openai backend against a real OpenAI-compatible server we did not write: llama.cpp's own
HTTP server (from the xllamacpp wheel), in its own process on 127.0.0.1, serving the embedded
default model. It accepts ``response_format`` of type json_schema and constrains decoding to it,
so the backend keeps its first mode and gets a schema-valid answer; the CLI reaches it with
``--backend openai --base-url``."""

from __future__ import annotations

import json
import os
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
STARTUP_SECONDS = 180

# llama.cpp's server, started from the wheel: it listens until its stdin closes.
LAUNCHER = """
import sys, xllamacpp
p = xllamacpp.CommonParams()
p.model.path = sys.argv[1]
p.hostnames = ["127.0.0.1"]
p.port = int(sys.argv[2])
p.n_parallel = 2
p.n_ctx = 2 * 4096
p.endpoint_metrics = True
p.ui = False
server = xllamacpp.Server(p)
print(server.listening_address, flush=True)
sys.stdin.read()
"""


@dataclass
class LlamaServer:
    base_url: str
    model: str
    log: Path
    proc: subprocess.Popen[str]

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def metric(self, name: str) -> float:
        with urllib.request.urlopen(self.base_url.removesuffix("/v1") + "/metrics", timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(f"llamacpp:{name} "):
                    return float(line.split()[1])
        raise AssertionError(f"no metric {name}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gguf(cache: Path) -> Path:
    from summarizer.backends.gguf import DEFAULT_MODEL, MODELS, choose, installed, locate, runtime_installed
    from summarizer.settings import default_cache_dir

    model = MODELS[DEFAULT_MODEL]
    if not runtime_installed():
        pytest.skip("xllamacpp is not installed")
    if not installed(model):
        pytest.skip(f"{model.name} is not installed: {model.pip_command()}")
    return locate(choose(None, None, explicit=True), [cache / "models", default_cache_dir() / "models"])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    gguf = _gguf(tmp_path_factory.mktemp("models"))
    port = _free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log.open("w") as sink:
        proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(gguf), str(port)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sink, text=True)  # fmt: skip
    server = LlamaServer(f"http://127.0.0.1:{port}/v1", gguf.name, log, proc)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama.cpp server exited with {proc.returncode}:\n{server.log_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{server.base_url}/models", timeout=2) as r:
                    server.model = json.load(r)["data"][0]["id"]
                with urllib.request.urlopen(server.base_url.removesuffix("/v1") + "/health", timeout=2) as r:
                    if json.load(r).get("status") == "ok":
                        break
            except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama.cpp server not up after {STARTUP_SECONDS} s:\n{server.log_text()[-2000:]}")
            time.sleep(0.25)
        yield server
    finally:
        assert proc.stdin is not None
        proc.stdin.close()  # the launcher returns, the server stops with its process
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait(timeout=15)


def test_openai_backend_gets_schema_valid_answer_from_llama_cpp_server(
    llama_server: LlamaServer, reliability: Any
) -> None:
    from summarizer.backends.base import ExtractionRequest
    from summarizer.backends.openai_compat import OpenAIBackend
    from summarizer.schemas import IdExtraction

    messages, _ = id_messages(SHORT.stem, SHORT.read_text(encoding="utf-8"))
    request = ExtractionRequest(SHORT.stem, messages, IdExtraction, {"temperature": 0.0, "max_tokens": 160, "seed": 0})
    backend = OpenAIBackend(llama_server.model, llama_server.base_url, None, timeout=600, max_retries=1,
                            validation_retries=0)  # fmt: skip
    before = llama_server.metric("prompt_tokens_total")
    started = time.perf_counter()
    result = backend.extract(request)
    took = time.perf_counter() - started
    reliability.record("real server", "llama.cpp's own HTTP server (xllamacpp), json_schema",
                       f"mode {backend.modes[0]}; {len(result.data.key_sentences)} key sentences",
                       f"{result.usage.calls} call(s), {took:.1f} s")  # fmt: skip
    assert backend.modes[0] == "json_schema", "llama.cpp's server takes json_schema: no fallback expected"
    assert isinstance(result.data, IdExtraction)
    assert result.usage.calls >= 1 and result.usage.prompt_tokens > 0
    assert llama_server.metric("prompt_tokens_total") > before  # the server did the work


def test_cli_reaches_llama_cpp_server_through_the_openai_backend(llama_server: LlamaServer, tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    r = subprocess.run(
        [sys.executable, "-m", "summarizer", "brief", str(SHORT), "-o", str(out), "--backend", "openai",
         "--base-url", llama_server.base_url, "--model", llama_server.model, "--overview", "facts",
         "--max-tokens", "256", "--no-cache", "--timeout", "900", "--max-retries", "0"],
        capture_output=True, text=True, timeout=900, env=env,
    )  # fmt: skip
    assert r.returncode in (0, 5), r.stderr
    assert "backend openai" in r.stderr and "1 model calls" in r.stderr, r.stderr
    assert out.read_text().startswith("# Brief")
