"""Renderers: markdown (default) and JSON (to the published schema)."""

from summarizer.render.json import render_json
from summarizer.render.markdown import render_markdown

__all__ = ["render_json", "render_markdown"]
