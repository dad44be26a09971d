"""Claims grouped by meaning across documents: sentences and grounded model claims join when
their TF-IDF cosine passes a threshold (blocked through an inverted index), or when a verified
model alignment says they state the same fact (``fact_group``). Quotes group by speaker and
wording."""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.brief import Quote, dedupe_spans
from summarizer.evidence import Candidate
from summarizer.similarity import TfIdf, UnionFind, bag, candidate_pairs, dot, unit
from summarizer.text import fold

# Measured on the seeds and ind_surya_ghar_cabinet (dev stories).
CLAIM_SIMILARITY = 0.42
QUOTE_SIMILARITY = 0.5


def statement(c: Candidate) -> str:
    return " ".join(fold(c.statement).split())


def topic_words(text: str) -> str:
    ws = [w for w in re.findall(r"[A-Za-z][\w\-]+", text) if w.lower() not in _TOPIC_STOP]
    return " ".join(ws[:4])


_TOPIC_STOP = {"the", "and", "that", "with", "from", "this", "have", "were", "said", "their"}


def group_claims(claims: Sequence[Candidate], tfidf: TfIdf) -> list[list[Candidate]]:
    vecs = [unit(tfidf.vector(bag(c.statement + " " + c.topic))) for c in claims]
    uf = UnionFind(len(claims))
    # A model claim and the sentence it was grounded in are the same claim.
    by_span: dict[tuple[str, int], int] = {}
    for i, c in enumerate(claims):
        if c.origin == "evidence" and c.sentence >= 0:
            by_span[(c.doc, c.sentence)] = i
    for i, c in enumerate(claims):
        if c.origin == "model" and (c.doc, c.sentence) in by_span:
            uf.union(i, by_span[(c.doc, c.sentence)])
    by_fact: dict[str, int] = {}
    for i, c in enumerate(claims):  # a verified alignment's same-fact groups
        if c.fact_group is not None:
            uf.union(i, by_fact.setdefault(c.fact_group, i))
    groups = [c.doc for c in claims]
    for i, j in candidate_pairs(vecs, groups):
        if dot(vecs[i], vecs[j]) >= CLAIM_SIMILARITY:
            uf.union(i, j)
    return [[claims[i] for i in sorted(m)] for m in uf.groups().values()]


def representative(members: Sequence[Candidate], derivative_of: dict[str, str]) -> Candidate:
    """The statement shown: a model's self-contained statement when one is grounded, else the
    sentence of an independent source that best matches the others."""

    def rank(c: Candidate) -> tuple[int, int, float, int]:
        return (
            0 if c.origin == "model" else 1,
            1 if c.doc in derivative_of else 0,
            c.position,
            len(c.statement),
        )

    return min(members, key=rank)


def group_quotes(cands: Sequence[Candidate], tfidf: TfIdf) -> list[Quote]:
    vecs = [unit(tfidf.vector(bag(c.statement))) for c in cands]
    uf = UnionFind(len(cands))
    for i, j in candidate_pairs(vecs, [c.doc for c in cands]):
        if cands[i].speaker == cands[j].speaker and dot(vecs[i], vecs[j]) >= QUOTE_SIMILARITY:
            uf.union(i, j)
    out = []
    groups = sorted(uf.groups().values(), key=lambda m: (-len({cands[i].doc for i in m}), m[0]))
    for members in groups:
        ms = [cands[i] for i in members]
        rep = min(ms, key=lambda c: (c.position, c.doc))
        out.append(
            Quote(
                id="",
                text=" ".join(fold(rep.statement).split()),
                speaker=rep.speaker,
                sources=sorted({c.doc for c in ms}),
                evidence=dedupe_spans([c.span for c in ms]),
            )
        )
    for i, q in enumerate(out, 1):
        q.id = f"Q{i}"
    return out
