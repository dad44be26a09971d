"""Reference "backends" that write no real brief, scored next to the real ones.

- ``lead``: the first three sentences of each document, as single-source claims;
- ``dump``: every sentence of every document, as single-source claims.

A brief worth its name beats both by a wide margin; the scorer's meta-tests check that they
score well below the gold-built brief.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

from summarizer.brief import Brief, Fact, RunInfo, Source, Span
from summarizer.eval.goldbrief import sentences

LEAD_SENTENCES = 3


def _claims(texts: Mapping[str, str], pick: Callable[[list[tuple[int, int]]], list[tuple[int, int]]]) -> list[Fact]:
    out: list[Fact] = []
    for sid, text in texts.items():
        for k, (start, end) in enumerate(pick(sentences(text))):
            chunk = text[start:end]
            out.append(Fact(
                id=f"{sid}-s{k}", statement=" ".join(chunk.split()), topic=" ".join(chunk.split()[:6]),
                kind="context", sources=[sid], independent_sources=[sid], importance=0.0,
                evidence=[Span(source=sid, start=start, end=end, text=chunk)], origin=["evidence"],
            ))  # fmt: skip
    return out


def _brief(name: str, title: str, texts: Mapping[str, str], claims: list[Fact]) -> Brief:
    sources = [
        Source(id=sid, chars=len(t), words=len(t.split()), sha256=hashlib.sha256(t.encode()).hexdigest(),
               status="ok")  # fmt: skip
        for sid, t in texts.items()
    ]
    return Brief(title=title, run=RunInfo(backend=name, documents=len(texts)), sources=sources, single_source=claims)


def lead_brief(texts: Mapping[str, str], title: str = "lead baseline") -> Brief:
    """The first three sentences of each document."""
    return _brief("lead", title, texts, _claims(texts, lambda s: s[:LEAD_SENTENCES]))


def dump_brief(texts: Mapping[str, str], title: str = "dump baseline") -> Brief:
    """Every sentence of every document."""
    return _brief("dump", title, texts, _claims(texts, lambda s: s))


BASELINES: dict[str, Callable[[Mapping[str, str], str], Brief]] = {"lead": lead_brief, "dump": dump_brief}
