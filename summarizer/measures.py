"""What a figure measures, read from the words beside it: its role (a total, a target, a
rate, a part of another figure), the state of the people it counts (dead, injured, missing...)
or whose age it is, and for years and dates how the text relates to them (an end point, a
start, a point in time). Figures that differ in any of these never measure the same thing."""

from __future__ import annotations

import functools
import re

from summarizer.evidence import Candidate
from summarizer.text import STOPWORDS

ROLE_WORDS = {
    "including": "with", "incl": "with", "inclusive": "with", "excluding": "without", "excl": "without",
    "per": "per", "each": "per", "apiece": "per", "annual": "per-year", "annually": "per-year",
    "yearly": "per-year", "monthly": "per-month", "daily": "per-day", "target": "target",
    "targets": "target", "goal": "target", "aim": "target", "aims": "target", "net": "net",
    "gross": "gross",
}  # fmt: skip
"""Closed-class words that give a figure its role: a total, a figure with or without something,
a rate per unit or per year, a target. Two figures with different roles are different measures."""
_ROLE_WINDOW = 5  # words either side of the figure


def role(c: Candidate) -> frozenset[str]:
    assert c.quantity_span is not None
    at = c.quantity_span.start - c.span.start
    before = re.findall(r"[a-z]+", c.span.text[:at].lower())[-_ROLE_WINDOW:]
    after = re.findall(r"[a-z]+", c.span.text[at + len(c.quantity_span.text) :].lower())[:_ROLE_WINDOW]
    roles = {ROLE_WORDS[w] for w in before + after if w in ROLE_WORDS}
    if "a year" in " ".join(after[:2]) or " ".join(after[:2]) in ("a month", "a day"):
        roles.add("per-" + after[1])
    if _PART_OF.match(c.span.text[at + len(c.quantity_span.text) :]):
        roles.add("part")  # "88 of the 275 bodies": a part of another figure, not the measure
    return frozenset(roles)


_PART_OF = re.compile(r"\s+(?:of|out of)\s+(?:the\s+|them\s+|those\s+)?[0-9]")


STATE_WORDS = {
    **dict.fromkeys(("killed", "killing", "kills", "kill", "died", "dies", "dead", "death", "deaths",
                     "toll", "lives", "bodies", "fatalities", "perished", "drowned"), "dead"),
    **dict.fromkeys(("injured", "injuring", "injuries", "hurt", "wounded"), "injured"),
    **dict.fromkeys(("missing", "unaccounted"), "missing"),
    **dict.fromkeys(("rescued", "saved"), "rescued"),
    **dict.fromkeys(("evacuated", "displaced", "homeless", "relocated"), "displaced"),
    **dict.fromkeys(("hospital", "hospitalised", "hospitalized", "admitted"), "in-hospital"),
    **dict.fromkeys(("infected", "positive", "infections"), "infected"),
    **dict.fromkeys(("arrested", "detained"), "arrested"),
    **dict.fromkeys(("identified", "identification"), "identified"),
}  # fmt: skip
"""What a count of people counts, in any news story: the dead, the injured, the missing, the
rescued... Two counts in different states are different measures ('132 killed', '2 missing')."""
DIMENSION_WORDS = {
    **dict.fromkeys(("wide", "width", "broad", "breadth"), "width"),
    **dict.fromkeys(("long", "length", "span", "spans", "spanned", "spanning"), "length"),
    **dict.fromkeys(("high", "tall", "height"), "height"),
    **dict.fromkeys(("deep", "depth"), "depth"),
}  # fmt: skip
"""Which dimension a length measures ('1.25 metres wide', 'the 1.5m-wide crossing', 'spanned 233
metres'): in any text, two lengths of different dimensions are different measures and two of the
same are one, however each is told."""
LENGTH_UNITS = frozenset({"m", "mi"})
NAMING_NOUNS = frozenset({"toll", "lives", "bodies", "death", "deaths", "fatalities"})
"""State words that only name who is counted ('88 bodies'): another state word in the clause says
what is counted of them ('88 bodies have been identified')."""
CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:and|while|but|whereas|with|besides)\b")
"""Where a figure's clause ends: what lies beyond says something else ('132 dead, and two missing')."""
WORD = re.compile(r"[\w\-\u2011']+")


