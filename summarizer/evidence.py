"""The deterministic evidence layer: no model. For each document it finds sentences, figures
(counts, money, years, dates), quotes with their speakers, names and metadata, every item with
character offsets into the document's text. It also proposes claim candidates of its own, so the
brief stays useful when the model is weak or absent."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Literal

from summarizer.brief import Span, Value
from summarizer.documents import Document
from summarizer.quantities import Mention, find_mentions
from summarizer.text import (
    STOPWORDS,
    content_words,
    fold,
    furniture_lines,
    paragraphs,
    sentences,
)

Kind = Literal["event", "figure", "quote", "context"]
Origin = Literal["evidence", "model"]


@dataclass
class Candidate:
    """A claim proposed by the evidence layer or by a model (after grounding)."""

    doc: str
    statement: str
    topic: str
    kind: Kind
    span: Span
    quantity: Value | None = None
    quantity_span: Span | None = None
    speaker: str | None = None
    origin: Origin = "evidence"
    position: float = 0.0
    sentence: int = -1
    context: list[str] = field(default_factory=list)
    paragraph: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    """Topic words a grounded model claim gave this figure ('deal value'): they help group the
    same measure told in different words across sources."""
    occasion: str = ""
    """Another year its sentence names than the document's own ('signed him in 2018 for 9.8
    crore'): the figure may belong to that earlier or later occasion."""
    measure_label: str = ""
    """The measure a model's grounded answer gave this figure, in its words ('deal value')."""
    measure_name: str = ""
    """The measure a verified cross-document alignment named for this figure's group."""
    measure_group: str | None = None
    """Set from a verified cross-document alignment: figures sharing it state the same measure
    (merge groups them together, never with figures of another measure group)."""
    fact_group: str | None = None
    """Set from a verified cross-document alignment: claims sharing it state the same fact."""
    measure_votes: set[str] = field(default_factory=set)
    """The alignment's same-measure groups that named this figure, before verification pruned
    them: a vote, not a verdict; it confirms a disagreement the code's grouping found too."""


def value_of(c: Candidate) -> Value:
    """A figure's value (only figures are passed: candidates that carry a quantity)."""
    assert c.quantity is not None
    return c.quantity


@dataclass
class QuoteSpan:
    span: Span
    speaker: str | None
    sentence: int


@dataclass
class DocEvidence:
    doc: Document
    sentences: list[Span]
    sentence_para: list[int]
    mentions: list[tuple[int, Mention]]  # (sentence index, mention)
    quotes: list[QuoteSpan]
    names: list[str]
    meta: dict[str, str]
    furniture: list[Span]


SPEECH_VERBS = (
    r"said|says|wrote|writes|added|adds|told|tells|continued|stated|states|noted|notes|"
    r"declared|announced|tweeted|posted|explained|insisted|warned|argued|remarked|replied|"
    r"asked|claimed|stressed|observed|commented|recalled|admitted|concluded"
)
_NAME = r"(?:[A-Z][\w\u2019'\-]+(?:\s+(?:[A-Z][\w\u2019'\-]+|van|de|von|al|bin|da))*)"
_VERB_RE = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
_NAME_TOKEN = re.compile(rf"(?<![\w\u2019'])(?P<name>{_NAME})(?![\u2019']s\b)")
_BEFORE = re.compile(rf"(?P<name>{_NAME})\s+(?:{SPEECH_VERBS})(?:\s+\w+){{0,6}}[:,]?\s*$")
_NAME_THEN_VERB = re.compile(rf"^\W{{0,3}}(?P<name>{_NAME})\s+[a-z]+(?:ed|s)\b")
"""Right after a quote, a name and a verb: '..." Singh wrote', '..." Singh penned the letter'."""
_AS_SAYING = re.compile(rf"\b(?:cited|quoted)\s+(?P<name>{_NAME})\b.{{0,120}}?\bas saying\b")
"""'Interfax cited Dmitry Shugayev, the head of ..., as saying': the one cited speaks."""
_THING_SAID = re.compile(rf"\b(?P<who>the (?:[a-z]+ ){{0,2}}[a-z]+)\s+(?:{SPEECH_VERBS})\b\W*$")
"""'..." the statement said': an unnamed speaker (a statement, a ministry) is kept as written."""


def _clean_name(name: str) -> str | None:
    words = [w for w in name.split() if w not in _NOT_NAMES]
    return " ".join(words) or None


