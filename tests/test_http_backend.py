"""The openai backend over real HTTP (openai SDK + instructor) against the scripted server."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fakes import (
    API_KEY,
    SEEDS,
    FakeOpenAIServer,
    HTTPError,
    article_of,
    doc_id_of,
    grounded,
    grounded_extraction,
    ok,
)
from fakes.ids import id_messages

from summarizer.backends.base import ExtractionRequest
from summarizer.backends.openai_compat import OpenAIBackend
from summarizer.errors import BackendError
from summarizer.pipeline import summarize
from summarizer.schemas import IdExtraction
from summarizer.settings import Settings

SHORT = SEEDS / "003_cc6058d86ca66856.txt"


def request_for(path: Path = SHORT) -> ExtractionRequest:
    messages, _ = id_messages(path.stem, path.read_text(encoding="utf-8"))
    return ExtractionRequest(path.stem, messages, IdExtraction, {"temperature": 0.0, "max_tokens": 512, "seed": 0})


def http_settings(server: FakeOpenAIServer, cache: Path, **kw: Any) -> Settings:
    opts: dict[str, Any] = {"backend": "openai", "base_url": server.base_url, "api_key": API_KEY,
                            "model": "fake-model", "cache_dir": cache, "max_retries": 1, **kw}  # fmt: skip
    return Settings(**opts)


def files_bytes(directory: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in sorted(directory.rglob("*")) if p.is_file()]


def _post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_fake_server_serves_models_records_and_stays_bounded() -> None:
    chat = {"model": "m", "messages": [{"role": "user", "content": "Article id: x\n<article>\nHi.\n</article>"}]}
    with FakeOpenAIServer([ok({"claims": []}, usage=(7, 3))], max_requests=2) as server:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{server.base_url}/models", timeout=5) as r:
            assert json.load(r)["data"][0]["id"] == "fake-model"
        status, body = _post(f"{server.base_url}/chat/completions", chat)
        assert status == 200 and json.loads(body["choices"][0]["message"]["content"]) == {"claims": []}
        assert body["usage"] == {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10}
        assert _post(f"{server.base_url}/chat/completions", chat)[0] == 400  # script exhausted
        status, body = _post(f"{server.base_url}/chat/completions", chat)
        assert status == 400 and "limit" in body["error"]["message"]
        assert _post(f"{server.url}/v1/embeddings", {})[0] == 404
        assert server.calls == 3 and server.extraction_calls == 3
        assert (server.prompt_tokens, server.completion_tokens) == (7, 3)
        assert doc_id_of(server.chat_requests[0]) == "x" and article_of(server.chat_requests[0]) == "Hi."


def test_backend_extracts_over_http(fake_server: FakeOpenAIServer, make_backend: Callable[..., Any]) -> None:
    _, numbered = id_messages(SHORT.stem, SHORT.read_text(encoding="utf-8"))
    fake_server.push(ok(grounded_extraction(numbered, 4), usage=(321, 54)))
    backend = make_backend()

    response = backend.extract(request_for())

    assert isinstance(response.data, IdExtraction)
    assert len(response.data.key_sentences) == 4
    assert all(f"{k.id}: " in numbered for k in response.data.keys())  # type: ignore[attr-defined]
    assert (response.usage.prompt_tokens, response.usage.completion_tokens, response.usage.calls) == (321, 54, 1)
    [req] = fake_server.chat_requests
    assert req.path == "/v1/chat/completions"
    assert req.headers["authorization"] == f"Bearer {API_KEY}"
    assert req.body["model"] == "fake-model"
    assert req.response_format == "json_schema"
    assert article_of(req) == numbered
    assert backend.modes[0] == "json_schema"


def test_tools_mode_reads_tool_calls(fake_server: FakeOpenAIServer, make_backend: Callable[..., Any]) -> None:
    fake_server.responder = grounded(2)
    response = make_backend(mode="tools").extract(request_for())
    assert len(response.data.key_sentences) == 2
    [req] = fake_server.chat_requests
    assert req.tools and req.response_format is None


def test_summarize_seeds_over_http_then_from_cache(fake_server: FakeOpenAIServer, tmp_path: Path) -> None:
    fake_server.responder = grounded(3)
    settings = http_settings(fake_server, tmp_path / "cache")

    brief = summarize([SEEDS], settings)

    assert brief.run.backend == "openai" and brief.run.model == "fake-model"
    assert brief.run.endpoint == fake_server.base_url
    assert brief.run.documents == 5
    assert fake_server.extraction_calls == 5
    assert brief.run.model_calls == fake_server.calls  # five extractions, the alignment, the overview
    assert brief.run.cache_hits == 0
    assert brief.run.prompt_tokens == fake_server.prompt_tokens > 0
    assert brief.run.completion_tokens == fake_server.completion_tokens > 0
    assert brief.failures == []
    assert [s.status for s in brief.sources] == ["ok"] * 5
    assert brief.run.grounding.proposed == 15
    assert brief.run.grounding.grounded > 0
    assert any("model" in f.origin for f in brief.facts + brief.single_source)

    again = summarize([SEEDS], http_settings(fake_server, tmp_path / "cache"))

    assert fake_server.calls == brief.run.model_calls, "the second run must not call the model"
    assert again.run.model_calls == 0 and again.run.cache_hits == brief.run.model_calls >= 5
    assert again.run.prompt_tokens == 0
    assert again.model_dump(exclude={"run"}) == brief.model_dump(exclude={"run"})


@pytest.mark.parametrize("status", [400, 500], ids=["http400", "llama_cpp_500"])
def test_mode_fallback_when_json_schema_rejected(
    fake_server: FakeOpenAIServer, tmp_path: Path, status: int, reliability: Any
) -> None:
    """A server that refuses response_format json_schema (400, or 500 with a validation
    message like llama-cpp-python's) gets JSON mode instead; the brief still builds."""
    fake_server.reject_json_schema = status
    fake_server.responder = grounded(3)

    brief = summarize([SEEDS], http_settings(fake_server, tmp_path / "cache"))

    formats = [r.response_format for r in fake_server.chat_requests if doc_id_of(r)]
    reliability.record("faults", f"server rejects response_format json_schema (HTTP {status})",
                       "recovered (mode fallback)" if not brief.failures else "reported per document",
                       f"request formats: {', '.join(str(f) for f in formats)}")  # fmt: skip
    assert formats[0] == "json_schema"
    assert fake_server.served.count("reject_json_schema") >= 1
    assert formats.count("json_object") == 5
    assert brief.failures == []
    assert [s.status for s in brief.sources] == ["ok"] * 5
    assert brief.run.model_calls == fake_server.calls - fake_server.served.count("reject_json_schema")
    assert brief.run.grounding.grounded > 0

    before = fake_server.calls
    again = summarize([SEEDS], http_settings(fake_server, tmp_path / "cache"))
    assert again.run.model_calls == 0 and again.run.cache_hits >= 5
    assert fake_server.calls == before


def test_mode_fallback_is_remembered(fake_server: FakeOpenAIServer, make_backend: Callable[..., Any]) -> None:
    fake_server.reject_json_schema = 400
    fake_server.responder = grounded(2)
    backend = make_backend()
    for _ in range(3):
        backend.extract(request_for())
    assert backend.modes[0] == "json"
    assert [r.response_format for r in fake_server.chat_requests] == ["json_schema"] + ["json_object"] * 3


def test_api_key_never_in_cache_or_errors(fake_server: FakeOpenAIServer, tmp_path: Path) -> None:
    """The key is sent (Authorization header) but appears in no cache file, no output and no
    error message, even when the server echoes it back in an error (as OpenAI's 401 does)."""
    failing = "003_cc6058d86ca66856"

    def respond(req: Any) -> Any:
        if f"Article id: {failing}" in req.text:
            return HTTPError(401, f"Incorrect API key provided: {API_KEY}. You can find your key at"
                             " https://example.invalid", {}, "invalid_request_error")  # fmt: skip
        return ok(grounded_extraction(article_of(req), 3))

    fake_server.responder = respond
    cache = tmp_path / "cache"
    brief = summarize([SEEDS], http_settings(fake_server, cache))

    assert all(r.headers.get("authorization") == f"Bearer {API_KEY}" for r in fake_server.chat_requests)
    [failure] = brief.failures
    assert failure.source == failing and "401" in failure.message
    assert API_KEY not in failure.message
    assert API_KEY not in brief.to_json() and API_KEY not in brief.to_markdown()
    stored = files_bytes(cache)
    assert stored, "the cache should hold the four good documents"
    assert not [p for p, data in stored if API_KEY.encode() in data]

    fake_server.responder = lambda req: HTTPError(401, f"Incorrect API key provided: {API_KEY}")
    with pytest.raises(BackendError) as info:
        OpenAIBackend("fake-model", fake_server.base_url, API_KEY, max_retries=0).extract(request_for())
    assert "401" in str(info.value)
    assert API_KEY not in str(info.value) and "***" in str(info.value)
    assert API_KEY not in repr(info.value.last_completion)
