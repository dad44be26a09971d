"""A loopback OpenAI-compatible chat endpoint (stdlib only): the one HTTP server under the eval's
oracle and the bench's fake endpoint. It serves ``POST …/chat/completions`` on 127.0.0.1 (an
ephemeral port) from a background thread; what it answers is the caller's ``handle`` function.

    with LoopbackServer(lambda request, size: completion(request, json.dumps(answer))) as server:
        server.base_url  # http://127.0.0.1:PORT/v1
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOST = "127.0.0.1"
MAX_BODY = 50_000_000

Handle = Callable[[dict[str, Any], int], dict[str, Any] | bytes]
"""(a parsed chat-completion request, its size in bytes) -> the completion to send (see
:func:`completion`), or its JSON already encoded (:func:`encode`) by a handler that counts it."""


def prompt_text(request: dict[str, Any]) -> str:
    """The request's messages as one text, one message a line."""
    return "\n".join(str(m.get("content") or "") for m in request.get("messages", []))


def encode(body: dict[str, Any]) -> bytes:
    """A response body as the server sends it."""
    return json.dumps(body).encode()


def estimate_tokens(text: str) -> int:
    """About four characters a token (what the fake servers report as usage)."""
    return max(1, (len(text) + 3) // 4)


def completion(request: dict[str, Any], content: str, model: str = "loopback") -> dict[str, Any]:
    """An OpenAI chat completion whose answer is ``content``: message content, or a tool call
    when the request offers tools (instructor's TOOLS modes); usage estimated from the text."""
    prompt = prompt_text(request)
    message: dict[str, Any] = {"role": "assistant", "content": content}
    finish = "stop"
    tools = request.get("tools") or []
    if tools:
        name = tools[0].get("function", {}).get("name", "answer")
        call = {"id": "call_0", "type": "function", "function": {"name": name, "arguments": content}}
        message, finish = {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"
    usage = {"prompt_tokens": estimate_tokens(prompt), "completion_tokens": estimate_tokens(content)}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    return {
        "id": f"chatcmpl-{model}", "object": "chat.completion", "created": 0, "model": request.get("model", model),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": usage,
    }  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _send(self, status: int, body: dict[str, Any] | bytes) -> None:
        data = body if isinstance(body, bytes) else encode(body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if self.path.rstrip("/").endswith("/models"):
            self._send(200, {"object": "list", "data": [{"id": "loopback", "object": "model"}]})
        else:
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(413, {"error": {"message": "request too large", "type": "invalid_request_error"}})
            return
        raw = self.rfile.read(length)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        try:
            request = json.loads(raw)
        except ValueError:
            self._send(400, {"error": {"message": "invalid JSON", "type": "invalid_request_error"}})
            return
        if not isinstance(request, dict):
            self._send(400, {"error": {"message": "the body is not a JSON object", "type": "invalid_request_error"}})
            return
        self._send(200, self.server.handle(request, len(raw)))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    handle: Handle


class LoopbackServer:
    """``handle`` served on 127.0.0.1 from a daemon thread; ``start()``/``stop()`` or a context
    manager. ``base_url`` ends in ``/v1``."""

    def __init__(self, handle: Handle, name: str = "loopback") -> None:
        self._httpd = _Server((HOST, 0), _Handler)
        self._httpd.handle = handle
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=name, daemon=True)  # fmt: skip

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self._httpd.server_address[1]}/v1"

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
