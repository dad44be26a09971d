"""What sources tell differently in words, from a capable model's verified alignment, as the
brief's discrepancies.

A version told in words ("daughter", "second attempt", "last month") has no magnitude: it is a
value of dimension ``text``, shown as most of its sentences write it. A disagreement whose
versions are all figures is the figure groups' to find; it stands here only where no figure
discrepancy covers its spans and its figures, compared by value, disagree ("30 players" against
"38 players" that the groups missed; never "about $55.4bn" against "$55.35bn", which agree)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.brief import Discrepancy, DiscrepancyValue, Span, Value
from summarizer.compare import agree
from summarizer.quantities import find_mentions


@dataclass
class Stated:
    """What documents tell differently in words: each version as written, where it is written."""

    topic: str
    versions: list[tuple[str, list[Span]]]


def _figure(text: str) -> Value | None:
    found = find_mentions(text)
    return found[0].value if len(found) == 1 else None


def _overlaps(spans: Sequence[Span], covered: Sequence[Span]) -> bool:
    return any(a.source == b.source and a.start < b.end and b.start < a.end for a in spans for b in covered)


def _values(
    stated: Stated, figures: Sequence[Value | None], kept: set[str], derivative_of: dict[str, str]
) -> list[DiscrepancyValue]:
    """Each version kept in the story as a value: its figure when every version is one
    (``figures``), else the words."""
    out = []
    every = all(f is not None for f in figures)
    for (text, spans), figure in zip(stated.versions, figures, strict=True):
        evidence = [sp for sp in spans if sp.source in kept]
        docs = sorted({sp.source for sp in evidence})
        value = figure.model_copy(update={"raw": text}) if every and figure else Value(raw=text, display=text, unit="text")
        if docs:
            out.append(DiscrepancyValue(value=value, sources=docs, evidence=evidence,
                                        derivative_sources=[d for d in docs if d in derivative_of]))  # fmt: skip
    return out


def discrepancies_told(
    stated: Sequence[Stated], kept: set[str], derivative_of: dict[str, str], covered: Sequence[Span]
) -> tuple[list[Discrepancy], Counter[str]]:
    """The disagreements as discrepancies over the documents ``kept`` in the story (ids left to
    the caller), and what was left out, counted by reason. ``covered``: the evidence of the
    discrepancies the figure groups already found."""
    out: list[Discrepancy] = []
    dropped: Counter[str] = Counter()
    for s in stated:
        found = [_figure(t) for t, _ in s.versions]
        figures = all(f is not None for f in found)
        if figures and _overlaps([sp for _, spans in s.versions for sp in spans], covered):
            dropped["disagree_figures_found_already"] += 1
            continue
        values = _values(s, found, kept, derivative_of)
        if len(values) < 2:
            dropped["disagree_set_apart"] += 1
            continue
        if figures and not any(agree(a.value, b.value) is False for i, a in enumerate(values) for b in values[i + 1 :]):
            dropped["disagree_figures_agree"] += 1
            continue
        sources = sorted({d for v in values for d in v.sources})
        out.append(Discrepancy(
            id="", topic=s.topic, dimension=values[0].value.unit if figures else "text", values=values,
            scope="across_sources" if len(sources) > 1 else "within_source",
            note="" if len(sources) > 1 else f"{sources[0]} tells it {len(values)} different ways.",
        ))  # fmt: skip
    return out, dropped


__all__ = ["Stated", "discrepancies_told"]
