"""Per-document extraction models, filled by a model through a schema.

Field descriptions are written for the model: they are part of the prompt. Keep them short:
the schema is sent with every call.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator


def _compact(schema: dict[str, Any]) -> None:
    """Drop the titles and defaults pydantic adds to every field (the schema goes out with
    every call); the model's own title stays (tools mode names the function after it)."""
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
        prop.pop("default", None)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_compact)


M = TypeVar("M", bound=_Model)


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


class IdExtraction(_Model):
    """One article's key sentences, figure measures and event, by id."""

    key_sentences: list[KeySentence] = Field(max_length=12)
    figures: list[FigureMeasure] = Field(max_length=60)
    event: EventLabel


class MeasureGroup(_Model):
    measure: str = Field(description="2-4 words.")
    figures: list[str] = Field(description="Figure refs, e.g. ['D1.F2', 'D3.F1'].")


class FactGroup(_Model):
    sentences: list[str] = Field(description="Sentence refs, e.g. ['D1.S2', 'D2.S5'].")


class OtherEvent(_Model):
    docs: list[str] = Field(description="Document refs, e.g. ['D4'].")
    event: str = Field(description="The other event, a few words.")
    reason: str = Field(description="Why, in one short sentence.")


class Alignment(_Model):
    """Which figures state the same measure, which sentences the same fact, and which
    documents report another event, across one story's documents."""

    same_measure: list[MeasureGroup] = Field(max_length=60)
    same_fact: list[FactGroup] = Field(max_length=60)
    other_event: list[OtherEvent] = Field(max_length=20)


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


def _valid_items(items: object, model: type[M]) -> list[M]:
    out = []
    for item in items if isinstance(items, list) else []:
        try:
            out.append(model.model_validate(item))
        except ValueError:
            continue
    return out


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
    keys = _valid_items(data.get("key_sentences"), KeySentence)[:12]
    figures = _valid_items(data.get("figures"), FigureMeasure)[:60]
    if not keys and not figures:
        return None
    try:
        event = EventLabel.model_validate(data.get("event"))
    except ValueError:
        event = EventLabel(who="", what="", when="")
    return IdExtraction(key_sentences=keys, figures=figures, event=event)


class OverviewSentenceDraft(_Model):
    text: str = Field(description="One sentence of the overview.")
    refs: list[str] = Field(description="Ids of the facts/discrepancies it rests on, e.g. ['F1'].")


class OverviewDraft(_Model):
    sentences: list[OverviewSentenceDraft] = Field(max_length=6)
