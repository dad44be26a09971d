"""Discrepancies among grouped figures: the values as stated (qualifiers kept), whether they
conflict, the measure's name, and the discrepancy with each source's value; a source at odds
with itself is said in the note, or stands alone when it is the measure's only source."""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from summarizer.brief import Discrepancy, DiscrepancyValue, dedupe_spans
from summarizer.compare import agree
from summarizer.evidence import Candidate, value_of
from summarizer.figures import FigureGroup
from summarizer.measures import clause_around, near_words, state
from summarizer.similarity import TfIdf
from summarizer.text import STOPWORDS, content_words, stem
from summarizer.units import CURRENCY_PREFIX, MONTHS, ORDINAL_WORDS, UNITS_WORDS, is_money


def value_classes(members: Sequence[Candidate]) -> list[list[Candidate]]:
    """The members by value as stated: the same figure with another qualifier is another value
    ("nearly ₹5,000 crore" is not "₹5,000 crore"), each shown with its own sources."""
    classes: dict[tuple[object, ...], list[Candidate]] = {}
    for c in members:
        q = c.quantity
        assert q is not None
        key = (q.unit, q.value, q.qualifier, q.low, q.high)
        classes.setdefault(key, []).append(c)
    return _join_conversions(list(classes.values()))


def _join_conversions(classes: list[list[Candidate]]) -> list[list[Candidate]]:
    """A sum in another currency that a source gives as the conversion of a class's value
    ('103m euros (£88.5m)') is that value: '£88.5m' elsewhere joins the '103m euros' class. No
    currency is converted by rate; only the sources' own conversions are used."""
    converted: dict[tuple[str, float, str], int] = {}  # a stated conversion -> its class
    for k, cl in enumerate(classes):
        for c in cl:
            for alt in value_of(c).alternatives:
                if alt.value is not None and alt.unit != value_of(cl[0]).unit:
                    converted.setdefault((alt.unit, round(alt.value, 6), alt.qualifier), k)
    home = list(range(len(classes)))
    for k, cl in enumerate(classes):
        q = value_of(cl[0])
        into = converted.get((q.unit, round(q.value, 6), q.qualifier)) if q.value is not None else None
        if into is not None and into != k and home[into] == into and not any(value_of(c).alternatives for c in cl):
            home[k] = into
    out: dict[int, list[Candidate]] = {k: list(cl) for k, cl in enumerate(classes) if home[k] == k}
    for k, cl in enumerate(classes):
        if home[k] != k:  # after the class's own mentions: its first states it in its own currency
            out[home[k]].extend(cl)
    return list(out.values())


def conflicting(classes: list[list[Candidate]]) -> bool:
    """True when two classes state comparable values that disagree (a figure in another
    currency is never converted, so it cannot conflict on its own)."""
    for i, a in enumerate(classes):
        for b in classes[i + 1 :]:
            qa, qb = a[0].quantity, b[0].quantity
            if qa is not None and qb is not None and agree(qa, qb) is False:
                return True
    return False


def figure_topic(members: Sequence[Candidate]) -> str:
    """The phrase the sources most often use next to the figure, as written ('AK-203 assault
    rifles', 'contract worth'); ties go to the earliest mention."""
    phrases = Counter(c.topic for c in members if c.topic)
    if phrases:
        best = max(phrases.values())
        return next(c.topic for c in members if phrases.get(c.topic) == best)
    words = Counter(w for c in members for w in dict.fromkeys(c.context))
    return " ".join(w for w, _ in words.most_common(3)) or "figure"


_SURFACE = re.compile(r"[A-Za-z][\w\-\u2011]*")
TOPIC_EXTRA_WORDS = 2
TOPIC_WINDOW = 60  # characters either side of the figure; measured on the dev stories


MODEL_NAME_MIN_DOCS = 2  # a model's name for the measure, given for figures of this many sources


