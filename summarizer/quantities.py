"""Finding, parsing and normalising figures: counts, money, years, dates, durations, percents.

Handles Western and Indian forms ("500,000", "5,00,000", "five lakh", "₹5,100 crore",
"Rs 5,000 crore", "51 billion rupees"), number words ("ten", "a dozen"), qualifiers ("over",
"about", "as many as") and ranges ("2021-31", "between 10 and 12"). No currency is ever converted:
a figure given in two currencies keeps both (see :attr:`Value.alternatives`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from summarizer.brief import Value
from summarizer.compare import agree, comparable, rounded_alike  # re-exported: callers compare what they find
from summarizer.units import (
    CURRENCY_PREFIX,
    CURRENCY_SUFFIX,
    MONTHS,
    NOT_A_QUALIFIER_AFTER,
    PHYSICAL_UNITS,
    QUALIFIERS,
    SCALES,
    SPECIAL_WORDS,
    UNITS_WORDS,
    is_money,
)
from summarizer.values import human, make_value  # re-exported: the reader builds values

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212-"
_DC = DASHES.replace("-", r"\-")
_D = f"[{_DC}]"

_NUMWORD = "|".join(sorted(UNITS_WORDS, key=len, reverse=True))
_SCALE = "|".join(sorted((re.escape(s) for s in SCALES), key=len, reverse=True))
_CUR_PRE = "|".join(sorted((re.escape(c) for c in CURRENCY_PREFIX), key=len, reverse=True))
_CUR_SUF = "|".join(sorted(CURRENCY_SUFFIX, key=len, reverse=True))
_QUAL = "|".join(sorted((re.escape(q) for q, _ in QUALIFIERS), key=len, reverse=True))
_PUNIT = "|".join(sorted((re.escape(u) for u in PHYSICAL_UNITS), key=len, reverse=True))
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

_NOT_IN_NUMBER = r"(?<!\w)(?<!\d[.,])"
_DIGITS = r"\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDNUM = rf"(?:{_NUMWORD})(?:[{_DC} ](?:{_NUMWORD}))*|a dozen|half a dozen|dozen|half a"
NUMBER_RE = re.compile(
    rf"(?P<qual>\b(?:{_QUAL})\s+)?"
    rf"(?P<cur>(?:{_CUR_PRE})\s?)?"
    rf"(?P<num>{_NOT_IN_NUMBER}{_DIGITS}(?=[{_DC}]?(?:{_SCALE}|{_PUNIT}|pc)\b)|{_NOT_IN_NUMBER}{_DIGITS}(?![\w]|\.\d|{_D}[A-Za-z])"
    rf"|\b(?:{_WORDNUM})\b)"
    rf"(?:\s*(?P<range_sep>{_D}|\bto\b|\band\b)\s*(?P<num2>{_DIGITS})(?![\w]))?"
    rf"(?:[\s{_DC}]?(?P<scale>(?:{_SCALE}))\b(?:\s(?P<scale2>crores?|billion|million|thousand)\b)?)?"
    rf"(?:[\s{_DC}]?(?P<punit>{_PUNIT})\b)?"
    rf"(?:\s?(?P<cur_sym>[€£¥]|\$(?!\s?\d)))?"  # a symbol after the figure: "103 M€", "20 €"
    rf"(?:[\s{_DC}](?P<cur_suf>(?:{_CUR_SUF}))\b)?"
    rf"(?P<pct>\s?(?:%|per\s?cent\b|percent\b)|pc\b)?",
    re.IGNORECASE,
)
DATE_RES = [
    # 2021-12-06
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    # December 6, 2021 / Oct. 15, 2016 / October, 15, 2016
    re.compile(
        rf"\b(?P<mon>{_MONTH})\.?,?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b",
        re.IGNORECASE,
    ),
    # 6 December 2021
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH})\.?,?\s+(?P<y>(?:19|20)\d\d)\b",
        re.IGNORECASE,
    ),
    # 12/7/2021 (month first, as US outlets write it)
    re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)\d\d)\b"),
    # 6 December (no year: the year is stored as 0)
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH})\b\.?(?!\s*\d)", re.IGNORECASE),
    # December 6 (no year: the year is stored as 0)
    re.compile(rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d)", re.IGNORECASE),
]
DURATION_RE = re.compile(
    rf"\b(?:(?P<n>\d+|{_NUMWORD})(?:[{_DC} ](?P<y>years?)|[{_DC}](?P<u>day|week|month|hour|minute))\b"
    rf"|(?P<decade>(?:a|the next|next|one)\s+decade)\b)",
    re.IGNORECASE,
)
TIME_RE = re.compile(
    r"(?P<qual>\b(?:around|about|approximately|roughly|nearly|shortly after|just after)\s+)?"
    r"\b(?P<h>\d{1,2})(?:[:.](?P<m>\d{2})(?::\d{2})?)?\s?(?P<ampm>[ap]\.?m\b\.?)?"
    r"(?:\s?(?P<tz>IST|GMT|UTC|[ECMP][SD]T|BST|CET)\b)?",
    re.IGNORECASE,
)
"""Clock times ('6:04 pm', '06:05 PM IST', '9 a.m.'): a time of day, never a count."""
MAGNITUDE_RE = re.compile(r"\bmagnitude[\s-]+(?P<n>\d+(?:\.\d+)?)\b", re.IGNORECASE)
ORDINAL_RE = re.compile(r"\b(?P<n>\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    """One figure found in a text, with its character offsets."""

    start: int
    end: int
    raw: str
    value: Value
    tags: frozenset[str] = field(default_factory=frozenset)


_PEOPLE_AFTER = re.compile(
    r"\s+(?:more\s+|other\s+)?(?:people|persons?|person|men|man|women|woman|children|child|boys?|girls?"
    r"|passengers?|workers?|patients?|victims?|survivors?|bodies|body)\b", re.I
)
"""A count of people after a small number word: "two people", "one other person", "two bodies"."""


def parse_number(text: str) -> float | None:
    """Parse digits (any grouping) or English number words into a float."""
    t = text.strip().lower().replace("\u00a0", " ")
    if not t:
        return None
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", t):
        try:
            return float(t.replace(",", ""))
        except ValueError:
            return None
    if t in SPECIAL_WORDS:
        return float(SPECIAL_WORDS[t])
    if t == "half a":
        return 0.5
    total = 0.0
    current = 0.0
    seen = False
    for w in re.split(rf"[\s{_DC}]+", t):
        if w == "and":
            continue
        if w in UNITS_WORDS:
            n = UNITS_WORDS[w]
            current = current * 100 if n == 100 else current + n
            seen = True
        elif w in SCALES:
            total += (current or 1) * SCALES[w]
            current = 0
            seen = True
        else:
            return None
    return float(total + current) if seen else None


def _is_year(n: float, raw: str) -> bool:
    return raw.isdigit() and len(raw) == 4 and 1800 <= n <= 2100


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(s < b and a < e for a, b in spans)


def find_mentions(text: str) -> list[Mention]:
    """Every figure in ``text``, left to right, without overlaps (dates win over numbers)."""
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for rx in DATE_RES:
        for m in rx.finditer(text):
            if _overlaps(taken, m.start(), m.end()):
                continue
            y = int(m.group("y")) if m.groupdict().get("y") else 0
            mon = m.groupdict().get("mon")
            if mon and mon.lower() == "may" and mon[0] != "M":
                continue  # the verb "may", not the month
            month = MONTHS.get(mon.lower().rstrip(".")) if mon else int(m.group("m"))
            day = int(m.group("d"))
            if not month or not 1 <= month <= 12 or not 1 <= day <= 31:
                continue
            num = y * 10000 + month * 100 + day
            out.append(Mention(m.start(), m.end(), m.group(0), make_value(m.group(0), num, "date")))
            taken.append((m.start(), m.end()))
    for m in TIME_RE.finditer(text):
        mention = _time_mention(m)
        if mention is not None and not _overlaps(taken, mention.start, mention.end):
            out.append(mention)
            taken.append((mention.start, mention.end))
    for m in MAGNITUDE_RE.finditer(text):
        if not _overlaps(taken, m.start(), m.end()):
            mag = float(m.group("n"))
            out.append(Mention(m.start(), m.end(), m.group(0), make_value(m.group(0), mag, "magnitude")))
            taken.append((m.start(), m.end()))
    for m in DURATION_RE.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        n = 10.0 if m.group("decade") else parse_number(m.group("n"))
        if n is None:
            continue
        unit = f"duration_{m.group('u').lower()}s" if m.group("u") else "duration_years"  # '41-day'
        out.append(Mention(m.start(), m.end(), m.group(0), make_value(m.group(0), n, unit)))
        taken.append((m.start(), m.end()))
    for m in ORDINAL_RE.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        n = float(m.group("n"))
        out.append(Mention(m.start(), m.end(), m.group(0), make_value(m.group(0), n, "ordinal")))
        taken.append((m.start(), m.end()))
    for m in NUMBER_RE.finditer(text):
        mention = _number_mention(text, m)
        if mention is None or _overlaps(taken, mention.start, mention.end):
            continue
        out.append(mention)
        taken.append((mention.start, mention.end))
    out.sort(key=lambda x: x.start)
    return _pair_alternatives(text, _not_labels(text, out))


_BARE = re.compile(r"[0-9]{1,3}")
_ID_BEFORE = re.compile(r"(?:\bNo\.?|\bnumber|#)\s*$", re.I)
_LIST_GAP = re.compile(r"^(?:,\s*|\s*,?\s*and\s+|\s*(?:to|-|–)\s*)$")
_MARKER = re.compile(r"(?:^|\n)[ \t]*$")


def _not_labels(text: str, mentions: list[Mention]) -> list[Mention]:
    """Drop numbers that name rather than measure: a list item's marker ('2. Repair work had
    ended') and the members of a run of three or more bare numbers ('wards 1, 2, 3, 12 and 14')."""
    bare = [m.value.unit == "count" and m.value.qualifier == "exact" and bool(_BARE.fullmatch(m.raw)) for m in mentions]
    drop: set[int] = set()
    run: list[int] = []
    for i, m in enumerate(mentions):
        if bare[i] and _MARKER.search(text[: m.start]) and re.match(r"[.)]\s", text[m.end : m.end + 2]):
            drop.add(i)
        if _ID_BEFORE.search(text[max(0, m.start - 8) : m.start]) or (
            re.fullmatch(r"[0-9]{4,}", m.raw) and m.value.unit == "count" and re.match(r" [A-Z]", text[m.end : m.end + 2])
        ):
            drop.add(i)  # "Train No. 12841", "the 12841 Shalimar Express": a number that names
        if bare[i] and run and bare[run[-1]] and _LIST_GAP.match(text[mentions[run[-1]].end : m.start]):
            run.append(i)
        else:
            drop.update(run if len(run) >= 3 else [])
            run = [i] if bare[i] else []
    drop.update(run if len(run) >= 3 else [])
    return [m for i, m in enumerate(mentions) if i not in drop]


