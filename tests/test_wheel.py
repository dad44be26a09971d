"""The wheel, installed in a fresh venv (no checkout on the path), writes a brief against an
OpenAI-compatible endpoint (the loopback fake): prompts and assets come from package data, and
the wheel's only top-level package is summarizer."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from fakes import FakeOpenAIServer
from fakes.server import grounded

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "evals" / "corpus" / "seeds" / "003_cc6058d86ca66856.txt"

pytestmark = pytest.mark.slow


def test_installed_wheel_writes_a_brief_against_an_endpoint(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(dist)],
                   check=True, cwd=tmp_path)  # fmt: skip
    wheel = next(dist.glob("summarizer-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")} == {"summarizer"}
    assert any(n.startswith("summarizer/templates/") and n.endswith(".md") for n in names)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, env=clean)
    # dependencies from this environment's site-packages; summarizer only from the wheel
    env = {**clean, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    where = subprocess.run([str(python), "-c", "import summarizer; print(summarizer.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, check=True)  # fmt: skip
    assert where.stdout.startswith(str(venv)), where.stdout
    out = tmp_path / "brief.md"
    with FakeOpenAIServer(responder=grounded()) as server:
        run = subprocess.run(
            [str(python), "-m", "summarizer", "brief", str(SEED), "--backend", "openai", "--base-url",
             server.base_url, "--api-key", "sk-test", "--no-cache", "-q", "-o", str(out)],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
        )  # fmt: skip
        calls = len(server.requests)
    assert run.returncode == 0, run.stderr
    assert calls >= 1
    assert "openai" in out.read_text(encoding="utf-8")
