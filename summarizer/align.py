"""Cross-document alignment, for capable backends: one call per story, after every document's
extraction, deciding what the code cannot: which figures state the same measure, which
sentences state the same fact in other words, which documents report another event, and what
the documents tell differently in words.

The model answers with refs (``D2.F3``, ``D1.S4``, ``D3``). Every group is verified before use
and dropped, counted by reason, when it fails: refs must exist; a same-measure group's figures
must have values that parse, of one dimension, never two of one sentence; a same-fact group
spans two documents or more; a figure or sentence sits in one group only; and the other-event
documents are always fewer than the rest (the story's event is its majority's); a version told
in words counts only where a sentence it cites writes it. What survives sets
``Candidate.measure_group`` / ``fact_group`` (honoured by the merge; a group as proposed, before
pruning, leaves ``measure_votes``), the documents to set apart and the disagreements told in
words (summarizer.told). Without a verified group, the deterministic grouping stands."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from summarizer.brief import SetApart, Span, Value, dedupe_spans
from summarizer.compare import agree
from summarizer.evidence import Candidate, DocEvidence
from summarizer.grounding import Grounded, specific_words
from summarizer.quantities import Mention, is_money
from summarizer.schemas import Alignment
from summarizer.text import content_words, written_in
from summarizer.told import Stated
from summarizer.units import scaled_count

SNIPPET_WORDS = 40
MIN_SHARED_WORDS = 2
_FIG = re.compile(r"^D(\d+)\.F(\d+)$")
_SENT = re.compile(r"^D(\d+)\.S(\d+)$")
_DOC = re.compile(r"^D(\d+)$")


@dataclass
class StoryDoc:
    """One document of the story as the alignment sees it: its evidence and grounded answer."""

    ev: DocEvidence
    answer: Grounded


@dataclass
class Verified:
    measure_groups: list[list[tuple[str, int]]] = field(default_factory=list)
    """Each group: (doc id, mention index) of figures stating one measure."""
    measure_names: list[str] = field(default_factory=list)
    """The measure each of ``measure_groups`` states, as the model named it."""
    fact_groups: list[list[tuple[str, int]]] = field(default_factory=list)
    """Each group: (doc id, sentence index) of sentences stating one fact."""
    proposed_measures: list[list[tuple[str, int]]] = field(default_factory=list)
    """Each same-measure group as the model gave it (refs that exist), before pruning."""
    set_apart: list[SetApart] = field(default_factory=list)
    disagreements: list[Stated] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)


def _snippet(text: str) -> str:
    words = text.split()
    return " ".join(words[:SNIPPET_WORDS]) + (" ..." if len(words) > SNIPPET_WORDS else "")


def render(docs: Sequence[StoryDoc]) -> dict[str, str]:
    """The prompt's four lists. Every figure is listed, with the measure its document's answer
    gave it (or '?'); the key sentences are those the per-document answers picked; the other
    sentences are the rest of each document, headlines included (where a version told in words
    is found)."""
    documents, figures, sentences, others = [], [], [], []
    for d, sd in enumerate(docs, 1):
        ev, ans = sd.ev, sd.answer
        event = ans.event
        label = f"{event.who} / {event.what} / {event.when}" if event else "?"
        date = ev.meta.get("date", "")
        documents.append(f"D{d} = {ev.doc.id}" + (f" (dated {date})" if date else "") + f"; event: {label}")
        for j, (_, m) in enumerate(ev.mentions):
            figures.append(f"D{d}.F{j + 1}: {' '.join(m.raw.split())} | {ans.measures.get(j, '?')}")
        for c in ans.key_sentences:
            sentences.append(f"D{d}.S{c.sentence + 1}: {_snippet(c.span.text)}")
        keys = {c.sentence for c in ans.key_sentences}
        others += [f"D{d}.S{k + 1}: {_snippet(sp.text)}" for k, sp in enumerate(ev.sentences) if k not in keys]
    return {
        "documents": "\n".join(documents),
        "figures": "\n".join(figures) or "(none)",
        "sentences": "\n".join(sentences) or "(none)",
        "other_sentences": "\n".join(others) or "(none)",
    }


def _dimension(v: Value) -> str:
    return "money" if is_money(v) else v.unit


def _figure_refs(refs: Sequence[str], docs: Sequence[StoryDoc]) -> list[tuple[int, int]] | None:
    out = []
    for ref in refs:
        m = _FIG.match(ref.strip())
        if not m:
            return None
        d, j = int(m.group(1)) - 1, int(m.group(2)) - 1
        if not (0 <= d < len(docs) and 0 <= j < len(docs[d].ev.mentions)):
            return None
        out.append((d, j))
    return list(dict.fromkeys(out))


def _corroborated(x: tuple[int, int], group: str, docs: Sequence[StoryDoc]) -> bool:
    """The document's own answer labelled this figure with a measure that shares a specific
    word with the group's measure: two separate answers agree on what it measures. A label of
    kind words only ('death toll', 'number of injured') agrees when all its words are the
    group's."""
    own = docs[x[0]].answer.measures.get(x[1])
    if own is None:
        return False
    mine = specific_words(own)
    if mine:
        return bool(mine & specific_words(group))
    words = set(content_words(own))
    return bool(words) and words <= set(content_words(group))