def _time_mention(m: re.Match[str]) -> Mention | None:
    """A clock time as minutes after midnight, when it has a colon or am/pm ('2.30 goals' is not)."""
    hour, minute, ampm = int(m.group("h")), int(m.group("m") or 0), (m.group("ampm") or "").lower()
    if not (m.group("m") and ":" in m.group(0)) and not ampm:
        return None
    if hour > 23 or minute > 59 or (ampm and not 1 <= hour <= 12):
        return None
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    start = m.start("qual") if m.group("qual") else m.start("h")
    raw = m.group(0)[start - m.start() :].rstrip()
    qualifier = "about" if m.group("qual") else "exact"
    return Mention(start, start + len(raw), raw, make_value(raw, hour * 60 + minute, "time", qualifier))


_PLURAL_AFTER = re.compile(r"\s+(?:[a-z]+s|people|children|men|women)\b")
_DIMENSION_AFTER = re.compile(rf"{_D}?\s?(?:long|wide|high|tall|deep|thick)\b", re.I)


def _number_mention(text: str, m: re.Match[str]) -> Mention | None:
    num_raw = m.group("num")
    number = parse_number(num_raw)
    if number is None:
        return None
    lower = num_raw.lower()
    cur = m.group("cur")
    scale = m.group("scale")
    cur_suf = m.group("cur_suf") or m.group("cur_sym")
    # Single-letter scales ("m", "b") count in a sum of money ("$5m", "103m euros") and before a
    # plural noun ("5m people"); "m" before a dimension ("233m-long", "1.5m wide") is metres.
    metres = False
    if scale and len(scale) == 1 and not cur and not cur_suf:
        tail = text[m.end("scale") :]
        metres = scale.lower() == "m" and bool(_DIMENSION_AFTER.match(tail))
        if metres or not _PLURAL_AFTER.match(tail):
            scale = None
    # A bare word "one"/"half a" with no scale or currency is too vague to be a figure, unless
    # it counts people ("two people are missing", "one person died").
    if not num_raw[0].isdigit() and not scale and not cur and not cur_suf:
        if number < 3 and lower not in ("half a dozen",) and not _PEOPLE_AFTER.match(text[m.end("num") :]):
            return None
    start = m.start("num")
    qual_word = m.group("qual")
    qualifier = "exact"
    if qual_word:
        q = " ".join(qual_word.lower().split())
        qualifier = dict(QUALIFIERS).get(q, "exact")
        start = m.start("qual")
        verb = re.search(r"(\w+)\s+$", text[max(0, start - 20) : start])
        if verb and verb.group(1).lower() in NOT_A_QUALIFIER_AFTER.get(q, ()):
            qualifier, start = "exact", m.start("num")
    if cur:
        start = min(start, m.start("cur"))
    # Designations like AK-203, S-400, F-35, COVID-19 are names, not figures.
    before = text[max(0, m.start("num") - 2) : m.start("num")]
    if re.search(rf"[A-Za-z]{_D}$", before) or re.search(rf"[A-Za-z]{_D}?$", before[-1:]):
        if not cur:
            return None
    end_num = m.end("num")
    after = text[end_num : end_num + 2]
    if re.match(rf"{_D}[A-Za-z]", after) and not (m.group("scale") or m.group("punit")):
        return None  # "AK-203"-like names and "10-year" (a duration) are not counts
    end = m.end()
    raw_tail_end = m.end("num")
    for g in ("num2", "scale", "scale2", "punit", "cur_sym", "cur_suf", "pct"):
        if m.group(g) and (g != "scale" or scale):
            raw_tail_end = max(raw_tail_end, m.end(g))
    end = raw_tail_end
    if scale:
        number *= SCALES[scale.lower()]
        if m.group("scale2"):
            number *= SCALES[m.group("scale2").lower()]
    unit = "count"
    if cur:
        unit = CURRENCY_PREFIX.get(" ".join(cur.lower().split()), CURRENCY_PREFIX.get(cur.lower().strip(), "USD"))
    elif cur_suf:
        unit = CURRENCY_SUFFIX.get(cur_suf.lower()) or CURRENCY_PREFIX[cur_suf]
    elif m.group("pct"):
        unit = "percent"
    elif metres:
        unit, end = "m", m.end("scale")
    elif m.group("punit"):
        unit, factor = PHYSICAL_UNITS[m.group("punit").lower()]
        number *= factor
        scale_f = SCALES[scale.lower()] if scale else 1.0
        if m.group("num2") and m.group("range_sep") and m.group("range_sep").lower() != "and":
            n2 = parse_number(m.group("num2"))
            if n2 is not None and n2 * scale_f * factor > number:
                rng = make_value(text[start:end], number, unit, "range", number, n2 * scale_f * factor)
                return Mention(start, end, text[start:end], rng)
    low = high = None
    if m.group("num2") and m.group("range_sep"):
        sep = m.group("range_sep").lower()
        n2_raw = m.group("num2").replace(",", "")
        n2 = float(n2_raw)
        first = parse_number(num_raw) or 0.0
        between = "between" in text[max(0, start - 9) : start].lower()
        if _is_year(first, num_raw) and len(n2_raw) in (2, 4) and (sep != "and" or between):
            n2 = float(num_raw[:2] + n2_raw) if len(n2_raw) == 2 else n2
            if n2 > first and unit == "count":
                raw = text[start:end]
                return Mention(start, end, raw, make_value(raw, first, "year", "range", first, n2))
        if sep == "and" and not between:
            # "10 and 12" without "between" is two figures; keep the first only.
            end = m.end("num")
        elif n2 > first:
            low, high = first * (SCALES[scale.lower()] if scale else 1), n2 * (
                SCALES[scale.lower()] if scale else 1
            )
            qualifier = "range"
        else:
            end = m.end("num")
    if unit == "count" and low is None and not scale and _is_year(number, num_raw):
        unit = "year"
    if unit == "count":
        nxt = re.match(r"\s+(hour|day|week|month|minute|second)s?\b", text[end : end + 12], re.I)
        if nxt:
            unit = f"duration_{nxt.group(1).lower()}s"
            end += nxt.end()
    raw = text[start:end]
    if math.isnan(number):
        return None
    return Mention(start, end, raw, make_value(raw, number, unit, qualifier, low, high))


_ALT_BRIDGE = re.compile(r"^\s*[(\[/,]?\s*(?:or\s+|about\s+|approximately\s+|roughly\s+)?$")


def _pair_alternatives(text: str, mentions: list[Mention]) -> list[Mention]:
    """'51 billion rupees (US $676 million)': the second figure is the same amount in another
    currency. It is kept as an alternative of the first, never converted."""
    out: list[Mention] = []
    skip: set[int] = set()
    for i, m in enumerate(mentions):
        if i in skip:
            continue
        v = m.value
        if i + 1 < len(mentions):
            n = mentions[i + 1]
            gap = text[m.end : n.start]
            money_pair = is_money(v) and is_money(n.value)
            if money_pair and n.value.unit != v.unit and _ALT_BRIDGE.match(gap):
                end = n.end + (1 if text[n.end : n.end + 1] in ")]" else 0)
                v = v.model_copy(update={"alternatives": [n.value]})
                out.append(Mention(m.start, end, text[m.start : end], v, m.tags))
                skip.add(i + 1)
                continue
        out.append(m)
    return out

__all__ = ["Mention", "find_mentions", "parse_number", "make_value", "human", "agree", "comparable", "rounded_alike", "is_money"]
