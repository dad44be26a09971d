"""Layering: the core knows no provider (only summarizer/backends may import an SDK), never
imports the eval, and no module imports another that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SDKS = {"openai", "instructor", "llama_cpp", "xllamacpp"}
CORE = sorted(p for p in (ROOT / "summarizer").rglob("*.py") if not {"backends", "eval"} & set(p.parts))


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


def _imports(path: Path, top_level_only: bool) -> set[str]:
    """summarizer.* modules a file imports (at module level only, if asked), outside TYPE_CHECKING."""
    tree = ast.parse(path.read_text())
    nodes: list[ast.AST] = list(tree.body) if top_level_only else list(ast.walk(tree))
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("summarizer")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("summarizer"):
            out.add(node.module)
    return out


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_never_imports_the_eval(path: Path) -> None:
    assert not any(m.startswith("summarizer.eval") for m in _imports(path, top_level_only=False)), path.name


def test_no_import_cycles() -> None:
    files = sorted((ROOT / "summarizer").rglob("*.py"))
    graph = {_module(p): {m for m in _imports(p, top_level_only=True) if m != _module(p)} for p in files}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(mod: str) -> None:
        state[mod] = 1
        stack.append(mod)
        for dep in sorted(graph.get(mod, ())):
            if state.get(dep) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*stack[stack.index(dep):], dep]))
            if dep in graph and not state.get(dep):
                visit(dep)
        stack.pop()
        state[mod] = 2

    for mod in graph:
        if not state.get(mod):
            visit(mod)



MAX_MODULE_LINES = 450  # the guide's "about 400"; the largest module is the scorer's number reader


@pytest.mark.parametrize("path", sorted((ROOT / "summarizer").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name}: {lines} lines; split it by what it does"
