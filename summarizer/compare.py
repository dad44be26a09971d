"""Comparing figures: whether two values state the same figure (``agree``), are near enough to
be one measure told two ways (``near``), or can be compared at all (a currency is never
converted)."""

from __future__ import annotations

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
    """Same unit, and magnitudes within ``ratio`` of each other (1.1: a rounded figure and the
    exact one; 2: the same measure reported high and low)."""
    ua, ub = _units(a), _units(b)
    for unit in set(ua) & set(ub):
        x, y = ua[unit].value, ub[unit].value
        if unit in ("year", "date", "ordinal") or x is None or y is None or x <= 0 or y <= 0:
            continue
        if max(x, y) / min(x, y) <= ratio:
            return True
    return False


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
        if unit in ("year", "date", "ordinal") or unit.startswith("duration_"):
            verdicts.append(x.value == y.value)
            continue
        if "about" in (x.qualifier, y.qualifier):
            verdicts.append(_close(x.value, y.value, 0.05))
            continue
        verdicts.append(_close(x.value, y.value, 1e-9))
    if not verdicts:
        return None
    return any(verdicts)
