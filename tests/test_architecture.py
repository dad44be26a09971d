"""The core knows no provider: only summarizer/backends may import an SDK."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SDKS = {"openai", "instructor", "llama_cpp"}
CORE = sorted(p for p in (ROOT / "summarizer").rglob("*.py") if "backends" not in p.parts)


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_imports_no_sdk(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in SDKS, f"{path.name} imports {name}"


def test_core_modules_exist() -> None:
    assert len(CORE) >= 10


def test_published_schema_is_current() -> None:
    from summarizer.brief import Brief

    published = (ROOT / "schema" / "brief.schema.json").read_text()
    assert published == Brief.json_schema_text(), "run: summarizer schema -o schema/brief.schema.json"
