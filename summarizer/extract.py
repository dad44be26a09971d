"""Extraction: the optional model call per document (answers by ids: the document goes out as
numbered sentences and figures), through the prompt, the cache and the
backend, with usage accounting; and the model-written overview call. Cached, retried by the
backend, run concurrently by the pipeline."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from summarizer.brief import Brief
from summarizer.cache import ResultCache, cache_key
from summarizer.documents import Document
from summarizer.errors import BackendError, SummarizerError
from summarizer.evidence import DocEvidence
from summarizer.grounding import GroundingReport, is_claim_sentence
from summarizer.overview import facts_for_prompt, grounded_overview
from summarizer.prompts import Prompt, load_prompt
from summarizer.schemas import (
    Alignment,
    IdExtraction,
    OverviewDraft,
    id_schema,
    salvage_as,
    schema_hash,
)
from summarizer.settings import Settings
from summarizer.text import paragraphs

if TYPE_CHECKING:
    from summarizer.backends.base import Backend

M = TypeVar("M", bound=BaseModel)
EXTRACT_PROMPT = "extract_ids"
MAX_KEY_SENTENCES = 10


@dataclass
class Stats:
    model_calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    grounding: GroundingReport = field(default_factory=GroundingReport)
    contribution: Counter[str] = field(default_factory=Counter)
    """What the model's verified answers added (RunInfo.contribution's fields)."""


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


def _line(text: str) -> str:
    # One line per item; the article cannot close its own delimiter in the prompt.
    return re.sub(r"(?i)</\s*article\s*>", "</ article>", " ".join(text.split()))


def numbered(ev: DocEvidence, sentences: Sequence[int]) -> tuple[str, str]:
    """The prompt's two lists for the given sentence indices: "S3: text" lines ("S1 (heading):"
    for a headline, heading or caption, which states no claim), and the figures of those sentences as "F2 [S3]: as written" lines. Ids are the document's own
    (S<index+1>, F<mention index+1>), so chunks of one document share one numbering."""
    wanted = set(sentences)
    sents = "\n".join(
        f"S{k + 1}{'' if is_claim_sentence(ev, k) else ' (heading)'}: {_line(ev.sentences[k].text)}"
        for k in sentences
    )
    figs = "\n".join(
        f"F{j + 1} [S{k + 1}]: {_line(m.raw)}" for j, (k, m) in enumerate(ev.mentions) if k in wanted
    )
    return sents, figs or "(none)"


def sentence_chunks(ev: DocEvidence, max_chars: int) -> list[list[int]]:
    """Sentence indices in consecutive chunks of at most ``max_chars`` of text (at least one
    sentence each)."""
    chunks: list[list[int]] = [[]]
    size = 0
    for k, sp in enumerate(ev.sentences):
        if chunks[-1] and size + len(sp.text) > max_chars:
            chunks.append([])
            size = 0
        chunks[-1].append(k)
        size += len(sp.text) + 6
    return [c for c in chunks if c] or [[]]


class Extractor:
    """Runs the model over one document: prompt, cache, backend, with usage accounting."""

    def __init__(self, backend: Backend, settings: Settings, cache: ResultCache, stats: Stats) -> None:
        self.backend = backend
        self.settings = settings
        self.cache = cache
        self.stats = stats
        self.prompt: Prompt = load_prompt(EXTRACT_PROMPT, settings.prompts_dir)
        self.schema = IdExtraction
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
            # a truncated or slightly malformed answer still holds complete items; grounding checks them
            salvaged = salvage_as(schema, getattr(exc, "last_completion", None))
            if salvaged is None:
                raise
            return salvaged
        self.stats.model_calls += response.usage.calls or 1
        self.stats.prompt_tokens += response.usage.prompt_tokens
        self.stats.completion_tokens += response.usage.completion_tokens
        try:
            data = schema.model_validate(response.data.model_dump())
        except ValidationError:  # e.g. a backend's salvage of another shape
            raise BackendError(f"{label}: the answer does not fit {schema.__name__}") from None
        if not self.settings.no_cache:
            self.cache.set(key, {"data": data.model_dump(mode="json")})
        return data

    def messages(self, ev: DocEvidence, sentences: Sequence[int]) -> list[dict[str, str]]:
        sents, figs = numbered(ev, sentences)
        return self.prompt.render(doc_id=ev.doc.id, sentences=sents, figures=figs)

    def extract(self, ev: DocEvidence) -> IdExtraction:
        """The model's answer by ids for one document (page furniture is never numbered: the
        evidence layer left it out of the sentences). A long document goes in chunks of
        sentences; their answers are joined, the first chunk's event kept."""
        key_sentences: list[str] = []
        figures: list[str] = []
        event = ""
        for chunk in sentence_chunks(ev, self.settings.chunk_chars):
            in_chunk = set(chunk)
            schema = id_schema(
                min(MAX_KEY_SENTENCES, sum(1 for k in chunk if is_claim_sentence(ev, k))),
                sum(1 for k, _ in ev.mentions if k in in_chunk),
            )
            data = self.call(ev.doc.id, self.prompt, ev.doc.sha256, self.messages(ev, chunk), schema)
            key_sentences.extend(data.key_sentences)
            figures.extend(data.figures)
            event = event or data.event
        return IdExtraction(key_sentences=key_sentences, figures=figures, event=event)

    def align(self, messages: list[dict[str, str]], prompt: Prompt) -> Alignment:
        """The story's cross-document alignment call (see summarizer.align)."""
        content_hash = hashlib.sha256(json.dumps(messages).encode()).hexdigest()
        return self.call("alignment", prompt, content_hash, messages, Alignment)

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