def model_topic(members: Sequence[Candidate]) -> str:
    """The measure as the model named it: a verified alignment group's name, else the label its
    per-document answers gave most of the group's figures (at least MODEL_NAME_MIN_DOCS sources
    agreeing, so one wrong label does not name the measure); '' when there is none."""
    for attr in ("measure_name", "measure_label"):
        docs_of: dict[str, set[str]] = {}
        written: dict[str, str] = {}
        for c in members:
            name = getattr(c, attr)
            if name and re.search(r"[A-Za-z]{3}", name):
                key = " ".join(stem(w) for w in content_words(name))
                docs_of.setdefault(key, set()).add(c.doc)
                written.setdefault(key, name)
        if docs_of:
            key = max(docs_of, key=lambda k: len(docs_of[k]))
            if len(docs_of[key]) >= MODEL_NAME_MIN_DOCS and 2 * len(docs_of[key]) > len({c.doc for c in members if getattr(c, attr)}):
                return written[key]
    return ""


STATE_NAMES = {
    "dead": "death toll", "injured": "injured", "missing": "missing", "rescued": "rescued",
    "displaced": "displaced", "in-hospital": "in hospital", "infected": "infected", "arrested": "arrested",
    "identified": "identified",
}  # fmt: skip


def state_topic(members: Sequence[Candidate]) -> str:
    """What a count of people counts ('death toll', 'missing') or whose age a figure is
    ('age of man'), when most of the group's mentions say it; else ''."""
    states = Counter(s for c in members for s in state(c))
    if not states:
        return ""
    top, n = states.most_common(1)[0]
    if 2 * n < len(members):
        return ""
    if top.startswith("age:"):
        return f"age of {top[4:]}".strip() if top[4:] else "age"
    if top.startswith("dim:"):
        return top[4:]
    return STATE_NAMES.get(top, "")


def measure_topic(members: Sequence[Candidate], tfidf: TfIdf) -> str:
    """The measure's name: with a model, the name it gave (model_topic); else the phrase the
    sources use next to the figure, led by the words most of the group's sentences share that
    are rarest in the story ('S-400 missile deal signed', not 'deal signed'). Never a bare
    number."""
    named = model_topic(members)
    if named:
        return named
    counted = state_topic(members)
    phrase = figure_topic(members)
    if counted:
        return counted if stem(counted.split()[-1]) in {stem(w.lower()) for w in phrase.split()} else f"{counted}: {phrase}"
    return _with_whose(members, _with_money_noun(members, _lexical_topic(members, tfidf, phrase)))


def _with_money_noun(members: Sequence[Candidate], topic: str) -> str:
    """A sum of money names what it is (price, fee, value...) when its sources say so near it."""
    if not any(c.quantity is not None and is_money(c.quantity) for c in members):
        return topic
    have = {stem(w.lower()) for w in topic.split()}
    if have & MONEY_NOUNS:
        return topic
    seen = Counter(stem(w.lower()) for c in members for _, w in near_words(c, TOPIC_ADJACENT_WORDS)
                   if stem(w.lower()) in MONEY_NOUNS)  # fmt: skip
    if not seen:
        return topic
    noun = seen.most_common(1)[0][0]
    written = next(w for c in members for _, w in near_words(c, TOPIC_ADJACENT_WORDS) if stem(w.lower()) == noun)
    return f"{topic} {written.lower()}".strip()


def _with_whose(members: Sequence[Candidate], topic: str) -> str:
    """The name most of the group's sources give next to the figure ('Starc', 'Mobil') leads
    the topic: whose price or which company's value it is."""
    docs = {c.doc for c in members}
    near: dict[str, set[str]] = {}
    first: dict[str, tuple[int, str]] = {}
    for c in members:
        for d, name in _names_near(c) + _names_in_sentence(c):
            key = name.split()[-1]  # 'Mitchell Starc' and 'Starc' are one name
            near.setdefault(key, set()).add(c.doc)
            if key not in first or d < first[key][0]:
                first[key] = (d, name)
    ranked = sorted(near, key=lambda k: (-len(near[k]), first[k][0]))
    names = [
        first[k][1] for k in ranked[:WHOSE_NAMES]
        if 2 * len(near[k]) >= len(docs) and len(near[k]) >= min(2, len(docs))
        and not any(w.lower() in topic.lower() for w in first[k][1].split())
    ]  # fmt: skip
    return f"{', '.join(names)}: {topic}" if names else topic


WHOSE_NAMES = 2
"""Names a topic may lead with: a price has a buyer and a bought ('Kolkata Knight Riders' and
'Starc'), and which of the two the measure belongs to is not told by position."""