def _speaker_after(after: str) -> str | None:
    """The speaker named in the words that follow a quote, up to the sentence's end."""
    stop = re.search(r"[.!?](?:\s|$)|[\"\u201c\u201d]", after)
    clause = after[: stop.start()] if stop else after
    cited = _AS_SAYING.search(clause)
    if cited:
        return _clean_name(cited.group("name"))
    first = _NAME_THEN_VERB.match(clause)
    if first and _clean_name(first.group("name")):
        return _clean_name(first.group("name"))
    verb = _VERB_RE.search(clause)
    if not verb:
        return None
    thing = _THING_SAID.search(clause[: verb.end()])
    if thing:
        return thing.group("who")
    names = [m.group("name") for m in _NAME_TOKEN.finditer(clause[: verb.start()])]
    names = [n for n in (_clean_name(x) for x in names) if n]
    if names:
        return names[-1]
    m = _NAME_TOKEN.search(clause[verb.end() :])
    return _clean_name(m.group("name")) if m and m.start() < 3 else None


def _speaker_before(before: str) -> str | None:
    m = _BEFORE.search(before)
    return _clean_name(m.group("name")) if m else None
_NOT_NAMES = {
    "The", "A", "An", "In", "On", "It", "He", "She", "They", "We", "This", "That", "But",
    "And", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}  # fmt: skip
_QUOTE_CHARS = "\"\u201c\u201d\u201e"
_NAME_RE = re.compile(r"\b[A-Z][a-z]+(?:[\s\-][A-Z][a-z]+){1,3}\b")


def _names(text: str) -> list[str]:
    found: dict[str, int] = {}
    for m in _NAME_RE.finditer(text):
        words = m.group(0).split()
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        if len(words) >= 2:
            found[" ".join(words)] = found.get(" ".join(words), 0) + 1
    return sorted(found, key=lambda n: (-found[n], n))


ROLE_WORDS = {
    "Minister", "President", "General", "Defense", "Defence", "Prime", "Foreign", "Secretary",
    "Mr", "Mrs", "Ms", "Dr", "Chief", "Senator", "Governor", "Director", "Chairman", "Head",
    "Indian", "Russian", "American", "British", "Chinese", "The", "Said", "Says",
}  # fmt: skip


