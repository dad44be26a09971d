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


def _add_setting_flags(p: argparse.ArgumentParser) -> None:
    """One flag per setting that has one, from the settings table (type, choices and help too)."""
    import typing

    from summarizer.settings import OPTIONS, Settings

    g = p.add_argument_group("settings (flag > environment > default; see the README)")
    for o in OPTIONS:
        if o.flag is None:
            continue
        ann = Settings.model_fields[o.name].annotation
        kind = ann
        if typing.get_origin(ann) is not typing.Literal and typing.get_args(ann):  # X | None
            kind = next(a for a in typing.get_args(ann) if a is not type(None))
        if typing.get_origin(kind) is typing.Literal:
            g.add_argument(o.flag, dest=o.name, choices=list(typing.get_args(kind)), help=o.meaning)
        elif kind is bool:
            g.add_argument(o.flag, dest=o.name, action="store_true", default=None, help=o.meaning)
        else:
            convert: dict[object, type] = {int: int, float: float, Path: Path}
            g.add_argument(o.flag, dest=o.name, type=convert.get(kind, str), help=o.meaning)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="summarizer", description="Several articles about one story -> one brief.")
    p.add_argument("--version", action="version", version=f"summarizer {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    b = sub.add_parser("brief", help="write a consolidated brief of FILES")
    b.add_argument("files", nargs="+", help="article files or folders (.txt .md .html)")
    b.add_argument("-o", "--output", help="write here instead of stdout; a folder (OUT/) gets one brief per story")
    b.add_argument("--format", choices=["md", "json", "html"], default=None, help="default: md, or from -o's suffix")
    _add_setting_flags(b)
    e = sub.add_parser("eval", help="score briefs of the eval stories against their gold labels")
    e.add_argument(
        "--backends", default="none,lead,dump",
        help="comma list: none, llama, openai, oracle, noisy-oracle (noisy-oracle@N: its wrong labels from seed N), and the baselines lead and dump",
    )  # fmt: skip
    e.add_argument("--gold-dir", type=Path, help="gold folder (default: evals/gold)")
    e.add_argument("--lint", action="store_true", help="check every story's gold and exit (6 on a problem)")
    e.add_argument("--out", type=Path, default=Path("eval-report"), help="report folder")
    e.add_argument("--check-floors", action="store_true", help="exit 6 if a floor is missed")
    e.add_argument("--judge", action="store_true", help="let the configured endpoint judge misses")
    _add_setting_flags(e)
    s = sub.add_parser("schema", help="print the brief's JSON Schema")
    s.add_argument("-o", "--output", type=Path)
    return p


def settings_from(args: argparse.Namespace) -> Any:
    from summarizer.settings import OPTIONS, Settings

    flags = {o.name: getattr(args, o.name, None) for o in OPTIONS if o.flag}
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


def _write(path: Path | None, text: str) -> None:
    if path is None:
        sys.stdout.write(text + "\n")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + ("\n" if not text.endswith("\n") else ""), encoding="utf-8")


def _summary_line(brief: Any, target: Path | None) -> str:
    r = brief.run
    cached = " (all from cache)" if r.model_calls == 0 and r.cache_hits else ""
    apart = f", {len(brief.set_apart)} set apart" if brief.set_apart else ""
    return (
        f"summarizer: {r.documents} documents{apart}, backend {r.backend}{' / ' + r.model if r.model else ''}:"
        f" {r.model_calls} model calls, {r.cache_hits} cache hits{cached}, {r.prompt_tokens}+"
        f"{r.completion_tokens} tokens, {r.wall_seconds:.1f} s; {len(brief.facts)} agreed facts,"
        f" {len(brief.discrepancies)} discrepancies" + _contribution(r) + (f" -> {target}" if target else "")
    )


def _contribution(run: Any) -> str:
    """What the model added, after verification ('' without a model)."""
    c = run.contribution
    if run.backend == "none":
        return ""
    return (f"; model: {c.key_sentences} key sentences, {c.figure_labels} figure labels, {c.measure_groups}"
            f" measure and {c.fact_groups} fact groups, {c.set_apart} set apart")  # fmt: skip


def cmd_brief(args: argparse.Namespace) -> int:
    from summarizer.documents import expand_paths, load_inputs
    from summarizer.pipeline import summarize, summarize_stories
    from summarizer.render import SUFFIXES, render, render_index

    settings = settings_from(args)
    try:
        total = len(expand_paths(args.files))
    except SummarizerError:
        total = len(args.files)
    out = Path(args.output) if args.output else None
    many = out is not None and (args.output.endswith(("/", "\\")) or out.is_dir())
    fmt = args.format or ("md" if many or out is None else SUFFIXES.get(out.suffix.lower(), "md"))
    progress = _Progress(total, not args.quiet)
    try:
        briefs = summarize_stories(args.files, settings, progress=progress) if many else \
            [summarize(args.files, settings, progress=progress)]  # fmt: skip
    finally:
        progress.close()
    texts = {d.id: d.text for d in load_inputs(args.files, settings.max_bytes).documents} if fmt == "html" else None
    if many:
        assert out is not None
        ext = {"md": ".md", "json": ".json", "html": ".html"}[fmt]
        pages = []
        for k, brief in enumerate(briefs, 1):
            name = f"story-{k}{ext}"
            _write(out / name, render(brief, fmt, texts))
            pages.append((brief.title, name))
        _write(out / f"index{'.html' if fmt == 'html' else '.md'}", render_index(pages, fmt))
    else:
        _write(out, render(briefs[0], fmt, texts))
    if not args.quiet:
        for k, brief in enumerate(briefs, 1):
            print(_summary_line(brief, out / f"story-{k}" if many and out else out), file=sys.stderr)
            for f in brief.failures:
                print(f"summarizer: warning: {f.message}", file=sys.stderr)
    code = EXIT_OK
    for brief in briefs:
        real = [f for f in brief.failures if f.error != "Duplicate"]  # duplicates are warnings
        if brief.run.backend != "none" and brief.sources and all(s.status != "ok" for s in brief.sources):
            return EXIT_BACKEND  # the model failed for every document (the brief is still written)
        if real:
            code = EXIT_PARTIAL
    return code


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
