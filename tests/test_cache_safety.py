"""The result cache under stress: two processes on one cache directory, corrupted entries, an
unusable cache path, and the API key (which must never be stored or printed)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import diskcache
from fakes import (
    API_KEY,
    SEEDS,
    FakeOpenAIServer,
    HTTPError,
    RecordedRequest,
    Step,
    article_of,
    grounded_extraction,
    ok,
)

from summarizer.brief import Brief
from summarizer.errors import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE
from summarizer.pipeline import summarize
from summarizer.settings import Settings

RunCli = Callable[..., subprocess.CompletedProcess[str]]


def slow_grounded(delay: float = 0.15) -> Callable[[RecordedRequest], Step]:
    """Answers like a good model, slowly enough for two runs to overlap."""

    def respond(req: RecordedRequest) -> Step:
        time.sleep(delay)
        return ok(grounded_extraction(article_of(req), 3))

    return respond


def cli_args(server: FakeOpenAIServer, cache: Path, out: Path) -> list[str]:
    return ["brief", str(SEEDS), "--backend", "openai", "--model", "fake-model", "--base-url", server.base_url,
            "--api-key", API_KEY, "--cache-dir", str(cache), "--max-retries", "0", "-o", str(out)]  # fmt: skip


def settings(server: FakeOpenAIServer, cache: Path) -> Settings:
    return Settings.resolve(env={}, backend="openai", base_url=server.base_url, api_key=API_KEY, model="fake-model",
                    cache_dir=cache, max_retries=0)  # fmt: skip


def content(brief: Brief) -> dict[str, Any]:
    return brief.model_dump(mode="json", exclude={"run"})


def model_content(brief: Brief) -> dict[str, Any]:
    """What the cache feeds: sources, facts, quotes and grounding (discrepancy topics are left
    out: they vary with the hash seed, see the xfail below)."""
    return {**brief.model_dump(mode="json", include={"sources", "facts", "single_source", "quotes"}),
            "grounding": brief.run.grounding.model_dump()}  # fmt: skip


def cache_bytes(cache: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in sorted(cache.rglob("*")) if p.is_file()]


def test_two_processes_share_a_cache_dir(
    fake_server: FakeOpenAIServer, cli_env: dict[str, str], tmp_path: Path, reliability: Any
) -> None:
    fake_server.responder = slow_grounded()
    cache = tmp_path / "cache"
    env = {**cli_env, "PYTHONHASHSEED": "0"}  # the same seed in both: output can be compared byte for byte
    procs = [
        subprocess.Popen([sys.executable, "-m", "summarizer", *cli_args(fake_server, cache, tmp_path / f"b{i}.json")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)  # fmt: skip
        for i in (1, 2)
    ]
    results = []
    for p in procs:
        try:
            _, err = p.communicate(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
        results.append((p.returncode, err))

    reliability.record("cache", "two CLI runs on one cache dir at once",
                       "both finished" if all(rc == EXIT_OK for rc, _ in results) else
                       f"exit codes {[rc for rc, _ in results]}", f"{fake_server.calls} model calls in all")  # fmt: skip
    for rc, err in results:
        assert rc == EXIT_OK, err
        assert "Traceback" not in err and "warning" not in err
    briefs = [Brief.model_validate_json((tmp_path / f"b{i}.json").read_text()) for i in (1, 2)]
    assert content(briefs[0]) == content(briefs[1])
    assert 5 <= fake_server.extraction_calls <= 10

    # In this process (another hash seed) the extractions all come from the cache; the overview
    # may not, as its key covers discrepancy topics that vary with the seed (see the xfail below).
    before = fake_server.extraction_calls
    third = summarize([SEEDS], settings(fake_server, cache))
    assert fake_server.extraction_calls == before and third.run.cache_hits >= 5
    assert model_content(third) == model_content(briefs[0])


def _extraction_keys(cache: Path) -> list[str]:
    """Keys of the per-document entries (not the overview's)."""
    with diskcache.Cache(str(cache)) as dc:
        return [str(k) for k in dc.iterkeys() if '"key_sentences"' in dc.get(k)["body"]]


def test_corrupted_entries_are_detected_and_recomputed(
    fake_server: FakeOpenAIServer, tmp_path: Path, reliability: Any
) -> None:
    fake_server.responder = lambda req: ok(grounded_extraction(article_of(req), 3))
    cache = tmp_path / "cache"
    first = summarize([SEEDS], settings(fake_server, cache))
    keys = _extraction_keys(cache)
    assert len(keys) == 5

    with diskcache.Cache(str(cache)) as dc:
        # 1. a tampered body under the old checksum: a forged claim must not be believed
        entry = dc.get(keys[0])
        body = json.loads(entry["body"])
        body["data"]["key_sentences"] = [{"id": "S5", "topic": "forged claim topic"}]
        dc.set(keys[0], {"body": json.dumps(body), "sha256": entry["sha256"]})
        # 2. a value of the wrong shape
        dc.set(keys[1], "not a cache entry")
        # 3. a body that is not JSON, with a matching checksum
        dc.set(keys[2], {"body": "{truncated", "sha256": hashlib.sha256(b"{truncated").hexdigest()})
    # 4. bytes the pickle loader cannot read, written under diskcache
    with sqlite3.connect(cache / "cache.db") as con:
        con.execute("UPDATE Cache SET value = ? WHERE key = ?", (b"\x80\x05garbage", keys[3]))

    before = fake_server.extraction_calls
    second = summarize([SEEDS], settings(fake_server, cache))

    made = fake_server.extraction_calls - before
    reliability.record("cache", "4 of 5 document entries corrupted (tampered, wrong shape, bad JSON, bad pickle)",
                       f"recomputed {made}, reused {5 - made}")  # fmt: skip
    assert made == 4 and second.run.model_calls == 4
    assert "forged claim" not in second.to_json()
    assert content(second) == content(first)  # same process, same hash seed
    third = summarize([SEEDS], settings(fake_server, cache))
    assert third.run.model_calls == 0 and third.run.cache_hits >= 5, "recomputed entries are stored again"


def test_api_key_never_stored_or_printed(
    fake_server: FakeOpenAIServer, run_cli: RunCli, tmp_path: Path, reliability: Any
) -> None:
    """The key from --api-key or the environment reaches the server, and nothing else: not the
    cache, the brief, stdout or stderr, even when the server echoes it in an error."""

    def respond(req: RecordedRequest) -> Step:
        if "Article id: 003_" in req.text:
            return HTTPError(401, f"Incorrect API key provided: {API_KEY}.", {}, "invalid_request_error")
        return ok(grounded_extraction(article_of(req), 3))

    fake_server.responder = respond
    cache, out = tmp_path / "cache", tmp_path / "brief.md"
    by_flag = run_cli(*cli_args(fake_server, cache, out))
    args = [a for a in cli_args(fake_server, cache, tmp_path / "env.json") if a not in ("--api-key", API_KEY)]
    by_env = run_cli(*args, "--no-cache", env={"SUMMARIZER_API_KEY": API_KEY})

    leaks = [p.name for p, data in cache_bytes(cache) if API_KEY.encode() in data]
    reliability.record("cache", "API key sentinel in cache/stdout/stderr/brief",
                       "never found" if not leaks and API_KEY not in by_flag.stderr + by_env.stderr else "LEAKED")  # fmt: skip
    assert {r.headers.get("authorization") for r in fake_server.chat_requests} == {f"Bearer {API_KEY}"}
    assert fake_server.extraction_calls == 10
    for proc in (by_flag, by_env):
        assert proc.returncode == EXIT_PARTIAL, proc.stderr
        assert "401" in proc.stderr and "***" in proc.stderr
        assert API_KEY not in proc.stderr and API_KEY not in proc.stdout
    assert cache_bytes(cache) and not leaks
    for f in (out, tmp_path / "env.json"):
        assert API_KEY not in f.read_text(encoding="utf-8")


def test_unusable_cache_dir_is_a_usage_error(run_cli: RunCli, tmp_path: Path, reliability: Any) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    proc = run_cli("brief", SEEDS, "--backend", "openai", "--base-url", "http://127.0.0.1:9/v1",
                   "--api-key", API_KEY, "--cache-dir", not_a_dir, "--max-retries", "0")  # fmt: skip
    reliability.cli("cache", "--cache-dir is a file", proc.returncode, proc.stderr)
    assert proc.returncode == EXIT_USAGE, proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith("summarizer: error: ") and "cache" in line and str(not_a_dir) in line


def test_brief_is_the_same_in_every_process(run_cli: RunCli, reliability: Any) -> None:
    outs = {seed: run_cli("brief", SEEDS, "--backend", "none", "--format", "json", "-q",
                          env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}  # fmt: skip
    topics = {seed: [d["topic"] for d in json.loads(out)["discrepancies"]] for seed, out in outs.items()}
    same = len({json.dumps(t) for t in topics.values()}) == 1
    reliability.record("cache", "same input in processes with different hash seeds",
                       "identical briefs" if same else "briefs differ (discrepancy topics)",
                       "; ".join(f"seed {k}: {v[0] if v else ''}" for k, v in topics.items()))  # fmt: skip
    assert same, topics
