"""The pipeline: load -> evidence -> extract (model, cached, concurrent) -> ground -> merge.

It knows no provider: it talks to a :class:`~summarizer.backends.base.Backend`, or to none.
A failure in one document is recorded in the brief; the other documents still make it."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from summarizer.brief import Brief, DocumentFailure, GroundingStats, RunInfo, Span
from summarizer.cache import ResultCache, cache_key
from summarizer.documents import Document, Input, load_inputs
from summarizer.errors import BackendError, InputError, SummarizerError
from summarizer.evidence import Candidate, DocEvidence, analyze, candidates
from summarizer.grounding import GroundingReport, ground
from summarizer.merge import merge
from summarizer.overview import facts_for_prompt, grounded_overview
from summarizer.prompts import Prompt, load_prompt
from summarizer.schemas import DocumentExtraction, OverviewDraft, schema_hash
from summarizer.settings import Settings
from summarizer.text import content_words, paragraphs

if TYPE_CHECKING:
    from summarizer.backends.base import Backend

Progress = Callable[[str, str], None]
_JSON_LIKE = re.compile(r"[{}]|\"\s*:")
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


def summarize(
    inputs: Sequence[Input],
    settings: Settings | None = None,
    *,
    backend: Backend | None | str = "auto",
    progress: Progress | None = None,
) -> Brief:
    """Turn several articles about one story into a Brief.

    ``inputs`` are paths (files or folders) or ``(id, text)`` pairs. ``backend`` is "auto"
    (chosen from ``settings``), an object implementing the Backend interface, or None for the
    deterministic evidence layer alone.
    """
    started = time.perf_counter()
    settings = settings or Settings.resolve()
    say = progress or (lambda event, doc: None)
    loaded = load_inputs(inputs, settings.max_bytes)
    failures = [
        DocumentFailure(source=e.path or "?", stage="load", error=type(e).__name__, message=str(e))
        for e in loaded.errors
    ]
    if not loaded.documents:
        if loaded.errors:
            raise InputError(str(loaded.errors[0]) if len(loaded.errors) == 1 else
                             f"no usable document ({len(loaded.errors)} failed; first: {loaded.errors[0]})")  # fmt: skip
        raise InputError("no input documents given")
    if backend == "auto":
        from summarizer.backends import resolve_backend

        backend = resolve_backend(settings)
    assert not isinstance(backend, str)
    evidence = [analyze(d) for d in loaded.documents]
    stats = Stats()
    cands: list[Candidate] = []
    for ev in evidence:
        cands.extend(candidates(ev))
    status: dict[str, str] = {d.id: "ok" for d in loaded.documents}
    model_meta: dict[str, dict[str, str]] = {}
    prompt_version = None
    extractor: Extractor | None = None
    if backend is not None:
        cache = ResultCache(None if settings.no_cache else settings.cache_dir)
        extractor = Extractor(backend, settings, cache, stats)
        prompt_version = f"{extractor.prompt.name}@{extractor.prompt.version}"

        def run(ev: DocEvidence) -> tuple[DocEvidence, DocumentExtraction | SummarizerError]:
            say("start", ev.doc.id)
            try:
                return ev, extractor.extract(ev.doc, ev.furniture)
            except SummarizerError as exc:
                return ev, exc
            finally:
                say("done", ev.doc.id)

        try:
            workers = max(1, min(settings.concurrency, len(evidence)))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(run, evidence))
        finally:
            cache.close()
        figure_at = {
            (f.doc, f.quantity_span.start): f
            for f in cands
            if f.kind == "figure" and f.quantity_span is not None
        }
        for ev, result in results:
            if isinstance(result, SummarizerError):
                status[ev.doc.id] = "evidence_only"
                failures.append(
                    DocumentFailure(source=ev.doc.id, stage="extract", error=type(result).__name__,
                                    message=str(result))  # fmt: skip
                )
                continue
            for c in ground(result, ev, stats.grounding):
                figure = figure_at.get((c.doc, c.quantity_span.start)) if c.quantity_span else None
                if figure is not None and c.topic:
                    # The model's topic labels the evidence layer's figure: the value shown stays
                    # the one found in the text; the label helps match it across sources.
                    figure.labels.extend(content_words(c.topic))
                if c.kind in ("figure", "quote"):
                    c.kind = "event"  # figures and quotes come from the evidence layer's spans
                cands.append(c)
            m = result.metadata
            model_meta[ev.doc.id] = {
                k: v for k, v in (("title", m.title), ("outlet", m.outlet), ("byline", m.byline),
                                  ("date", m.date)) if v  # fmt: skip
            }
    else:
        for ev in evidence:
            say("done", ev.doc.id)
    merged = merge(evidence, cands)
    for s in merged.sources:
        s.status = status.get(s.id, "ok")  # type: ignore[assignment]
        text = next(e.doc.text for e in evidence if e.doc.id == s.id)
        plain = "\n".join(line for line in text.splitlines() if not _JSON_LIKE.search(line)).lower()
        for k, v in model_meta.get(s.id, {}).items():
            if getattr(s, k) is None and v.lower() in plain:
                setattr(s, k, v)  # kept only when the text states it, outside JSON-like lines

    def run_info() -> RunInfo:
        g = stats.grounding
        return RunInfo(
            backend=getattr(backend, "name", "none") if backend is not None else "none",
            model=getattr(backend, "model", None),
            endpoint=getattr(backend, "endpoint", None),
            prompt_version=prompt_version,
            documents=len(loaded.documents),
            model_calls=stats.model_calls,
            cache_hits=stats.cache_hits,
            prompt_tokens=stats.prompt_tokens,
            completion_tokens=stats.completion_tokens,
            wall_seconds=round(time.perf_counter() - started, 3),
            grounding=GroundingStats(
                proposed=g.proposed, grounded=g.grounded, dropped=dict(g.dropped),
                evidence_candidates=sum(1 for c in cands if c.origin == "evidence"),
            ),  # fmt: skip
        )

    for dropped_id, kept_id in loaded.duplicates:
        failures.append(
            DocumentFailure(source=dropped_id, stage="load", error="Duplicate",
                            message=f"{dropped_id}: same text as {kept_id}; kept once")  # fmt: skip
        )
    brief = Brief(
        title=merged.title,
        run=run_info(),
        sources=merged.sources,
        derivatives=merged.derivatives,
        overview=merged.overview,
        facts=merged.facts,
        discrepancies=merged.discrepancies,
        single_source=merged.single_source,
        quotes=merged.quotes,
        flags=merged.flags,
        failures=failures,
    )
    wants_model = settings.overview == "model" or (
        settings.overview == "auto" and getattr(backend, "capable", False)
    )
    if extractor is not None and wants_model and brief.facts:
        cache = ResultCache(None if settings.no_cache else settings.cache_dir)
        extractor.cache = cache
        try:
            extractor.overview(brief)
        finally:
            cache.close()
        brief.run = run_info()  # the overview call counts too
    return brief


__all__ = ["summarize", "chunk_text"]
