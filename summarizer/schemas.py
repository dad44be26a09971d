"""Per-document extraction models, filled by a model through a schema.

Field descriptions are written for the model: they are part of the prompt. Keep them short:
the schema is sent with every call.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
    field_validator,
)


def _compact(schema: dict[str, Any]) -> None:
    """Drop the titles and defaults pydantic adds to every field (the schema goes out with
    every call); the model's own title stays (tools mode names the function after it)."""
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
        prop.pop("default", None)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_compact)




# --------------------------------------------------------------------------- answers by ids
# The model reads numbered sentences (S1...) and figure mentions (F1...) and answers with ids:
# evidence is exact by construction, and the answer is a few short labels, not copied text.


def _ref(prefix: str, v: object) -> object:
    """Accept 3, "3", "s3" or "S3" for the id "S3" (small models drop or lower the letter)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{prefix}{v}"
    if isinstance(v, str):
        t = v.strip()
        if t.isdigit():
            return f"{prefix}{t}"
        if t[:1].upper() == prefix and t[1:].isdigit():
            return prefix + t[1:]
    return v


class KeySentence(_Model):
    id: str = Field(pattern=r"^S[0-9]+$", description="Sentence id, e.g. S3.")
    topic: str = Field(description="2-4 words.")

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, v: object) -> object:
        return _ref("S", v)


class FigureMeasure(_Model):
    id: str = Field(pattern=r"^F[0-9]+$", description="Figure id, e.g. F2.")
    measure: str = Field(description="What it measures, 2-4 words.")

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, v: object) -> object:
        return _ref("F", v)


class EventLabel(_Model):
    who: str = Field(description="Main actors.")
    what: str = Field(description="What happened, a few words.")
    when: str = Field(description="Date as written, or ''.")


_ITEM = re.compile(r"^\s*([SF]?)\s*([0-9]+)\s*[:.\-)]?\s*(.*?)\s*$", re.I | re.S)


def _label(text: str) -> str:
    """At most five words of at most WORD_CHARS characters: what the grammar allows."""
    return " ".join(word[:WORD_CHARS] for word in text.split()[:5])


def _item(prefix: str, v: object) -> str | None:
    """ "S3: label" for what a model wrote as "S3: label", "s3 - label", "3: label" or
    {"id": "S3", "topic": "label"}; None when it names no id of this kind."""
    if isinstance(v, dict):
        ref = _ref(prefix, v.get("id"))
        label = next((x for k, x in v.items() if k != "id" and isinstance(x, str)), "")
        return f"{ref}: {_label(label)}" if isinstance(ref, str) and re.fullmatch(rf"{prefix}\d+", ref) else None
    m = _ITEM.match(v) if isinstance(v, str) else None
    if m is None or (m.group(1) and m.group(1).upper() != prefix):
        return None
    return f"{prefix}{int(m.group(2))}: {_label(m.group(3))}"


def _items(prefix: str, v: object) -> object:
    if not isinstance(v, list):
        return v
    return [x for x in (_item(prefix, item) for item in v) if x is not None]


# A label is at most five words of at most WORD_CHARS characters each, in the grammar itself, and
# the event at most EVENT_CHARS: a small model cannot copy its sentence. With words unbounded,
# Qwen2.5-Coder-0.5B glued the sentence it copied into five "words" until max_tokens cut the
# answer (5 of 5 seed requests, 2026-11-23); 24 characters hold any English word.
WORD_CHARS = 24
EVENT_CHARS = 160
_WORDS = rf"[^ ]{{0,{WORD_CHARS}}}( [^ ]{{1,{WORD_CHARS}}}){{0,4}}"
KeyItem = Annotated[str, StringConstraints(pattern=rf"^S[0-9]+: {_WORDS}$")]
FigureItem = Annotated[str, StringConstraints(pattern=rf"^F[0-9]+: {_WORDS}$")]
KEYS_DOC = '"S<id>: topic in 2-4 words", most important first.'
FIGURES_DOC = '"F<id>: what it measures, 2-4 words".'


def _cut(v: object, limit: int | None) -> object:
    """A list longer than the schema allows keeps its first items (most important first)."""
    return v[:limit] if isinstance(v, list) and limit is not None else v


class IdExtraction(_Model):
    """One article's key sentences, figure measures and event, by id."""

    # Each item is one short string ("S3: rifle deal"): an answer of labels, not of JSON keys.

    key_sentences: list[KeyItem] = Field(max_length=12, description=KEYS_DOC)
    figures: list[FigureItem] = Field(max_length=60, description=FIGURES_DOC)
    event: str = Field(max_length=EVENT_CHARS, description='"who; what; when".')

    @field_validator("key_sentences", mode="before")
    @classmethod
    def _keys(cls, v: object) -> object:
        return _cut(_items("S", v), cls._limit("key_sentences"))

    @field_validator("figures", mode="before")
    @classmethod
    def _figures(cls, v: object) -> object:
        return _cut(_items("F", v), cls._limit("figures"))

    @classmethod
    def _limit(cls, name: str) -> int | None:
        """The list's max_length in this (possibly per-request) schema."""
        return next((m.max_length for m in cls.model_fields[name].metadata if hasattr(m, "max_length")), None)

    @field_validator("event", mode="before")
    @classmethod
    def _event(cls, v: object) -> object:
        if isinstance(v, dict):
            v = "; ".join(str(v.get(k) or "") for k in ("who", "what", "when"))
        return v[:EVENT_CHARS] if isinstance(v, str) else v

    def keys(self) -> list[KeySentence]:
        return [KeySentence(id=i, topic=t) for i, _, t in (x.partition(": ") for x in self.key_sentences)]

    def measures(self) -> list[FigureMeasure]:
        return [FigureMeasure(id=i, measure=t) for i, _, t in (x.partition(": ") for x in self.figures)]

    def event_label(self) -> EventLabel:
        parts = [p.strip() for p in self.event.split(";")] + ["", "", ""]
        return EventLabel(who=parts[0], what=parts[1], when="; ".join(p for p in parts[2:] if p))