def _names_near(c: Candidate) -> list[tuple[int, str]]:
    """(distance in words, name) for the names (runs of capitalised words: 'Uttar Pradesh') in
    the figure's clause, within twice TOPIC_ADJACENT_WORDS words of it."""
    limit = TOPIC_ADJACENT_WORDS * 2
    before, after = clause_around(c)
    out = [(len(before[end:].split()) + 1, name) for _, end, name in _names_in(before)]
    out += [(len(after[:start].split()) + 1, name) for start, _, name in _names_in(after)]
    return [(d, name) for d, name in out if d <= limit]


def _names_in_sentence(c: Candidate) -> list[tuple[int, str]]:
    """The names anywhere in the figure's sentence, ranked after every name of its clause."""
    return [(100 + start, name) for start, _, name in _names_in(c.span.text)]


@functools.lru_cache(maxsize=4096)
def _names_in(text: str) -> list[tuple[int, int, str]]:  # many figures share a sentence
    """(start, end, name) of each name in the text that is not a place ('in Uttar Pradesh') and
    passes :func:`_a_name`, its possessive dropped."""
    return [
        (m.start(), m.end(), re.sub(r"(?:'s|\u2019s)$", "", m.group(0))) for m in _NAME_RUN.finditer(text)
        if not _PLACE_BEFORE.search(text[: m.start()]) and _a_name(m.group(0))
    ]  # fmt: skip


def _a_name(run: str) -> bool:
    """A capitalised run that names someone or something, not a sentence's first common word, a
    month, a number word ('Ten') or a currency ('Rs')."""
    first = run.split()[0].lower().removesuffix("'s").removesuffix("\u2019s")
    return not (first in STOPWORDS or run.lower().rstrip(".") in MONTHS or first in UNITS_WORDS
                or first in ORDINAL_WORDS or first in CURRENCY_PREFIX)


