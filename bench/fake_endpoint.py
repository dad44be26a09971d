"""A loopback fake OpenAI-compatible endpoint for benchmarks and tests (stdlib only).

``FakeEndpoint(latency=0.0)`` serves ``POST /v1/chat/completions`` on 127.0.0.1 (an ephemeral
port) from a ThreadingHTTPServer, sleeping ``latency`` seconds per call, and counts calls,
request bytes and (estimated, chars/4) prompt/completion tokens; the HTTP side is the eval's
loopback server (summarizer/eval/loopback.py). Its answer is built from the request, so any
instructor mode works:

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
from typing import Any

from summarizer.eval.loopback import LoopbackServer, completion, encode, prompt_text

Responder = Callable[[dict[str, Any]], dict[str, Any]]

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
    text = prompt_text(request)
    if re.search(r"<article>\n?S1: ", text):
        return extraction_for(text)
    if "Q: " in text:  # LangExtract's prompt: the chunk follows the last "Q: "
        chunk = text.rsplit("Q: ", 1)[1].rsplit("A:", 1)[0]
        return {"extractions": [{"fact": s, "fact_attributes": {}} for s in sentences(chunk, 3)]}
    schema = response_schema(request)  # any other structured call (e.g. the overview)
    answer = minimal_instance(schema) if schema else {}
    return answer if isinstance(answer, dict) else {}


class FakeEndpoint:
    """Start with ``start()`` or as a context manager; ``base_url`` ends in ``/v1``."""

    def __init__(self, latency: float = 0.0, responder: Responder | None = None) -> None:
        self.latency = latency
        self.responder: Responder = responder or default_responder
        self.stats = Stats()
        self.lock = threading.Lock()
        self.in_flight = 0
        self._server: LoopbackServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "endpoint not started"
        return self._server.base_url

    def _complete(self, request: dict[str, Any], size: int) -> bytes:
        with self.lock:
            self.in_flight += 1
            self.stats.max_in_flight = max(self.stats.max_in_flight, self.in_flight)
        try:
            if self.latency > 0:
                time.sleep(self.latency)
            body = completion(request, json.dumps(self.responder(request)), model="fake")
            data = encode(body)  # encoded once: counted here, sent as is
            with self.lock:  # counted before the client can see the answer: no reset race
                self.stats.calls += 1
                self.stats.request_bytes += size
                name = _schema_name(request)
                self.stats.bytes_by_schema[name] = self.stats.bytes_by_schema.get(name, 0) + size
                self.stats.response_bytes += len(data)
                self.stats.prompt_tokens += body["usage"]["prompt_tokens"]
                self.stats.completion_tokens += body["usage"]["completion_tokens"]
            return data
        finally:
            with self.lock:
                self.in_flight -= 1

    def reset(self) -> Stats:
        """Zero the counters; return the old ones."""
        with self.lock:
            old, self.stats = self.stats, Stats()
        return old

    def start(self) -> FakeEndpoint:
        self._server = LoopbackServer(self._complete, name="fake-endpoint").start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
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