def _prune_measure(
    members: list[tuple[int, int]], measure: str, docs: Sequence[StoryDoc], dropped: Counter[str]
) -> list[tuple[int, int]]:
    """The members that can state one measure: values that parse, of the group's main
    dimension, corroborated by their own document's label, one figure per sentence. Each member
    left out is counted."""
    def mention(x: tuple[int, int]) -> tuple[int, Mention]:
        return docs[x[0]].ev.mentions[x[1]]

    keep = [x for x in members if mention(x)[1].value.value is not None or mention(x)[1].value.low is not None]
    dims = Counter(_dimension(mention(x)[1].value) for x in keep)
    main = dims.most_common(1)[0][0] if dims else None
    keep = [x for x in keep if _dimension(mention(x)[1].value) == main
            or (main == "money" and scaled_count(mention(x)[1].value))]  # fmt: skip
    sure = [x for x in keep if _corroborated(x, measure, docs)]
    # a figure its own answer left unlabelled joins when its value is one a corroborated member
    # states: the same amount told in the same story is the same measure
    keep = [
        x for x in keep
        if x in sure or (docs[x[0]].answer.measures.get(x[1]) is None
                         and any(agree(mention(x)[1].value, mention(y)[1].value) is True for y in sure))
    ]  # fmt: skip
    seen: set[tuple[int, int]] = set()
    out = []
    for x in keep:  # one sentence never states one measure twice: its first figure stays
        where = (x[0], mention(x)[0])
        if where not in seen:
            seen.add(where)
            out.append(x)
    if len(out) < len(members):
        dropped["same_measure_member_left_out"] += len(members) - len(out)
    return out


def _sentence_refs(refs: Sequence[str], docs: Sequence[StoryDoc]) -> list[tuple[int, int]] | None:
    out = []
    for ref in refs:
        m = _SENT.match(ref.strip())
        if not m:
            return None
        d, k = int(m.group(1)) - 1, int(m.group(2)) - 1
        if not (0 <= d < len(docs) and 0 <= k < len(docs[d].ev.sentences)):
            return None
        out.append((d, k))
    return list(dict.fromkeys(out))


def _verify_measures(answer: Alignment, docs: Sequence[StoryDoc], out: Verified) -> None:
    used: set[tuple[int, int]] = set()
    for group in answer.same_measure:
        members = _figure_refs(group.figures, docs)
        if members is not None:
            out.proposed_measures.append([(docs[d].ev.doc.id, docs[d].ev.mentions[j][1].start) for d, j in members])
            members = _prune_measure([x for x in members if x not in used], group.measure, docs, out.dropped)
        problem = "unknown_ref" if members is None else "group_too_small" if len(members) < 2 else None
        if problem or members is None:
            out.dropped[f"same_measure_{problem}"] += 1
            continue
        used.update(members)
        out.measure_groups.append([(docs[d].ev.doc.id, docs[d].ev.mentions[j][1].start) for d, j in members])
        out.measure_names.append(" ".join(group.measure.split()))


def _prune_fact(members: list[tuple[int, int]], docs: Sequence[StoryDoc], dropped: Counter[str]) -> list[tuple[int, int]]:
    """The members that share at least MIN_SHARED_WORDS content words with another member: one
    fact told in other words still names its actors or its action alike."""
    words = [set(content_words(docs[d].ev.sentences[k].text)) for d, k in members]
    out = [
        x for i, x in enumerate(members)
        if any(len(words[i] & words[j]) >= MIN_SHARED_WORDS for j in range(len(members)) if j != i)
    ]  # fmt: skip
    if len(out) < len(members):
        dropped["same_fact_member_left_out"] += len(members) - len(out)
    return out


def _verify_facts(answer: Alignment, docs: Sequence[StoryDoc], out: Verified) -> None:
    used: set[tuple[int, int]] = set()
    for group in answer.same_fact:
        members = _sentence_refs(group.sentences, docs)
        if members is not None:
            members = _prune_fact([x for x in members if x not in used], docs, out.dropped)
        if members is None:
            problem = "unknown_ref"
        elif len({d for d, _ in members}) < 2:
            problem = "single_document"
        else:
            problem = None
        if problem or members is None:
            out.dropped[f"same_fact_{problem}"] += 1
            continue
        used.update(members)
        out.fact_groups.append([(docs[d].ev.doc.id, k) for d, k in members])


