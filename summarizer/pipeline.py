"""The pipeline, stage by stage over one run context:

documents -> evidence -> stories -> (per story) extract -> ground -> align (capable backends)
-> merge -> select -> brief.

It knows no provider: it talks to a :class:`~summarizer.backends.base.Backend`, or to none.
A failure in one document is recorded in the brief; the other documents still make it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from summarizer import align
from summarizer.align import StoryDoc
from summarizer.brief import Brief, DocumentFailure, GroundingStats, ModelContribution, RunInfo, SetApart
from summarizer.cache import ResultCache
from summarizer.documents import Input, LoadResult, load_inputs
from summarizer.errors import InputError, SummarizerError
from summarizer.evidence import Candidate, DocEvidence, analyze, candidates
from summarizer.extract import Extractor, Stats, chunk_text
from summarizer.grounding import Grounded, ground
from summarizer.merge import MergeResult, merge
from summarizer.prompts import load_prompt
from summarizer.schemas import IdExtraction
from summarizer.select import select
from summarizer.settings import Settings
from summarizer.stories import Story, group_stories, set_apart_for
from summarizer.text import content_words
from summarizer.told import Stated, discrepancies_told

if TYPE_CHECKING:
    from summarizer.backends.base import Backend

Progress = Callable[[str, str], None]


@dataclass
class Run:
    """What every stage of one run shares: settings, backend, usage, the loaded documents."""

    settings: Settings
    backend: Backend | None
    say: Progress
    loaded: LoadResult
    evidence: dict[str, DocEvidence]
    started: float = field(default_factory=time.perf_counter)
    stats: Stats = field(default_factory=Stats)
    prompt_version: str | None = None

    def failures(self) -> list[DocumentFailure]:
        out = [
            DocumentFailure(source=e.path or "?", stage="load", error=type(e).__name__, message=str(e))
            for e in self.loaded.errors
        ]
        out += [
            DocumentFailure(source=dropped, stage="load", error="Duplicate",
                            message=f"{dropped}: same text as {kept}; kept once")  # fmt: skip
            for dropped, kept in self.loaded.duplicates
        ]
        return out

    def info(self, documents: int, cands: Sequence[Candidate]) -> RunInfo:
        g = self.stats.grounding
        return RunInfo(
            backend=getattr(self.backend, "name", "none") if self.backend is not None else "none",
            model=getattr(self.backend, "model", None),
            endpoint=getattr(self.backend, "endpoint", None),
            prompt_version=self.prompt_version,
            documents=documents,
            model_calls=self.stats.model_calls,
            cache_hits=self.stats.cache_hits,
            prompt_tokens=self.stats.prompt_tokens,
            completion_tokens=self.stats.completion_tokens,
            wall_seconds=round(time.perf_counter() - self.started, 3),
            grounding=GroundingStats(
                proposed=g.proposed, grounded=g.grounded, dropped=dict(g.dropped),
                evidence_candidates=sum(1 for c in cands if c.origin == "evidence"),
            ),  # fmt: skip
            contribution=ModelContribution(**self.stats.contribution),
        )


def open_run(
    inputs: Sequence[Input], settings: Settings | None, backend: Backend | None | str, progress: Progress | None
) -> Run:
    """Stage 1-2: load the documents (one clear error when none is usable), choose the backend,
    and read each document's evidence."""
    settings = settings or Settings.resolve()
    loaded = load_inputs(inputs, settings.max_bytes)
    if not loaded.documents:
        if loaded.errors:
            raise InputError(str(loaded.errors[0]) if len(loaded.errors) == 1 else
                             f"no usable document ({len(loaded.errors)} failed; first: {loaded.errors[0]})")  # fmt: skip
        raise InputError("no input documents given")
    if backend == "auto":
        from summarizer.backends import resolve_backend

        backend = resolve_backend(settings)
    assert not isinstance(backend, str)
    evidence = {d.id: analyze(d) for d in loaded.documents}
    return Run(settings, backend, progress or (lambda event, doc: None), loaded, evidence)


@dataclass
class Extraction:
    """Stage 4-5 output for a set of documents: candidates, per-document status, and each
    document's grounded answer (for the alignment stage)."""

    cands: list[Candidate]
    status: dict[str, str]
    answers: dict[str, Grounded]
    failures: list[DocumentFailure]


