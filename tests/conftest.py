"""Shared fixtures: a scripted OpenAI-compatible server, a CLI runner, the reliability report."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
for _p in (str(ROOT), str(TESTS)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import reliability  # noqa: E402
from fakes import API_KEY, FakeOpenAIServer  # noqa: E402

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def fake_server() -> Iterator[FakeOpenAIServer]:
    """A started scripted server; ``push()`` steps or set ``responder`` before use."""
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def make_backend(fake_server: FakeOpenAIServer) -> Callable[..., Any]:
    """``make_backend(retries=2, **kw)``: an OpenAIBackend on ``fake_server`` whose transport
    retries wait 10 ms (pass ``max_retries=<int>`` for the product's real backoff)."""
    from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_fixed

    from summarizer.backends.openai_compat import OpenAIBackend, is_retryable

    def make(retries: int = 2, **kw: Any) -> OpenAIBackend:
        fast = Retrying(stop=stop_after_attempt(retries + 1), wait=wait_fixed(0.01),
                        retry=retry_if_exception(is_retryable), reraise=True)  # fmt: skip
        opts: dict[str, Any] = {"model": "fake-model", "base_url": fake_server.base_url,
                                "api_key": API_KEY, "timeout": 5.0, "max_retries": fast, **kw}  # fmt: skip
        return OpenAIBackend(**opts)

    return make


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """A clean environment for a CLI subprocess: no SUMMARIZER_*/OPENAI_* variables, a private
    XDG cache, and this checkout's package first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZER_", "OPENAI_"))}
    return {**env, "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"), "PYTHONPATH": str(ROOT)}


@pytest.fixture
def run_cli(tmp_path: Path, cli_env: dict[str, str]) -> RunCli:
    """Run ``python -m summarizer ARGS`` (in ``cli_env``, plus ``env``); returns the
    CompletedProcess (text)."""

    def run(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "summarizer", *map(str, args)], capture_output=True,
                              text=True, timeout=timeout, env={**cli_env, **(env or {})}, cwd=tmp_path)  # fmt: skip

    return run


@pytest.fixture(name="reliability")
def reliability_fixture(request: pytest.FixtureRequest) -> reliability.Recorder:
    """Record a fault or bad input and its observed outcome for the reliability report."""
    return reliability.Recorder(reliability.LOG, request.node.nodeid)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    reliability.LOG.result(report.nodeid, report.when, report.outcome, hasattr(report, "wasxfail"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reliability.LOG.write(reliability.report_path(session.config.rootpath))
