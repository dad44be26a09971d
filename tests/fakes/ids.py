"""The answer-by-ids protocol as a test double sees it: the numbered sentences and figures of
an extraction prompt, and answers shaped like IdExtraction and Alignment."""

from __future__ import annotations

import re
from typing import Any

_S = re.compile(r"^S(\d+)( \(heading\))?: (.*)$", re.M)
_F = re.compile(r"^F(\d+) \[S(\d+)\]: (.*)$", re.M)
EMPTY_EVENT = ""


def numbered_sentences(text: str, headings: bool = True) -> dict[str, str]:
    """``{"S1": sentence, ...}`` from an extraction prompt (with those marked "(heading)" unless
    ``headings`` is False)."""
    return {f"S{m.group(1)}": m.group(3) for m in _S.finditer(text) if headings or not m.group(2)}


def numbered_figures(text: str) -> dict[str, tuple[str, str]]:
    """``{"F1": (sentence id, raw figure), ...}`` from an extraction prompt."""
    return {f"F{m.group(1)}": (f"S{m.group(2)}", m.group(3)) for m in _F.finditer(text)}


def empty_ids() -> dict[str, Any]:
    return {"key_sentences": [], "figures": [], "event": EMPTY_EVENT}


def empty_alignment() -> dict[str, Any]:
    return {"same_measure": [], "same_fact": [], "other_event": []}


def ids_answer(text: str, n: int = 3, skip: int = 0) -> dict[str, Any]:
    """What a good model answers: the first ``n`` full sentences (after ``skip``) as key
    sentences, topics taken from their own words; no figure labels."""
    full = [(sid, s) for sid, s in numbered_sentences(text, headings=False).items() if len(s.split()) >= 6]
    picked = full[skip : skip + n]
    return {
        "key_sentences": [f"{sid}: {' '.join(s.lower().split()[:3])}" for sid, s in picked],
        "figures": [],
        "event": EMPTY_EVENT,
    }


def is_alignment(text: str) -> bool:
    """The story's alignment call (documents listed as "D1 = <id>")."""
    return re.search(r"^D1 = \S+", text, re.M) is not None


def id_messages(doc_id: str, text: str) -> tuple[list[dict[str, str]], str]:
    """The extraction prompt's messages for a raw article, and its numbered sentence block."""
    from summarizer.documents import load_text
    from summarizer.evidence import analyze
    from summarizer.extract import numbered
    from summarizer.prompts import load_prompt

    ev = analyze(load_text(doc_id, text))
    sentences, figures = numbered(ev, range(len(ev.sentences)))
    return load_prompt("extract_ids").render(doc_id=doc_id, sentences=sentences, figures=figures), sentences
