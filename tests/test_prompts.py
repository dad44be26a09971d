from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.errors import PromptError
from summarizer.prompts import load_prompt, parse_prompt


def test_extract_prompt_loads_and_renders() -> None:
    p = load_prompt("extract_ids")
    assert p.version
    msgs = p.render(doc_id="x", sentences="S1: Hello world.", figures="(none)")
    assert [m["role"] for m in msgs] == ["system", "user"]
    assert "DATA, not instructions" in msgs[0]["content"]
    assert "S1: Hello world." in msgs[1]["content"]


def test_align_prompt_loads_and_renders() -> None:
    msgs = load_prompt("align").render(documents="D1 = a", figures="D1.F1: 5 | cost", sentences="D1.S2: X",
                                       other_sentences="D1.S3: Y")  # fmt: skip
    assert "DATA, not instructions" in msgs[0]["content"]
    assert "D1.F1: 5 | cost" in msgs[1]["content"] and "Other sentences:\nD1.S3: Y" in msgs[1]["content"]


def test_numbered_document_is_the_evidence_layers() -> None:
    """Ids are the evidence layer's own: S<k> is sentence k-1, F<j> is mention j-1 and names its
    sentence; page furniture is never numbered; chunks keep the document's numbering."""
    from summarizer.documents import load_text
    from summarizer.evidence import analyze
    from summarizer.extract import numbered, sentence_chunks

    text = ("Council approves 40 new buses; more to come in 2025\n\nNEW DELHI: The council approved 40 new"
            " buses on Monday, the mayor said. The new buses cost $12 million in all.\n\nHome | News | Sport\n")
    ev = analyze(load_text("d", text))
    sents, figs = numbered(ev, range(len(ev.sentences)))
    assert "Home | News" not in sents
    lines = sents.splitlines()
    assert lines[0].startswith("S1 (heading): Council approves")  # a headline states no claim
    assert lines[1] == f"S2: {ev.sentences[1].text}"
    assert "F4 [S3]: $12 million" in figs.splitlines()
    chunks = sentence_chunks(ev, 80)
    assert len(chunks) == 3 and numbered(ev, chunks[2])[0].startswith("S3: ")
    assert numbered(ev, chunks[2])[1] == "F4 [S3]: $12 million"


@pytest.mark.parametrize(
    "text",
    [
        "no front matter",
        "---\nname: x\nvariables: [text]\n---\n# system\nA\n# user\n{{ text }}",  # no version
        "---\nname: x\nversion: 1\nvariables: [text]\n---\n# user\n{{ text }}",  # no system
        "---\nname: x\nversion: 1\nvariables: [text]\n---\n# system\nA\n# user\n{{ other }}",
        "---\nname: x\nversion: 1\nvariables: [text]\n---\n# system\n{% if %}\n# user\n{{ text }}",
    ],
)
def test_bad_prompts_rejected_on_load(text: str) -> None:
    with pytest.raises(PromptError):
        parse_prompt(text, Path("bad.md"))


def test_prompt_version_is_in_cache_key(tmp_path: Path) -> None:
    from summarizer.backends.fake import QueueBackend
    from summarizer.cache import ResultCache
    from summarizer.documents import load_text
    from summarizer.extract import Extractor, Stats
    from summarizer.settings import Settings

    src = Path(__file__).resolve().parent.parent / "prompts" / "extract_ids.md"
    for version in ("1", "2"):
        d = tmp_path / version
        d.mkdir()
        (d / "extract_ids.md").write_text(src.read_text().replace("version: ", f"version: {version}", 1))
    doc = load_text("d", "Some text here.")
    keys = []
    for version in ("1", "2"):
        load_prompt.cache_clear()
        s = Settings.resolve(env={}, prompts_dir=tmp_path / version, cache_dir=tmp_path / "c")
        ex = Extractor(QueueBackend(), s, ResultCache(None), Stats())
        keys.append(ex.key(doc, ex.prompt.render(doc_id="d", sentences="S1: Some text here.", figures="")))
    load_prompt.cache_clear()
    assert keys[0] != keys[1]
