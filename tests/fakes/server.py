"""A scripted OpenAI-compatible server for tests, on 127.0.0.1 only.

It serves ``POST /v1/chat/completions`` and ``GET /v1/models`` from a background thread
(stdlib ``ThreadingHTTPServer``, port 0). Each chat request takes the next step of a script
(a queue), or, when the queue is empty, asks ``responder(request)`` for one. A step is a
normal completion (:class:`Reply`, whose JSON answer goes in ``message.content``, or in
``tool_calls`` when the request asked for tools) or a fault: an HTTP error
(:class:`HTTPError`: 429 with Retry-After, 500, 503...), a dropped connection (:class:`Drop`)
or a hang (:class:`Hang`). With ``reject_json_schema`` set, any request whose
``response_format`` is of type ``json_schema`` is refused with that status, like
llama-cpp-python's server (which answers 500 with a validation message). The brief's overview
call (fact lines, no article) is answered with a grounded OverviewDraft unless
``answer_overview`` is False, and the story's alignment call with no groups unless
``answer_alignment`` is False.

Every request is recorded (path, headers, body); chat calls and usage tokens are counted.
Everything is bounded: at most ``max_requests`` chat calls are answered normally, a hang
lasts at most its ``seconds`` (and ends at once on ``stop()``), an exhausted script answers
HTTP 400 (not retried by clients) instead of blocking.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic import BaseModel

from .ids import empty_alignment, ids_answer, is_alignment

HOST = "127.0.0.1"
MAX_BODY = 20_000_000


# --------------------------------------------------------------------------- requests


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes

    @property
    def messages(self) -> list[dict[str, Any]]:
        msgs = self.body.get("messages") if isinstance(self.body, dict) else None
        return list(msgs or [])

    @property
    def text(self) -> str:
        """Every message's content, joined."""
        return "\n".join(_content_text(m.get("content")) for m in self.messages)

    @property
    def response_format(self) -> str | None:
        rf = self.body.get("response_format") if isinstance(self.body, dict) else None
        return rf.get("type") if isinstance(rf, dict) else None

    @property
    def tools(self) -> list[dict[str, Any]]:
        tools = self.body.get("tools") if isinstance(self.body, dict) else None
        return list(tools or [])


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


_DOC_ID = re.compile(r"Article id:\s*(\S+)")


def doc_id_of(request: RecordedRequest) -> str | None:
    """The document id the extraction prompt names ("Article id: ...")."""
    m = _DOC_ID.search(request.text)
    return m.group(1) if m else None


def article_of(request: RecordedRequest) -> str:
    """The article text between the prompt's <article> tags (the first user message's)."""
    for m in request.messages:
        text = _content_text(m.get("content"))
        start = text.find("<article>\n")
        end = text.rfind("\n</article>")
        if m.get("role") == "user" and start >= 0 and end > start:
            return text[start + len("<article>\n") : end]
    return ""


_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])")


def sentences(text: str, min_len: int = 30, max_len: int = 250) -> list[str]:
    """Plain sentences of ``text`` (verbatim substrings), shortest and longest left out."""
    out: list[str] = []
    for line in text.splitlines():
        for s in _SENT.split(line.strip()):
            s = s.strip()
            if min_len <= len(s) <= max_len and s not in out:
                out.append(s)
    return out


def grounded_extraction(text: str, n: int = 3, skip: int = 0) -> dict[str, Any]:
    """An IdExtraction (as JSON data) for the numbered article ``text``: what a good model
    returns, its first full sentences as key sentences."""
    return ids_answer(text, n, skip)


_FACT_LINE = re.compile(r"^(?P<id>[FSD]\d+) \((?P<what>[^)]*)\): (?P<text>.+)$", re.M)


def is_overview(request: RecordedRequest) -> bool:
    """The brief's overview call (a list of fact lines like "F1 (...): ..."), not an extraction."""
    return doc_id_of(request) is None and bool(_FACT_LINE.search(request.text))


def overview_answer(request: RecordedRequest, n: int = 2) -> dict[str, Any]:
    """An OverviewDraft that repeats the first agreed facts, each citing itself."""
    lines = [m for m in _FACT_LINE.finditer(request.text) if m.group("id").startswith("F")]
    return {"sentences": [{"text": m.group("text").strip(), "refs": [m.group("id")]} for m in lines[:n]]}


def grounded(n: int = 3) -> Responder:
    """A responder that answers every request like a good model: key sentences of its article."""

    def respond(request: RecordedRequest) -> Step:
        return ok(grounded_extraction(article_of(request), n))

    return respond


# --------------------------------------------------------------------------- steps


