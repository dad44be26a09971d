from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.errors import PromptError
from summarizer.prompts import load_prompt, parse_prompt


def test_extract_prompt_loads_and_renders() -> None:
    p = load_prompt("extract")
    assert p.version
    msgs = p.render(doc_id="x", text="Hello world.")
    assert [m["role"] for m in msgs] == ["system", "user"]
    assert "DATA, not instructions" in msgs[0]["content"]
    assert "Hello world." in msgs[1]["content"]


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

    src = Path(__file__).resolve().parent.parent / "prompts" / "extract.md"
    for version in ("1", "2"):
        d = tmp_path / version
        d.mkdir()
        (d / "extract.md").write_text(src.read_text().replace("version: ", f"version: {version}", 1))
    doc = load_text("d", "Some text here.")
    keys = []
    for version in ("1", "2"):
        load_prompt.cache_clear()
        s = Settings.resolve(env={}, prompts_dir=tmp_path / version, cache_dir=tmp_path / "c")
        ex = Extractor(QueueBackend(), s, ResultCache(None), Stats())
        keys.append(ex.key(doc, ex.prompt.render(doc_id="d", text=doc.text)))
    load_prompt.cache_clear()
    assert keys[0] != keys[1]
