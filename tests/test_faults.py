"""Each fault an endpoint can throw is either recovered by bounded retries or reported for that
document alone: the brief is still built from the rest, the document is marked evidence_only
and listed in brief.failures, and the CLI exits 5 with one warning line and no traceback."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fakes import (
    API_KEY,
    SEEDS,
    Drop,
    FakeOpenAIServer,
    Hang,
    RecordedRequest,
    Reply,
    Step,
    article_of,
    doc_id_of,
    empty_choices,
    grounded,
    grounded_extraction,
    malformed,
    ok,
    rate_limited,
    refusal,
    refusal_sentence,
    schema_breaking,
    server_error,
    truncated,
    unavailable,
)

from summarizer.backends.base import ExtractionRequest
from summarizer.brief import Brief
from summarizer.documents import load_text
from summarizer.errors import EXIT_BACKEND, EXIT_INTERRUPTED, EXIT_PARTIAL
from summarizer.evidence import analyze
from summarizer.extract import numbered
from summarizer.pipeline import summarize
from summarizer.prompts import load_prompt
from summarizer.schemas import IdExtraction
from summarizer.settings import Settings

DOC = "003_cc6058d86ca66856"
DOC_PATH = SEEDS / f"{DOC}.txt"
RETRIES = 2
VALIDATION_RETRIES = 1


def fault_for(doc: str, fault: Step, times: int | None = None) -> Callable[[RecordedRequest], Step]:
    """A responder: ``fault`` for ``doc``'s first ``times`` requests (all if None), a grounded
    extraction for everything else."""
    seen = {"n": 0}

    def respond(req: RecordedRequest) -> Step:
        if doc_id_of(req) == doc:
            seen["n"] += 1
            if times is None or seen["n"] <= times:
                return fault
        return ok(grounded_extraction(article_of(req), 3))

    return respond


def timeout_for(case: str) -> float:
    """0.5 s where the server hangs (the client must give up), generous elsewhere."""
    return 0.5 if "hang" in case else 10.0


def settings(tmp_path: Path, server: FakeOpenAIServer, **kw: Any) -> Settings:
    opts: dict[str, Any] = {"backend": "openai", "base_url": server.base_url, "api_key": API_KEY,
                            "model": "fake-model", "cache_dir": tmp_path / "cache",
                            "validation_retries": VALIDATION_RETRIES, **kw}  # fmt: skip
    return Settings(**opts)


def run_brief(tmp_path: Path, server: FakeOpenAIServer, backend: Any) -> Brief:
    return summarize([SEEDS], settings(tmp_path, server), backend=backend)


def assert_reported_alone(brief: Brief, doc: str = DOC) -> None:
    [failure] = brief.failures
    assert failure.source == doc and failure.stage == "extract"
    assert "\n" not in failure.message and failure.message
    status = {s.id: s.status for s in brief.sources}
    assert status.pop(doc) == "evidence_only"
    assert set(status.values()) == {"ok"} and len(status) == 4
    assert brief.run.grounding.grounded > 0  # the other documents' model claims made it
    assert brief.facts or brief.single_source


# --------------------------------------------------------------------------- recovered


RECOVERABLE: dict[str, Step] = {
    "HTTP 500 once": server_error(500),
    "HTTP 503 once": unavailable(),
    "dropped connection once": Drop(),
    "hang past the 0.5 s timeout once": Hang(3.0),
    "malformed JSON once (instructor re-asks)": malformed(),
    "schema-breaking JSON once (instructor re-asks)": schema_breaking(),
}


@pytest.mark.parametrize("case", list(RECOVERABLE))
def test_transient_fault_is_retried(
    case: str, fake_server: FakeOpenAIServer, make_backend: Callable[..., Any], tmp_path: Path, reliability: Any
) -> None:
    fake_server.responder = fault_for(DOC, RECOVERABLE[case], times=1)
    backend = make_backend(RETRIES, timeout=timeout_for(case))

    brief = run_brief(tmp_path, fake_server, backend)

    reliability.doc("faults", case, brief, DOC, fake_server.calls_for(DOC))
    assert brief.failures == []
    assert all(s.status == "ok" for s in brief.sources)
    assert fake_server.calls_for(DOC) == 2
    assert fake_server.extraction_calls == 6
    assert brief.run.model_calls == fake_server.calls  # the retry is a paid call, counted
    assert brief.run.prompt_tokens == fake_server.prompt_tokens
    assert brief.run.completion_tokens == fake_server.completion_tokens


def test_429_honours_retry_after(fake_server: FakeOpenAIServer, tmp_path: Path, reliability: Any) -> None:
    """The product's own retry policy (an int max_retries) waits the Retry-After seconds."""
    from summarizer.backends.openai_compat import OpenAIBackend

    ev = analyze(load_text(DOC, DOC_PATH.read_text(encoding="utf-8")))
    sentences, figures = numbered(ev, range(len(ev.sentences)))
    fake_server.push(rate_limited(1), ok(grounded_extraction(sentences, 3)))
    backend = OpenAIBackend("fake-model", fake_server.base_url, API_KEY, timeout=5, max_retries=2)
    messages = load_prompt("extract_ids").render(doc_id=DOC, sentences=sentences, figures=figures)
    request = ExtractionRequest(DOC, messages, IdExtraction, {"temperature": 0.0, "max_tokens": 512, "seed": 0})

    started = time.perf_counter()
    response = backend.extract(request)
    waited = time.perf_counter() - started

    reliability.record("faults", "HTTP 429 with Retry-After: 1, then OK",
                       f"recovered after {fake_server.calls} calls" if response.data else "failed",
                       f"waited {waited:.2f} s")  # fmt: skip
    assert fake_server.served == ["429", "ok"]
    assert response.attempts == 2 and len(response.data.key_sentences) == 3  # type: ignore[attr-defined]
    assert 0.95 <= waited < 4.0, waited


