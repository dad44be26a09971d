"""Grounding of answers by ids: the model names sentences and figures by the ids it was shown,
so its evidence is exact by construction. What is checked is consistency: every id exists, a
figure's measure fits the figure's unit (a sum of money is not a death toll), a topic names only
what its sentence's document names, and the event's actors are in the document. Whatever fails
is dropped and counted by reason."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from summarizer.brief import Value
from summarizer.evidence import Candidate, DocEvidence
from summarizer.quantities import agree, find_mentions, is_money
from summarizer.schemas import EventLabel, IdExtraction
from summarizer.text import content_words, fold
from summarizer.units import scaled_count

MIN_SENTENCE_WORDS = 6


@dataclass
class GroundingReport:
    proposed: int = 0
    grounded: int = 0
    dropped: Counter[str] = field(default_factory=Counter)


# --------------------------------------------------------------------------- measure vs unit

KIND_WORDS: dict[str, frozenset[str]] = {
    "money": frozenset(
        "cost costs value worth price prices budget outlay fee fees investment investments spend"
        " spending subsidy subsidies revenue revenues fund funds funding expenditure allocation"
        " loan loans salary payout compensation profit tariff financing grant grants".split()
    ),
    "people": frozenset(
        "toll deaths death dead killed fatalities casualties injured injuries people persons victims"
        " workers residents passengers survivors missing displaced evacuated employees".split()
    ),
    "time": frozenset(
        "date dates year years day days deadline month months period duration term until"
        " anniversary timeline when".split()
    ),
    "percent": frozenset("percent percentage % share rate ratio proportion".split()),
    "count": frozenset("number count edition".split()),
}
_UNITKIND_WORDS = {"count": {"people", "count"}, "year": {"time"}, "date": {"time"}, "duration": {"time"},
                   "percent": {"percent"}, "ordinal": {"time", "count"}}  # fmt: skip
"""The kinds of label that fit a unit; "duration" stands for every duration unit ('duration_days',
'duration_years')."""
_AMBIGUOUS_KIND_WORDS = frozenset({"share", "rate", "ratio"})
"""Kind words that name other kinds as well ('per share' is a price, 'exchange ratio' a count):
alone, they do not say the kind."""


def measure_kinds(measure: str) -> set[str]:
    """The kinds of quantity a measure label names ('death toll' -> people), from its words."""
    words = set(re.findall(r"[a-z%]+", measure.lower())) - _AMBIGUOUS_KIND_WORDS
    return {kind for kind, vocab in KIND_WORDS.items() if words & vocab}


_GENERIC = "total amount figure level size number count"


def specific_words(label: str) -> set[str]:
    """A measure label's specific words: its stemmed content words without the generic words
    of a quantity's kind ('value', 'number', 'year', 'toll', ...) that any two measures share."""
    generic = content_words(" ".join(w for vocab in KIND_WORDS.values() for w in vocab) + " " + _GENERIC)
    return set(content_words(label)) - set(generic)


def figure_context(ev: DocEvidence, sentence: int) -> str:
    """The text around a figure, folded and lower-cased: its sentence, its neighbours, its
    paragraph, and the headline (which names what the whole article is about)."""
    para = ev.sentence_para[sentence]
    near = [ev.sentences[k].text for k in range(len(ev.sentences))
            if abs(k - sentence) <= 1 or ev.sentence_para[k] == para]  # fmt: skip
    return fold(" ".join([ev.meta.get("title", ""), *near])).lower()


def measure_fits(measure: str, value: Value) -> bool:
    """False when the label clearly names another kind of quantity than the figure's unit: a
    money label on a count, a count of people on money, a date on a percentage. A label with no
    kind words ('AK-203 rifles', 'agreements') fits any figure."""
    kinds = measure_kinds(measure)
    if not kinds:
        return True
    unit = "duration" if value.unit.startswith("duration_") else value.unit
    unit_kinds = {"money"} if is_money(value) else _UNITKIND_WORDS.get(unit, set())
    if scaled_count(value):
        unit_kinds = unit_kinds | {"money"}  # 'raised it to 24.75 crore': a sum, its currency unsaid
    return bool(kinds & unit_kinds)


# --------------------------------------------------------------------------- names


def _stem_in(word: str, folded_text: str) -> bool:
    stem = word.lower()[: max(4, len(word) - 3)]
    return re.search(rf"\b{re.escape(stem)}", folded_text) is not None


def names_in(label: str, folded_text: str) -> bool:
    """Every capitalised word of a label occurs (by its stem) in the text: a label may be in
    Title Case, but it may not bring a name the text lacks."""
    return all(_stem_in(w, folded_text) for w in re.findall(r"\b[A-Z][\w\-]+", fold(label)))


def figures_in(label: str, text: str) -> bool:
    """Every figure of a label agrees with a figure of the text."""
    values = [m.value for m in find_mentions(text)]
    return all(any(agree(m.value, v) for v in values) for m in find_mentions(label))


# --------------------------------------------------------------------------- grounding


@dataclass
class Grounded:
    """What survives of one document's answer."""

    key_sentences: list[Candidate] = field(default_factory=list)
    measures: dict[int, str] = field(default_factory=dict)
    """Figure mention index (into DocEvidence.mentions) -> the measure it states."""
    event: EventLabel | None = None