def _use_answer(run: Run, ev: DocEvidence, answer: Grounded, cands: list[Candidate],
                figure_at: dict[tuple[str, int], Candidate]) -> None:  # fmt: skip
    """A document's grounded answer into the candidates: its key sentences as model claims, its
    measures as labels of the evidence layer's figures (the value shown stays the one found in
    the text; the label helps match the measure across sources)."""
    tasks = run.settings.tasks(getattr(run.backend, "capable", False))
    if "keys" in tasks:
        cands.extend(answer.key_sentences)
        run.stats.contribution["key_sentences"] += len(answer.key_sentences)
    for j, measure in answer.measures.items() if "labels" in tasks else ():
        figure = figure_at.get((ev.doc.id, ev.mentions[j][1].start))
        if figure is not None:
            figure.labels.extend(content_words(measure))
            figure.measure_label = figure.measure_label or " ".join(measure.split())


def extract_and_ground(run: Run, docs: Sequence[DocEvidence]) -> Extraction:
    """The evidence layer's candidates, plus the model's grounded answer when there is a model
    (one call per document, concurrent, cached); a failed document keeps its evidence."""
    cands = [c for ev in docs for c in candidates(ev)]
    out = Extraction(cands, {ev.doc.id: "ok" for ev in docs}, {}, [])
    if run.backend is None:
        for ev in docs:
            run.say("done", ev.doc.id)
        return out
    cache = ResultCache(None if run.settings.no_cache else run.settings.cache_dir)
    extractor = Extractor(run.backend, run.settings, cache, run.stats)
    run.prompt_version = f"{extractor.prompt.name}@{extractor.prompt.version}"

    def one(ev: DocEvidence) -> tuple[DocEvidence, IdExtraction | SummarizerError]:
        run.say("start", ev.doc.id)
        try:
            return ev, extractor.extract(ev)
        except SummarizerError as exc:
            return ev, exc
        finally:
            run.say("done", ev.doc.id)

    try:
        workers = max(1, min(run.settings.concurrency, len(docs)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, docs))
    finally:
        cache.close()
    figure_at = {(f.doc, f.quantity_span.start): f for f in cands if f.kind == "figure" and f.quantity_span}
    for ev, result in results:
        if isinstance(result, SummarizerError):
            out.status[ev.doc.id] = "evidence_only"
            out.failures.append(DocumentFailure(source=ev.doc.id, stage="extract", error=type(result).__name__,
                                                message=str(result)))  # fmt: skip
            continue
        answer = ground(result, ev, run.stats.grounding)
        out.answers[ev.doc.id] = answer
        _use_answer(run, ev, answer, cands, figure_at)
    return out


def aligns(run: Run) -> bool:
    """Whether stage 5b runs: a capable backend with the alignment task."""
    capable = getattr(run.backend, "capable", False)
    return run.backend is not None and capable and "align" in run.settings.tasks(capable)


def align_story(run: Run, docs: Sequence[DocEvidence], ext: Extraction) -> align.Verified | None:
    """Stage 5b, capable backends only: one alignment call over the story's documents. Its
    verified groups mark the candidates (measure_group, fact_group); the verified answer says
    which documents it sets apart as another event. None when no alignment ran or the call
    failed: the deterministic grouping stands."""
    story = [StoryDoc(ev, ext.answers[ev.doc.id]) for ev in docs if ev.doc.id in ext.answers]
    if run.backend is None or not aligns(run) or len(story) < 2:
        return None
    cache = ResultCache(None if run.settings.no_cache else run.settings.cache_dir)
    prompt = load_prompt("align", run.settings.prompts_dir)
    try:
        answer = Extractor(run.backend, run.settings, cache, run.stats).align(
            prompt.render(**align.render(story)), prompt
        )
    except SummarizerError:
        run.stats.grounding.dropped["alignment_model_failed"] += 1
        return None
    finally:
        cache.close()
    verified = align.verify(answer, story)
    for reason, n in verified.dropped.items():
        run.stats.grounding.dropped[f"alignment_{reason}"] += n
    applied = align.apply(verified, ext.cands)
    run.stats.contribution["measure_groups"] += applied.measure_groups
    run.stats.contribution["fact_groups"] += applied.fact_groups
    run.stats.contribution["set_apart"] += len(verified.set_apart)
    return verified


def decide_apart(proposed: Sequence[SetApart], verified: align.Verified | None) -> list[SetApart]:
    """The documents a brief sets apart as another event. The dates propose (``proposed``: a
    document published days away from the story's others); a verified alignment decides. A
    proposed document stays in the story only when the alignment put its figures or sentences
    in a group with a document the dates keep and did not call it another event; without an
    alignment the dates decide."""
    if verified is None:
        return list(proposed)
    said = {a.source for a in verified.set_apart}
    asked = {a.source for a in proposed}
    grouped: set[str] = set()
    for group in [*verified.measure_groups, *verified.fact_groups]:
        members = {d for d, _ in group}
        if members - asked:  # with a document of the story's, not only with another proposed one
            grouped.update(members & asked)
    return verified.set_apart + [a for a in proposed if a.source not in said and a.source not in grouped]


