"""The command line: outputs, formats and exit codes (one line on error, never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(str(p) for p in (ROOT / "evals" / "corpus" / "seeds").glob("0*.txt"))


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args], capture_output=True, text=True, cwd=cwd,
        timeout=120,
    )  # fmt: skip


def test_brief_markdown_to_file(tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    r = run("brief", *SEEDS, "--backend", "none", "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert text.startswith("# Brief:")
    for section in ("## Sources", "## Discrepancies", "## Agreed facts", "## Quotes"):
        assert section in text
    assert "backend none" in r.stderr and "Traceback" not in r.stderr


def test_brief_json_follows_schema(tmp_path: Path) -> None:
    from summarizer.brief import Brief

    r = run("brief", *SEEDS, "--backend", "none", "--format", "json", "-q")
    assert r.returncode == 0
    assert r.stderr == ""
    brief = Brief.model_validate(json.loads(r.stdout))
    assert len(brief.sources) == 5


def test_missing_file_exit_3() -> None:
    r = run("brief", "no/such/file.txt", "--backend", "none")
    assert r.returncode == 3
    assert r.stderr.strip().count("\n") == 0
    assert "no such file" in r.stderr and "Traceback" not in r.stderr


def test_partial_input_failure_exit_5(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    r = run("brief", SEEDS[0], SEEDS[3], str(empty), "--backend", "none", "-o", str(tmp_path / "b.md"))
    assert r.returncode == 5
    assert "file is empty" in r.stderr
    assert (tmp_path / "b.md").exists()


def test_bad_flag_exit_2() -> None:
    r = run("brief", SEEDS[0], "--backend", "nonsense")
    assert r.returncode == 2
    r = run("brief", SEEDS[0], "--concurrency", "0", "--backend", "none")
    assert r.returncode == 2 and "concurrency" in r.stderr


def test_openai_backend_without_endpoint_is_config_error(tmp_path: Path) -> None:
    r = run("brief", SEEDS[0], "--backend", "openai", "--cache-dir", str(tmp_path))
    assert r.returncode == 2
    assert "base-url" in r.stderr


def test_schema_command() -> None:
    r = run("schema")
    assert r.returncode == 0
    assert json.loads(r.stdout)["title"] == "Brief"
