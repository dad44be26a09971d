"""Command line: ``summarizer brief FILES...``, ``summarizer eval``, ``summarizer schema``.

Errors print one line on stderr and exit with a documented code (see summarizer.errors)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from summarizer import __version__
from summarizer.errors import (
    EXIT_BACKEND,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    SummarizerError,
    redact,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"summarizer: error: {message}\n")


def _add_backend_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--backend", choices=["auto", "openai", "llama", "none"], help="default: auto")
    g.add_argument("--model", help="model name at the endpoint (openai backend)")
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
    g.add_argument("--overview", choices=["auto", "model", "facts"],
                   help="who writes the overview (default auto: the model for endpoints)")
    c = p.add_argument_group("cache and input")
    c.add_argument("--cache-dir", dest="cache_dir", type=Path, help="default ~/.cache/summarizer")
    c.add_argument("--no-cache", dest="no_cache", action="store_true", default=None)
    c.add_argument("--max-bytes", dest="max_bytes", type=int, help="reject larger files (default 5 MB)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")


SETTING_FLAGS = ("backend", "model", "base_url", "api_key", "model_path", "mode", "timeout",
                 "max_retries", "concurrency", "temperature", "max_tokens", "seed", "cache_dir",
                 "no_cache", "max_bytes", "overview")  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="summarizer", description="Several articles about one story -> one brief.")
    p.add_argument("--version", action="version", version=f"summarizer {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    b = sub.add_parser("brief", help="write a consolidated brief of FILES")
    b.add_argument("files", nargs="+", help="article files or folders (.txt .md .html)")
    b.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    b.add_argument("--format", choices=["md", "json", "html"], default=None, help="default: md, or from -o's suffix")
    _add_backend_flags(b)
    e = sub.add_parser("eval", help="score briefs of the eval stories against their gold labels")
    e.add_argument(
        "--backends", default="none,lead,dump",
        help="comma list: none, llama, openai, and the baselines lead and dump",
    )  # fmt: skip
    e.add_argument("--gold-dir", type=Path, help="gold folder (default: evals/gold)")
    e.add_argument("--lint", action="store_true", help="check every story's gold and exit (6 on a problem)")
    e.add_argument("--out", type=Path, default=Path("eval-report"), help="report folder")
    e.add_argument("--check-floors", action="store_true", help="exit 6 if a floor is missed")
    e.add_argument("--judge", action="store_true", help="let the configured endpoint judge misses")
    _add_backend_flags(e)
    s = sub.add_parser("schema", help="print the brief's JSON Schema")
    s.add_argument("-o", "--output", type=Path)
    return p


def settings_from(args: argparse.Namespace) -> Any:
    from summarizer.settings import Settings

    flags = {k: getattr(args, k, None) for k in SETTING_FLAGS}
    return Settings.resolve(**flags)


class _Progress:
    """A rich progress bar on stderr (only on a terminal, never with --quiet)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("extracting"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)  # fmt: skip
            self.task = self.bar.add_task("extract", total=total)
            self.bar.start()

    def __call__(self, event: str, doc: str) -> None:
        if self.bar is not None and event == "done":
            self.bar.advance(self.task)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def cmd_brief(args: argparse.Namespace) -> int:
    from summarizer.documents import expand_paths
    from summarizer.pipeline import summarize

    settings = settings_from(args)
    try:
        total = len(expand_paths(args.files))
    except SummarizerError:
        total = len(args.files)
    progress = _Progress(total, not args.quiet)
    try:
        brief = summarize(args.files, settings, progress=progress)
    finally:
        progress.close()
    suffix = args.output.suffix.lower() if args.output else ""
    fmt = args.format or {".json": "json", ".html": "html", ".htm": "html"}.get(suffix, "md")
    if fmt == "html":
        from summarizer.documents import load_inputs
        from summarizer.render.html import render_html

        texts = {d.id: d.text for d in load_inputs(args.files, settings.max_bytes).documents}
        text = render_html(brief, texts)  # the spans' offsets index these texts
    else:
        text = brief.to_json() if fmt == "json" else brief.to_markdown()
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + ("\n" if not text.endswith("\n") else ""), encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    r = brief.run
    if not args.quiet:
        cached = " (all from cache)" if r.model_calls == 0 and r.cache_hits else ""
        print(
            f"summarizer: {r.documents} documents, backend {r.backend}"
            f"{' / ' + r.model if r.model else ''}: {r.model_calls} model calls, {r.cache_hits}"
            f" cache hits{cached}, {r.prompt_tokens}+{r.completion_tokens} tokens,"
            f" {r.wall_seconds:.1f} s; {len(brief.facts)} agreed facts,"
            f" {len(brief.discrepancies)} discrepancies"
            + (f" -> {args.output}" if args.output else ""),
            file=sys.stderr,
        )
        for f in brief.failures:
            print(f"summarizer: warning: {f.message}", file=sys.stderr)
    real = [f for f in brief.failures if f.error != "Duplicate"]  # duplicates are warnings
    if r.backend != "none" and brief.sources and all(s.status != "ok" for s in brief.sources):
        return EXIT_BACKEND  # the model failed for every document (the brief is still written)
    return EXIT_PARTIAL if real else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from summarizer.brief import Brief

    text = Brief.json_schema_text()
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


# Subcommands that live outside the core, reached by name only: the core never imports them.
PLUGINS = {"eval": "summarizer.eval.run:run_cli"}


def cmd_eval(args: argparse.Namespace) -> int:
    import importlib

    module, func = PLUGINS["eval"].split(":")
    run_cli = getattr(importlib.import_module(module), func)
    code: int = run_cli(args, settings_from(args))
    return code


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    secrets = [args.api_key] if getattr(args, "api_key", None) else []
    secrets += [os.environ[k] for k in ("SUMMARIZER_API_KEY", "OPENAI_API_KEY") if os.environ.get(k)]
    try:
        handler = {"brief": cmd_brief, "eval": cmd_eval, "schema": cmd_schema}[args.command]
        return handler(args)
    except SummarizerError as exc:
        print(f"summarizer: error: {redact(str(exc), secrets)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("summarizer: interrupted; finished results are kept in the cache", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if os.environ.get("SUMMARIZER_DEBUG"):
            raise
        msg = redact(" ".join(f"{type(exc).__name__}: {exc}".split())[:300], secrets)
        print(f"summarizer: internal error: {msg} (set SUMMARIZER_DEBUG=1 for a traceback)", file=sys.stderr)
        return EXIT_INTERNAL
