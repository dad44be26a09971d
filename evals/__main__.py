"""``python -m evals``: the same as ``summarizer eval`` (same flags, same exit codes).

python -m evals --backends none,llama --out eval-report --check-floors
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from summarizer.errors import EXIT_INTERRUPTED, EXIT_USAGE, SummarizerError, redact
from summarizer.settings import Settings

SETTING_FLAGS = (
    "model",
    "base_url",
    "api_key",
    "model_path",
    "mode",
    "timeout",
    "max_retries",
    "concurrency",
    "temperature",
    "max_tokens",
    "seed",
    "cache_dir",
    "no_cache",
    "max_bytes",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"python -m evals: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m evals", description="Score briefs of the gold stories, per backend.")
    p.add_argument("--backends", default="none,llama", help="comma list of backends to compare")
    p.add_argument("--out", type=Path, default=Path("eval-report"), help="report folder")
    p.add_argument("--check-floors", action="store_true", help="exit 6 if a floor is missed")
    p.add_argument("--judge", action="store_true", help="let the configured endpoint judge misses")
    g = p.add_argument_group("model")
    g.add_argument("--backend", choices=["auto", "openai", "llama", "none"], help="ignored: see --backends")
    g.add_argument("--model", help="model name at the endpoint (openai backend, judge)")
    g.add_argument("--base-url", dest="base_url", help="OpenAI-compatible endpoint URL")
    g.add_argument("--api-key", dest="api_key", help="API key (prefer SUMMARIZER_API_KEY)")
    g.add_argument("--model-path", dest="model_path", type=Path, help="GGUF file (llama backend)")
    g.add_argument("--mode", choices=["auto", "json_schema", "json", "tools", "md_json"])
    g.add_argument("--timeout", type=float, help="seconds per request (default 120)")
    g.add_argument("--max-retries", dest="max_retries", type=int, help="transport retries (default 4)")
    g.add_argument("--concurrency", type=int, help="documents in flight (default 4)")
    g.add_argument("--temperature", type=float)
    g.add_argument("--max-tokens", dest="max_tokens", type=int)
    g.add_argument("--seed", type=int)
    c = p.add_argument_group("cache and input")
    c.add_argument(
        "--cache-dir", dest="cache_dir", type=Path, help="default: a fresh temporary cache per backend"
    )
    c.add_argument("--no-cache", dest="no_cache", action="store_true", default=None)
    c.add_argument("--max-bytes", dest="max_bytes", type=int, help="reject larger files (default 5 MB)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    from evals.run import run_cli

    args = build_parser().parse_args(argv)
    secrets = [args.api_key] if args.api_key else []
    secrets += [os.environ[k] for k in ("SUMMARIZER_API_KEY", "OPENAI_API_KEY") if os.environ.get(k)]
    try:
        settings = Settings.resolve(**{k: getattr(args, k) for k in SETTING_FLAGS})
        return run_cli(args, settings)
    except SummarizerError as exc:
        print(f"python -m evals: error: {redact(str(exc), secrets)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("python -m evals: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
