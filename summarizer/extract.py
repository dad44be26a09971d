"""Extraction: the optional model call per document, through the prompt, the cache and the
backend, with usage accounting; and the model-written overview call. Cached, retried by the
backend, run concurrently by the pipeline."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from summarizer.brief import Brief, Span
from summarizer.cache import ResultCache, cache_key
from summarizer.documents import Document
from summarizer.errors import BackendError, SummarizerError
from summarizer.grounding import GroundingReport
from summarizer.overview import facts_for_prompt, grounded_overview
from summarizer.prompts import Prompt, load_prompt
from summarizer.schemas import DocumentExtraction, OverviewDraft, schema_hash
from summarizer.settings import Settings
from summarizer.text import paragraphs

if TYPE_CHECKING:
    from summarizer.backends.base import Backend

M = TypeVar("M", bound=BaseModel)


@dataclass
class Stats:
    model_calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    grounding: GroundingReport = field(default_factory=GroundingReport)


def chunk_text(text: str, max_chars: int) -> list[str]:
    """Split on paragraph boundaries into chunks of at most ``max_chars`` (a longer paragraph
    is cut), each chunk repeating the previous chunk's last paragraph as overlap."""
    if len(text) <= max_chars:
        return [text]
    paras = [text[s:e] for s, e in paragraphs(text)]
    pieces: list[str] = []
    for p in paras:
        while len(p) > max_chars:
            pieces.append(p[:max_chars])
            p = p[max_chars:]
        pieces.append(p)
    chunks: list[list[str]] = [[]]
    size = 0
    for p in pieces:
        if size + len(p) > max_chars and chunks[-1]:
            overlap = chunks[-1][-1]
            chunks.append([overlap] if len(overlap) + len(p) <= max_chars else [])
            size = sum(len(x) for x in chunks[-1])
        chunks[-1].append(p)
        size += len(p) + 2
    return ["\n\n".join(c) for c in chunks if c]


class Extractor:
    """Runs the model over one document: prompt, cache, backend, with usage accounting."""

    def __init__(self, backend: Backend, settings: Settings, cache: ResultCache, stats: Stats) -> None:
        self.backend = backend
        self.settings = settings
        self.cache = cache
        self.stats = stats
        self.prompt: Prompt = load_prompt("extract", settings.prompts_dir)
        self.schema = DocumentExtraction
        self.sampling: dict[str, Any] = {
            "temperature": settings.temperature,
            "max_tokens": settings.max_tokens or getattr(backend, "default_max_tokens", 4096),
            "seed": settings.seed,
        }

    def key(self, doc: Document, messages: list[dict[str, str]]) -> str:
        return self._key(self.prompt, doc.sha256, messages, self.schema)

    def _key(
        self, prompt: Prompt, content_hash: str, messages: list[dict[str, str]], schema: type[BaseModel]
    ) -> str:
        return cache_key(
            {
                "backend": self.backend.identity(),
                "prompt": {"name": prompt.name, "version": prompt.version, "messages": messages},
                "schema": schema_hash(schema),
                "sampling": self.sampling,
                "document": content_hash,
            }
        )

    def call(
        self, label: str, prompt: Prompt, content_hash: str, messages: list[dict[str, str]],
        schema: type[M],
    ) -> M:  # fmt: skip
        """One schema-constrained model call, through the cache, with usage accounting."""
        from summarizer.backends.base import ExtractionRequest

        key = self._key(prompt, content_hash, messages, schema)
        cached = None if self.settings.no_cache else self.cache.get(key)
        if cached is not None:
            self.stats.cache_hits += 1
            return schema.model_validate(cached["data"])
        try:
            response = self.backend.extract(
                ExtractionRequest(label, messages, schema, dict(self.sampling))
            )
        except BackendError as exc:
            self.stats.model_calls += exc.attempts  # failed calls are paid for too
            raise
        self.stats.model_calls += response.usage.calls or 1
        self.stats.prompt_tokens += response.usage.prompt_tokens
        self.stats.completion_tokens += response.usage.completion_tokens
        data = schema.model_validate(response.data.model_dump())
        if not self.settings.no_cache:
            self.cache.set(key, {"data": data.model_dump(mode="json")})
        return data

    def extract(self, doc: Document, furniture: Sequence[Span] = ()) -> DocumentExtraction:
        """Page furniture found by the evidence layer is not sent: it costs tokens and could
        only yield claims that grounding would drop."""
        claims = []
        meta = None
        text = _without(doc.text, furniture)
        for chunk in chunk_text(text, self.settings.chunk_chars):
            # The article cannot close its own delimiter in the prompt.
            safe = re.sub(r"(?i)</\s*article\s*>", "</ article>", chunk)
            messages = self.prompt.render(doc_id=doc.id, text=safe)
            data = self.call(doc.id, self.prompt, doc.sha256, messages, self.schema)
            claims.extend(data.claims)
            meta = meta or data.metadata
        result = DocumentExtraction(claims=claims)
        if meta is not None:
            result.metadata = meta
        return result

    def overview(self, brief: Brief) -> None:
        """Replace the facts-built overview with a model-written one, sentence by sentence
        checked; keep the facts-built one when nothing survives or the model fails."""
        prompt = load_prompt("overview", self.settings.prompts_dir)
        facts = facts_for_prompt(brief)
        messages = prompt.render(facts=facts)
        content_hash = hashlib.sha256(facts.encode()).hexdigest()
        try:
            draft = self.call("overview", prompt, content_hash, messages, OverviewDraft)
        except SummarizerError:
            self.stats.grounding.dropped["overview_model_failed"] += 1
            return
        sentences = grounded_overview(brief, draft, self.stats.grounding.dropped)
        if sentences:
            brief.overview = sentences


def _without(text: str, spans: Sequence[Span]) -> str:
    if not spans:
        return text
    out, pos = [], 0
    for s in sorted(spans, key=lambda s: s.start):
        out.append(text[pos : s.start])
        pos = max(pos, s.end)
    out.append(text[pos:])
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip()
