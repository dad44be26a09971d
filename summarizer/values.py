"""A figure's value as the brief shows it: '₹5,100 crore', '$5.5 billion', '30 GW', '2021-2031',
'about 50'. Amounts written in crore or lakh are shown in them; nothing is converted."""

from __future__ import annotations

import re

from summarizer.brief import Value
from summarizer.units import CURRENCY_SYMBOL, PHYSICAL_UNITS


def human(n: float) -> str:
    """A compact human form: 500000 -> '500,000', 5.1e10 -> '51 billion'."""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(n) >= size:
            v = n / size
            return f"{v:,.3f}".rstrip("0").rstrip(".") + f" {word}"
    if float(n).is_integer():
        return f"{int(n):,}"
    return f"{n:,.3f}".rstrip("0").rstrip(".")


def _indian(n: float) -> str:
    """'24.75 crore' for 2.475e8: an amount written in crore or lakh is shown in them."""
    for size, word in ((1e7, "crore"), (1e5, "lakh")):
        if abs(n) >= size:
            return f"{n / size:,.3f}".rstrip("0").rstrip(".") + f" {word}"
    return human(n)


def make_value(
    raw: str,
    number: float,
    unit: str,
    qualifier: str = "exact",
    low: float | None = None,
    high: float | None = None,
) -> Value:
    q = {"over": "over ", "under": "under ", "about": "about ", "up_to": "up to "}.get(qualifier, "")
    if unit == "year":
        body = str(int(number)) if low is None else f"{int(low)}-{int(high or low)}"
    elif unit == "time":
        body = f"{int(number) // 60:02d}:{int(number) % 60:02d}"
    elif unit == "date":
        s = f"{int(number):08d}"
        body = f"{s[:4]}-{s[4:6]}-{s[6:]}" if s[:4] != "0000" else f"{s[4:6]}-{s[6:]} (no year)"
    elif unit.startswith("duration_"):
        body = f"{human(number)} {unit.removeprefix('duration_')}"
    elif unit == "percent":
        body = f"{human(number)}%"
    elif unit == "ordinal":
        body = f"#{int(number)}"
    elif unit == "count":
        body = human(number) if low is None else f"{human(low)}-{human(high or low)}"
    elif unit in _BASE_UNITS:
        body = _physical(number, unit) if low is None else f"{_physical(low, unit)}-{_physical(high or low, unit)}"
    else:
        symbol = CURRENCY_SYMBOL.get(unit)
        amount = _indian(number) if unit == "INR" and re.search(r"(?i)crore|lakh|\bcr\b", raw) else human(number)
        body = f"{symbol}{amount}" if symbol else f"{unit} {amount}"
    return Value(
        raw=raw,
        display=(q + body).strip(),
        value=number,
        unit=unit,
        qualifier=qualifier,  # type: ignore[arg-type]
        low=low,
        high=high,
    )


_BASE_UNITS = frozenset(u for u, _ in PHYSICAL_UNITS.values())
_PREFIXED = {"W": ((1e9, "GW"), (1e6, "MW"), (1e3, "kW")), "Wh": ((1e9, "GWh"), (1e6, "MWh"), (1e3, "kWh")),
             "m": ((1e3, "km"),), "g": ((1e6, "t"), (1e3, "kg"))}  # fmt: skip


def _physical(number: float, unit: str) -> str:
    """'30 GW' for 3e10 W: the largest prefix that keeps the figure at 1 or more."""
    for size, name in _PREFIXED.get(unit, ()):
        if abs(number) >= size:
            return f"{human(number / size)} {name}"
    return f"{human(number)} {unit}"
