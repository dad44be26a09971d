"""Checks that need no gold facts: names and figures found in no source, and derivative pairs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from summarizer.brief import Brief, Value
from summarizer.eval.gold import GoldStory
from summarizer.eval.normalize import Quantity, clean, norm_text, quantities, words


class _Report(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UnsupportedItem(_Report):
    kind: Literal["figure", "name"]
    text: str
    where: str
    missing: list[str] = Field(default_factory=list, description="For names: unknown words.")


class DerivativeResult(_Report):
    source: str
    original: str
    status: Literal["hit", "missed", "spurious", "optional"]
    reason: str


def _root(source: str, republished: Mapping[str, str]) -> str:
    seen = {source}
    while source in republished and republished[source] not in seen:
        source = republished[source]
        seen.add(source)
    return source


def derivative_results(
    gold: GoldStory, brief: Brief
) -> tuple[float, float, float, list[DerivativeResult]]:
    # A pointer to a republication is a pointer to its original (the texts are the same).
    republished = {
        d.source: d.original for d in gold.derivatives if d.kind == "republication"
    }
    required = {
        (d.source, _root(d.original, republished)): d
        for d in gold.derivatives
        if not d.optional
    }
    optional = {
        (d.source, _root(d.original, republished))
        for d in gold.derivatives
        if d.optional
    }
    predicted: dict[tuple[str, str], str] = {}
    for d in brief.derivatives:
        predicted.setdefault((d.source, _root(d.original, republished)), d.kind)
    results: list[DerivativeResult] = []
    tp = 0
    for pair, gd in required.items():
        if pair in predicted:
            tp += 1
            kind = predicted[pair]
            note = "" if kind == gd.kind else f" (kind {kind!r}, gold {gd.kind!r})"
            results.append(
                DerivativeResult(
                    source=pair[0],
                    original=pair[1],
                    status="hit",
                    reason="found" + note,
                )
            )
        else:
            results.append(
                DerivativeResult(
                    source=pair[0],
                    original=pair[1],
                    status="missed",
                    reason=f"gold {gd.kind} not in brief",
                )
            )
    fp = 0
    for pair in predicted:
        if pair in required:
            continue
        if pair in optional:
            results.append(
                DerivativeResult(
                    source=pair[0],
                    original=pair[1],
                    status="optional",
                    reason="optional in gold: not counted",
                )
            )
            continue
        fp += 1
        results.append(
            DerivativeResult(
                source=pair[0],
                original=pair[1],
                status="spurious",
                reason="not a gold derivative pair",
            )
        )
    n_pred = tp + fp
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / len(required) if required else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, results


# --------------------------------------------------------------------------- unsupported

# Common sentence openers: dropped from the start of a capitalised run.
_STARTERS = frozenset(
    {
        "a",
        "about",
        "according",
        "after",
        "also",
        "although",
        "an",
        "and",
        "another",
        "as",
        "at",
        "because",
        "before",
        "both",
        "but",
        "by",
        "despite",
        "during",
        "each",
        "earlier",
        "either",
        "even",
        "finally",
        "for",
        "from",
        "further",
        "furthermore",
        "however",
        "if",
        "in",
        "it",
        "its",
        "later",
        "meanwhile",
        "moreover",
        "most",
        "neither",
        "no",
        "not",
        "of",
        "on",
        "once",
        "one",
        "only",
        "other",
        "over",
        "several",
        "separately",
        "since",
        "so",
        "some",
        "still",
        "such",
        "than",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "thus",
        "to",
        "two",
        "under",
        "unlike",
        "until",
        "what",
        "when",
        "where",
        "whereas",
        "which",
        "while",
        "who",
        "with",
        "yet",
    }
)
_CAP_TOKEN = re.compile(r"[A-Za-z][A-Za-z']*")
_SENTENCE_END = re.compile(r"[.!?:;\"(\[]")


def is_figure(q: Quantity) -> bool:
    """Digits, money, percentages or large number words; not 'one', 'second', 'ten'."""
    return bool(q.unit) or any(c.isdigit() for c in q.text) or q.value > 12


def _text_fields(brief: Brief) -> list[tuple[str, str]]:
    """(where, text) for every field the unsupported check reads."""
    out: list[tuple[str, str]] = []
    for i, sent in enumerate(brief.overview):
        out.append((f"overview[{i}]", sent.text))
    for kind, facts in (("facts", brief.facts), ("single_source", brief.single_source)):
        for f in facts:
            out += [
                (f"{kind}[{f.id}].statement", f.statement),
                (f"{kind}[{f.id}].topic", f.topic),
            ]
            out += [(f"{kind}[{f.id}].quantity", raw) for raw in _raws(f.quantity)]
    for d in brief.discrepancies:
        out.append((f"discrepancies[{d.id}].topic", d.topic))
        for k, dv in enumerate(d.values):
            out += [
                (f"discrepancies[{d.id}].values[{k}]", raw) for raw in _raws(dv.value)
            ]
    for q in brief.quotes:
        out.append((f"quotes[{q.id}].text", q.text))
    return out


def _raws(value: Value | None) -> list[str]:
    if value is None:
        return []
    return [value.raw] + [r for alt in value.alternatives for r in _raws(alt)]


def _name_runs(text: str) -> list[tuple[str, list[str]]]:
    """Capitalised word runs worth checking: (surface, words to check).

    A lone capitalised word at the start of a sentence is skipped (it may be an ordinary word);
    a run starting a sentence drops its first word when that is a common sentence opener.
    """
    text = re.sub(r"(?<![A-Za-z.])(?:U\.S\.A\.|U\.S\.)", "US", clean(text))
    runs: list[tuple[str, list[str], bool]] = []
    prev_end = 0
    current: list[re.Match[str]] = []
    current_start = False
    sentence_start = True
    for m in _CAP_TOKEN.finditer(text):
        gap = text[prev_end : m.start()]
        joined = bool(current) and re.fullmatch(r"[ \t]*[-/]?[ \t]*", gap) is not None
        if gap and _SENTENCE_END.search(gap):
            sentence_start = True
        if not m.group(0)[0].isupper():
            if current:
                runs.append(_run(text, current, current_start))
                current = []
        elif joined:
            current.append(m)
        else:
            if current:
                runs.append(_run(text, current, current_start))
            current = [m]
            current_start = sentence_start
        sentence_start = False
        prev_end = m.end()
    if current:
        runs.append(_run(text, current, current_start))
    out: list[tuple[str, list[str]]] = []
    for surface, toks, at_start in runs:
        if at_start:
            if len(toks) == 1:
                continue
            if toks[0].lower() in _STARTERS:
                toks = toks[1:]
        out.append((surface, toks))
    return out


def _run(
    text: str, toks: list[re.Match[str]], at_start: bool
) -> tuple[str, list[str], bool]:
    words_ = [re.sub(r"'s?$", "", t.group(0)) for t in toks]
    return text[toks[0].start() : toks[-1].end()], words_, at_start


def unsupported(
    brief: Brief, texts: Mapping[str, str]
) -> tuple[int, list[UnsupportedItem]]:
    corpus_words: set[str] = set()
    corpus_keys: set[tuple[float, str | None]] = set()
    corpus_values: set[float] = set()
    for text in texts.values():
        corpus_words |= words(text)
        for q in quantities(text):
            corpus_keys.add(q.key)
            corpus_values.add(q.key[0])
    checked: set[tuple[str, object]] = set()
    bad: list[UnsupportedItem] = []
    for where, text in _text_fields(brief):
        for q in quantities(text):
            if not is_figure(q):
                continue
            key = ("figure", q.key)
            if key in checked:
                continue
            checked.add(key)
            ok = q.key in corpus_keys if q.unit else q.key[0] in corpus_values
            if not ok:
                bad.append(UnsupportedItem(kind="figure", text=q.text, where=where))
        for surface, toks in _name_runs(text):
            name_key = ("name", norm_text(" ".join(toks)))
            if not toks or name_key in checked:
                continue
            checked.add(name_key)
            missing = [t for t in toks if not words(t) <= corpus_words]
            if missing:
                bad.append(
                    UnsupportedItem(
                        kind="name", text=surface, where=where, missing=missing
                    )
                )
    return len(checked), bad