def _verify_other_events(answer: Alignment, docs: Sequence[StoryDoc], out: Verified) -> None:
    apart: dict[int, SetApart] = {}
    for group in answer.other_event:
        found = [_DOC.match(r.strip()) for r in group.docs]
        idx = [int(m.group(1)) - 1 for m in found if m]
        if len(idx) < len(group.docs) or not idx or not all(0 <= d < len(docs) for d in idx):
            out.dropped["other_event_unknown_ref"] += 1
            continue
        for d in idx:
            event = " ".join(group.event.split()) or "another event"
            reason = " ".join(group.reason.split()) or "the alignment found it reports another event"
            apart.setdefault(d, SetApart(source=docs[d].ev.doc.id, event=event, reason=f"{reason} (model alignment)"))
    if apart and len(apart) >= len(docs) - len(apart):
        out.dropped["other_event_not_a_minority"] += len(apart)
        return
    story = [w for k, doc in enumerate(docs) if k not in apart and (w := _event_words(doc.answer))]
    refuted = [d for d in apart if _names_the_story(_event_words(docs[d].answer), story)]
    out.dropped["other_event_refuted_by_own_answer"] += len(refuted)
    out.set_apart = [apart[d] for d in sorted(apart) if d not in refuted]


SAME_EVENT_OVERLAP = 0.5
"""Two event labels name one event when half their specific words (what and when) are shared."""


def _event_words(answer: Grounded) -> set[str]:
    e = answer.event
    return specific_words(f"{e.what} {e.when}") if e is not None else set()


def _names_the_story(mine: set[str], story: list[set[str]]) -> bool:
    """A document's own event (``mine``) is the one most of the story's other documents name
    (``story``, one set of event words each): two separate answers disagree, and the document
    stays. (A document whose own answer names no event, or names another, can be set apart.)"""
    if not mine or not story:
        return False
    same = sum(len(mine & w) >= SAME_EVENT_OVERLAP * len(mine | w) for w in story)
    return 2 * same > len(story)


def _written_in(text: str, ev: DocEvidence, k: int) -> Span | None:
    """Where sentence k writes ``text`` (whole words, any case, any spacing), as a verbatim span."""
    sp = ev.sentences[k]
    m = written_in(text, sp.text)
    if m is None:
        return None
    start = sp.start + m.start()
    return Span(source=ev.doc.id, start=start, end=start + len(m.group(0)), text=m.group(0))


def _verify_disagreements(answer: Alignment, docs: Sequence[StoryDoc], out: Verified) -> None:
    """A disagreement holds when two or more distinct versions are each written (in one of its
    wordings) in a sentence it cites; cited sentences that write none of a version's wordings are
    left out. What it becomes in the brief is summarizer.told's to decide."""
    for item in answer.disagree:
        versions: list[tuple[str, list[Span]]] = []
        for v in item.values:
            texts, refs = [t for t in (" ".join(x.split()) for x in v.texts) if t], _sentence_refs(v.sentences, docs)
            if refs is None:
                out.dropped["disagree_unknown_ref"] += 1
                continue
            spans = [sp for d, k in refs
                     if (sp := next((w for t in texts if (w := _written_in(t, docs[d].ev, k))), None))]  # fmt: skip
            out.dropped["disagree_version_not_in_sentence"] += len(refs) - len(spans)
            if spans:  # shown as most of its sentences write it
                shown = Counter(" ".join(sp.text.split()) for sp in spans).most_common(1)[0][0]
                versions.append((shown, dedupe_spans(spans)))
        if len({t.lower() for t, _ in versions}) < 2:
            out.dropped["disagree_fewer_than_two_versions"] += 1
        else:
            out.disagreements.append(Stated(" ".join(item.topic.split()) or "told differently", versions))


def verify(answer: Alignment, docs: Sequence[StoryDoc]) -> Verified:
    """The groups of ``answer`` that hold against the documents; the rest counted in ``dropped``."""
    out = Verified()
    _verify_measures(answer, docs, out)
    _verify_facts(answer, docs, out)
    _verify_other_events(answer, docs, out)
    _verify_disagreements(answer, docs, out)
    return out


@dataclass
class Applied:
    measure_groups: int = 0
    fact_groups: int = 0
    figures: int = 0
    sentences: int = 0


def apply(verified: Verified, cands: Sequence[Candidate]) -> Applied:
    """Set ``measure_group`` on the figure candidates and ``fact_group`` on the claim candidates
    (not figures, not quotes) that the verified groups name."""
    figure_at = {(c.doc, c.quantity_span.start): c for c in cands if c.kind == "figure" and c.quantity_span}
    claims_at: dict[tuple[str, int], list[Candidate]] = {}
    for c in cands:
        if c.kind in ("event", "context"):
            claims_at.setdefault((c.doc, c.sentence), []).append(c)
    out = Applied()
    for k, (group, name) in enumerate(zip(verified.measure_groups, verified.measure_names, strict=True), 1):
        hit = [figure_at[ref] for ref in group if ref in figure_at]
        for c in hit:
            c.measure_group = f"M{k}"
            c.measure_name = name
        out.measure_groups += len(hit) >= 2
        out.figures += len(hit)
    for k, group in enumerate(verified.proposed_measures, 1):
        for ref in group:
            if ref in figure_at:
                figure_at[ref].measure_votes.add(f"P{k}")
    for k, group in enumerate(verified.fact_groups, 1):
        hit = [c for ref in group for c in claims_at.get(ref, [])]
        for c in hit:
            c.fact_group = f"A{k}"
        out.fact_groups += len({c.doc for c in hit}) >= 2
        out.sentences += len({(c.doc, c.sentence) for c in hit})
    return out
