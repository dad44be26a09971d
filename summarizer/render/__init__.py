"""Renderers, by format name. A new format is a module here and one line in :data:`FORMATS`;
the module is imported only when its format is asked for.

Each renderer takes the Brief and, optionally, the source texts its spans index (the HTML page
shows them; markdown and JSON do not need them)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from summarizer.brief import Brief

FORMATS: dict[str, str] = {
    "md": "summarizer.render.markdown:render_markdown",
    "json": "summarizer.render.json:render_json",
    "html": "summarizer.render.html:render_html",
}
SUFFIXES: dict[str, str] = {".md": "md", ".json": "json", ".html": "html", ".htm": "html"}
NEEDS_TEXTS = {"html"}


def render(brief: Brief, fmt: str, texts: Mapping[str, str] | None = None) -> str:
    """The brief in format ``fmt`` (one of :data:`FORMATS`)."""
    module, func = FORMATS[fmt].split(":")
    renderer = getattr(importlib.import_module(module), func)
    out: str = renderer(brief, texts) if fmt in NEEDS_TEXTS else renderer(brief)
    return out


def render_index(titles: list[tuple[str, str]], fmt: str) -> str:
    """An index of several story briefs: (title, file name) pairs, in ``fmt``."""
    if fmt == "html":
        from summarizer.render.html import render_index as html_index

        return html_index(titles)
    lines = ["# Stories", ""] + [f"- [{t}]({name})" for t, name in titles]
    return "\n".join(lines) + "\n"


__all__ = ["FORMATS", "render", "render_index"]