def test_retry_after_is_capped_and_read_from_headers() -> None:
    from summarizer.backends.retry import MAX_RETRY_AFTER, retry_after_seconds

    class Resp:
        def __init__(self, value: str) -> None:
            self.headers = {"retry-after": value}

    class Exc(Exception):
        def __init__(self, value: str) -> None:
            self.response = Resp(value)

    assert retry_after_seconds(Exc("2")) == 2.0
    assert retry_after_seconds(Exc("99999")) == MAX_RETRY_AFTER
    assert retry_after_seconds(Exc("soon")) is None


# --------------------------------------------------------------------------- reported per document


PERMANENT: dict[str, tuple[Step, int]] = {
    # case -> (fault, how many requests the document may take at most)
    "malformed JSON content": (malformed(), VALIDATION_RETRIES + 1),
    "schema-breaking JSON": (schema_breaking(), VALIDATION_RETRIES + 1),
    "finish_reason length, truncated content": (truncated(), VALIDATION_RETRIES + 1),
    "empty choices": (empty_choices(), VALIDATION_RETRIES + 1),
    "refusal (message.refusal)": (refusal(), VALIDATION_RETRIES + 1),
    "refusal sentence as content": (refusal_sentence(), VALIDATION_RETRIES + 1),
    "HTTP 429 every time": (rate_limited(0), RETRIES + 1),
    "HTTP 500 every time": (server_error(500), RETRIES + 1),
    "HTTP 503 every time": (unavailable(), RETRIES + 1),
    "dropped connection every time": (Drop(), RETRIES + 1),
    "hang every time": (Hang(3.0), RETRIES + 1),
}


