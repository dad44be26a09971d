"""Text and number normalisation for the eval scorer.

Self-contained on purpose: the scorer must not share code with the pipeline it judges, so this
module re-implements (small, deterministic) versions of what it needs:

* :func:`norm_text` - the form keyword matching runs on: NFKC, straight quotes, hyphens and
  slashes as spaces, "U.S."/"US" as "united states", lower case, British spellings as American.
* :func:`phrase_in` - does a normalised phrase occur on word boundaries in a normalised text.
* :func:`quantities` - every figure in a text as a :class:`Quantity` (magnitude + currency or
  percent unit): "5,00,000" == "500,000" == "five lakh" == "half a million", "$5.5bn" ==
  "USD 5,500 million", "51 billion rupees" == "Rs 5,100 crore".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --------------------------------------------------------------------------- text

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)

# British -> American spellings (whole words, lower case). Generic, not story specific.
_SPELLING: dict[str, str] = {
    "defence": "defense",
    "defences": "defenses",
    "offence": "offense",
    "offences": "offenses",
    "licence": "license",
    "programme": "program",
    "programmes": "programs",
    "centre": "center",
    "centres": "centers",
    "metre": "meter",
    "metres": "meters",
    "theatre": "theater",
    "labour": "labor",
    "colour": "color",
    "honour": "honor",
    "favour": "favor",
    "neighbour": "neighbor",
    "neighbours": "neighbors",
    "behaviour": "behavior",
    "armour": "armor",
    "armoured": "armored",
    "rumour": "rumor",
    "harbour": "harbor",
    "endeavour": "endeavor",
    "travelled": "traveled",
    "travelling": "traveling",
    "cancelled": "canceled",
    "catalogue": "catalog",
    "analyse": "analyze",
    "analysed": "analyzed",
    "jewellery": "jewelry",
    "manoeuvre": "maneuver",
    "manoeuvres": "maneuvers",
    "tonne": "ton",
    "tonnes": "tons",
}
_ISE = re.compile(
    r"\b(organi|recogni|authori|critici|emphasi|reali|moderni|mobili|stabili|normali|"
    r"prioriti|minimi|maximi|characteri|summari|speciali|utili|militari|democrati)"
    r"s(e|ed|es|ing|ation|ations)\b"
)
_WORD = re.compile(r"[a-z]+")
_US = re.compile(r"(?<![A-Za-z.])(?:U\.S\.A\.|U\.S\.|USA|US)(?![A-Za-z])")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """Unicode-normalise and straighten quotes/dashes; keeps case and punctuation."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


def norm_text(text: str) -> str:
    """The normalised form keyword and phrase matching run on (see module docstring)."""
    out = clean(text)
    out = _US.sub(" united states ", out)
    out = out.replace("-", " ").replace("/", " ").lower()
    out = _ISE.sub(r"\1z\2", out)
    out = _WORD.sub(lambda m: _SPELLING.get(m.group(0), m.group(0)), out)
    return _SPACES.sub(" ", out).strip()


def phrase_in(phrase_norm: str, text_norm: str) -> bool:
    """True when the normalised phrase occurs in the normalised text on word boundaries."""
    if not phrase_norm:
        return False
    pattern = r"(?<!\w)" + re.escape(phrase_norm) + r"(?!\w)"
    return re.search(pattern, text_norm) is not None


def words(text: str) -> set[str]:
    """Normalised word set of a text (used for the name check)."""
    return set(re.findall(r"[a-z0-9]+", norm_text(text).replace("'", " ")))


# --------------------------------------------------------------------------- numbers


@dataclass(frozen=True)
class Quantity:
    """A figure: its magnitude and unit (an ISO currency code, '%', or None for a bare number)."""

    value: float
    unit: str | None = None
    text: str = ""

    @property
    def key(self) -> tuple[float, str | None]:
        return (_round(self.value), self.unit)

    def same(self, other: Quantity) -> bool:
        return self.key == other.key


def _round(value: float) -> float:
    if value == 0:
        return 0.0
    return float(f"{value:.6g}")


_SCALES: dict[str, float] = {
    "hundred": 1e2,
    "thousand": 1e3,
    "k": 1e3,
    "lakh": 1e5,
    "lakhs": 1e5,
    "lac": 1e5,
    "lacs": 1e5,
    "million": 1e6,
    "millions": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "crore": 1e7,
    "crores": 1e7,
    "cr": 1e7,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}

