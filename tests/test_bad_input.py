"""Bad input through the CLI (``--backend none``): one clear line on stderr, a documented exit
code (3: no usable document; 5: brief written, some inputs failed), never a traceback."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fakes import SEEDS

from summarizer.brief import Brief
from summarizer.errors import EXIT_INPUT, EXIT_OK, EXIT_PARTIAL

RunCli = Callable[..., subprocess.CompletedProcess[str]]
SHORT = (SEEDS / "003_cc6058d86ca66856.txt").read_text(encoding="utf-8")
OTHER = (SEEDS / "004_9be57d61793ae54d.txt").read_text(encoding="utf-8")
TEN_MB = 10 * 1024 * 1024


def brief(run_cli: RunCli, *paths: Path, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return run_cli("brief", *paths, "--backend", "none", "--format", "json", *extra)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parsed(proc: subprocess.CompletedProcess[str]) -> Brief:
    return Brief.model_validate(json.loads(proc.stdout))


def assert_clean_stderr(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert all(line.startswith("summarizer: ") for line in proc.stderr.splitlines()), proc.stderr


# --------------------------------------------------------------------------- rejected: exit 3


def _missing(d: Path) -> Path:
    return d / "no-such-article.txt"


def _empty_dir(d: Path) -> Path:
    (d / "empty").mkdir()
    return d / "empty"


def _dir_of_readme_and_license(d: Path) -> Path:
    (d / "meta").mkdir()
    (d / "meta" / "README.md").write_text(SHORT, encoding="utf-8")
    (d / "meta" / "LICENSE.txt").write_text(OTHER, encoding="utf-8")
    (d / "meta" / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return d / "meta"


def _empty_file(d: Path) -> Path:
    (d / "empty.txt").write_bytes(b"")
    return d / "empty.txt"


def _whitespace(d: Path) -> Path:
    (d / "blank.txt").write_bytes(b"  \n\t\r\n   \n")
    return d / "blank.txt"


def _binary(d: Path) -> Path:
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return d / "image.txt"


def _html_only_markup(d: Path) -> Path:
    (d / "blank.html").write_text("<html><head><style>p{}</style></head><body><script>x()</script></body></html>")
    return d / "blank.html"


def _ten_mb(d: Path) -> Path:
    line = b"The defence ministers met in New Delhi on Monday to sign the agreements.\n"
    (d / "huge.txt").write_bytes(line * (TEN_MB // len(line) + 1))
    return d / "huge.txt"


REJECTED: dict[str, Callable[[Path], Path]] = {
    "missing path": _missing,
    "empty directory": _empty_dir,
    "directory with only README/LICENSE/csv": _dir_of_readme_and_license,
    "empty file": _empty_file,
    "whitespace-only file": _whitespace,
    "binary file (NUL bytes)": _binary,
    "HTML with no text": _html_only_markup,
    "10 MB file (over the 5 MB default --max-bytes)": _ten_mb,
}


@pytest.mark.parametrize("case", list(REJECTED))
def test_unusable_only_input_exits_3_with_one_line(
    case: str, run_cli: RunCli, tmp_path: Path, reliability: Any
) -> None:
    path = REJECTED[case](tmp_path)
    proc = brief(run_cli, path)
    reliability.cli("bad input", case, proc.returncode, proc.stderr)
    assert proc.returncode == EXIT_INPUT, proc.stderr
    assert proc.stdout == ""
    [line] = proc.stderr.splitlines()
    assert line.startswith("summarizer: error: ") and path.name in line
    assert_clean_stderr(proc)


def test_ten_mb_file_message_names_the_limit(run_cli: RunCli, tmp_path: Path) -> None:
    proc = brief(run_cli, _ten_mb(tmp_path))
    assert "5,000,000" in proc.stderr and "--max-bytes" in proc.stderr


def test_max_bytes_flag_is_applied(run_cli: RunCli, tmp_path: Path, reliability: Any) -> None:
    (tmp_path / "a.txt").write_text(SHORT, encoding="utf-8")
    proc = brief(run_cli, tmp_path / "a.txt", extra=("--max-bytes", "1000"))
    reliability.cli("bad input", "file over an explicit --max-bytes 1000", proc.returncode, proc.stderr)
    assert proc.returncode == EXIT_INPUT and "1,000-byte limit" in proc.stderr


# --------------------------------------------------------------------------- partial: exit 5


@pytest.mark.parametrize("case", ["10 MB file", "empty file", "binary file", "missing path"])
def test_bad_file_among_good_ones_is_reported(case: str, run_cli: RunCli, tmp_path: Path, reliability: Any) -> None:
    make = {"10 MB file": _ten_mb, "empty file": _empty_file, "binary file": _binary, "missing path": _missing}[case]
    bad = make(tmp_path)
    (tmp_path / "a.txt").write_text(SHORT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(OTHER, encoding="utf-8")
    proc = brief(run_cli, tmp_path / "a.txt", bad, tmp_path / "b.txt")
    reliability.cli("bad input", f"{case} mixed with two good files", proc.returncode, proc.stderr)
    assert proc.returncode == EXIT_PARTIAL, proc.stderr
    result = parsed(proc)
    assert [s.id for s in result.sources] == ["a", "b"]
    [failure] = result.failures
    assert failure.stage == "load" and failure.source == str(bad)
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and bad.name in warnings[0]
    assert_clean_stderr(proc)


def test_same_file_twice_is_kept_once_and_reported(run_cli: RunCli, tmp_path: Path, reliability: Any) -> None:
    (tmp_path / "a.txt").write_text(SHORT, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(SHORT, encoding="utf-8")
    proc = brief(run_cli, tmp_path / "a.txt", tmp_path / "a.txt", tmp_path / "copy.txt")
    reliability.cli("bad input", "the same file twice (and an identical copy)", proc.returncode, proc.stderr)
    assert proc.returncode == EXIT_OK, proc.stderr
    result = parsed(proc)
    assert [s.id for s in result.sources] == ["a"]
    assert [(f.source, f.error) for f in result.failures] == [("a", "Duplicate"), ("copy", "Duplicate")]
    assert sum("kept once" in line for line in proc.stderr.splitlines()) == 2
    assert_clean_stderr(proc)


# --------------------------------------------------------------------------- accepted: exit 0


def test_directory_expands_to_text_files_except_readme_and_license(
    run_cli: RunCli, tmp_path: Path, reliability: Any
) -> None:
    d = tmp_path / "articles"
    d.mkdir()
    (d / "a.txt").write_text(SHORT, encoding="utf-8")
    (d / "b.md").write_text(OTHER, encoding="utf-8")
    (d / "c.html").write_text("<html><body><p>" + (SEEDS / "002_1e576be946aa0105.txt").read_text(encoding="utf-8")
                              .replace("\n", "</p><p>") + "</p></body></html>", encoding="utf-8")  # fmt: skip
    (d / "README.md").write_text("# About these articles\n\nThey were collected by hand.\n", encoding="utf-8")
    (d / "LICENSE.txt").write_text("All rights reserved by the collectors of this folder.\n", encoding="utf-8")
    (d / "photo.jpg").write_bytes(b"\xff\xd8\xff\x00\x00")
    proc = brief(run_cli, d)
    reliability.cli("bad input", "a directory (README/LICENSE/.jpg inside)", proc.returncode, proc.stderr)
    assert proc.returncode == EXIT_OK, proc.stderr
    assert sorted(s.id for s in parsed(proc).sources) == ["a", "b", "c"]
    assert_clean_stderr(proc)


LATIN1 = "Zürich: the naïve façade of the café cost 3 million francs, said the señora.\n\nÉmile agreed.\n"
CP1252 = "The minister called the deal \u201chistoric\u201d \u2013 it is worth \u20ac5 million\u2026\n\nOthers disagreed.\n"
GERMAN = ("Der Bundestag hat am Dienstag ein neues Gesetz beschlossen. Die Abstimmung in Berlin endete mit"
          " 412 zu 230 Stimmen.\n\nKritiker in München und Köln sprachen von einem schwarzen Tag.\n")  # fmt: skip
RUSSIAN = ("В Москве во вторник открылся новый мост через реку. Его длина составляет 1200 метров.\n\n"
           "Строительство обошлось в 5 миллиардов рублей.\n")  # fmt: skip
CHINESE = "北京时间周二，新大桥正式通车。大桥全长1200米。\n\n工程耗资50亿元。\n"

ENCODED: dict[str, tuple[bytes, str]] = {
    # case -> (file bytes, the text the document must hold)
    "latin-1 text": (LATIN1.encode("latin-1"), LATIN1),
    "cp1252 text (curly quotes, euro, dash)": (CP1252.encode("cp1252"), CP1252),
    "UTF-8 with BOM": (b"\xef\xbb\xbf" + SHORT.encode("utf-8"), SHORT),
    "UTF-16 with BOM": (SHORT.encode("utf-16"), SHORT),
    "CRLF line ends": (SHORT.replace("\n", "\r\n").encode("utf-8"), SHORT),
    "German text": (GERMAN.encode("utf-8"), GERMAN),
    "Russian text": (RUSSIAN.encode("utf-8"), RUSSIAN),
    "Chinese text": (CHINESE.encode("utf-8"), CHINESE),
}


@pytest.mark.parametrize("case", list(ENCODED))
def test_text_in_any_common_encoding_or_language_is_read(
    case: str, run_cli: RunCli, tmp_path: Path, reliability: Any
) -> None:
    data, text = ENCODED[case]
    (tmp_path / "article.txt").write_bytes(data)
    proc = brief(run_cli, tmp_path / "article.txt")
    reliability.cli("bad input", case, proc.returncode, proc.stderr)
    assert proc.returncode == EXIT_OK, proc.stderr
    result = parsed(proc)
    [source] = result.sources
    assert source.sha256 == sha(text), "decoded text differs from the original"
    assert "\ufeff" not in proc.stdout and "\\ufeff" not in proc.stdout
    for fact in result.facts + result.single_source:
        for span in fact.evidence:
            assert span.text == text[span.start : span.end]
    assert_clean_stderr(proc)


def test_html_input_is_reduced_to_text(run_cli: RunCli, tmp_path: Path, reliability: Any) -> None:
    paras = "".join(f"<p>{line.replace('&', '&amp;')}</p>\n" for line in SHORT.splitlines() if line.strip())
    page = (f"<!DOCTYPE html><html><head><title>Russia and India extend pact</title><style>p {{color: red}}"
            f"</style><script>document.write('tracking pixel')</script></head><body><article>{paras}"
            "<div class=\"ad\"><script>alert('ad')</script></div></article></body></html>")  # fmt: skip
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    proc = brief(run_cli, tmp_path / "page.html")
    reliability.cli("bad input", "HTML page (title, style, script)", proc.returncode, proc.stderr)
    assert proc.returncode == EXIT_OK, proc.stderr
    result = parsed(proc)
    spans = [s.text for f in result.facts + result.single_source for s in f.evidence]
    assert spans, "the article's sentences should yield claims"
    for bad in ("<p>", "<script", "tracking pixel", "alert(", "color: red", "&amp;"):
        assert bad not in proc.stdout, bad
    assert any(s in SHORT for s in spans)
    assert result.title != "Brief"