@pytest.mark.parametrize("case", list(PERMANENT))
def test_permanent_fault_is_reported_for_that_document(
    case: str, fake_server: FakeOpenAIServer, make_backend: Callable[..., Any], tmp_path: Path, reliability: Any
) -> None:
    fault, most = PERMANENT[case]
    fake_server.responder = fault_for(DOC, fault)
    backend = make_backend(RETRIES, timeout=timeout_for(case), validation_retries=VALIDATION_RETRIES)

    brief = run_brief(tmp_path, fake_server, backend)

    failure = next((f for f in brief.failures if f.source == DOC), None)
    reliability.doc("faults", case, brief, DOC, fake_server.calls_for(DOC), failure.message if failure else "")
    assert_reported_alone(brief)
    assert 1 <= fake_server.calls_for(DOC) <= most
    assert brief.run.model_calls == fake_server.calls, "every request, failed or not, is counted"
    assert API_KEY not in brief.failures[0].message


CLI_FAULTS: dict[str, Step] = {
    # one of each path: invalid output, a response instructor cannot read, HTTP error, timeout
    "malformed JSON content": malformed(),
    "empty choices": empty_choices(),
    "HTTP 503 every time": unavailable(),
    "hang every time": Hang(3.0),
}


@pytest.mark.parametrize("case", list(CLI_FAULTS))
def test_cli_exits_partial_with_one_warning(
    case: str, fake_server: FakeOpenAIServer, run_cli: Callable[..., Any], tmp_path: Path, reliability: Any
) -> None:
    fake_server.responder = fault_for(DOC, CLI_FAULTS[case])
    out = tmp_path / "brief.json"
    proc = run_cli("brief", SEEDS, "--backend", "openai", "--base-url", fake_server.base_url,
                   "--api-key", API_KEY, "--cache-dir", tmp_path / "cache", "--max-retries", "0",
                   "--timeout", "0.5", "-o", out)  # fmt: skip

    reliability.cli("faults (CLI)", case, proc.returncode, proc.stderr)
    assert proc.returncode == EXIT_PARTIAL, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert all(line.startswith("summarizer: ") for line in lines), lines
    warnings = [line for line in lines if line.startswith("summarizer: warning:")]
    assert len(warnings) == 1 and DOC in warnings[0], lines
    assert API_KEY not in proc.stderr and API_KEY not in proc.stdout
    brief = Brief.model_validate(json.loads(out.read_text(encoding="utf-8")))
    assert_reported_alone(brief)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_endpoint_reports_every_document(
    run_cli: Callable[..., Any], tmp_path: Path, reliability: Any
) -> None:
    """Nothing listens: every document fails after bounded retries; the evidence layer's brief
    is still written and each document is listed."""
    out = tmp_path / "brief.json"
    proc = run_cli("brief", SEEDS, "--backend", "openai", "--base-url", f"http://127.0.0.1:{_closed_port()}/v1",
                   "--api-key", API_KEY, "--cache-dir", tmp_path / "cache", "--max-retries", "0", "-o", out)  # fmt: skip
    reliability.cli("faults (CLI)", "endpoint unreachable (connection refused) for every document",
                    proc.returncode, proc.stderr)  # fmt: skip
    assert proc.returncode == EXIT_BACKEND, proc.stderr
    assert "Traceback" not in proc.stderr
    brief = Brief.model_validate_json(out.read_text(encoding="utf-8"))
    assert {s.status for s in brief.sources} == {"evidence_only"}
    assert len(brief.failures) == 5 and brief.facts
    assert sum("warning" in line for line in proc.stderr.splitlines()) == 5


# --------------------------------------------------------------------------- resume


