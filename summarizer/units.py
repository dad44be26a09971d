"""The vocabulary of figures: number words, scales (lakh, crore, billion), currencies, physical
units, qualifiers and months, as the outlets write them; and which units are money."""

from __future__ import annotations

import re

from summarizer.brief import Value

UNITS_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
SPECIAL_WORDS: dict[str, float] = {"dozen": 12, "a dozen": 12, "half a dozen": 6, "score": 20}
ORDINAL_WORDS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
SCALES: dict[str, float] = {
    "dozen": 12, "thousand": 1e3, "k": 1e3, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5,
    "million": 1e6, "mn": 1e6, "m": 1e6, "crore": 1e7, "crores": 1e7, "cr": 1e7,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
CURRENCY_PREFIX: dict[str, str] = {
    "us$": "USD", "us $": "USD", "$": "USD", "usd": "USD", "₹": "INR", "rs.": "INR",
    "rs": "INR", "inr": "INR", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
    "¥": "JPY", "a$": "AUD", "c$": "CAD",
}  # fmt: skip
CURRENCY_SUFFIX: dict[str, str] = {
    "rupees": "INR", "rupee": "INR", "dollars": "USD", "dollar": "USD", "euros": "EUR",
    "euro": "EUR", "pounds": "GBP", "yen": "JPY", "roubles": "RUB", "rubles": "RUB",
}  # fmt: skip
CURRENCY_SYMBOL: dict[str, str] = {"USD": "$", "INR": "₹", "EUR": "€", "GBP": "£", "JPY": "¥"}
QUALIFIERS: list[tuple[str, str]] = [
    ("more than", "over"), ("over", "over"), ("above", "over"), ("at least", "over"),
    ("in excess of", "over"), ("upwards of", "over"), ("nearly", "about"),
    ("almost", "about"), ("about", "about"), ("around", "about"), ("approximately", "about"),
    ("roughly", "about"), ("some", "about"), ("an estimated", "about"), ("close to", "about"),
    ("as many as", "up_to"), ("up to", "up_to"),
    ("less than", "under"), ("fewer than", "under"), ("under", "under"), ("below", "under"),
]  # fmt: skip
NOT_A_QUALIFIER_AFTER: dict[str, frozenset[str]] = {
    # after these verbs the words are a preposition, not a bound on the figure
    "up to": frozenset({"gone", "go", "goes", "going", "went", "risen", "rose", "rises", "climbed", "shot",
                        "moved", "jumped"}),  # "the toll has gone up to 141": it rose to 141
    "over": frozenset({"spread", "spreading", "stretched", "stretching", "scattered", "distributed",
                       "spanning"}),  # "43 wards spread over seven panchayats"
}  # fmt: skip
PHYSICAL_UNITS: dict[str, tuple[str, float]] = {
    # written unit -> (base unit, factor): "30 GW" is 3e10 W, shown as written
    "gw": ("W", 1e9), "mw": ("W", 1e6), "kw": ("W", 1e3), "gigawatts": ("W", 1e9),
    "megawatts": ("W", 1e6), "kilowatts": ("W", 1e3), "gwh": ("Wh", 1e9), "mwh": ("Wh", 1e6),
    "kwh": ("Wh", 1e3), "km": ("m", 1e3), "kilometres": ("m", 1e3), "kilometers": ("m", 1e3),
    "metres": ("m", 1.0), "meters": ("m", 1.0), "miles": ("mi", 1.0), "mph": ("mph", 1.0),
    "km/h": ("km/h", 1.0), "kg": ("g", 1e3), "kilograms": ("g", 1e3), "tonnes": ("t", 1.0),
    "tons": ("t", 1.0), "hectares": ("ha", 1.0), "acres": ("acre", 1.0), "litres": ("l", 1.0),
    "liters": ("l", 1.0), "barrels": ("bbl", 1.0),
    "degrees": ("deg", 1.0), "magnitude": ("magnitude", 1.0),
}  # fmt: skip
MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ]  # fmt: skip
    )
    for m in names
}


MONEY_UNITS = frozenset(CURRENCY_PREFIX.values()) | frozenset(CURRENCY_SUFFIX.values())


def is_money(v: Value) -> bool:
    return v.unit in MONEY_UNITS


_SCALE_WORD = re.compile(r"(?i)\d\s*(?:crores?|lakhs?|cr|million|billion|mn|bn|m|b)\b")


def scaled_count(value: Value) -> bool:
    """A count written with a money scale and no currency ('24.75 crore', '$'-less '60bn')."""
    return value.unit == "count" and bool(_SCALE_WORD.search(value.raw))