_CUR_PREFIX: dict[str, str] = {
    "us$": "USD",
    "us $": "USD",
    "$": "USD",
    "usd": "USD",
    "rs": "INR",
    "rs.": "INR",
    "inr": "INR",
    "\u20b9": "INR",
    "\u20ac": "EUR",
    "eur": "EUR",
    "\u00a3": "GBP",
    "gbp": "GBP",
    "rub": "RUB",
    "\u20bd": "RUB",
    "\u00a5": "JPY",
    "cny": "CNY",
    "jpy": "JPY",
}
_CUR_SUFFIX: dict[str, str] = {
    "dollar": "USD",
    "dollars": "USD",
    "us dollars": "USD",
    "usd": "USD",
    "rupee": "INR",
    "rupees": "INR",
    "inr": "INR",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "rouble": "RUB",
    "roubles": "RUB",
    "ruble": "RUB",
    "rubles": "RUB",
    "yuan": "CNY",
    "yen": "JPY",
    "pound sterling": "GBP",
}

_NUM_RE = re.compile(
    r"""
    (?<![\w.,$\u20b9\u20ac\u00a3])
    (?P<pre>(?:us\s?\$|\$|usd|rs\.?|inr|\u20b9|\u20ac|eur|\u00a3|gbp|rub|\u20bd|\u00a5|cny|jpy)\s?)?
    (?P<num>\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    (?:(?P<ord>st|nd|rd|th)(?![a-z]))?
    (?:\s?(?P<scale>thousand|lakhs?|lacs?|millions?|crores?|billions?|trillion|bn|mn|mln|cr|tn)
       (?![a-z])|(?P<short>[mk])(?![a-z]))?
    (?:\s(?P<suf>(?:us\s)?dollars?|usd|rupees?|inr|euros?|eur|roubles?|rubles?|yuan|yen)(?![a-z]))?
    (?P<pct>\s?%|pc(?![a-z])|\s(?:percent|per\scent)(?![a-z]))?
    (?![\w])
    """,
    re.IGNORECASE | re.VERBOSE,
)

_CARDINALS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
_ORDINALS = ("- first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth"
             " fifteenth sixteenth seventeenth eighteenth nineteenth")  # fmt: skip
_UNITS: dict[str, int] = {w: n for n, w in enumerate(_CARDINALS.split())} | {w: n for n, w in enumerate(_ORDINALS.split()) if n}
_TENS: dict[str, int] = {
    w + end: 10 * n
    for n, w in enumerate("- - twent thirt fort fift sixt sevent eight ninet".split()) if n >= 2
    for end in ("y", "ieth")
}  # fmt: skip
_WORD_SCALES: dict[str, float] = {
    "hundred": 1e2,
    "thousand": 1e3,
    "lakh": 1e5,
    "lakhs": 1e5,
    "million": 1e6,
    "crore": 1e7,
    "crores": 1e7,
    "billion": 1e9,
    "trillion": 1e12,
}
_TOKEN = re.compile(r"[A-Za-z]+|[$\u20b9\u20ac\u00a3%]")


def _parse_digits(match: re.Match[str]) -> Quantity:
    value = float(match.group("num").replace(",", ""))
    scale = match.group("scale") or match.group("short")
    if scale:
        value *= _SCALES[scale.lower()]
    unit: str | None = None
    pre = match.group("pre")
    suf = match.group("suf")
    if pre:
        unit = _CUR_PREFIX[re.sub(r"\s+", " ", pre.strip().lower())]
    elif suf:
        unit = _CUR_SUFFIX[re.sub(r"\s+", " ", suf.strip().lower())]
    elif match.group("pct"):
        unit = "%"
    return Quantity(value, unit, match.group(0).strip())


