"""What the brief lists, by ``--length``: the ranked facts, claims and quotes cut to a reader's
budget, and the overview kept within its word limit. ``full`` keeps everything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from summarizer.brief import Fact, OverviewSentence, Quote

Length = Literal["short", "standard", "full"]


@dataclass(frozen=True)
class Limits:
    overview_words: int | None
    facts: int | None
    single_source: int | None
    quotes: int | None


LIMITS: dict[str, Limits] = {
    "short": Limits(overview_words=60, facts=6, single_source=3, quotes=3),
    "standard": Limits(overview_words=120, facts=None, single_source=8, quotes=5),
    "full": Limits(overview_words=None, facts=None, single_source=None, quotes=None),
}
"""The issue's brief: an overview of about 120 words, every discrepancy, the agreed facts ranked,
about 8 single-source claims and 5 quotes. Judged by the eval's word-budget score."""


def _cut(items: list[Fact], n: int | None) -> list[Fact]:
    return items if n is None else items[:n]


def trim_overview(sentences: list[OverviewSentence], words: int | None) -> list[OverviewSentence]:
    """Whole sentences, in order, while they fit the word limit (the first always stays)."""
    if words is None:
        return sentences
    out: list[OverviewSentence] = []
    used = 0
    for s in sentences:
        n = len(s.text.split())
        if out and used + n > words:
            continue
        out.append(s)
        used += n
    return out


def pick_quotes(quotes: list[Quote], n: int | None) -> list[Quote]:
    """The best-sourced quote of each speaker first (who is quoted matters more than a second
    line from the same person; a named speaker before an unnamed one such as "the statement"),
    then the rest by rank; shown in their ranked order."""
    if n is None or len(quotes) <= n:
        return quotes
    firsts, seen = [], set()
    named = sorted(quotes, key=lambda q: (q.speaker or "the ").startswith("the "))  # stable
    for q in named:
        if q.speaker not in seen:
            seen.add(q.speaker)
            firsts.append(q)
    chosen = {id(q) for q in (firsts + [q for q in named if q not in firsts])[:n]}
    return [q for q in quotes if id(q) in chosen]


def select(
    facts: list[Fact], single: list[Fact], quotes: list[Quote], overview: list[OverviewSentence], length: str
) -> tuple[list[Fact], list[Fact], list[Quote], list[OverviewSentence]]:
    """Cut each ranked list to the length's limits; the overview loses references to cut items."""
    lim = LIMITS[length]
    facts, single = _cut(facts, lim.facts), _cut(single, lim.single_source)
    quotes = pick_quotes(quotes, lim.quotes)
    kept = {f.id for f in facts}
    overview = [s for s in overview if all(r in kept or not r.startswith("F") for r in s.refs)]
    return facts, single, quotes, trim_overview(overview, lim.overview_words)