def full_name(surname: str, text: str) -> str | None:
    """The most frequent 'Firstname Surname' form of a surname in the text."""
    counts: dict[str, int] = {}
    for m in re.finditer(rf"\b([A-Z][a-z]+)\s+{re.escape(surname)}\b", text):
        if m.group(1) not in ROLE_WORDS and m.group(1) not in _NOT_NAMES:
            key = f"{m.group(1)} {surname}"
            counts[key] = counts.get(key, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def resolve_speaker(name: str | None, names: list[str], text: str = "") -> str | None:
    """'Singh' -> 'Rajnath Singh' when the document names him in full."""
    if not name:
        return None
    name = re.sub(r"[\u2019']s$", "", name.strip())
    if name.startswith("the "):
        return name  # an unnamed speaker, as written ("the statement")
    words = name.split()
    while words and words[0] in _NOT_NAMES:
        words = words[1:]
    if not words:
        return None
    name = " ".join(words)
    if len(words) == 1:
        found = full_name(name, text)
        if found:
            return found
        for full in names:
            if full.split()[-1] == name and len(full.split()) <= 3:
                return full
    return name


def find_quotes(text: str, sents: list[Span], names: list[str]) -> list[QuoteSpan]:
    """Quoted passages of four words or more, with the speaker named next to them."""
    marks = [i for i, c in enumerate(text) if c in _QUOTE_CHARS]
    out: list[QuoteSpan] = []
    i = 0
    last_speaker: tuple[int, str | None] = (-1, None)
    paras = paragraphs(text)
    para_starts = [ps for ps, _ in paras]
    while i + 1 < len(marks):
        s, e = marks[i], marks[i + 1]
        inner = text[s + 1 : e]
        if "\n" in inner or len(inner.split()) < 4:
            i += 1
            continue
        i += 2
        k = bisect.bisect_right(para_starts, s) - 1
        para = k if k >= 0 and s <= paras[k][1] else -1
        line_end = text.find("\n", e)
        line_end = len(text) if line_end < 0 else line_end
        line_start = text.rfind("\n", 0, s) + 1
        after = text[e + 1 : min(line_end, e + 160)]
        before = text[max(line_start, s - 160) : s]
        speaker = _speaker_after(after) or _speaker_before(before)
        if speaker is None and (
            last_speaker[0] == para or (last_speaker[0] == para - 1 and text[line_start] in _QUOTE_CHARS)
        ):
            speaker = last_speaker[1]
        resolved = resolve_speaker(speaker, names, text)
        if resolved:
            last_speaker = (para, resolved)
        sent = next((k for k, sp in enumerate(sents) if sp.start <= s < sp.end), -1)
        out.append(QuoteSpan(Span(source="", start=s + 1, end=e, text=inner), resolved, sent))
    return out


_DATE_LINE = re.compile(r"^\W*(?:date\s*)?(?P<d>(?:19|20)\d\d-\d\d-\d\d)\b", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:by\s+)?(?P<n>[A-Z][a-z]+(?:\s+(?:van|de|von)?\s*[A-Z][a-z]+){1,3})$")
_OUTLET = [
    re.compile(r"(?:originally published (?:on|in|by))\s+(?P<o>[A-Z][\w.]+(?:\s+[A-Z][\w.]+)*)"),
    re.compile(r"^(?P<o>(?:The\s+)?[A-Z][\w]+(?:\s+[A-Z][\w]+){0,2}) has contacted\b", re.M),
    re.compile(r"\bTo read how (?P<o>[A-Z][\w]+) uses\b"),
    re.compile(r"\bis an? (?P<o>[A-Z][\w]+) (?:reporter|correspondent|writer|editor)\b", re.I),
]
_WRITER = [
    re.compile(r"written by (?P<n>[A-Z][a-z]+(?:\s+(?:[Vv]an|[Dd]e)?\s*[A-Z][a-z]+){1,3})"),
    re.compile(
        r"^(?P<n>[A-Z][a-z]+(?:\s+(?:van|de)?\s*[A-Z][a-z]+){1,3}) is an? \w+"
        r" (?i:reporter|correspondent|writer)",
        re.M,
    ),
]


def metadata(doc: Document, sents: list[Span], mentions: list[tuple[int, Mention]]) -> dict[str, str]:
    """Title, outlet, byline and date where the text itself states them."""
    text = doc.text
    meta: dict[str, str] = {}
    paras = paragraphs(text)
    if paras:
        first = text[paras[0][0] : paras[0][1]]
        dm = _DATE_LINE.match(first)
        if dm:
            meta["date"] = dm.group("d")
            first = first[dm.end() :].strip()
        single = len(sentences(first)) == 1
        blank_after = len(paras) > 1 and "\n\n" in text[paras[0][1] : paras[1][0]]
        ends = first.rstrip().endswith((".", "\u201d", '"'))
        if single and 3 <= len(first.split()) <= 20 and (not ends or blank_after):
            meta["title"] = first.strip()
    for s, e in paras[:8]:
        line = text[s:e].strip()
        m = _BYLINE.match(line)
        if m and line != meta.get("title") and len(line.split()) <= 4:
            meta.setdefault("byline", m.group("n"))
    for rx in _WRITER:
        m = rx.search(text)
        if m:
            meta.setdefault("byline", m.group("n"))
    for rx in _OUTLET:
        m = rx.search(text)
        if m:
            meta.setdefault("outlet", m.group("o").rstrip("."))
    for s, e in paras[:10]:
        line_mentions = find_mentions(text[s:e])
        if len(line_mentions) == 1 and line_mentions[0].value.unit == "date":
            if len(text[s:e].strip()) <= len(line_mentions[0].raw) + 2:
                meta.setdefault("date", line_mentions[0].value.display)
    if "date" not in meta:
        head_end = paras[min(len(paras), 8) - 1][1] if paras else 0
        for _, mention in mentions:
            if mention.value.unit == "date" and mention.start < head_end and mention.value.value:
                if mention.value.value > 10000:
                    meta["date"] = mention.value.display
                    break
    return meta


def analyze(doc: Document) -> DocEvidence:
    text = doc.text
    furniture = furniture_lines(text)
    segs = sentences(text)
    fur_spans = [Span(source=doc.id, start=s, end=e, text=text[s:e]) for s, e in sorted(furniture)]
    keep = [
        seg for seg in segs if not any(s <= seg.start and seg.end <= e for s, e in furniture)
    ]
    sents = [Span(source=doc.id, start=s.start, end=s.end, text=text[s.start : s.end]) for s in keep]
    para = [s.paragraph for s in keep]
    mentions: list[tuple[int, Mention]] = []
    all_mentions = find_mentions(text)
    for m in all_mentions:
        idx = next((k for k, sp in enumerate(sents) if sp.start <= m.start < sp.end), -1)
        if idx >= 0:
            mentions.append((idx, m))
    names = _names(" ".join(s.text for s in sents))
    quotes = find_quotes(text, sents, names)
    for q in quotes:
        q.span = q.span.model_copy(update={"source": doc.id})
    meta = metadata(doc, sents, [(-1, m) for m in all_mentions])
    return DocEvidence(doc, sents, para, mentions, quotes, names, meta, fur_spans)


_PHRASE_STOP = STOPWORDS | {"worth", "at", "a", "an"}


def figure_topic(sentence: str, offset: int, raw: str) -> tuple[str, list[str]]:
    """A short topic for a figure, as written: the noun phrase right after it ('AK-203 assault
    rifles'), else the words just before it ('contract worth'). Also returns the stemmed
    context words on both sides, used to group figures."""
    tail = sentence[offset + len(raw) :]
    head_words: list[str] = []
    for m in re.finditer(r"[\w\-\u2011']+|[^\w\s]", tail):
        w = m.group(0)
        if not re.match(r"\w", w) or w.lower() in _PHRASE_STOP or len(head_words) == 3:
            break
        head_words.append(w)
    before_words: list[str] = []
    for tok in reversed(re.findall(r"[\w\-\u2011']+|[^\w\s]", sentence[max(0, offset - 60) : offset])):
        if not re.match(r"\w", tok) or len(before_words) == 3:
            break
        if tok.lower() in STOPWORDS and tok.lower() != "worth":
            if before_words:
                break
            continue
        before_words.insert(0, tok)
    if not before_words:  # e.g. "..., through 2030": the clause's last content words
        before_words = [
            w for w in re.findall(r"[\w\-']+", sentence[max(0, offset - 50) : offset])
            if w.lower() not in STOPWORDS and not w[0].isdigit()
        ][-3:]  # fmt: skip
    topic = " ".join(head_words) if head_words else " ".join(before_words)
    after = content_words(sentence[offset + len(raw) : offset + len(raw) + 60])[:5]
    before = content_words(sentence[max(0, offset - 80) : offset])[-5:]
    return topic, before + after


def _year_of(v: Value) -> int | None:
    n = int(v.value or 0)
    y = n if v.unit == "year" else n // 10000 if v.unit == "date" else 0
    return y if 1900 <= y <= 2100 else None


OCCASION_WORDS = 8  # a year this close to the figure, in its clause, dates it


def _same_clause(text: str, a: Mention, b: Mention) -> bool:
    between = text[min(a.end, b.end) : max(a.start, b.start)]
    return len(between.split()) <= OCCASION_WORDS and not re.search(r";|\b(?:and|but|while|whereas)\b", between)


def _doc_year(ev: DocEvidence) -> int | None:
    m = re.search(r"\b(19|20)\d\d\b", ev.meta.get("date") or "")
    return int(m.group(0)) if m else None


def candidates(ev: DocEvidence) -> list[Candidate]:
    """The evidence layer's own claims: each figure, each quote, each reporting sentence."""
    doc = ev.doc
    n = max(1, len(ev.sentences))
    out: list[Candidate] = []
    title = ev.meta.get("title")
    for idx, sp in enumerate(ev.sentences):
        if len(sp.text.split()) < 6 or (title and ev.sentence_para[idx] == 0):
            continue
        if not re.search(r"[.!?\"\u201d\u2019']\W*$", sp.text):
            continue  # headings and captions, not reporting
        quoted = sum(q.span.end - q.span.start for q in ev.quotes if q.sentence == idx)
        kind: Kind = "quote" if quoted > 0.6 * len(sp.text) else "event"
        out.append(
            Candidate(
                doc=doc.id, statement=fold(sp.text), topic="", kind=kind, span=sp,
                position=idx / n, sentence=idx,
            )  # fmt: skip
        )
    year = _doc_year(ev)
    for idx, m in ev.mentions:
        sp = ev.sentences[idx]
        if m.value.unit == "date" and len(sp.text.split()) < 6:
            continue
        occasion = {
            y for k, o in ev.mentions
            if k == idx and o is not m and (y := _year_of(o.value)) and year and y < year and _same_clause(doc.text, m, o)
        }  # fmt: skip
        topic, ctx = figure_topic(sp.text, m.start - sp.start, m.raw)
        para_words = [
            w
            for k, other in enumerate(ev.sentences)
            if k != idx and ev.sentence_para[k] == ev.sentence_para[idx]
            for w in content_words(other.text)
        ]
        out.append(
            Candidate(
                doc=doc.id,
                statement=fold(sp.text),
                topic=topic,
                kind="figure",
                span=sp,
                quantity=m.value,
                quantity_span=Span(source=doc.id, start=m.start, end=m.end, text=m.raw),
                position=idx / n,
                sentence=idx,
                context=ctx,
                paragraph=para_words,
                occasion=",".join(str(y) for y in sorted(occasion)),
            )
        )
    for q in ev.quotes:
        out.append(
            Candidate(
                doc=doc.id, statement=fold(q.span.text), topic=q.speaker or "", kind="quote",
                span=q.span, speaker=q.speaker, position=max(q.sentence, 0) / n,
                sentence=q.sentence,
            )  # fmt: skip
        )
    return out
