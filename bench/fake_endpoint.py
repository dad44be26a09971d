"""A loopback fake OpenAI-compatible endpoint for benchmarks and tests (stdlib only).

``FakeEndpoint(latency=0.0)`` serves ``POST /v1/chat/completions`` on 127.0.0.1 (an ephemeral
port) from a ThreadingHTTPServer, sleeping ``latency`` seconds per call, and counts calls,
request bytes and (estimated, chars/4) prompt/completion tokens. Its answer is built from the
request, so any instructor mode works:

- a summarizer extraction request (numbered sentences between ``<article>`` tags) gets a valid
  IdExtraction: the article's first few full sentences as key sentences, every figure labelled;
- a LangExtract prompt (``Q: <chunk>`` / ``A:``) gets ``{"extractions": [...]}`` with sentences of
  the chunk;
- any other request with a JSON Schema (e.g. the overview call) gets the smallest valid instance;
- anything else gets ``{}``.

A ``responder(request_json) -> dict`` replaces that logic (tests use it for judge verdicts).
With ``tools`` in the request the answer is a tool call, otherwise message content.

    with FakeEndpoint(latency=0.5) as ep:
        settings = Settings.resolve(backend="openai", base_url=ep.base_url, model="fake")
        ...
        ep.stats.calls, ep.stats.request_bytes
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Responder = Callable[[dict[str, Any]], dict[str, Any]]

MAX_BODY = 50_000_000
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019]))\s+(?=[\"'\u201c\u2018A-Z0-9])")


@dataclass
class Stats:
    calls: int = 0
    request_bytes: int = 0
    response_bytes: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    max_in_flight: int = 0
    bytes_by_schema: dict[str, int] = field(default_factory=dict)
    """Request bytes per response schema name (IdExtraction, Alignment, ...; "none" without one)."""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _schema_name(request: dict[str, Any]) -> str:
    fmt = request.get("response_format")
    schema = fmt.get("json_schema") if isinstance(fmt, dict) else None
    return str(schema.get("name", "none")) if isinstance(schema, dict) else "none"


def estimate_tokens(text: str) -> int:
    return max(1, (len(text) + 3) // 4)


def sentences(text: str, limit: int, min_chars: int = 25, max_chars: int = 300) -> list[str]:
    """Up to ``limit`` sentences of ``text``, each a verbatim substring of it."""
    out: list[str] = []
    for line in text.splitlines():
        for s in _SENTENCE.split(line.strip()):
            s = s.strip()
            if min_chars <= len(s) <= max_chars and s in text:
                out.append(s)
                if len(out) >= limit:
                    return out
    return out


def extraction_for(prompt: str, claims: int = 6) -> dict[str, Any]:
    """An IdExtraction-shaped answer to the numbered-sentence prompt: the first full sentences
    as key sentences (topic: their first words), every figure labelled."""
    sents = re.findall(r"^(S\d+): (.*)$", prompt, re.M)
    keys = [(sid, s) for sid, s in sents if len(s.split()) >= 6][1 : claims + 1]
    return {
        "key_sentences": [f"{sid}: {' '.join(s.lower().split()[:3])}" for sid, s in keys],
        "figures": [f"{fid}: amount" for fid in re.findall(r"^(F\d+) \[", prompt, re.M)],
        "event": "",
    }


def minimal_instance(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> Any:
    """The smallest value valid under a (pydantic-generated) JSON Schema: required fields only,
    empty lists and strings, the first enum value, null where allowed."""
    defs = schema.get("$defs", {}) if defs is None else defs
    if "$ref" in schema:
        return minimal_instance(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        if any(o.get("type") == "null" for o in options):
            return None
        return minimal_instance(options[0], defs)
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: minimal_instance(props.get(k, {}), defs) for k in schema.get("required", [])}
    if kind == "array":
        return [minimal_instance(schema["items"], defs) for _ in range(schema.get("minItems", 0))]
    return {"string": "", "integer": 0, "number": 0, "boolean": False, "null": None}.get(kind, None)


def response_schema(request: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON Schema the client asked for (response_format json_schema, or the first tool)."""
    rf = request.get("response_format") or {}
    if rf.get("type") == "json_schema":
        schema: dict[str, Any] = rf.get("json_schema", {}).get("schema")
        return schema
    tools = request.get("tools") or []
    if tools:
        params: dict[str, Any] = tools[0].get("function", {}).get("parameters")
        return params
    return None


