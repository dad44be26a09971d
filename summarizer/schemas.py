"""Per-document extraction models, filled by a model through a schema.

Field descriptions are written for the model: they are part of the prompt. Keep them short:
the schema is sent with every call.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


def _compact(schema: dict[str, Any]) -> None:
    """Drop the titles and defaults pydantic adds to every field (the schema goes out with
    every call); the model's own title stays (tools mode names the function after it)."""
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
        prop.pop("default", None)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_compact)


class ExtractedClaim(_Model):
    statement: str = Field(description="One self-contained fact the article states.")
    topic: str = Field(description="2-4 words.")
    kind: Literal["event", "figure", "quote", "context"] = "event"
    quantity: str | None = Field(default=None, description="Its key figure, as written.")
    speaker: str | None = Field(default=None, description="For quotes: who said it.")
    evidence: str = Field(description="Verbatim supporting text from the article.")

    @field_validator("quantity", mode="before")
    @classmethod
    def _raw_of_structured(cls, v: object) -> object:
        """Accept {"raw": "..."} as well: some models insist on structuring figures. Only the
        text as written is kept; the code parses and normalises it."""
        if isinstance(v, dict):
            raw = v.get("raw")
            return str(raw) if raw is not None else None
        if isinstance(v, (int, float)):
            return str(v)
        return v


class ExtractedEntity(_Model):
    name: str
    type: Literal["person", "organization", "place", "other"] = "other"
    role: str | None = None


class SourceMetadata(_Model):
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    date: str | None = None


class DocumentExtraction(_Model):
    """Everything extracted from one article."""

    metadata: SourceMetadata = Field(default_factory=SourceMetadata)
    claims: list[ExtractedClaim] = Field(default_factory=list, max_length=40)
    entities: list[ExtractedEntity] = Field(default_factory=list, max_length=40)


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


def salvage_extraction(text: str | None) -> DocumentExtraction | None:
    """Recover the complete claims from a truncated or slightly malformed model answer (raw
    control characters inside strings are tolerated). Each claim is validated on its own;
    invalid ones are skipped. Returns None when no claim survives."""
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
    claims = []
    for item in data.get("claims") or []:
        try:
            claims.append(ExtractedClaim.model_validate(item))
        except ValueError:
            continue
    if not claims:
        return None
    try:
        meta = SourceMetadata.model_validate(data.get("metadata") or {})
    except ValueError:
        meta = SourceMetadata()
    return DocumentExtraction(metadata=meta, claims=claims[:40])


class OverviewSentenceDraft(_Model):
    text: str = Field(description="One sentence of the overview.")
    refs: list[str] = Field(description="Ids of the facts/discrepancies it rests on, e.g. ['F1'].")


class OverviewDraft(_Model):
    sentences: list[OverviewSentenceDraft] = Field(max_length=6)
