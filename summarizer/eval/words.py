"""Words as the scorer compares them: stems, content words, negation and figure qualifiers.

Closed classes of English (function words, negations, qualifiers), not tied to any story.
"""

from __future__ import annotations

import re

from summarizer.eval.normalize import norm_text

# Function words: never content. A closed class of English, not tied to any story.
STOPWORDS = frozenset(
    "a an the and or but if of to in on at by for from with without into onto over under about"
    " as than then that this these those there here it its it's they them their he she his her"
    " we our you your i me my is are was were be been being has have had do does did will would"
    " shall should can could may might must also which who whom whose what when where while"
    " after before during since until so such not no nor very more most less least some any all"
    " each both either neither other another one ones said says say according".split()
)

# Words that negate or reverse the relation they govern (a closed class, not story-specific).
NEGATIONS = frozenset(
    "not no never none nor neither cannot without denied denies deny refused refuses rejected"
    " rejects failed fails barred banned prohibited forbidden unable declined declines".split()
)

# Qualifier classes of a figure: the words that put a value below, above or around its number.
QUALIFIERS: dict[str, tuple[str, ...]] = {
    "about": (
        "about",
        "around",
        "approximately",
        "roughly",
        "some",
        "an estimated",
        "nearly",
        "almost",
        "close to",
        "just under",
        "just over",
    ),
    "over": ("over", "more than", "above", "at least", "upwards of", "in excess of", "exceeding", "plus"),
    "under": ("under", "less than", "below", "fewer than", "up to", "as many as", "at most"),
}

_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "es", "ed", "s", "e")


def stem(word: str) -> str:
    """A light suffix-stripping stem, so inflections meet: sign/signs/signed/signing."""
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            word = word[: -len(suf)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]  # stopped -> stopp -> stop
    return word


def tokens(text: str) -> list[str]:
    """Normalised word tokens (letters and digits), in order."""
    found = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", norm_text(text))
    return [t[:-2] if t.endswith("'s") else t for t in found]  # possessives: Modi's -> modi


def content_stems(text: str) -> set[str]:
    """Stems of the content words of a text (function words and bare digits dropped)."""
    return {stem(t) for t in tokens(text) if t not in STOPWORDS and not t.isdigit()}


def stem_seq(text: str) -> str:
    """The text as a space-joined sequence of stems, for phrase matching across inflections."""
    return " ".join(stem(t) for t in tokens(text))


def stem_phrase_in(phrase: str, text: str) -> bool:
    """Does the phrase occur in the text, word for word after stemming, on word boundaries?"""
    p = stem_seq(phrase)
    return bool(p) and f" {p} " in f" {stem_seq(text)} "


def negated(text: str) -> bool:
    """Does the text carry a negation word (including "n't")?"""
    toks = tokens(text)
    return any(t in NEGATIONS or t.endswith("n't") for t in toks)


def qualifier_class(text: str) -> str | None:
    """The qualifier class ('about', 'over', 'under') a figure's text carries, if any."""
    norm = f" {norm_text(text)} "
    for name, words_ in QUALIFIERS.items():
        if any(f" {w} " in norm for w in words_):
            return name
    return None


# Opposites: a statement that takes one side where every gold phrasing takes another reverses
# the fact. General English, not tied to any story.
OPPOSITES: tuple[tuple[frozenset[str], ...], ...] = tuple(
    tuple(frozenset(stem(w) for w in side.split()) for side in group)
    for group in (
        ("before ahead prior earlier", "after later following"),
        (
            "cut reduce reduction lower curb avoid decrease fall drop save",
            "raise increase boost rise grow add",
        ),
        ("every each all per", "only single"),
        ("day daily", "week weekly", "month monthly", "year yearly annual annually"),
        ("win won victory", "lose lost defeat"),
        ("more over above", "less fewer under below"),
    )
)


def reverses(gold_phrasings: list[str], statement: str) -> bool:
    """Does the statement take another side of an opposition than the gold does? Only when
    every gold phrasing takes the same one side (so "A before B" told as "B after A" in another
    phrasing is no reversal)."""
    said = {stem(t) for t in tokens(statement)}
    gold = [{stem(t) for t in tokens(p)} for p in gold_phrasings]
    for group in OPPOSITES:
        mine = {i for i, side in enumerate(group) if side & said}
        theirs = [{i for i, side in enumerate(group) if side & g} for g in gold]
        if len(mine) == 1 and all(t == theirs[0] and len(t) == 1 for t in theirs) and theirs[0] != mine:
            return True
    return False


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def months(text: str) -> set[str]:
    """The months a text names (by their first three letters)."""
    return {
        t[:3]
        for t in tokens(text)
        if t[:3] in MONTHS
        and (
            len(t) == 3
            or t.startswith(
                (
                    "janu",
                    "febr",
                    "marc",
                    "apri",
                    "may",
                    "june",
                    "july",
                    "augu",
                    "sept",
                    "octo",
                    "nove",
                    "dece",
                )
            )
        )
    }