def default_responder(request: dict[str, Any]) -> dict[str, Any]:
    text = "\n".join(str(m.get("content") or "") for m in request.get("messages", []))
    if re.search(r"<article>\n?S1: ", text):
        return extraction_for(text)
    if "Q: " in text:  # LangExtract's prompt: the chunk follows the last "Q: "
        chunk = text.rsplit("Q: ", 1)[1].rsplit("A:", 1)[0]
        return {"extractions": [{"fact": s, "fact_attributes": {}} for s in sentences(chunk, 3)]}
    schema = response_schema(request)  # any other structured call (e.g. the overview)
    answer = minimal_instance(schema) if schema else {}
    return answer if isinstance(answer, dict) else {}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr
        pass

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        if self.path.rstrip("/").endswith("/models"):
            self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
        else:
            self._send(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:  # noqa: N802
        ep = self.server.endpoint
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(413, {"error": {"message": "request too large"}})
            return
        raw = self.rfile.read(length)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        try:
            request = json.loads(raw)
        except json.JSONDecodeError:
            self._send(400, {"error": {"message": "invalid JSON"}})
            return
        with ep.lock:
            ep.in_flight += 1
            ep.stats.max_in_flight = max(ep.stats.max_in_flight, ep.in_flight)
        try:
            if ep.latency > 0:
                time.sleep(ep.latency)
            body = self._completion(request, ep)
            data = json.dumps(body).encode()
            with ep.lock:  # counted before the client can see the answer: no reset race
                ep.stats.calls += 1
                ep.stats.request_bytes += len(raw)
                name = _schema_name(request)
                ep.stats.bytes_by_schema[name] = ep.stats.bytes_by_schema.get(name, 0) + len(raw)
                ep.stats.response_bytes += len(data)
                ep.stats.prompt_tokens += body["usage"]["prompt_tokens"]
                ep.stats.completion_tokens += body["usage"]["completion_tokens"]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        finally:
            with ep.lock:
                ep.in_flight -= 1

    @staticmethod
    def _completion(request: dict[str, Any], ep: FakeEndpoint) -> dict[str, Any]:
        answer = json.dumps(ep.responder(request))
        prompt_text = "".join(str(m.get("content") or "") for m in request.get("messages", []))
        usage = {"prompt_tokens": estimate_tokens(prompt_text), "completion_tokens": estimate_tokens(answer)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        message: dict[str, Any] = {"role": "assistant", "content": answer}
        finish = "stop"
        if request.get("tools"):
            name = request["tools"][0]["function"]["name"]
            call = {"id": "call_0", "type": "function", "function": {"name": name, "arguments": answer}}
            message = {"role": "assistant", "content": None, "tool_calls": [call]}
            finish = "tool_calls"
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "fake"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": usage,
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    endpoint: FakeEndpoint


class FakeEndpoint:
    """Start with ``start()`` or as a context manager; ``base_url`` ends in ``/v1``."""

    def __init__(self, latency: float = 0.0, responder: Responder | None = None) -> None:
        self.latency = latency
        self.responder: Responder = responder or default_responder
        self.stats = Stats()
        self.lock = threading.Lock()
        self.in_flight = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "endpoint not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def reset(self) -> Stats:
        """Zero the counters; return the old ones."""
        with self.lock:
            old, self.stats = self.stats, Stats()
        return old

    def start(self) -> FakeEndpoint:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.endpoint = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-endpoint", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:
    """``python bench/fake_endpoint.py [latency]``: serve until Ctrl-C, print the URL."""
    import sys

    ep = FakeEndpoint(latency=float(sys.argv[1]) if len(sys.argv) > 1 else 0.0).start()
    print(ep.base_url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        ep.stop()
        print(json.dumps(ep.stats.as_dict()))


if __name__ == "__main__":
    main()
