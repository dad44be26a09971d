"""The overview, both kinds. :func:`build_overview` assembles it from the structured facts (no
model). For capable backends a model writes it, schema-constrained, and every sentence is
checked: a sentence is kept only if it cites existing facts and every figure and name in it
occurs in what it cites; otherwise it is dropped and counted, and the facts-built one stands."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from summarizer.brief import Brief, Derivative, Discrepancy, Fact, OverviewSentence, Source
from summarizer.compare import agree
from summarizer.quantities import find_mentions
from summarizer.schemas import OverviewDraft
from summarizer.text import fold


def facts_for_prompt(brief: Brief, limit: int = 12) -> str:
    lines = []
    for f in brief.facts[:limit]:
        lines.append(f"{f.id} ({len(f.independent_sources)} independent sources): {f.statement}")
    for d in brief.discrepancies[:6]:
        vals = "; ".join(
            f"{v.value.raw} according to {len(v.sources)} source(s)" for v in d.values
        )
        lines.append(f"{d.id} (sources disagree on {d.topic}): {vals}")
    for f in brief.single_source[:4]:
        lines.append(f"{f.id} (one source only): {f.statement}")
    return "\n".join(lines)


def _cited_text(brief: Brief, refs: list[str]) -> str | None:
    items: dict[str, str] = {}
    for f in brief.facts + brief.single_source:
        items[f.id] = f.statement + " " + " ".join(s.text for s in f.evidence)
    for d in brief.discrepancies:
        items[d.id] = d.topic + " " + " ".join(
            f"{v.value.raw} {v.value.display} " + " ".join(e.text for e in v.evidence)
            for v in d.values
        )
    if not refs or any(r not in items for r in refs):
        return None
    return " ".join(items[r] for r in refs)


_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")


def check_sentence(text: str, cited: str) -> str | None:
    """None if the sentence is grounded in the cited items, else the reason it is not."""
    cited_values = [m.value for m in find_mentions(cited)]
    for m in find_mentions(text):
        if not any(agree(m.value, v) for v in cited_values):
            return "overview_figure_not_in_cited_facts"
    folded = fold(cited).lower()
    for name in _NAME.findall(fold(text)):
        if name.lower() not in folded and not _is_sentence_start(text, name):
            return "overview_name_not_in_cited_facts"
    return None


def _is_sentence_start(text: str, word: str) -> bool:
    return text.strip().startswith(word) and word.lower() in {
        "the", "both", "sources", "all", "most", "several", "however", "reports", "according",
        "they", "while", "but", "one", "two", "three", "four", "five", "meanwhile", "only",
    }  # fmt: skip


def grounded_overview(
    brief: Brief, draft: OverviewDraft, dropped: Counter[str]
) -> list[OverviewSentence]:
    out = []
    for s in draft.sentences:
        refs = [r.strip() for r in s.refs]
        cited = _cited_text(brief, refs)
        if cited is None:
            dropped["overview_bad_refs"] += 1
            continue
        problem = check_sentence(s.text, cited)
        if problem:
            dropped[problem] += 1
            continue
        out.append(OverviewSentence(text=" ".join(s.text.split()), refs=refs))
    return out


def build_overview(
    sources: Sequence[Source],
    derivatives: Sequence[Derivative],
    facts: Sequence[Fact],
    discrepancies: Sequence[Discrepancy],
) -> list[OverviewSentence]:
    """A short paragraph from the structured facts (no model): the best corroborated facts and
    what the sources disagree on (the measures only: the discrepancy tables follow with the
    values). How many sources there are, and which copy which, the sources table says."""
    out: list[OverviewSentence] = []
    for top in facts[:2]:
        out.append(OverviewSentence(text=top.statement, refs=[top.id]))
    across = [d for d in discrepancies if d.scope == "across_sources"]
    if across:
        topics = list(dict.fromkeys(d.topic for d in across[:4]))
        out.append(OverviewSentence(text="They disagree on " + "; ".join(topics) + ".", refs=[d.id for d in across[:4]]))
    return out
