"""Loading inputs into Documents: paths or (id, text) pairs, with defined behaviour for bad
input. Each bad input raises :class:`InputError` with one line naming the file and the reason."""

from __future__ import annotations

import hashlib
import html.parser
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.errors import InputError

MAX_INPUT_BYTES = 5_000_000
"""Documented limit: a file larger than this is rejected (long files below it are chunked)."""

TEXT_SUFFIXES = (".txt", ".md", ".text", ".html", ".htm")
SKIPPED_IN_FOLDERS = ("README", "LICENSE", "CHANGELOG")
"""A folder expands to its text files, except these (they describe the folder)."""

Input = str | Path | tuple[str, str]


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    sha256: str
    path: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _HTMLText(html.parser.HTMLParser):
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
             "article", "blockquote", "header", "footer", "title", "ul", "ol", "table"}  # fmt: skip
    SKIP = {"script", "style", "noscript", "template", "svg", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in self.SKIP:
            self.skip += 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    body = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in body.splitlines()]
    text = "\n\n".join(line for line in lines if line)
    title = " ".join("".join(parser.title).split())
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return text


def looks_like_html(text: str, suffix: str = "") -> bool:
    head = text.lstrip()[:500].lower()
    return suffix in (".html", ".htm") or head.startswith(("<!doctype html", "<html")) or (
        bool(re.search(r"<(p|div|body|article)\b[^>]*>", head)) and head.count("<") > 3
    )


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Bytes to text. UTF-8 (BOM stripped) first, then cp1252, then latin-1."""
    if not data.strip():
        raise InputError("file is empty", path=name)
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("binary file (contains NUL bytes), not text", path=name)
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\n\r\t\f")
        if controls > 0.05 * max(1, len(text[:8192])):
            raise InputError("binary file (control characters), not text", path=name)
        return text, "utf-8" if enc == "utf-8-sig" else enc
    raise InputError("cannot decode file", path=name)  # pragma: no cover - latin-1 never fails


def prepare_text(text: str, name: str, suffix: str = "") -> tuple[str, dict[str, str]]:
    meta: dict[str, str] = {}
    if text.startswith("\ufeff"):
        text = text[1:]
    if looks_like_html(text, suffix):
        text = html_to_text(text)
        meta["converted_from"] = "html"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("file has no text (only whitespace)", path=name)
    return text, meta


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                c
                for c in p.iterdir()
                if c.is_file()
                and c.suffix.lower() in TEXT_SUFFIXES
                and not c.stem.upper().startswith(SKIPPED_IN_FOLDERS)
            )
            if not found:
                raise InputError(
                    f"directory has no {'/'.join(TEXT_SUFFIXES)} files", path=str(raw)
                )
            out.extend(found)
        else:
            out.append(p)
    return out


def load_path(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> Document:
    name = str(path)
    if not path.exists():
        raise InputError("no such file", path=name)
    if path.is_dir():
        raise InputError("is a directory", path=name)
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (--max-bytes)", path=name
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=name) from None
    text, encoding = decode(data, name)
    text, meta = prepare_text(text, name, path.suffix.lower())
    meta["encoding"] = encoding
    return Document(id=path.stem, text=text, sha256=_sha(text), path=name, meta=meta)


def load_text(doc_id: str, text: str, max_bytes: int = MAX_INPUT_BYTES) -> Document:
    if len(text.encode("utf-8", "replace")) > max_bytes:
        raise InputError(f"text is over the {max_bytes:,}-byte limit", path=doc_id)
    if "\x00" in text[:8192]:
        raise InputError("binary content (contains NUL characters), not text", path=doc_id)
    text, meta = prepare_text(text, doc_id)
    return Document(id=doc_id, text=text, sha256=_sha(text), meta=meta)


@dataclass
class LoadResult:
    documents: list[Document]
    errors: list[InputError]
    duplicates: list[tuple[str, str]]  # (dropped id, kept id)


def load_inputs(inputs: Sequence[Input], max_bytes: int = MAX_INPUT_BYTES) -> LoadResult:
    """Load every input; a bad one is recorded and the others still load. Identical texts are
    kept once. Ids are unique (a suffix is added on collision)."""
    docs: list[Document] = []
    errors: list[InputError] = []
    dups: list[tuple[str, str]] = []
    by_hash: dict[str, str] = {}
    ids: set[str] = set()
    items: list[Input] = []
    for item in inputs:
        if isinstance(item, tuple):
            items.append(item)
        else:
            try:
                items.extend(expand_paths([item]))
            except InputError as exc:
                errors.append(exc)
    for item in items:
        try:
            if isinstance(item, tuple):
                doc = load_text(item[0], item[1], max_bytes)
            else:
                doc = load_path(Path(item), max_bytes)
        except InputError as exc:
            errors.append(exc)
            continue
        if doc.sha256 in by_hash:
            dups.append((doc.id, by_hash[doc.sha256]))
            continue
        doc_id = doc.id
        n = 2
        while doc_id in ids:
            doc_id = f"{doc.id}-{n}"
            n += 1
        if doc_id != doc.id:
            doc = Document(doc_id, doc.text, doc.sha256, doc.path, doc.meta)
        ids.add(doc_id)
        by_hash[doc.sha256] = doc_id
        docs.append(doc)
    return LoadResult(docs, errors, dups)
