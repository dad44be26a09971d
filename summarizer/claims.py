"""Claims grouped by meaning across documents: sentences and grounded model claims join when
their TF-IDF cosine passes a threshold (blocked through an inverted index), or when a verified
model alignment says they state the same fact (``fact_group``). Quotes group by speaker and
wording."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from summarizer.brief import Fact, Quote, dedupe_spans
from summarizer.evidence import Candidate
from summarizer.similarity import Rows, TfIdf, UnionFind, bag, candidate_pairs, cosine, unit
from summarizer.text import fold

# Measured on the seeds and ind_surya_ghar_cabinet (dev stories).
CLAIM_SIMILARITY = 0.42
ANCHORED_SIMILARITY = 0.25
MAX_ANCHOR_CLAIMS = 12
QUOTE_SIMILARITY = 0.5


def statement(c: Candidate) -> str:
    return " ".join(fold(c.statement).split())


def topic_words(text: str) -> str:
    ws = [w for w in re.findall(r"[A-Za-z][\w\-]+", text) if w.lower() not in _TOPIC_STOP]
    return " ".join(ws[:4])


_TOPIC_STOP = {"the", "and", "that", "with", "from", "this", "have", "were", "said", "their"}


def group_claims(
    claims: Sequence[Candidate], tfidf: TfIdf, anchors: Mapping[tuple[str, int], set[str]] | None = None
) -> list[list[Candidate]]:
    """Claims that state the same fact: TF-IDF cosine at least CLAIM_SIMILARITY; or sentences of
    different sources that give the same figure (an anchor: '₹78,000', '300 units') and share
    some words (ANCHORED_SIMILARITY); or one verified fact_group."""
    uf = UnionFind(len(claims))
    first: dict[str, int] = {}
    for i, c in enumerate(claims):  # the same words in several sources: one fact, compared once
        uf.union(i, first.setdefault(" ".join(bag(c.statement + " " + c.topic)), i))
    uniq = sorted(first.values())
    vecs = [unit(tfidf.vector(bag(claims[i].statement + " " + claims[i].topic))) for i in uniq]
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
    matrix = Rows(vecs)
    slot = {i: k for k, i in enumerate(uniq)}
    lexical = [(uniq[a], uniq[b]) for a, b in sorted(candidate_pairs(vecs, [claims[i].doc for i in uniq]))]
    anchored = [(i, j) for i, j in sorted(_anchored_pairs(claims, anchors or {})) if i in slot and j in slot]
    for limit, pairs in ((CLAIM_SIMILARITY, lexical), (ANCHORED_SIMILARITY, anchored)):
        sims = matrix.pair_dots([(slot[i], slot[j]) for i, j in pairs])
        for (i, j), sim in zip(pairs, sims, strict=True):
            if sim >= limit:
                uf.union(i, j)
    return [[claims[i] for i in sorted(m)] for m in uf.groups().values()]


def _anchored_pairs(claims: Sequence[Candidate], anchors: Mapping[tuple[str, int], set[str]]) -> set[tuple[int, int]]:
    """Pairs of claims from different sources whose sentences give the same figure; a figure
    given by many claims (a date every article repeats) anchors nothing."""
    by_value: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        for v in anchors.get((c.doc, c.sentence), ()):
            by_value[v].append(i)
    out: set[tuple[int, int]] = set()
    for members in by_value.values():
        if len(members) > MAX_ANCHOR_CLAIMS:
            continue
        for a in members:
            for b in members:
                if a < b and claims[a].doc != claims[b].doc:
                    out.add((a, b))
    return out


def ranked_representatives(members: Sequence[Candidate], derivative_of: dict[str, str]) -> list[Candidate]:
    """The group's statements, best first: a model's self-contained statement when one is
    grounded, then sentences of independent sources, earlier in their article, shorter."""

    def rank(c: Candidate) -> tuple[int, int, int, float]:
        return (0 if c.origin == "model" else 1, 1 if c.doc in derivative_of else 0, len(c.statement) // 60, c.position)

    return sorted(members, key=rank)


def representative(members: Sequence[Candidate], derivative_of: dict[str, str]) -> Candidate:
    """The best-ranked statement of the group."""
    return ranked_representatives(members, derivative_of)[0]


def group_quotes(cands: Sequence[Candidate], tfidf: TfIdf) -> list[Quote]:
    vecs = [unit(tfidf.vector(bag(c.statement))) for c in cands]
    uf = UnionFind(len(cands))
    pairs = sorted((i, j) for i, j in candidate_pairs(vecs, [c.doc for c in cands]) if cands[i].speaker == cands[j].speaker)
    for (i, j), sim in zip(pairs, Rows(vecs).pair_dots(pairs), strict=True):
        if sim >= QUOTE_SIMILARITY:
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


HEADLINE_WEIGHT = 0.6
"""How much a fact's closeness to the sources' headlines adds to its importance (0 to 1 before).
It only reorders facts of equal corroboration (independent sources sort first). Measured on the
nine dev stories (mean score): `none` 0.657 with 0, 0.659 / 0.661 / 0.660 with 0.15 / 0.6 / 1.5;
at 0.6 the oracle moves 0.722 to 0.721 and noisy-oracle (seed 0) 0.703 to 0.708."""


def add_headline_weight(facts: Sequence[Fact], titles: Sequence[str], tfidf: TfIdf) -> None:
    """Headlines state what the story is about: a fact close to what the sources' headlines say
    together (the cosine of its statement to their summed unit TF-IDF vectors) ranks higher, the
    oldest cue of extractive summarising (Edmundson's title words). No headline: no change."""
    centre: dict[str, float] = {}
    for title in titles:
        for term, w in unit(tfidf.vector(bag(title))).items():
            centre[term] = centre.get(term, 0.0) + w
    if not centre:
        return
    for f in facts:
        f.importance = round(f.importance + HEADLINE_WEIGHT * cosine(tfidf.vector(bag(f.statement)), centre), 3)