def add_told(run: Run, merged: MergeResult, stated: Sequence[Stated], kept: set[str]) -> None:
    """What the sources tell differently in words, from the alignment, after the figure
    discrepancies (renumbered together); what is left out is counted."""
    derivative_of = {s.id: s.derivative_of for s in merged.sources if s.derivative_of}
    covered = [sp for d in merged.discrepancies for v in d.values for sp in v.evidence]
    told, dropped = discrepancies_told(stated, kept, derivative_of, covered)
    run.stats.grounding.dropped.update({f"alignment_{k}": n for k, n in dropped.items()})
    merged.discrepancies += told
    for i, d in enumerate(merged.discrepancies, 1):
        d.id = f"D{i}"


def build_brief(run: Run, story: Story, set_apart: Sequence[SetApart]) -> Brief:
    """Stages 6-8 for one story: merge its main-event documents, select what the brief lists,
    and assemble the Brief (with the model-written overview for capable backends). With an
    alignment, the documents the dates set apart are aligned too, and it decides."""
    proposed = list(story.apart) if aligns(run) else []
    again = {a.source for a in proposed}
    set_apart = [a for a in set_apart if a.source not in again]
    docs = [run.evidence[d] for d in [*story.main, *(a.source for a in proposed)]]
    run.stats = Stats()  # each brief counts its own model calls
    ext = extract_and_ground(run, docs)
    verified = align_story(run, docs, ext)
    apart = decide_apart(proposed, verified)
    if apart:
        gone = {a.source for a in apart}
        docs = [ev for ev in docs if ev.doc.id not in gone]
        ext.cands = [c for c in ext.cands if c.doc not in gone]
    run.stats.contribution["figure_labels"] = sum(1 for c in ext.cands if c.kind == "figure" and c.labels)
    merged = merge(docs, ext.cands)
    if merged.unconfirmed:
        run.stats.grounding.dropped["discrepancy_not_confirmed_by_model"] += merged.unconfirmed
    if verified is not None:
        add_told(run, merged, verified.disagreements, {ev.doc.id for ev in docs})
    merged.facts, merged.single_source, merged.quotes, merged.overview = select(
        merged.facts, merged.single_source, merged.quotes, merged.overview, run.settings.length
    )
    for s in merged.sources:
        s.status = ext.status.get(s.id, "ok")  # type: ignore[assignment]
    brief = Brief(
        title=merged.title, run=run.info(len(docs), ext.cands), sources=merged.sources,
        derivatives=merged.derivatives, overview=merged.overview, facts=merged.facts,
        discrepancies=merged.discrepancies, single_source=merged.single_source, quotes=merged.quotes,
        set_apart=list(set_apart) + apart, flags=merged.flags, failures=run.failures() + ext.failures,
    )  # fmt: skip
    wants_model = run.settings.overview == "model" or (
        run.settings.overview == "auto" and getattr(run.backend, "capable", False)
    )
    if run.backend is not None and wants_model and brief.facts:
        cache = ResultCache(None if run.settings.no_cache else run.settings.cache_dir)
        try:
            Extractor(run.backend, run.settings, cache, run.stats).overview(brief)
        finally:
            cache.close()
        brief.run = run.info(len(docs), ext.cands)  # the overview call counts too
    return brief


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
    deterministic evidence layer alone. Documents about another event or story are set apart:
    the brief lists them with the reason and builds nothing on them.
    """
    run = open_run(inputs, settings, backend, progress)
    stories = group_stories(list(run.evidence.values()))
    return build_brief(run, stories[0], set_apart_for(stories[0], stories[1:]))


def summarize_stories(
    inputs: Sequence[Input],
    settings: Settings | None = None,
    *,
    backend: Backend | None | str = "auto",
    progress: Progress | None = None,
) -> list[Brief]:
    """One Brief per story in a mixed set of articles, largest story first; each sets apart
    its own other-event documents."""
    run = open_run(inputs, settings, backend, progress)
    return [build_brief(run, story, story.apart) for story in group_stories(list(run.evidence.values()))]


__all__ = ["summarize", "summarize_stories", "chunk_text"]
