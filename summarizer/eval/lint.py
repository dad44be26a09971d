"""Lint a story's gold against its texts and against itself (``summarizer eval --lint``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from summarizer.eval.gold import GoldStory, parse_gold
from summarizer.eval.match import Text, fact_verdict, form_hit, groups_hit


def check_gold(gold: GoldStory | Mapping[str, Any], corpus_texts: Mapping[str, str]) -> list[str]:
    """Problems with a story's gold, empty when clean: every labelled source must contain the
    item's keyword groups and a value form; every fact's statement and paraphrases must match
    it, and its contradictions must not; every quote's text must stand in its first source."""
    g = parse_gold(gold)
    problems = [f"source {s} has no text" for s in g.sources if s not in corpus_texts]
    texts = {s: Text.of(t) for s, t in corpus_texts.items()}
    for fact in g.facts:
        for i, phrasing in enumerate([fact.statement, *fact.paraphrases]):
            if fact_verdict(fact, Text.of(phrasing)) != "match":
                what = "statement" if i == 0 else f"paraphrase {i}"
                problems.append(f"{fact.id}: its {what} does not match it")
        for i, wrong in enumerate(fact.contradictions, 1):
            if fact_verdict(fact, Text.of(wrong)) == "match":
                problems.append(f"{fact.id}: contradiction {i} matches it")
        for src in fact.sources:
            if src in texts and not all(groups_hit(fact.keywords, texts[src])):
                problems.append(f"{fact.id}: {src} lacks its keywords")
            elif src in texts and fact.values and not any(form_hit(v, texts[src]) for v in fact.values):
                problems.append(f"{fact.id}: {src} lacks any of {fact.values}")
    for disc in g.discrepancies:
        for gv in disc.values:
            for src in gv.sources:
                if src in texts and not any(form_hit(f, texts[src]) for f in gv.forms):
                    problems.append(f"{disc.id}: {src} lacks any of {gv.forms}")
    for quote in g.quotes:
        for src in quote.sources:
            if src in texts and not all(groups_hit(quote.keywords, texts[src])):
                problems.append(f"{quote.id}: {src} lacks its keywords")
        first = corpus_texts.get(quote.sources[0], "")
        if quote.text and " ".join(quote.text.split()) not in " ".join(first.split()):
            problems.append(f"{quote.id}: its text is not verbatim in {quote.sources[0]}")
    return problems