def clause_around(c: Candidate) -> tuple[str, str]:
    """The text of the figure's own clause before it and after it: the one window every reading
    of the words beside a figure uses (its state here, its topic and whose it is in
    discrepancies.py)."""
    assert c.quantity_span is not None
    return _clause(c.span.text, c.quantity_span.start - c.span.start, len(c.quantity_span.text))


@functools.lru_cache(maxsize=65536)
def _clause(sentence: str, at: int, length: int) -> tuple[str, str]:  # every stage asks again
    return CLAUSE_BREAK.split(sentence[:at])[-1], CLAUSE_BREAK.split(sentence[at + length :])[0]


def near_words(c: Candidate, window: int) -> list[tuple[int, str]]:
    """(distance in words, word) within ``window`` words of the figure, in its clause."""
    before, after = clause_around(c)
    return [
        (d, w) for side in (WORD.findall(before)[::-1], WORD.findall(after)) for d, w in enumerate(side[:window], 1)
    ]


_AGE = re.compile(r"(?:year|yr)s?[-\u2011 ]old\s+([a-z]+)", re.I)


def state(c: Candidate) -> frozenset[str]:
    """The state the figure counts people in (STATE_WORDS), read in its own clause, nearest
    first; for an age ('a 47-year-old man'), whose age it is; for a length, its dimension
    ('dim:width')."""
    assert c.quantity_span is not None
    if c.quantity is not None and c.quantity.unit in LENGTH_UNITS:
        dims = [(d, DIMENSION_WORDS[tok]) for d, word in near_words(c, 2)
                if (tok := word.lower().strip("-\u2011")) in DIMENSION_WORDS]  # fmt: skip
        return frozenset({f"dim:{min(dims)[1]}"}) if dims else frozenset()
    at = c.quantity_span.start - c.span.start
    age = _AGE.match(c.span.text[at + len(re.match(r"[\w.,]*", c.quantity_span.text).group(0)) :].lstrip("- \u2011"))  # type: ignore[union-attr]
    if age or re.search(r"\baged\s*$", c.span.text[:at]):
        noun = age.group(1).lower() if age else ""
        if noun in STOPWORDS or noun.endswith(("ed", "ing")):
            noun = ""  # "a 49-year-old named ...": whose age is not said here
        return frozenset({f"age:{noun}"})
    found = [
        (tok in NAMING_NOUNS, d, STATE_WORDS[tok])
        for d, word in near_words(c, _ROLE_WINDOW)
        if (tok := word.lower()) in STATE_WORDS
    ]
    return frozenset({min(found)[2]}) if found else frozenset()


def differ(a: frozenset[str] | str, b: frozenset[str] | str) -> bool:
    """Both say what they count (or which occasion), and not the same; an age of nobody in
    particular ('age:') fits any age."""
    if isinstance(a, frozenset) and isinstance(b, frozenset) and (a == {"age:"} or b == {"age:"}):
        return not all(x.startswith("age:") for x in a | b)
    return bool(a) and bool(b) and a != b


_RELATIONS = {
    "until": "end", "through": "end", "till": "end", "to": "end", "by": "end", "thru": "end",
    "since": "start", "from": "start", "in": "point", "of": "point", "on": "point",
    "during": "point",
}  # fmt: skip


def relation(c: Candidate) -> str:
    """For years and dates, how the text relates to them ('until 2030' is an end point, 'in
    2018' a point in time); figures with different relations never measure the same thing."""
    if c.quantity is None or c.quantity.unit not in ("year", "date") or c.quantity_span is None:
        return ""
    if c.quantity.qualifier == "range":
        return "end"  # a span of years states its end: "2021-31" ~ "till 2031"
    before = c.span.text[: c.quantity_span.start - c.span.start].split()
    return _RELATIONS.get(before[-1].lower().strip(",") if before else "", "other")
