"""Text utilities shared by the evidence layer, grounding and merge: normalisation with an
offset map, sentence splitting, page-furniture detection and content-word bags."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

QUOTE_MAP = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2212": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    }  # fmt: skip
)


def fold(text: str) -> str:
    """Unicode-normalise and unify quote marks and dashes (same length as ``text``)."""
    return text.translate(QUOTE_MAP)


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Lower-case, unify quotes/dashes, collapse whitespace. Returns the normalised string and,
    for each of its characters, the offset of the source character it came from."""
    out: list[str] = []
    index: list[int] = []
    prev_space = True
    for i, ch in enumerate(fold(text)):
        if ch.isspace():
            if not prev_space:
                out.append(" ")
                index.append(i)
            prev_space = True
            continue
        prev_space = False
        for c in unicodedata.normalize("NFKC", ch).lower():
            out.append(c)
            index.append(i)
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def normalize(text: str) -> str:
    """:func:`normalize_with_map`'s string; for ASCII text (NFKC changes nothing) in bulk."""
    folded = fold(text)
    if folded.isascii():
        return " ".join(folded.lower().split())
    return normalize_with_map(text)[0]


_ABBREV = {
    "u.s", "u.k", "u.n", "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sen", "rep", "gov",
    "st", "jr", "sr", "inc", "ltd", "co", "corp", "vs", "no", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "etc", "prof",
}  # fmt: skip
_SENT_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    paragraph: int


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-empty lines, as (start, end) offsets, whitespace trimmed."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def sentences(text: str) -> list[Segment]:
    """Split into sentences with offsets; never across a line break."""
    out: list[Segment] = []
    for p_index, (ps, pe) in enumerate(paragraphs(text)):
        para = text[ps:pe]
        start = 0
        for m in _SENT_END.finditer(para):
            word = re.search(r"([\w.]+)[.!?]?$", para[start : m.start() + 1])
            token = (word.group(1) if word else "").lower().rstrip(".")
            if token in _ABBREV or (len(token) == 1 and token.isalpha()):
                continue
            end = m.end()
            if para[start:end].strip():
                out.append(_trimmed(ps + start, ps + end, text, p_index))
            start = end
        if para[start:].strip():
            out.append(_trimmed(ps + start, pe, text, p_index))
    return out


def _trimmed(s: int, e: int, text: str, p: int) -> Segment:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Segment(s, e, p)


_FURNITURE = re.compile(
    r"\b(read more|click here|subscribe|newsletter|sign up|advertisement|"
    r"all rights reserved|cookie|follow us|share this|download the app|app updates|"
    r"is committed to|about the writer|related articles?|"
    r"pic\.twitter\.com|contacted .{0,60} for comment|originally (published|appeared)|"
    r"republished (with|by)|this (article|story) (was|is) "
    r"(written|produced|republished|adapted))\b",
    re.IGNORECASE,
)
_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,30}\b(previous|prior|above|earlier|all|your)\b"
    r".{0,20}\b(instructions?|prompts?|rules|directions)\b"
    r"|<\|?\s*(im_start|im_end|system|assistant)\s*\|?>|^\W*(system|assistant|user)\s*:"
    r"|\byou are (now )?(an? )?(ai|assistant|language model|summari[sz]er)\b",
    re.IGNORECASE,
)
"""Text that addresses a model rather than a reader: never evidence."""
_CREDIT = re.compile(
    r"(getty images|/ ?ap\b|ap photo|reuters|afp|photo:|file (image|photo)|\bpool\b)", re.IGNORECASE
)


CREDIT_WORDS = 15
"""Dev stories: the ended credit lines that name an agency have at most 7 words ("Our Standards:
The Thomson Reuters Trust Principles."); the reporting sentences that name one at least 21
("HOUSTON (Reuters) - Exxon Mobil has agreed ...", dropped as credits before)."""
SUBHEAD_WORDS = 12  # measured on the seeds and ind_surya_ghar_cabinet: datelines 4-9 words


