"""Comparing figures: whether two values state the same figure (``agree``), are near enough to
be one measure told two ways (``near``), or can be compared at all (a currency is never
converted)."""

from __future__ import annotations

import functools
import math
import re

from summarizer.brief import Value


def _units(v: Value) -> dict[str, Value]:
    d = {v.unit: v}
    for alt in v.alternatives:
        d.setdefault(alt.unit, alt)
    return d


def comparable(a: Value, b: Value) -> bool:
    """True when the two values share a unit (directly or through an alternative)."""
    return bool(set(_units(a)) & set(_units(b)))


def _close(x: float, y: float, rel: float) -> bool:
    return abs(x - y) <= rel * max(abs(x), abs(y), 1e-9)


def near(a: Value, b: Value, ratio: float) -> bool:
    """Same unit, and magnitudes within ``ratio`` of each other: two sources' figures for one
    measure usually differ by a few per cent (₹51 vs ₹50 billion, $42 vs $45, 6:03 vs 6:04 pm)."""
    ua, ub = _units(a), _units(b)
    for unit in set(ua) & set(ub):
        x, y = ua[unit].value, ub[unit].value
        if unit in ("year", "date", "ordinal") or x is None or y is None or x <= 0 or y <= 0:
            continue
        if max(x, y) / min(x, y) <= ratio:
            return True
    return False


def significant_digits(n: float) -> int:
    mantissa = f"{abs(n):.6e}".split("e")[0].replace(".", "").rstrip("0")
    return max(1, len(mantissa))


def round_sig(n: float, digits: int) -> float:
    if n == 0:
        return 0.0
    return round(n, -int(math.floor(math.log10(abs(n)))) + digits - 1)


def rounded_alike(a: Value, b: Value) -> bool:
    """Same unit, and equal at the precision of the rounder figure, never coarser than two
    significant digits: "₹75,000 crore" ~ "₹75,021 crore" and "$60 billion" ~ "$59.5 billion"
    (one measure, rounded), but not "$64.5 billion" ~ "$60 billion"."""
    ua, ub = _units(a), _units(b)
    for unit in set(ua) & set(ub):
        x, y = ua[unit].value, ub[unit].value
        if unit in ("year", "date", "time", "ordinal") or x is None or y is None or x <= 0 or y <= 0:
            continue
        digits = max(2, min(significant_digits(x), significant_digits(y)))
        if round_sig(x, digits) == round_sig(y, digits):
            return True
    return False


def spread(a: Value, b: Value) -> float:
    """How many times larger the larger magnitude is (1.0 when either cannot be compared)."""
    ua, ub = _units(a), _units(b)
    ratios = [
        max(x, y) / min(x, y)
        for u in set(ua) & set(ub)
        if (x := ua[u].value) and (y := ub[u].value) and x > 0 and y > 0 and u not in ("year", "date", "time")
    ]
    return min(ratios) if ratios else 1.0


_BELOW = re.compile(r"\b(almost|nearly|under|below|less than|fewer than|just short of)\b", re.IGNORECASE)
_ABOVE = re.compile(r"\b(over|above|more than|at least|in excess of|upwards of|exceeding)\b", re.IGNORECASE)


def direction(v: Value) -> str:
    """Which side of the number its qualifier puts the figure: 'below' ("almost", "under"),
    'above' ("over", "more than") or '' (exact, "about", "up to")."""
    return _direction_of(v.raw)


@functools.lru_cache(maxsize=65536)
def _direction_of(raw: str) -> str:  # every pair of a measure's mentions asks again
    if _BELOW.search(raw):
        return "below"
    return "above" if _ABOVE.search(raw) else ""


def agree(a: Value, b: Value) -> bool | None:
    """Do two values state the same figure?

    ``None`` when they cannot be compared (no shared unit: a currency is never converted).
    Qualifiers neither create nor hide a disagreement: "over 500,000" agrees with "500,000";
    500,000 and 600,000 disagree whatever their qualifiers. Exact figures agree only when equal:
    "₹75,000 crore" and "₹75,021 crore" are two values (a rounded figure is shown beside the exact
    one, each with its sources). An "about" figure allows 5%; a range agrees with any value
    inside it, except a span of years, which states its end ("2021-31" ~ "till 2031").
    """
    ua, ub = _units(a), _units(b)
    shared = set(ua) & set(ub)
    if not shared:
        return None
    verdicts = []
    for unit in shared:
        x, y = ua[unit], ub[unit]
        if x.value is None or y.value is None:
            continue
        if unit == "year" and "range" in (x.qualifier, y.qualifier):
            verdicts.append((x.high or x.value) == (y.high or y.value) and
                            (x.low is None or y.low is None or x.low == y.low))  # fmt: skip
            continue
        if x.qualifier == "range" and x.low is not None and x.high is not None:
            verdicts.append(x.low <= y.value <= x.high or (y.low == x.low and y.high == x.high))
            continue
        if y.qualifier == "range" and y.low is not None and y.high is not None:
            verdicts.append(y.low <= x.value <= y.high)
            continue
        if unit == "date" and (x.value < 10000 or y.value < 10000):
            verdicts.append(x.value % 10000 == y.value % 10000)
            continue
        if unit in ("year", "date", "time", "ordinal") or unit.startswith("duration_"):
            verdicts.append(x.value == y.value)  # "around 6:03 pm" is not 6:04 pm
            continue
        if {direction(x), direction(y)} == {"below", "above"}:
            verdicts.append(False)  # "almost one crore" and "more than 1 crore" cannot both hold
            continue
        if "about" in (x.qualifier, y.qualifier):
            verdicts.append(_close(x.value, y.value, 0.05))
            continue
        verdicts.append(_close(x.value, y.value, 1e-9))
    if not verdicts:
        return None
    return any(verdicts)