def body_text(ev: DocEvidence) -> str:
    """The document's sentences, folded and lower-cased: page furniture (and any line that
    addresses a model) cannot vouch for a name."""
    return fold(" ".join(s.text for s in ev.sentences)).lower()


def _sentence_index(sid: str, ev: DocEvidence) -> int | None:
    k = int(sid[1:]) - 1
    return k if 0 <= k < len(ev.sentences) else None


def topic_fits(topic: str, sentence: str) -> bool:
    """A topic says what its sentence is about: one of its content words (stemmed) is in the
    sentence, or it has none."""
    words = set(content_words(topic))
    return not words or bool(words & set(content_words(sentence)))


def is_claim_sentence(ev: DocEvidence, idx: int) -> bool:
    """The evidence layer's own test for a reporting sentence: six words or more, ending like a
    sentence, and not the headline (headlines, captions and headings state no claim)."""
    text = ev.sentences[idx].text
    if len(text.split()) < MIN_SENTENCE_WORDS or (ev.meta.get("title") and ev.sentence_para[idx] == 0):
        return False
    return re.search(r"[.!?\"\u201d\u2019']\W*$", text) is not None


def ground_key_sentences(answer: IdExtraction, ev: DocEvidence, report: GroundingReport) -> list[Candidate]:
    """Key sentences as model candidates: the sentence's own text and span, the model's topic
    (dropped when it names what the document lacks), ranked by the model's order."""
    doc_folded = body_text(ev)
    n = max(1, len(ev.sentences))
    out: list[Candidate] = []
    seen: set[int] = set()
    for item in answer.keys():
        report.proposed += 1
        idx = _sentence_index(item.id, ev)
        if idx is None:
            report.dropped["unknown_sentence_id"] += 1
            continue
        if idx in seen:
            report.dropped["duplicate"] += 1
            continue
        span = ev.sentences[idx]
        if not is_claim_sentence(ev, idx):
            report.dropped["not_a_reporting_sentence"] += 1
            continue
        seen.add(idx)
        topic = " ".join(item.topic.split()[:6])
        if topic and not topic_fits(topic, span.text):
            report.dropped["topic_not_about_sentence"] += 1  # a wrong id, or a label of another sentence
            continue
        if topic and not (names_in(topic, doc_folded) and figures_in(topic, span.text)):
            report.dropped["topic_not_in_source"] += 1
            topic = ""
        report.grounded += 1
        out.append(
            Candidate(
                doc=ev.doc.id, statement=fold(span.text), topic=topic, kind="event", span=span,
                origin="model", position=min(idx, len(out)) / n, sentence=idx,
            )  # fmt: skip
        )
    return out


def only_figures(label: str) -> bool:
    """The label is figures and nothing else ('2031', '51 billion rupees (US $676million)',
    'December 6', '10 years'): it repeats a value instead of naming what the value measures."""
    rest, end = [], 0
    for m in find_mentions(label):
        rest.append(label[end : m.start])
        end = m.end
    rest.append(label[end:])
    return not content_words(" ".join(rest))


def ground_measures(answer: IdExtraction, ev: DocEvidence, report: GroundingReport) -> dict[int, str]:
    """Figure id -> measure label, for labels that fit their figure."""
    out: dict[int, str] = {}
    doc_folded = body_text(ev)
    for item in answer.measures():
        report.proposed += 1
        k = int(item.id[1:]) - 1
        if not 0 <= k < len(ev.mentions):
            report.dropped["unknown_figure_id"] += 1
            continue
        if k in out:
            report.dropped["duplicate"] += 1
            continue
        measure = " ".join(item.measure.split()[:6])
        sent, mention = ev.mentions[k]
        if not measure:
            report.dropped["empty_measure"] += 1
        elif not measure_fits(measure, mention.value):
            report.dropped["measure_unit_mismatch"] += 1
        elif only_figures(measure):
            report.dropped["measure_only_restates_a_figure"] += 1  # "F3: $5.5 billion" says no measure
        elif not (names_in(measure, doc_folded) and figures_in(measure, ev.sentences[sent].text)):
            report.dropped["measure_not_in_source"] += 1
        elif not names_in(measure, figure_context(ev, sent)):
            report.dropped["measure_names_another_part"] += 1  # 'AK-203 contract' on the S-400 deal

        else:
            out[k] = measure
    report.grounded += len(out)
    return out


def ground_event(event: EventLabel, ev: DocEvidence, report: GroundingReport) -> EventLabel | None:
    """The event with only the actors the document names; None when nothing is left."""
    doc_folded = body_text(ev)
    who = [w.strip() for w in re.split(r",|;|\band\b|&", event.who) if w.strip()]
    kept = [w for w in who if names_in(w, doc_folded)]
    if len(kept) < len(who):
        report.dropped["event_name_not_in_source"] += len(who) - len(kept)
    what = " ".join(event.what.split()[:12]) if names_in(event.what, doc_folded) else ""
    if not (kept or what):
        return None
    return EventLabel(who=", ".join(kept), what=what, when=" ".join(event.when.split()[:4]))


def ground(answer: IdExtraction, ev: DocEvidence, report: GroundingReport) -> Grounded:
    """Everything of one document's answer that holds against the document."""
    return Grounded(
        key_sentences=ground_key_sentences(answer, ev, report),
        measures=ground_measures(answer, ev, report),
        event=ground_event(answer.event_label(), ev, report),
    )
