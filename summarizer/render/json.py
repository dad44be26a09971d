"""JSON output: always valid, always to ``schema/brief.schema.json``."""

from __future__ import annotations

from summarizer.brief import Brief


def render_json(brief: Brief, indent: int | None = 2) -> str:
    return brief.model_dump_json(indent=indent)