def furniture_lines(text: str) -> set[tuple[int, int]]:
    """Lines that are page furniture, not reporting: repeated lines, bullets, subscription
    blurbs, photo captions and credits, short fragments without a verb-like ending, and lines
    that address a model ("ignore previous instructions", role tags)."""
    paras = paragraphs(text)
    counts = Counter(normalize(text[s:e]) for s, e in paras)
    out: set[tuple[int, int]] = set()
    for i, (s, e) in enumerate(paras):
        line = text[s:e]
        words = line.split()
        unended = not re.search(r"[.!?\"\u201d]$", line)
        if (
            counts[normalize(line)] > 1
            or line.lstrip().startswith(("•", "·", "*", "- ", "|"))
            or _FURNITURE.search(line)
            or _INJECTION.search(line)
            # a credit or caption names an agency in a short or unended line; a reporting
            # sentence may name one too ("By Reuters' calculations, ...", "(Reuters) - ...")
            or (_CREDIT.search(line) and (unended or len(words) < CREDIT_WORDS))
            or (unended and (len(words) < 6 or " | " in line))
            # a short unended line after the headline: a dateline, byline or subhead
            or (unended and i > 0 and len(words) < SUBHEAD_WORDS)
        ):
            out.add((s, e))
    return out


STOPWORDS = frozenset(
    """a an the and or but if of in on at to for from by with as is are was were be been being
    this that these those it its it's their them they he she his her we our you your i me my
    has have had do does did will would can could should may might must shall not no nor so
    than then there here what which who whom whose when where why how all any both each few
    more most other some such only own same too very just also into over under about after
    before between through during above below up down out off again further once said says
    say told according while since until per via including include includes one two s t
    monday tuesday wednesday thursday friday saturday sunday today yesterday""".split()
)
_SPELLING = [
    (re.compile(r"ence$"), "ense"),  # defence -> defense
    (re.compile(r"our$"), "or"),  # labour -> labor
    (re.compile(r"([a-z]{3})is(e|ed|es|ing)$"), r"\1iz\2"),  # organise -> organize
]
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@lru_cache(maxsize=65536)
def written_in(phrase: str, text: str) -> re.Match[str] | None:
    """Where ``text`` writes ``phrase`` as whole words, in any case and any spacing (the match
    is verbatim: its span cuts the source's own characters)."""
    words = phrase.split()
    if not words:
        return None
    return re.search(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", text, re.IGNORECASE)


def stem(word: str) -> str:
    """A light stemmer: British/American spelling, plural and common suffixes."""
    w = word
    for rx, rep in _SPELLING:
        w = rx.sub(rep, w)
    for suf in ("ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            w = w[: -len(suf)] + ("y" if suf in ("ies", "ied") else "")
            break
    if len(w) > 4 and w.endswith("e"):  # employee/employ, close/closing, agree/agreed
        w = w[:-1]
    if len(w) > 5 and w.endswith("ee"):
        w = w[:-2]
    return w


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text).lower())


def content_words(text: str) -> list[str]:
    """Stemmed content words, numbers removed (figures are compared as values, not words)."""
    out = []
    for w in words(text):
        parts = [w] + (w.split("-") if "-" in w else [])
        for p in parts:
            if p not in STOPWORDS and not p.replace(",", "").replace(".", "").isdigit() and len(p) > 1:
                out.append(stem(p))
    return out


_CURRENCY_MARK = re.compile(
    r"(?=[₹RrIiUu$€EG£])"  # a mark's first character: most positions fail here, fast
    r"(?:(?P<inr>(?i:₹|\bRs\.?|\bINR\b))\s?(?=\d)|(?P<usd>(?i:\bUS\s?\$|\$|\bUSD\b))\s?(?=\d)"
    r"|(?P<eur>€|\bEUR\b)\s?(?=\d)|(?P<gbp>£|\bGBP\b)\s?(?=\d))"
)
"""A republisher often restyles currency ('₹78,000' -> 'Rs 78,000'): one token for each (the
group's name), found in one pass."""


def shingles(text: str, k: int = 5) -> set[int]:
    """Hashes of word k-grams over the normalised text (currency marks folded to one token)."""
    text = _CURRENCY_MARK.sub(lambda m: f" {m.lastgroup} ", text)
    ws = words(text)
    if len(ws) < k:
        return {hash(tuple(ws))} if ws else set()
    return set(map(hash, zip(*(ws[i:] for i in range(k)), strict=False)))  # windows of k words