def _word_quantities(text: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    """Numbers written in words: 'ten', 'twenty-first', 'five lakh', 'half a million', 'a dozen'."""
    tokens = [(m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    out: list[Quantity] = []
    i = 0
    while i < len(tokens):
        j, value, ok = _read_number_words(tokens, i)
        if not ok:
            i += 1
            continue
        start, end = tokens[i][1], tokens[j - 1][2]
        if any(s < end and start < e for s, e in taken):
            i = j
            continue
        unit: str | None = None
        pre = re.search(r"(\S+(?:\s+\S+)?)\s*$", text[max(0, start - 8) : start])
        prefix = next((p for p in (pre.group(1).lower(), pre.group(1).split()[-1].lower()) if p in _CUR_PREFIX), None) if pre else None
        if prefix:
            unit = _CUR_PREFIX[prefix]  # "Rs five lakhs"
        elif j < len(tokens):
            word = tokens[j][0]
            if word in _CUR_SUFFIX:
                unit = _CUR_SUFFIX[word]
            elif word in ("percent", "%"):
                unit = "%"
        out.append(Quantity(value, unit, text[start:end]))
        i = j
    return out


def _read_number_words(
    tokens: list[tuple[str, int, int]], i: int
) -> tuple[int, float, bool]:
    total = 0.0
    current = 0.0
    last = ""  # kind of the previous token: unit, tens, hundred, scale, and
    j = i
    while j < len(tokens):
        word = tokens[j][0]
        nxt = tokens[j + 1][0] if j + 1 < len(tokens) else ""
        if word in _UNITS:
            if last not in ("", "tens", "hundred", "scale", "and"):
                break  # "two three" is two numbers
            current += _UNITS[word]
            last = "unit"
        elif word in _TENS:
            if last not in ("", "hundred", "scale", "and"):
                break
            current += _TENS[word]
            last = "tens"
        elif word == "dozen":
            current = (current or 1) * 12
            last = "unit"
        elif word in _WORD_SCALES:
            if not last or last == "and":
                break
            scale = _WORD_SCALES[word]
            if scale == 100:
                current = (current or 1) * scale
                last = "hundred"
            else:
                total += (current or 1) * scale
                current = 0.0
                last = "scale"
        elif (
            word in ("a", "an") and not last and (nxt in _WORD_SCALES or nxt == "dozen")
        ):
            current = 1.0
            last = "unit"
        elif word == "half" and not last and nxt in ("a", "an"):
            current = 0.5
            last = "unit"
            j += 1  # skip the article: "half a million"
        elif (
            word == "and"
            and last in ("hundred", "scale")
            and (nxt in _UNITS or nxt in _TENS)
        ):
            last = "and"
        else:
            break
        j += 1
    if not last or last == "and":
        return i + 1, 0.0, False
    if tokens[i][0] in ("a", "an") and total + current == 1.0:
        return i + 1, 0.0, False
    return j, total + current, True


_CLOCK = re.compile(r"(?<![\w.,:])([01]?\d|2[0-3]):([0-5]\d)(?:\s?([ap])\.?m\b\.?)?(?![\w:])", re.IGNORECASE)


def _clock_times(cleaned: str) -> tuple[list[Quantity], str]:
    """Times of day ('6:04 pm', '18:04', '06:05 PM') as one figure each, in minutes past the
    hour on a twelve-hour dial (a source that drops 'pm' gives the same time); and the text with
    them blanked, so that their hours and minutes are not read as two more numbers."""
    out = []
    for m in _CLOCK.finditer(cleaned):
        out.append(Quantity(float(int(m.group(1)) % 12 * 60 + int(m.group(2))), "clock", m.group(0).strip()))
    return out, _CLOCK.sub(lambda m: " " * len(m.group(0)), cleaned)


def quantities(text: str) -> list[Quantity]:
    """Every figure in ``text``, digits and number words, in no particular order."""
    out, cleaned = _clock_times(clean(text))
    taken: list[tuple[int, int]] = []
    for match in _NUM_RE.finditer(cleaned):
        out.append(_parse_digits(match))
        taken.append(match.span())
    out.extend(_word_quantities(cleaned, taken))
    return out


def quantity_from_value(value: float | None, unit: str | None) -> Quantity | None:
    """A :class:`Quantity` for a brief's normalised ``Value`` (its unit mapped to ours)."""
    if value is None:
        return None
    if unit and re.fullmatch(r"[A-Z]{3}", unit):
        return Quantity(value, unit)
    if unit in ("percent", "%"):
        return Quantity(value, "%")
    return Quantity(value, None)


def quantity_matches(gold: Quantity, found: Quantity) -> bool:
    """Same magnitude and the same unit (a bare gold number only matches a bare number)."""
    return gold.same(found)


def form_in(form: str, text: str, extra: list[Quantity] | None = None) -> bool:
    """Does the accepted surface ``form`` occur in ``text``?

    A form with a figure in it is compared numerically (any figure of the text, plus ``extra``);
    a form without one ("last month") is compared as a normalised phrase.
    """
    wanted = quantities(form)
    if wanted:
        found = quantities(text) + (extra or [])
        return any(quantity_matches(w, f) for w in wanted for f in found)
    return phrase_in(norm_text(form), norm_text(text))
