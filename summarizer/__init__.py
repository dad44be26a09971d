"""summarizer: several articles about one story in, one consolidated brief out.

    >>> from summarizer import summarize
    >>> brief = summarize(["a.txt", "b.txt"])
    >>> print(brief.to_markdown())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Brief", "Settings", "SummarizerError", "summarize", "summarize_stories", "__version__"]

if TYPE_CHECKING:
    from summarizer.brief import Brief
    from summarizer.errors import SummarizerError
    from summarizer.pipeline import summarize, summarize_stories
    from summarizer.settings import Settings


def __getattr__(name: str) -> Any:  # lazy: keep `import summarizer` and the CLI start fast
    if name in ("summarize", "summarize_stories"):
        from summarizer import pipeline

        return getattr(pipeline, name)
    if name == "Brief":
        from summarizer.brief import Brief

        return Brief
    if name == "Settings":
        from summarizer.settings import Settings

        return Settings
    if name == "SummarizerError":
        from summarizer.errors import SummarizerError

        return SummarizerError
    raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