@dataclass
class Reply:
    """A 200 completion. ``content`` (dict / pydantic model -> JSON text, str as is, None as
    null) is the model's answer. ``tool_calls``: None = automatic (used when the request asked
    for tools), True/False to force. ``choices=False`` sends an empty ``choices`` list."""

    content: Any = None
    finish_reason: str = "stop"
    refusal: str | None = None
    tool_calls: bool | None = None
    choices: bool = True
    usage: tuple[int, int] | None = None
    label: str = "ok"


@dataclass
class HTTPError:
    status: int
    message: str = "error"
    headers: dict[str, str] = field(default_factory=dict)
    type: str = "server_error"
    label: str = ""


@dataclass
class Drop:
    """Close the connection without sending any response."""

    label: str = "drop"


@dataclass
class Hang:
    """Sleep ``seconds`` (longer than the client's timeout) before answering 504."""

    seconds: float = 3.0
    label: str = "hang"


Step = Reply | HTTPError | Drop | Hang
Responder = Callable[[RecordedRequest], Step]


def ok(data: Any, *, usage: tuple[int, int] | None = None) -> Reply:
    return Reply(content=data, usage=usage)


def rate_limited(retry_after: float | str = 1) -> HTTPError:
    return HTTPError(429, "Rate limit reached; please retry", {"Retry-After": str(retry_after)},
                     "rate_limit_error", "429")  # fmt: skip


def server_error(status: int = 500) -> HTTPError:
    return HTTPError(status, "The server had an error while processing your request", {},
                     "server_error", str(status))  # fmt: skip


def unavailable() -> HTTPError:
    return HTTPError(503, "The engine is currently overloaded", {}, "server_error", "503")


def malformed() -> Reply:
    return Reply(content='{"key_sentences": [{"id": "S1", "topic": "oops"}, ,]]', label="malformed_json")


def schema_breaking() -> Reply:
    return Reply(content={"key_sentences": "none", "figures": {"x": 1}, "event": 42}, label="schema_breaking")


def truncated(data: Any | None = None) -> Reply:
    text = json.dumps(data if data is not None else {"key_sentences": [
        {"id": "S2", "topic": "a topic that never ends"}, {"id": "S3", "topic": "cut"}], "figures": [],
        "event": {"who": "", "what": "", "when": ""}})  # fmt: skip
    cut = text.find('"topic"') + 12 if data is None else len(text) // 2  # inside the first item
    return Reply(content=text[:cut], finish_reason="length", label="truncated")


def empty_choices() -> Reply:
    return Reply(choices=False, label="empty_choices")


def refusal(text: str = "I'm sorry, but I can't help with that request.") -> Reply:
    """A structured refusal: ``message.refusal`` set, no content."""
    return Reply(content=None, refusal=text, label="refusal")


def refusal_sentence(text: str = "I'm sorry, but I can't help with that request.") -> Reply:
    """A refusal as plain content (what most open models do)."""
    return Reply(content=text, label="refusal_sentence")


LLAMA_CPP_REJECTION = (
    "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'),"
    " 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', 'ctx':"
    " {'expected': \"'text' or 'json_object'\"}}"
)


def reject_json_schema(status: int = 400) -> HTTPError:
    """The refusal of a ``response_format`` of type json_schema. 500 copies llama-cpp-python's
    server (its request-validation errors come back as internal errors)."""
    if status == 500:
        return HTTPError(500, LLAMA_CPP_REJECTION, {}, "internal_server_error", "reject_json_schema")
    return HTTPError(status, "response_format type 'json_schema' is not supported by this server;"
                     " use 'json_object'", {}, "invalid_request_error", "reject_json_schema")  # fmt: skip


# --------------------------------------------------------------------------- server


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FakeOpenAIServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # an idle keep-alive connection is closed after this
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        self.server.owner._track(self.connection, add=False)

    def _read(self) -> RecordedRequest | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._json(413, {"error": {"message": "body too large", "type": "invalid_request_error"}})
            return None
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        return RecordedRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                               body, raw)  # fmt: skip

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        req = self._read()
        if req is None:
            return
        owner = self.server.owner
        owner._record(req)
        if self.path.rstrip("/") in ("/v1/models", "/models"):
            self._json(200, {"object": "list", "data": [
                {"id": owner.model, "object": "model", "created": 0, "owned_by": "fake"}]})  # fmt: skip
        else:
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        req = self._read()
        if req is None:
            return
        owner = self.server.owner
        owner._record(req)
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        step = owner._next_step(req)
        owner._served(step)
        if isinstance(step, Drop):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if isinstance(step, Hang):
            owner._stopping.wait(step.seconds)
            self.close_connection = True
            self._json(504, {"error": {"message": "hung", "type": "timeout"}})
            return
        if isinstance(step, HTTPError):
            self._json(step.status, {"error": {"message": step.message, "type": step.type,
                                               "param": None, "code": None}}, step.headers)  # fmt: skip
            return
        self._json(200, owner._completion(req, step))

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:  # the client went away (e.g. it timed out during a hang)
            self.close_connection = True


