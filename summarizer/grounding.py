"""Grounding: every model claim must point at the source. The evidence quote is aligned to a
character span (exactly, then after normalising whitespace/quotes/case, then fuzzily over
sentence windows); the claimed quantity must occur in that span; figures and names in the
statement must occur in the evidence or the document. Whatever fails is dropped and counted."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from summarizer.brief import Span, Value
from summarizer.evidence import Candidate, DocEvidence
from summarizer.quantities import agree, find_mentions
from summarizer.schemas import DocumentExtraction, ExtractedClaim
from summarizer.text import fold, normalize_with_map

FUZZY_THRESHOLD = 0.85
MIN_EVIDENCE_CHARS = 12


@dataclass
class GroundingReport:
    proposed: int = 0
    grounded: int = 0
    dropped: Counter[str] = field(default_factory=Counter)


def align(quote: str, text: str, sentences: list[Span], doc_id: str) -> tuple[Span, str] | None:
    """Find ``quote`` in ``text``. Returns the span and the method: exact, normalised, fuzzy."""
    q = quote.strip().strip("\"'\u201c\u201d")
    if len(q) < MIN_EVIDENCE_CHARS:
        return None
    i = text.find(q)
    if i >= 0:
        return Span(source=doc_id, start=i, end=i + len(q), text=text[i : i + len(q)]), "exact"
    norm_text, index = normalize_with_map(text)
    norm_q = normalize_with_map(q)[0]
    j = norm_text.find(norm_q)
    if j >= 0 and norm_q:
        s, e = index[j], index[j + len(norm_q) - 1] + 1
        return Span(source=doc_id, start=s, end=e, text=text[s:e]), "normalised"
    best: tuple[float, Span] | None = None
    for k in range(len(sentences)):
        for width in (1, 2):
            if k + width > len(sentences):
                continue
            s, e = sentences[k].start, sentences[k + width - 1].end
            window = normalize_with_map(text[s:e])[0]
            ratio = _ratio(norm_q, window)
            if best is None or ratio > best[0]:
                best = (ratio, Span(source=doc_id, start=s, end=e, text=text[s:e]))
    if best and best[0] >= FUZZY_THRESHOLD:
        return best[1], "fuzzy"
    return None


def _ratio(a: str, b: str) -> float:
    """Similarity of a quote to a window: the best of the whole-string ratio and the share of
    the quote found in matching blocks (a quote may be part of a longer sentence)."""
    if not a or not b:
        return 0.0
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    covered = sum(bl.size for bl in sm.get_matching_blocks()) / len(a)
    return max(sm.ratio(), covered if len(b) <= 3 * len(a) else 0.0)


def _claimed_value(claim: ExtractedClaim) -> Value | None:
    if not claim.quantity:
        return None
    found = find_mentions(claim.quantity)
    return found[0].value if found else None


_CAPS = re.compile(r"\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})*\b")


def paragraph_of(span: Span, doc_text: str) -> str:
    start = doc_text.rfind("\n", 0, span.start) + 1
    end = doc_text.find("\n", span.end)
    return doc_text[start : len(doc_text) if end < 0 else end]


def check_statement(statement: str, evidence: Span, doc_text: str) -> str | None:
    """None when every figure of the statement is in its evidence and every name is in the
    evidence's paragraph (a multi-word name may be completed from elsewhere in the document:
    'Rajnath Singh' for a paragraph that says 'Singh'); otherwise the reason it fails."""
    ev_values = [m.value for m in find_mentions(evidence.text)]
    for m in find_mentions(statement):
        if not any(agree(m.value, v) for v in ev_values):
            return "statement_figure_not_in_evidence"
    paragraph = fold(paragraph_of(evidence, doc_text)).lower()
    folded = fold(doc_text).lower()
    for name in _CAPS.findall(fold(statement)):
        parts = [w.lower() for w in name.split()]
        if any(re.search(rf"\b{re.escape(w)}\b", paragraph) for w in parts) and all(
            w in folded for w in parts
        ):
            continue
        return "statement_name_not_in_source"
    return None


def ground(
    extraction: DocumentExtraction, ev: DocEvidence, report: GroundingReport
) -> list[Candidate]:
    """Turn a model's extraction into verified candidates; count what is dropped and why."""
    doc = ev.doc
    out: list[Candidate] = []
    seen: set[tuple[int, int, str]] = set()
    n = max(1, len(ev.sentences))
    for claim in extraction.claims:
        report.proposed += 1
        aligned = align(claim.evidence, doc.text, ev.sentences, doc.id)
        if aligned is None:
            report.dropped["evidence_not_in_source"] += 1
            continue
        span, _method = aligned
        if any(f.start <= span.start and span.end <= f.end for f in ev.furniture):
            report.dropped["evidence_is_page_furniture"] += 1
            continue
        quantity = None
        quantity_span = None
        if claim.quantity:
            claimed = _claimed_value(claim)
            match = next(
                (m for m in find_mentions(span.text) if claimed and agree(m.value, claimed)), None
            )
            if match is None:
                report.dropped["quantity_not_in_evidence"] += 1
                continue
            quantity = match.value
            quantity_span = Span(
                source=doc.id, start=span.start + match.start, end=span.start + match.end,
                text=match.raw,
            )  # fmt: skip
        statement = " ".join(claim.statement.split())
        problem = check_statement(statement, span, doc.text) if statement else "empty_statement"
        if problem:
            report.dropped[problem] += 1
            continue
        key = (span.start, span.end, statement.lower())
        if key in seen:
            report.dropped["duplicate"] += 1
            continue
        seen.add(key)
        sent = next((k for k, s in enumerate(ev.sentences) if s.start <= span.start < s.end), -1)
        report.grounded += 1
        kind = claim.kind if claim.kind != "figure" or quantity else "event"
        out.append(
            Candidate(
                doc=doc.id, statement=statement, topic=" ".join(claim.topic.split()[:6]),
                kind=kind, span=span, quantity=quantity, quantity_span=quantity_span,
                speaker=claim.speaker if kind == "quote" else None, origin="model",
                position=max(sent, 0) / n, sentence=sent,
            )  # fmt: skip
        )
    return out
