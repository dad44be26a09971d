"""The simulated capable model: answers from the gold, identified by the request alone; the
noisy one wrong on about a fifth of its labels, the same way every run; served over HTTP."""

from __future__ import annotations

from pathlib import Path

from summarizer.documents import load_inputs
from summarizer.eval.gold import load_gold
from summarizer.eval.match import Text, groups_hit
from summarizer.eval.oracle import Oracle, OracleServer, label_as_written
from summarizer.evidence import analyze
from summarizer.extract import numbered
from summarizer.pipeline import summarize
from summarizer.prompts import load_prompt
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "evals" / "gold" / "seeds.json"
SEEDS = sorted((ROOT / "evals" / "corpus" / "seeds").glob("*.txt"))


def prompts() -> dict[str, str]:
    out = {}
    for doc in load_inputs([str(p) for p in SEEDS], 5_000_000).documents:
        ev = analyze(doc)
        s, f = numbered(ev, range(len(ev.sentences)))
        msgs = load_prompt("extract_ids").render(doc_id=doc.id, sentences=s, figures=f)
        out[doc.id] = "\n".join(m["content"] for m in msgs)
    return out


def test_oracle_answers_each_document_from_its_gold() -> None:
    gold = load_gold(GOLD)
    oracle = Oracle([GOLD])
    for doc, prompt in prompts().items():
        answer = oracle.answer(prompt)
        sentences = dict(line.split(": ", 1) for line in prompt.splitlines() if line[:1] == "S" and ": " in line)
        assert answer["key_sentences"], doc
        for key in answer["key_sentences"]:  # every key sentence states a gold fact of this source
            text = Text.of(sentences[key.split(": ")[0]])
            assert any(doc in f.sources and all(groups_hit(f.keywords, text)) for f in gold.facts)
        disputed = {d.measure for d in gold.discrepancies if any(doc in v.sources for v in d.values)}
        labelled = [set(f.split(": ", 1)[1].split()) for f in answer["figures"]]
        # disputed measures are labelled (not 'last month'), in the measure's words that the text has
        unlabelled = {m for m in disputed if not any(words <= set(m.split()) for words in labelled)}
        assert len(unlabelled) <= 1, doc
    assert oracle.answer("Article id: unknown\nS1: x") == {"sentences": []}


def test_a_label_keeps_only_the_figures_and_names_near_its_figure() -> None:
    near = "Russia and India signed a $5.4 billion missile defense system contract last year."
    assert label_as_written("value of the S-400 contract", near, near) == "value of the contract"
    assert label_as_written("Exxon's record 2022 profit", "It earned a record $56 billion", "Exxon has climbed") == "Exxon's record profit"
    assert label_as_written("deaths in 2023", "43 died in 2023.", "") == "deaths in 2023"


def test_noisy_oracle_is_wrong_on_about_a_fifth_and_seeded() -> None:
    honest, noisy, again = Oracle([GOLD]), Oracle([GOLD], noise=0.2), Oracle([GOLD], noise=0.2)
    same = total = 0
    for prompt in prompts().values():
        a, b = honest.answer(prompt), noisy.answer(prompt)
        assert b == again.answer(prompt)
        pairs = list(zip(a["key_sentences"], b["key_sentences"], strict=True))
        pairs += list(zip(a["figures"], b["figures"], strict=True))
        total += len(pairs)
        same += sum(x == y for x, y in pairs)
    assert 0.08 <= 1 - same / total <= 0.35


def test_oracle_over_http_drives_the_pipeline(tmp_path: Path) -> None:
    with OracleServer(Oracle([GOLD])) as server:
        settings = Settings.resolve(env={}, backend="openai", base_url=server.base_url, model="oracle",
                                    cache_dir=tmp_path / "c", max_retries=0)  # fmt: skip
        brief = summarize([str(p) for p in SEEDS], settings)
        served = dict(server.oracle.served)
    assert served["document"] == 5 and served["alignment"] == 1
    c = brief.run.contribution
    assert c.key_sentences > 0 and c.figure_labels > 0 and c.measure_groups > 0
    assert brief.failures == []
    told = [d for d in brief.discrepancies if d.dimension == "text"]  # 'last month' vs 'this month'
    assert [sorted(v.value.raw for v in d.values) for d in told] == [["last month", "this month"]]


def test_eval_reports_oracles_beside_none_with_their_delta(tmp_path: Path) -> None:
    from summarizer.cli import _summary_line
    from summarizer.eval.run import run_eval

    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "seeds.json").write_text(GOLD.read_text().replace('"evals/corpus/seeds"', f'"{SEEDS[0].parent}"'))
    result = run_eval(["none", "oracle", "noisy-oracle"], Settings.resolve(env={}), tmp_path / "out", gold_dir=gold)
    assert {r["backend"] for r in result["runs"] if r["status"] == "ok"} == {"none", "oracle", "noisy-oracle"}
    report = (tmp_path / "out" / "report.md").read_text()
    assert "| score - none | +0.000 |" in report
    assert "## What the model contributed" in report
    oracle = next(r for r in result["runs"] if r["backend"] == "oracle")
    assert oracle["run"]["contribution"]["key_sentences"] > 0
    brief = summarize([str(p) for p in SEEDS], Settings.resolve(env={}), backend=None)
    assert "model:" not in _summary_line(brief, None)
    brief.run.backend, brief.run.contribution.key_sentences = "openai", 7
    assert "model: 7 key sentences" in _summary_line(brief, None)


def test_noisy_oracle_takes_a_seed_in_its_name() -> None:
    import pytest

    from summarizer.errors import ConfigError
    from summarizer.eval.run import parse_backends

    assert parse_backends("none,noisy-oracle@2,noisy-oracle") == ["none", "noisy-oracle@2", "noisy-oracle"]
    with pytest.raises(ConfigError):
        parse_backends("none@2")