class FakeOpenAIServer:
    """A scripted OpenAI-compatible endpoint. Use as a context manager or start()/stop()."""

    def __init__(
        self,
        script: Iterable[Step] = (),
        *,
        responder: Responder | None = None,
        reject_json_schema: int | None = None,
        answer_overview: bool = True,
        answer_alignment: bool = True,
        model: str = "fake-model",
        max_requests: int = 500,
    ) -> None:
        self.script: deque[Step] = deque(script)
        self.responder = responder
        self.answer_overview = answer_overview
        self.answer_alignment = answer_alignment
        self.reject_json_schema = reject_json_schema
        self.model = model
        self.max_requests = max_requests
        self.requests: list[RecordedRequest] = []
        self.served: list[str] = []
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._conns: set[socket.socket] = set()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._n = 0

    # lifecycle
    def start(self) -> FakeOpenAIServer:
        httpd = _Server((HOST, 0), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-openai", daemon=True)  # fmt: skip
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    # scripting
    def push(self, *steps: Step) -> None:
        with self._lock:
            self.script.extend(steps)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.method == "POST" and "chat/completions" in r.path]

    @property
    def calls(self) -> int:
        """Chat completion requests received (including faults and rejections)."""
        return len(self.chat_requests)

    def calls_for(self, doc_id: str) -> int:
        return sum(1 for r in self.chat_requests if doc_id_of(r) == doc_id)

    @property
    def extraction_calls(self) -> int:
        """Chat requests for one article (the per-document extraction prompt)."""
        return sum(1 for r in self.chat_requests if doc_id_of(r) is not None)

    @property
    def overview_calls(self) -> int:
        return sum(1 for r in self.chat_requests if is_overview(r))

    # internals (called from handler threads)
    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            (self._conns.add if add else self._conns.discard)(conn)

    def _record(self, req: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(req)

    def _served(self, step: Step) -> None:
        with self._lock:
            self.served.append(step.label or type(step).__name__)

    def _next_step(self, req: RecordedRequest) -> Step:
        with self._lock:
            self._n += 1
            if self._n > self.max_requests:
                return HTTPError(400, "fake server: request limit reached", {}, "invalid_request_error",
                                 "limit")  # fmt: skip
            if self.reject_json_schema and req.response_format == "json_schema":
                return reject_json_schema(self.reject_json_schema)
            if self.answer_overview and is_overview(req):
                return Reply(content=overview_answer(req), label="overview")
            if self.answer_alignment and is_alignment(req.text):
                return Reply(content=empty_alignment(), label="alignment")
            if self.script:
                return self.script.popleft()
            responder = self.responder
        if responder is not None:
            return responder(req)
        return HTTPError(400, "fake server: script exhausted", {}, "invalid_request_error", "exhausted")

    def _completion(self, req: RecordedRequest, reply: Reply) -> dict[str, Any]:
        content = reply.content
        if isinstance(content, BaseModel):
            content = content.model_dump_json()
        elif content is not None and not isinstance(content, str):
            content = json.dumps(content)
        use_tools = (reply.tool_calls if reply.tool_calls is not None
                     else bool(req.tools) and reply.label != "refusal_sentence")  # fmt: skip
        message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": reply.refusal}
        finish = reply.finish_reason
        if use_tools and content is not None:
            name = (req.tools[0].get("function") or {}).get("name", "answer") if req.tools else "answer"
            message["content"] = None
            message["tool_calls"] = [{"id": f"call_{self._n}", "type": "function",
                                      "function": {"name": name, "arguments": content}}]  # fmt: skip
            finish = "tool_calls" if finish == "stop" else finish
        if reply.usage is not None:
            prompt, completion = reply.usage
        else:
            prompt = sum(len(_content_text(m.get("content")).split()) for m in req.messages)
            completion = max(1, len(str(content or reply.refusal or "").split()))
        with self._lock:
            self.prompt_tokens += prompt
            self.completion_tokens += completion
            n = self._n
        choices = [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}]
        return {
            "id": f"chatcmpl-fake-{n}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": choices if reply.choices else [],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                      "total_tokens": prompt + completion},  # fmt: skip
        }
