"""Prompt templates: a front-matter header (name, version, variables) and two sections,
``# system`` and ``# user``, rendered with Jinja2. Checked on load.

The templates live in the top-level ``prompts/`` folder, which the build maps to the package
``summarizer.templates`` (see pyproject.toml), so a wheel carries them as package data; they
are read through importlib.resources, from a wheel, an editable install or a zip alike."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from summarizer.errors import PromptError

TEMPLATES_PACKAGE = "summarizer.templates"


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    variables: tuple[str, ...]
    system: str
    user: str
    path: Path

    @property
    def digest(self) -> str:
        return hashlib.sha256((self.system + "\0" + self.user).encode()).hexdigest()[:16]

    def render(self, **values: str) -> list[dict[str, str]]:
        import jinja2

        missing = set(self.variables) - set(values)
        if missing:
            raise PromptError(f"prompt {self.name}: missing variable(s) {', '.join(sorted(missing))}")
        env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
        return [
            {"role": "system", "content": env.from_string(self.system).render(**values).strip()},
            {"role": "user", "content": env.from_string(self.user).render(**values).strip()},
        ]


_FRONT = re.compile(r"\A---\n(?P<head>.*?)\n---\n(?P<body>.*)\Z", re.S)


def parse_prompt(text: str, path: Path) -> Prompt:
    import jinja2
    from jinja2 import meta

    m = _FRONT.match(text)
    if not m:
        raise PromptError(f"{path}: missing '---' front matter")
    head: dict[str, str] = {}
    for line in m.group("head").splitlines():
        if line.strip():
            key, _, value = line.partition(":")
            head[key.strip()] = value.strip()
    for key in ("name", "version", "variables"):
        if not head.get(key):
            raise PromptError(f"{path}: front matter lacks '{key}'")
    variables = tuple(v.strip() for v in head["variables"].strip("[]").split(",") if v.strip())
    sections = re.split(r"^# (system|user)\s*$", m.group("body"), flags=re.M)
    parts = dict(zip(sections[1::2], sections[2::2], strict=False))
    if set(parts) != {"system", "user"}:
        raise PromptError(f"{path}: needs exactly a '# system' and a '# user' section")
    env = jinja2.Environment()
    try:
        used = set()
        for body in parts.values():
            used |= meta.find_undeclared_variables(env.parse(body))
    except jinja2.TemplateSyntaxError as exc:
        raise PromptError(f"{path}: template error line {exc.lineno}: {exc.message}") from None
    if used != set(variables):
        raise PromptError(
            f"{path}: declared variables {sorted(variables)} but the template uses {sorted(used)}"
        )
    return Prompt(head["name"], head["version"], variables, parts["system"], parts["user"], path)


@lru_cache(maxsize=16)
def load_prompt(name: str, directory: Path | None = None) -> Prompt:
    """The named template, from ``directory`` if given, else the package data."""
    if directory is not None:
        path = directory / f"{name}.md"
        if not path.is_file():
            raise PromptError(f"prompt file not found: {path}")
        return parse_prompt(path.read_text(encoding="utf-8"), path)
    try:
        resource = resources.files(TEMPLATES_PACKAGE) / f"{name}.md"
        text = resource.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        raise PromptError(f"prompt {name!r} not found in package data {TEMPLATES_PACKAGE}") from None
    return parse_prompt(text, Path(str(resource)))