@lru_cache(maxsize=256)
def id_schema(max_keys: int, max_figures: int) -> type[IdExtraction]:
    """IdExtraction for one request: no more items than the document has sentences and figures
    (under a grammar, a small model otherwise invents ids until the list is full)."""
    return create_model(
        "IdExtraction", __base__=IdExtraction,
        key_sentences=(list[KeyItem], Field(max_length=max_keys, description=KEYS_DOC)),
        figures=(list[FigureItem], Field(max_length=max_figures, description=FIGURES_DOC)),
    )  # fmt: skip


class MeasureGroup(_Model):
    measure: str = Field(description="2-4 words.")
    figures: list[str] = Field(description="Figure refs, e.g. ['D1.F2', 'D3.F1'].")


class FactGroup(_Model):
    sentences: list[str] = Field(description="Sentence refs, e.g. ['D1.S2', 'D2.S5'].")


class OtherEvent(_Model):
    docs: list[str] = Field(description="Document refs, e.g. ['D4'].")
    event: str = Field(description="The other event, a few words.")
    reason: str = Field(description="Why, in one short sentence.")


class StatedValue(_Model):
    texts: list[str] = Field(description="The version as the sentences write it, a few words each.")
    sentences: list[str] = Field(description="Sentence refs that say it, e.g. ['D1.S2'].")


class Disagreement(_Model):
    topic: str = Field(description="What the versions disagree on, 2-4 words.")
    values: list[StatedValue] = Field(description="Each version, with the sentences that say it.")


class Alignment(_Model):
    """Which figures state the same measure, which sentences the same fact, which documents
    report another event, and what the documents tell differently in words, across one story's
    documents."""

    same_measure: list[MeasureGroup] = Field(max_length=60)
    same_fact: list[FactGroup] = Field(max_length=60)
    other_event: list[OtherEvent] = Field(max_length=20)
    disagree: list[Disagreement] = Field(default_factory=list, max_length=30)


def schema_hash(model: type[BaseModel]) -> str:
    text = json.dumps(model.model_json_schema(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _close_truncated_json(text: str) -> str | None:
    """Cut a truncated JSON text after its last complete value inside an array or object,
    and close what is still open. None when nothing complete is left."""
    stack: list[str] = []
    in_string = False
    escape = False
    last_cut: tuple[int, list[str]] | None = None
    start = text.find("{")
    if start < 0:
        return None
    for i in range(start, len(text)):
        ch = text[i]
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
                if stack and stack[-1] == "]":  # a complete string element of an array
                    last_cut = (i + 1, list(stack))
            continue
        if ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]":
            if not stack:
                break
            stack.pop()
            if not stack:
                return text[start : i + 1]
            if stack[-1] == "]":  # a complete element of an array
                last_cut = (i + 1, list(stack))
    if last_cut is None:
        return None
    pos, open_ = last_cut
    return text[start:pos] + "".join(reversed(open_))


def salvage_extraction(text: str | None) -> IdExtraction | None:
    """Recover the complete items of a truncated or slightly malformed answer by ids (raw
    control characters inside strings are tolerated). Each item is validated on its own;
    invalid ones are skipped. Returns None when no key sentence or figure survives."""
    if not text:
        return None
    closed = _close_truncated_json(text)
    if closed is None:
        return None
    try:
        data = json.loads(closed, strict=False)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    keys = _items("S", data.get("key_sentences") or [])
    figures = _items("F", data.get("figures") or [])
    keys = keys[:12] if isinstance(keys, list) else []
    figures = figures[:60] if isinstance(figures, list) else []
    if not keys and not figures:
        return None
    event = data.get("event")
    event = IdExtraction._event(event) if isinstance(event, (str, dict)) else ""
    return IdExtraction.model_validate({"key_sentences": keys, "figures": figures, "event": event})


class OverviewSentenceDraft(_Model):
    text: str = Field(description="One sentence of the overview.")
    refs: list[str] = Field(description="Ids of the facts/discrepancies it rests on, e.g. ['F1'].")


class OverviewDraft(_Model):
    sentences: list[OverviewSentenceDraft] = Field(max_length=6)


M = TypeVar("M", bound=BaseModel)


def salvage_as(schema: type[M], text: str | None) -> M | None:
    """The complete items of a truncated or slightly malformed answer by ids, as ``schema`` (a
    per-document subclass of IdExtraction); None for any other schema, when nothing complete is
    left, or when what is left does not validate."""
    if not issubclass(schema, IdExtraction):
        return None
    data = salvage_extraction(text)
    try:
        return None if data is None else schema.model_validate(data.model_dump())
    except ValidationError:
        return None