_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|across|outside|around|inside)\s+(?:the\s+)?$", re.I)
"""A name right after a preposition of place ('a factory in Uttar Pradesh') says where, not whose."""
_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*(?:'s|\u2019s)?")
TOPIC_ADJACENT_WORDS = 4
MONEY_NOUNS = {stem(w) for w in (
    "price", "fee", "cost", "value", "valued", "worth", "deal", "bid", "sum", "amount", "paid", "pay",
    "budget", "outlay", "investment", "revenue", "profit", "loss", "fine", "compensation", "salary",
    "wage", "wages", "offer", "contract", "grant", "aid", "funding", "fund", "bill", "debt", "sale",
)}  # fmt: skip
"""Nouns that say what a sum of money is, in any story."""


def _lexical_topic(members: Sequence[Candidate], tfidf: TfIdf, phrase: str) -> str:
    docs = {c.doc for c in members}
    seen_in: dict[str, set[str]] = {}
    first_at: dict[str, tuple[int, str]] = {}
    for c in members:
        assert c.quantity_span is not None
        at = c.quantity_span.start - c.span.start
        for i, w, key in _topic_words_near(c.span.text, at, len(c.quantity_span.text)):
            seen_in.setdefault(key, set()).add(c.doc)
            first_at.setdefault(key, (i, w))
    in_phrase = {stem(w.lower()) for w in _SURFACE.findall(phrase)}
    need = max(2, (len(docs) + 1) // 2) if len(docs) > 1 else 1
    if len(phrase.split()) > 2:
        return phrase
    # names of places and people say where or who, not what: they come last
    # a word joins the phrase only if it is rarer in the story than the phrase's own words
    # ('S-400' beside 'deal signed'; not 'people' beside '8,500 employees')
    floor = max((tfidf.idf.get(k, 1.0) for k in in_phrase), default=0.0)
    ranked = sorted(
        (k for k, ds in seen_in.items() if len(ds) >= need and k not in in_phrase and tfidf.idf.get(k, 1.0) > floor),
        key=lambda k: (bool(re.fullmatch(r"[A-Z][a-z]+", first_at[k][1])),
                       -len(seen_in[k]) * tfidf.idf.get(k, 1.0), first_at[k][0]),
    )[:TOPIC_EXTRA_WORDS]  # fmt: skip
    lead = [first_at[k][1] for k in sorted(ranked, key=lambda k: first_at[k][0])]
    return " ".join([*lead, phrase]).strip() or "figure"


@functools.lru_cache(maxsize=16384)
def _topic_words_near(sentence: str, at: int, length: int) -> tuple[tuple[int, str, str], ...]:
    """(position, word, stem) of the words around a figure that may name what it measures;
    wire copies repeat the same sentence, read once."""
    near_text = sentence[max(0, at - TOPIC_WINDOW) : at + length + TOPIC_WINDOW]
    out = []
    for i, m in enumerate(_SURFACE.finditer(near_text)):
        w = m.group(0)
        low = w.lower()
        if low in STOPWORDS or low in _NOT_TOPIC or low in UNITS_WORDS or len(w) < 3 or _VERBISH.search(w):
            continue
        out.append((i, w, stem(low)))
    return tuple(out)


_VERBISH = re.compile(r"^[a-z]+(?:ed|ly|ing)$")
_NOT_TOPIC = {
    "crore", "crores", "lakh", "lakhs", "billion", "million", "thousand", "per", "cent", "percent",
    "rs", "inr", "usd", "said", "says", "according", "also", "would", "will", "new",
}  # fmt: skip


def discrepancies_of(
    g: FigureGroup, classes: list[list[Candidate]], derivative_of: dict[str, str], tfidf: TfIdf
) -> list[Discrepancy]:
    topic = _with_kind(measure_topic(g.members, tfidf), g.dimension)
    values = []
    for cl in sorted(classes, key=lambda cl: -len({c.doc for c in cl})):
        docs = sorted({c.doc for c in cl})
        rep = cl[0]
        assert rep.quantity is not None
        values.append(
            DiscrepancyValue(
                value=rep.quantity,
                sources=docs,
                derivative_sources=[d for d in docs if d in derivative_of],
                evidence=dedupe_spans([c.quantity_span for c in cl if c.quantity_span]),
            )
        )
    dim = g.dimension if g.dimension != "money" else (values[0].value.unit)
    # A source that gives two values for the same thing, which cannot both hold, contradicts
    # itself (not a headline's "nearly $60 billion" beside its text's "$60 billion").
    per_doc: dict[str, list[list[Candidate]]] = defaultdict(list)
    for cl in classes:
        for d in sorted({c.doc for c in cl}):
            per_doc[d].append([c for c in cl if c.doc == d])
    torn = {d: own for d, own in sorted(per_doc.items()) if len(own) >= 2 and conflicting(own)}
    if len(per_doc) > 1:  # across sources: a source at odds with itself is said in the note
        notes = [disc_note(values)] + [
            f"{d} itself gives " + " and ".join(value_of(ms[0]).raw for ms in own) + "."
            for d, own in torn.items()
        ]  # fmt: skip
        note = " ".join(n for n in notes if n)
        return [Discrepancy(id="", topic=topic, dimension=dim, scope="across_sources", values=values, note=note)]
    return [
        Discrepancy(
            id="", topic=topic, dimension=dim, scope="within_source",
            values=[
                DiscrepancyValue(
                    value=value_of(ms[0]), sources=[d], derivative_sources=[d] if d in derivative_of else [],
                    evidence=dedupe_spans([c.quantity_span for c in ms if c.quantity_span]),
                )
                for ms in own
            ],
            note=f"{d} gives {len(own)} different values for this figure.",
        )
        for d, own in torn.items()
    ]  # fmt: skip


KIND_WORDS = frozenset({"time", "date", "year"})
"""A time of day, a date or a year is named as one ('time: happened'), since the words beside
it rarely say so."""


def _with_kind(topic: str, dimension: str) -> str:
    if dimension not in KIND_WORDS or dimension in topic.lower().replace(":", " ").split():
        return topic
    names, _, what = topic.rpartition(": ")
    return f"{names}: {dimension}, {what}" if names else f"{dimension}: {what}"


def disc_note(values: Sequence[DiscrepancyValue]) -> str:
    only_copies = [v for v in values if v.sources and set(v.sources) <= set(v.derivative_sources)]
    if only_copies:
        return "Some values appear only in derivative sources."
    return ""
