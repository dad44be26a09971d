"""A capable model, simulated honestly: the ``oracle`` answers the id protocol (per-document
extraction and the story's alignment) from the eval stories' gold labels, never from the code's
output, over real HTTP on loopback as an OpenAI-compatible chat-completions endpoint. The normal
openai backend reaches it, so the pipeline runs exactly as with any endpoint.

It reads only what a model reads, the request's text (document ids, numbered sentences and
figures as written, the alignment's refs), and answers from the gold of the story those ids
belong to:

- key sentences: for each gold fact of that source, most important first, the first sentence in
  which every keyword group of the fact hits; the topic is the fact's;
- a figure's measure: the gold discrepancy whose value forms (for that source) match the
  figure as written, else the gold fact whose values match;
- the event: the gold story's event, or the source's other-event label;
- alignment: same measure from the gold discrepancies and fact values, same fact from the gold
  facts' keywords, other event from the sources' event labels, and what is told differently in
  words from the gold discrepancies' value forms that the listed sentences write.

``noisy-oracle`` is the same with a share of its labels wrong (seeded): a wrong sentence id, a
wrong measure label, a wrong group member, a wrong document set apart.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.eval.gold import GoldFact, GoldStory, load_gold
from summarizer.eval.loopback import LoopbackServer, completion, prompt_text
from summarizer.eval.match import Text, form_hit, groups_hit
from summarizer.eval.normalize import Quantity, quantities
from summarizer.eval.words import stem_phrase_in
from summarizer.text import written_in

NOISE = 0.2
MAX_KEY_SENTENCES = 10
_ARTICLE_ID = re.compile(r"^Article id: (\S+)$", re.M)
_SENT = re.compile(r"^S(\d+): (.*)$", re.M)
_FIG = re.compile(r"^F(\d+) \[(S\d+)\]: (.*)$", re.M)
_DOC = re.compile(r"^(D\d+) = ([^\s;]+)", re.M)
_AFIG = re.compile(r"^(D\d+)\.(F\d+): (.*) \| .*$", re.M)
_ASENT = re.compile(r"^(D\d+)\.(S\d+): (.*)$", re.M)


# --------------------------------------------------------------------------- gold lookups


def fact_topic(fact: GoldFact, text: str = "") -> str:
    """A short topic for a fact, as a model would write it for ``text``: its own topic, else one
    word per keyword group (the alternative ``text`` uses, else the first), at most four."""
    if fact.topic:
        return fact.topic
    words = []
    for group in fact.keywords[:4]:
        words.append(next((alt for alt in group if text and stem_phrase_in(alt, text)), group[0]))
    return " ".join(words)


def _matches_any(raw: str, forms: list[str]) -> bool:
    """A figure as written states one of the forms: as the scorer reads it, or, for a figure
    written without its currency ('raised it to 24.75 crore'), the same amount, as a reader of
    the gold labels would tell."""
    text = Text.of(raw)
    if any(form_hit(f, text) for f in forms):
        return True
    bare = [q for q in text.qty if q.unit is None]
    return any(w.unit is not None and w.same(Quantity(q.value, w.unit)) for f in forms for w in quantities(f) for q in bare)


def measure_of(gold: GoldStory, source: str, raw: str, sentence: str = "") -> str | None:
    """The gold measure a figure states: a discrepancy whose value (for this source) has a
    form matching ``raw``, else a fact of this source whose values match."""
    for disc in gold.discrepancies:
        if any(source in v.sources and _matches_any(raw, v.forms) for v in disc.values):
            return disc.measure
    for fact in gold.facts:
        if source in fact.sources and fact.values and _matches_any(raw, fact.values):
            return fact_topic(fact, sentence)
    return None


def label_as_written(measure: str, sentence: str, near: str) -> str:
    """The measure in the words around the figure, as a model labelling that figure writes it:
    without a figure its sentence lacks ('record 2022 profit' where the text says 'last year')
    or a name the nearby text lacks ('the S-400 contract' where it says 'missile contract')."""
    kept = []
    for tok in measure.split():
        core = re.sub(r"(?:'s|’s)$", "", tok.strip(",.;:()"))
        if any(ch.isdigit() for ch in core) and core not in sentence:
            continue
        if core[:1].isupper() and core.lower() not in near.lower():
            continue
        kept.append(tok)
    return " ".join(kept) or measure


def fact_sentence(fact: GoldFact, sentences: list[tuple[str, str]]) -> str | None:
    """The first sentence id in which every keyword group of the fact hits."""
    for sid, text in sentences:
        if all(groups_hit(fact.keywords, Text.of(text))):
            return sid
    return None


def by_importance(gold: GoldStory) -> list[GoldFact]:
    return sorted(gold.facts, key=lambda f: -f.importance)  # stable: gold order within a level


# --------------------------------------------------------------------------- answers


def document_answer(gold: GoldStory, source: str, prompt: str) -> dict[str, Any]:
    """The per-document answer by ids, from the gold."""
    sentences = [(f"S{m.group(1)}", m.group(2)) for m in _SENT.finditer(prompt)]
    keys: dict[str, str] = {}
    for fact in by_importance(gold):
        sid = fact_sentence(fact, sentences) if source in fact.sources else None
        if sid and sid not in keys and len(keys) < MAX_KEY_SENTENCES:
            keys[sid] = fact_topic(fact, dict(sentences)[sid])
    figures = {}
    text_of = dict(sentences)
    for m in _FIG.finditer(prompt):
        sentence = text_of.get(m.group(2), "")
        measure = measure_of(gold, source, m.group(3), sentence)
        if measure:
            k = int(m.group(2)[1:])
            near = " ".join(text_of.get(f"S{i}", "") for i in range(k - 1, k + 2))
            figures[f"F{m.group(1)}"] = label_as_written(measure, sentence, near)
    src = gold.sources.get(source)
    main = src is None or src.event == "main"
    what = gold.event.what if main else src.event if src else ""
    event = f"{', '.join(gold.event.who)}; {what}; {gold.event.when if main else ''}"
    return {"key_sentences": [f"{k}: {t}" for k, t in keys.items()],
            "figures": [f"{k}: {m}" for k, m in figures.items()], "event": event}  # fmt: skip


@dataclass
class AlignmentView:
    """What the alignment prompt lists: documents by alias, figures and key sentences."""

    docs: dict[str, str]
    figures: list[tuple[str, str, str]]  # (alias, figure id, as written)
    sentences: list[tuple[str, str, str]]  # (alias, sentence id, text): the key sentences
    others: list[tuple[str, str, str]] = field(default_factory=list)  # the other sentences

    @classmethod
    def parse(cls, prompt: str) -> AlignmentView:
        keys, _, others = prompt.partition("\nOther sentences:\n")
        return cls(
            {m.group(1): m.group(2) for m in _DOC.finditer(prompt)},
            [(m.group(1), m.group(2), m.group(3)) for m in _AFIG.finditer(prompt)],
            [(m.group(1), m.group(2), m.group(3)) for m in _ASENT.finditer(keys)],
            [(m.group(1), m.group(2), m.group(3)) for m in _ASENT.finditer(others)],
        )


def _measure_groups(gold: GoldStory, view: AlignmentView) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    used: set[str] = set()

    def add(measure: str, refs: list[str]) -> None:
        refs = [r for r in refs if r not in used]
        if len(refs) >= 2:
            used.update(refs)
            groups.append({"measure": measure, "figures": refs})

    for disc in gold.discrepancies:
        add(disc.measure, [
            f"{a}.{f}" for a, f, raw in view.figures
            if any(view.docs[a] in v.sources and _matches_any(raw, v.forms) for v in disc.values)
        ])  # fmt: skip
    for fact in gold.facts:
        if fact.values:
            add(fact_topic(fact), [
                f"{a}.{f}" for a, f, raw in view.figures
                if view.docs[a] in fact.sources and _matches_any(raw, fact.values)
            ])  # fmt: skip
    return groups


def _fact_groups(gold: GoldStory, view: AlignmentView) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    used: set[str] = set()
    for fact in by_importance(gold):
        refs = [
            f"{a}.{s}" for a, s, text in view.sentences
            if view.docs[a] in fact.sources and f"{a}.{s}" not in used and all(groups_hit(fact.keywords, Text.of(text)))
        ]  # fmt: skip
        if len({r.split(".")[0] for r in refs}) >= 2:
            used.update(refs)
            groups.append({"sentences": refs})
    return groups


def _disagreements(gold: GoldStory, view: AlignmentView) -> list[dict[str, Any]]:
    """Every gold discrepancy, each value with the forms that sentences of its sources write
    and those sentences; the code keeps the ones told in words."""
    out = []
    for disc in gold.discrepancies:
        values = []
        for v in disc.values:
            by_form: dict[str, list[str]] = {}
            for a, sid, text in view.sentences + view.others:
                if view.docs[a] not in v.sources:
                    continue
                form = next((f for f in v.forms if written_in(f, text)), None)
                if form is not None:
                    by_form.setdefault(form, []).append(f"{a}.{sid}")
            if by_form:
                forms = sorted(by_form, key=lambda f: -len(by_form[f]))
                values.append({"texts": forms, "sentences": [r for f in forms for r in by_form[f]]})
        if len(values) >= 2:
            out.append({"topic": disc.measure, "values": values})
    return out


def alignment_answer(gold: GoldStory, prompt: str) -> dict[str, Any]:
    view = AlignmentView.parse(prompt)
    by_event: dict[str, list[str]] = {}
    for alias, doc in view.docs.items():
        src = gold.sources.get(doc)
        if src is not None and src.event != "main":
            by_event.setdefault(src.event, []).append(alias)
    other = [
        {"docs": aliases, "event": event, "reason": gold.sources[view.docs[aliases[0]]].reason or event}
        for event, aliases in by_event.items()
    ]
    return {"same_measure": _measure_groups(gold, view), "same_fact": _fact_groups(gold, view), "other_event": other,
            "disagree": _disagreements(gold, view)}  # fmt: skip


# --------------------------------------------------------------------------- noise


def _pick(rng: random.Random, pool: list[str], avoid: str) -> str:
    options = [p for p in pool if p != avoid]
    return rng.choice(options) if options else avoid


def noisy_document(answer: dict[str, Any], prompt: str, gold: GoldStory, rng: random.Random, share: float) -> None:
    """Wrong sentence ids and wrong measure labels, each with probability ``share``."""
    sids = [f"S{m.group(1)}" for m in _SENT.finditer(prompt)]
    measures = [d.measure for d in gold.discrepancies] + [fact_topic(f) for f in gold.facts if f.values]
    for i, item in enumerate(answer["key_sentences"]):
        sid, _, topic = item.partition(": ")
        if rng.random() < share:
            answer["key_sentences"][i] = f"{_pick(rng, sids, sid)}: {topic}"
    for i, item in enumerate(answer["figures"]):
        fid, _, measure = item.partition(": ")
        if rng.random() < share:
            answer["figures"][i] = f"{fid}: {_pick(rng, measures, measure)}"


def noisy_alignment(answer: dict[str, Any], prompt: str, rng: random.Random, share: float) -> None:
    """Wrong group members and wrong other-event documents, each with probability ``share``."""
    view = AlignmentView.parse(prompt)
    figs = [f"{a}.{f}" for a, f, _ in view.figures]
    sents = [f"{a}.{s}" for a, s, _ in view.sentences]
    for group in answer["same_measure"]:
        group["figures"] = [_pick(rng, figs, r) if rng.random() < share else r for r in group["figures"]]
    for group in answer["same_fact"]:
        group["sentences"] = [_pick(rng, sents, r) if rng.random() < share else r for r in group["sentences"]]
    for group in answer["other_event"]:
        group["docs"] = [_pick(rng, list(view.docs), d) if rng.random() < share else d for d in group["docs"]]
    everywhere = sents + [f"{a}.{s}" for a, s, _ in view.others]
    for item in answer["disagree"]:
        for v in item["values"]:
            v["sentences"] = [_pick(rng, everywhere, r) if rng.random() < share else r for r in v["sentences"]]


# --------------------------------------------------------------------------- the endpoint


class Oracle:
    """Answers requests from the gold stories in ``gold_paths``; ``noise`` is the share of
    labels made wrong (0 for the oracle), seeded by ``seed`` and the request."""

    def __init__(self, gold_paths: list[Path], noise: float = 0.0, seed: int = 0) -> None:
        self.story_of: dict[str, GoldStory] = {}
        for path in gold_paths:
            gold = load_gold(path)
            for source in gold.sources:
                self.story_of[source] = gold
        self.noise = noise
        self.seed = seed
        self.served: Counter[str] = Counter()

    def _rng(self, prompt: str) -> random.Random:
        digest = hashlib.sha256(f"{self.seed}\0{prompt}".encode()).hexdigest()
        return random.Random(int(digest[:16], 16))

    def answer(self, prompt: str) -> dict[str, Any]:
        doc = _ARTICLE_ID.search(prompt)
        if doc and doc.group(1) in self.story_of:
            gold = self.story_of[doc.group(1)]
            out = document_answer(gold, doc.group(1), prompt)
            if self.noise:
                noisy_document(out, prompt, gold, self._rng(prompt), self.noise)
            self.served["document"] += 1
            return out
        stories = Counter(id(self.story_of[d]) for d in AlignmentView.parse(prompt).docs.values() if d in self.story_of)
        if stories:
            story_id = stories.most_common(1)[0][0]
            gold = next(g for g in self.story_of.values() if id(g) == story_id)
            out = alignment_answer(gold, prompt)
            if self.noise:
                noisy_alignment(out, prompt, self._rng(prompt), self.noise)
            self.served["alignment"] += 1
            return out
        self.served["other"] += 1
        return {"sentences": []}  # the overview (or anything else): nothing, the facts' overview stays


class OracleServer(LoopbackServer):
    """The oracle on 127.0.0.1 (an ephemeral port), from a background thread; a context manager."""

    def __init__(self, oracle: Oracle) -> None:
        self.oracle = oracle
        super().__init__(self._complete, name="oracle")

    def _complete(self, request: dict[str, Any], size: int) -> dict[str, Any]:
        return completion(request, json.dumps(self.oracle.answer(prompt_text(request))), model="oracle")