def test_partly_failed_run_resumes_without_repeating_calls(
    fake_server: FakeOpenAIServer, tmp_path: Path, reliability: Any
) -> None:
    fake_server.responder = fault_for(DOC, schema_breaking())
    first = summarize([SEEDS], settings(tmp_path, fake_server, max_retries=0))
    assert [f.source for f in first.failures] == [DOC]
    calls_before, first_calls = fake_server.extraction_calls, fake_server.calls

    fake_server.responder = grounded(3)
    second = summarize([SEEDS], settings(tmp_path, fake_server, max_retries=0))

    made = fake_server.extraction_calls - calls_before
    reliability.record("resume", "second run after doc 003 failed",
                       f"{made} extraction call(s), {second.run.cache_hits} cache hits", "")  # fmt: skip
    assert made == 1, "only the failed document may be asked again"
    assert fake_server.calls_for(DOC) == calls_before - 4 + 1
    assert second.run.cache_hits >= 4 and second.run.model_calls == fake_server.calls - first_calls
    assert second.failures == [] and all(s.status == "ok" for s in second.sources)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def _default_sigint() -> None:
    """The child takes Ctrl-C as a user's terminal would, even if an earlier test in this
    process left SIGINT ignored (an ignored signal is inherited across exec)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_interrupted_run_exits_130_starts_nothing_new_and_resumes(
    fake_server: FakeOpenAIServer, cli_env: dict[str, str], tmp_path: Path, reliability: Any
) -> None:
    """Ctrl-C while the second of five documents hangs (one at a time): exit 130 with one line,
    no document is started after the interrupt, and the rerun pays only for the unfinished."""
    second = "001_b25516201257ea1d"
    fake_server.responder = fault_for(second, Hang(20.0))
    args = ["brief", SEEDS, "--backend", "openai", "--model", "fake-model", "--base-url", fake_server.base_url,
            "--api-key", API_KEY, "--cache-dir", tmp_path / "cache", "--max-retries", "0", "--timeout", "3",
            "--concurrency", "1", "-o", tmp_path / "b.md"]  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "summarizer", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=cli_env, cwd=tmp_path,
                            preexec_fn=_default_sigint)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while fake_server.calls_for(second) == 0 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        _, stderr = proc.communicate(timeout=30)
        took = time.monotonic() - interrupted
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    started = [doc_id_of(r) for r in fake_server.chat_requests]
    reliability.cli("interruption", "Ctrl-C while a document hangs", proc.returncode, stderr)
    assert proc.returncode == EXIT_INTERRUPTED, stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert started == ["000_46aef3835b0e6e2a", second], f"documents started after Ctrl-C: {started}"
    assert took < 5, took

    fake_server.responder = grounded(3)
    before = fake_server.extraction_calls
    rerun = summarize([SEEDS], settings(tmp_path, fake_server, max_retries=0, concurrency=1))
    made = fake_server.extraction_calls - before
    reliability.record("interruption", "rerun after Ctrl-C",
                       f"{made} extraction calls, {rerun.run.cache_hits} cache hits")  # fmt: skip
    assert made == 4 and rerun.run.cache_hits >= 1
    assert rerun.failures == []


def test_truncated_answer_keeps_its_complete_claims(
    fake_server: FakeOpenAIServer, make_backend: Callable[..., Any], tmp_path: Path, reliability: Any
) -> None:
    """finish_reason "length" after two whole key sentences: those two are salvaged and
    grounded, the cut-off third is not; the document is not lost, and its answer is cached."""
    whole = json.dumps({"key_sentences": [{"id": "S3", "topic": "t"}, {"id": "S4", "topic": "t"},
                                          {"id": "S5", "topic": "A third claim that is cut"}]})  # fmt: skip
    cut = whole[: whole.rindex("A third claim") + 5]
    fake_server.responder = fault_for(DOC, Reply(content=cut, finish_reason="length", label="truncated"))
    backend = make_backend(RETRIES, validation_retries=0)
    brief = run_brief(tmp_path, fake_server, backend)
    status = {s.id: s.status for s in brief.sources}
    reliability.doc("faults", "finish_reason length after two whole claims", brief, DOC,
                    fake_server.calls_for(DOC), "salvaged" if status[DOC] == "ok" else "lost")  # fmt: skip
    assert status[DOC] == "ok"
    assert not [f for f in brief.failures if f.source == DOC]
    assert brief.run.grounding.proposed >= 2
    # the cut answer was paid for: it is cached like a whole one and never asked for again
    calls = fake_server.calls_for(DOC)
    again = run_brief(tmp_path, fake_server, backend)
    assert fake_server.calls_for(DOC) == calls
    assert again.model_dump(exclude={"run"}) == brief.model_dump(exclude={"run"})
