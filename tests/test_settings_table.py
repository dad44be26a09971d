"""One settings table feeds the CLI flags, the environment and the README."""

from __future__ import annotations

from pathlib import Path

from summarizer.cli import build_parser
from summarizer.settings import ENV, OPTIONS, Settings, readme_table

ROOT = Path(__file__).resolve().parents[1]


def test_readme_shows_the_settings_table() -> None:
    assert readme_table() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_table_once() -> None:
    names = [o.name for o in OPTIONS]
    assert sorted(names) == sorted(Settings.model_fields) and len(set(names)) == len(names)


def test_every_flag_in_the_table_is_a_cli_flag_that_sets_its_setting() -> None:
    parser = build_parser()
    for o in OPTIONS:
        if o.flag is None or o.flag == "--no-cache":
            continue
        field = Settings.model_fields[o.name]
        sample = {"length": "short", "backend": "none", "mode": "json", "overview": "facts"}.get(o.name, "3")
        args = parser.parse_args(["brief", "x.txt", o.flag, sample])
        assert str(getattr(args, o.name)) in (sample, f"{sample}.0"), (o.flag, field.annotation)


def test_environment_names_come_from_the_table() -> None:
    assert Settings.resolve(env={"SUMMARIZER_LENGTH": "full"}).length == "full"
    assert set(ENV) == {o.name for o in OPTIONS}
