"""Test doubles that talk real protocols (a scripted OpenAI-compatible HTTP server)."""

from pathlib import Path

from .server import (
    Drop,
    FakeOpenAIServer,
    Hang,
    HTTPError,
    RecordedRequest,
    Reply,
    Step,
    article_of,
    doc_id_of,
    empty_choices,
    grounded,
    grounded_extraction,
    is_overview,
    malformed,
    ok,
    overview_answer,
    rate_limited,
    refusal,
    refusal_sentence,
    reject_json_schema,
    schema_breaking,
    sentences,
    server_error,
    truncated,
    unavailable,
)

SEEDS = Path(__file__).resolve().parents[2] / "evals" / "corpus" / "seeds"
API_KEY = "sk-test-SENTINEL-7f3a9c1e5b"
"""A recognisable fake key: tests grep caches, outputs and stderr for it."""

__all__ = [
    "API_KEY", "SEEDS", "Drop", "FakeOpenAIServer", "HTTPError", "Hang", "RecordedRequest", "Reply", "Step",
    "article_of", "doc_id_of", "empty_choices", "grounded", "grounded_extraction", "is_overview", "malformed", "ok", "overview_answer",
    "rate_limited", "refusal", "refusal_sentence", "reject_json_schema", "schema_breaking",
    "sentences", "server_error", "truncated", "unavailable",
]  # fmt: skip
