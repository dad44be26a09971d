"""The eval runner (summarizer/eval/run.py): reports, floors, skipped/broken backends, judge mode.

Fast: the deterministic backend "none", and "openai" against the loopback fake endpoint of
bench/fake_endpoint.py. No number here is written by hand: expected scores come from scoring
the saved briefs, floors are derived from measured scores."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
for _p in (str(ROOT), str(ROOT / "bench")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from fake_endpoint import FakeEndpoint, default_responder  # noqa: E402

from summarizer.errors import EXIT_EVAL_FLOOR, EXIT_OK  # noqa: E402
from summarizer.eval.gold import load_corpus, load_gold  # noqa: E402
from summarizer.eval.report import CEILINGS, check, load_floors  # noqa: E402
from summarizer.eval.run import FLOORS_ENV, evals_dir, run_cli, run_eval  # noqa: E402
from summarizer.eval.score import METRICS, score  # noqa: E402
from summarizer.settings import Settings  # noqa: E402

GOLD = ROOT / "evals" / "gold" / "seeds.json"
GOLD_DIR = ROOT / "tests" / "fixtures" / "gold_seeds_only"


def _settings(**kw: Any) -> Settings:
    return Settings.resolve(env={}, **kw)  # no SUMMARIZER_* from the environment


def _args(
    out: Path, backends: str = "none", check_floors: bool = True, judge: bool = False
) -> argparse.Namespace:
    return argparse.Namespace(
        backends=backends, out=out, check_floors=check_floors, judge=judge, quiet=True, gold_dir=GOLD_DIR
    )


@pytest.fixture(scope="module")
def none_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("eval-none")
    return out, run_eval(["none", "lead", "dump"], _settings(), out, gold_dir=GOLD_DIR)


def _write_floors(path: Path, floors: dict[str, dict[str, float]]) -> Path:
    """Floors for the dev split, per backend."""
    path.write_text(json.dumps({"floors": {b: {"dev": m} for b, m in floors.items()}}), encoding="utf-8")
    return path


def _measured_floors(result: dict[str, Any], backend: str = "none") -> dict[str, float]:
    dev = result["backends"][backend]["dev"]
    return {"score": dev["score"], "fact_recall": dev["fact_recall"], "unsupported_count": dev["unsupported_count"]}


# --------------------------------------------------------------------------- reports


def test_report_files_hold_the_published_shape(none_run: tuple[Path, dict[str, Any]]) -> None:
    out, _ = none_run
    for name in ("report.md", "report.json", "seeds.none.brief.json", "seeds.none.brief.md", "seeds.dump.brief.json"):
        assert (out / name).is_file(), name
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["stories"] == [{"id": "seeds", "split": "dev", "title": load_gold(GOLD).story}]
    for name in ("none", "lead", "dump"):
        entry = data["backends"][name]
        assert 0.0 <= entry["score"] <= 1.0
        assert set(METRICS) <= set(entry["metrics"])
        assert set(entry["per_story"]) == {"seeds"} and round(entry["per_story"]["seeds"]["score"], 4) == entry["score"]
    row = next(r for r in data["runs"] if r["backend"] == "none")
    gold = load_gold(GOLD)
    for kind, gold_items in (("facts", gold.facts), ("discrepancies", gold.discrepancies), ("quotes", gold.quotes)):
        assert [i["id"] for i in row["items"][kind]] == [g.id for g in gold_items]
        assert all(isinstance(i["hit"], bool) and i["reason"] for i in row["items"][kind])
    assert {"model_calls", "cache_hits", "prompt_tokens", "completion_tokens", "wall_seconds"} <= set(row["run"])
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| seeds | dev |" in md and "dev stories:" in md and "| score |" in md


def test_report_scores_equal_a_rescore_of_the_saved_brief(none_run: tuple[Path, dict[str, Any]]) -> None:
    out, _ = none_run
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    gold = load_gold(GOLD)
    texts = load_corpus(ROOT / gold.corpus)
    for row in data["runs"]:
        again = score((out / row["brief_json"]).read_text(encoding="utf-8"), gold, texts)
        assert row["scores"] == again.scores()
        assert row["score_report"] == json.loads(again.to_json())


# --------------------------------------------------------------------------- floors


def test_check_floors_exit_codes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    none_run: tuple[Path, dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    measured = _measured_floors(none_run[1])
    floors = tmp_path / "floors.json"
    monkeypatch.setenv(FLOORS_ENV, str(_write_floors(floors, {"none": measured})))
    assert run_cli(_args(tmp_path / "ok"), _settings()) == EXIT_OK
    assert "floors: all met" in capsys.readouterr().out

    raised = dict(measured, fact_recall=measured["fact_recall"] + 0.01)
    _write_floors(floors, {"none": raised})
    assert run_cli(_args(tmp_path / "low"), _settings()) == EXIT_EVAL_FLOOR
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("floor missed")]
    assert len(lines) == 1 and "fact_recall" in lines[0]
    report = json.loads((tmp_path / "low" / "report.json").read_text(encoding="utf-8"))
    assert len(report["floors"]["misses"]) == 1

    if measured["unsupported_count"] > 0:  # the ceiling: more unsupported items than allowed
        _write_floors(floors, {"none": dict(measured, unsupported_count=measured["unsupported_count"] - 1)})
        assert run_cli(_args(tmp_path / "ceil"), _settings()) == EXIT_EVAL_FLOOR
        assert "unsupported_count" in capsys.readouterr().out

    # without --check-floors the same floors do not matter
    _write_floors(floors, {"none": raised})
    assert run_cli(_args(tmp_path / "nocheck", check_floors=False), _settings()) == EXIT_OK


def test_committed_floors_name_measured_metrics_for_both_splits() -> None:
    floors = load_floors(evals_dir() / "floors.json")
    assert floors, "CI checks floors"
    for backend, splits in floors.items():
        assert set(splits) <= {"dev", "test"}, backend
        for metrics in splits.values():
            assert "score" in metrics and set(metrics) <= set(METRICS) | set(CEILINGS) | {"discrepancy_source_accuracy"}
    data = json.loads((evals_dir() / "floors.json").read_text(encoding="utf-8"))
    assert data["measured"]["date"]


def test_check_reports_every_missed_floor(none_run: tuple[Path, dict[str, Any]]) -> None:
    _, result = none_run
    dev = result["backends"]["none"]["dev"]
    assert check(result, {"none": {"dev": {"score": dev["score"]}}}) == []
    (miss,) = check(result, {"none": {"dev": {"score": dev["score"] + 0.01}}})
    assert "score" in miss and "below its floor" in miss


# --------------------------------------------------------------------------- backends


def test_openai_without_endpoint_is_skipped_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FLOORS_ENV, str(_write_floors(tmp_path / "f.json", {"openai": {"fact_recall": 1.0}})))
    result = run_eval(["none", "openai"], _settings(), tmp_path, check_floors=True, gold_dir=GOLD_DIR)
    assert result["backend_info"]["openai"]["status"] == "skipped"
    assert [r["backend"] for r in result["runs"]] == ["none"]
    assert any(n.startswith("openai: skipped") for n in result["notes"])
    assert result["floors"]["misses"] == []  # a skipped backend is not checked
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "openai: skipped" in md


def test_a_backend_that_cannot_be_built_is_an_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FLOORS_ENV, str(_write_floors(tmp_path / "f.json", {"llama": {"fact_recall": 0.0}})))
    settings = _settings(model_path=tmp_path / "missing.gguf")
    result = run_eval(["none", "llama"], settings, tmp_path / "out", check_floors=True, gold_dir=GOLD_DIR)
    info = result["backend_info"]["llama"]
    assert info["status"] == "error" and "missing.gguf" in info["error"]
    assert [r["backend"] for r in result["runs"]] == ["none"]
    assert len(result["floors"]["misses"]) == 1 and "llama" in result["floors"]["misses"][0]
    assert "missing.gguf" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


@pytest.fixture
def endpoint() -> Iterator[FakeEndpoint]:
    def responder(request: dict[str, Any]) -> dict[str, Any]:
        if "Reference fact:" in json.dumps(request["messages"]):
            return {"supported": False, "brief_item_id": None, "reason": "not in the brief"}
        return default_responder(request)

    with FakeEndpoint(responder=responder) as ep:
        yield ep


def test_openai_runs_with_fresh_cache_and_judge_reports_separately(
    tmp_path: Path, endpoint: FakeEndpoint
) -> None:
    settings = _settings(base_url=endpoint.base_url, model="fake", max_retries=0)
    docs = len(load_corpus(ROOT / load_gold(GOLD).corpus))
    first = run_eval(["openai"], settings, tmp_path / "a", judge=True, gold_dir=GOLD_DIR)
    (row,) = first["runs"]
    assert row["status"] == "ok", row["error"]
    assert not row["failures"]
    calls = row["run"]["model_calls"]
    assert calls >= docs and row["run"]["cache_hits"] == 0
    missed = [i["id"] for i in row["items"]["facts"] if not i["hit"]]
    assert [v["gold_id"] for v in row["judge"]] == missed
    assert endpoint.stats.calls == calls + len(missed)  # the judge's calls are not the brief's
    # the judge never changes the deterministic scores
    gold = load_gold(GOLD)
    rescored = score(
        (tmp_path / "a" / row["brief_json"]).read_text(encoding="utf-8"),
        gold,
        load_corpus(ROOT / gold.corpus),
    )
    assert row["scores"] == rescored.scores()
    # a fresh temporary cache per run: the second run calls the model again
    second = run_eval(["openai"], settings, tmp_path / "b", gold_dir=GOLD_DIR)
    assert second["runs"][0]["run"]["model_calls"] == calls
    # ...unless the user gives a cache dir: then the second run is served from it
    cached = Settings.resolve(
        env={}, base_url=endpoint.base_url, model="fake", max_retries=0, cache_dir=tmp_path / "cache"
    )
    run_eval(["openai"], cached, tmp_path / "c", gold_dir=GOLD_DIR)
    third = run_eval(["openai"], cached, tmp_path / "d", gold_dir=GOLD_DIR)["runs"][0]["run"]
    assert third["model_calls"] == 0 and third["cache_hits"] == calls


def test_judge_without_endpoint_is_a_note(tmp_path: Path) -> None:
    result = run_eval(["none"], _settings(), tmp_path, judge=True, gold_dir=GOLD_DIR)
    assert any(n.startswith("judge: skipped") for n in result["notes"])
    assert "judge" not in result["runs"][0]


# --------------------------------------------------------------------------- command lines


def test_python_m_summarizer_eval_is_the_cli_eval_command(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer.eval", "--backends", "none,gpt5", "--out", str(tmp_path), "-q"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.startswith("summarizer: error:") and "Traceback" not in proc.stderr


def test_unknown_backend_is_a_usage_error(tmp_path: Path) -> None:
    from summarizer.eval.__main__ import main

    assert main(["--backends", "none,gpt5", "--out", str(tmp_path), "-q"]) == 2


def test_judge_imports_its_sdks_lazily() -> None:
    import ast

    tree = ast.parse((ROOT / "summarizer" / "eval" / "judge.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = {a.name.split(".")[0] for n in top if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in top if isinstance(n, ast.ImportFrom) and n.module}
    assert not names & {"openai", "instructor"}
