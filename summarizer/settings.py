"""One settings object. Each field resolves from an explicit value (a flag or a keyword), then
an environment variable, then a default, in that order."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from summarizer.errors import ConfigError

BackendName = Literal["auto", "openai", "llama", "none"]

@dataclass(frozen=True)
class Option:
    """One setting's outside names: its environment variables (first found wins), its CLI flag
    (None: environment only) and the meaning shown in --help and the README."""

    name: str
    env: tuple[str, ...]
    flag: str | None
    meaning: str
    default_text: str = ""


# The one table every setting's flag, environment variable and README row comes from.
OPTIONS: tuple[Option, ...] = (
    Option("backend", ("SUMMARIZER_BACKEND",), "--backend",
           "`openai`, `llama`, `none`; `auto` = endpoint if a base URL is set, else the embedded model"
           " if installed, else `none`"),
    Option("base_url", ("SUMMARIZER_BASE_URL", "OPENAI_BASE_URL"), "--base-url",
           "OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp server)"),
    Option("model", ("SUMMARIZER_MODEL",), "--model",
           "model name at the endpoint; for the embedded backend `qwen0.5b`, `qwen1.5b` or `smollm2`",
           "`gpt-4o-mini` (endpoint), `qwen0.5b` (embedded)"),
    Option("api_key", ("SUMMARIZER_API_KEY", "OPENAI_API_KEY"), "--api-key",
           "never cached, logged or shown (prefer the environment)"),
    Option("model_path", ("SUMMARIZER_MODEL_PATH",), "--model-path",
           "a GGUF file, or a known model's short name, for the embedded backend", "the installed default"),
    Option("mode", ("SUMMARIZER_MODE",), "--mode",
           "instructor mode; `auto` tries json_schema, then json, then md_json when a server refuses one"),
    Option("timeout", ("SUMMARIZER_TIMEOUT",), "--timeout", "seconds per HTTP request"),
    Option("max_retries", ("SUMMARIZER_MAX_RETRIES",), "--max-retries",
           "transport retries (429 honouring Retry-After, 5xx, timeouts, dropped connections)"),
    Option("validation_retries", ("SUMMARIZER_VALIDATION_RETRIES",), None,
           "instructor re-asks when the output breaks the schema"),
    Option("concurrency", ("SUMMARIZER_CONCURRENCY",), "--concurrency", "documents extracted at once"),
    Option("temperature", ("SUMMARIZER_TEMPERATURE",), "--temperature", "sampling temperature"),
    Option("max_tokens", ("SUMMARIZER_MAX_TOKENS",), "--max-tokens",
           "completion budget per call", "per backend (384 embedded, 4096 endpoint)"),
    Option("seed", ("SUMMARIZER_SEED",), "--seed", "sampling seed"),
    Option("overview", ("SUMMARIZER_OVERVIEW",), "--overview",
           "who writes the overview: `facts`, `model` (each sentence checked against the facts it"
           " cites), `auto` = model for endpoints"),
    Option("model_tasks", ("SUMMARIZER_MODEL_TASKS",), "--model-tasks",
           "which of the model's answers the brief uses: comma list of `keys` (key sentences), `labels`"
           " (figure measures), `align` (cross-document groups, capable backends); `auto` = all for an"
           " endpoint, the measured set for the embedded model (README)"),
    Option("length", ("SUMMARIZER_LENGTH",), "--length",
           "`short`, `standard` or `full` (every fact, claim and quote)"),
    Option("n_ctx", ("SUMMARIZER_N_CTX",), None, "context window of the embedded model"),
    Option("chunk_chars", ("SUMMARIZER_CHUNK_CHARS",), None,
           "longer documents are chunked on paragraphs, with one paragraph of overlap"),
    Option("max_bytes", ("SUMMARIZER_MAX_BYTES",), "--max-bytes", "larger input files are rejected"),
    Option("cache_dir", ("SUMMARIZER_CACHE_DIR",), "--cache-dir", "diskcache of model results",
           "`~/.cache/summarizer` (`$XDG_CACHE_HOME`)"),
    Option("no_cache", ("SUMMARIZER_NO_CACHE",), "--no-cache", "neither read nor write the cache", "off"),
    Option("prompts_dir", ("SUMMARIZER_PROMPTS_DIR",), None,
           "a folder of prompt templates to use instead of the packaged ones", "the package's"),
)  # fmt: skip
ENV: dict[str, tuple[str, ...]] = {o.name: o.env for o in OPTIONS}


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summarizer"


class Settings(BaseModel):
    """Run settings. ``Settings.resolve(**flags)`` applies flags > environment > defaults."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    backend: BackendName = Field("auto", description="auto, openai, llama or none.")
    model: str | None = Field(None, description="Model name for the endpoint.")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1.")
    api_key: SecretStr | None = Field(None, description="API key for the endpoint (never cached or logged).")
    model_path: Path | None = Field(None, description="A GGUF file for the embedded backend.")
    mode: Literal["auto", "json_schema", "json", "tools", "md_json"] = Field(
        "auto", description="instructor mode; auto picks a default per backend and falls back."
    )
    cache_dir: Path = Field(default_factory=default_cache_dir)
    no_cache: bool = False
    concurrency: int = Field(4, ge=1, le=64)
    timeout: float = Field(120.0, gt=0, description="Seconds per HTTP request.")
    max_retries: int = Field(4, ge=0, le=20, description="Transport retries (429, 5xx, timeouts).")
    validation_retries: int = Field(1, ge=0, le=10, description="instructor re-asks on invalid output.")
    temperature: float = Field(0.0, ge=0, le=2)
    max_tokens: int | None = Field(
        None, ge=16, description="Completion budget; default per backend (embedded 384, endpoint 4096)."
    )
    n_ctx: int = Field(8192, ge=512)
    seed: int = 0
    chunk_chars: int = Field(12000, ge=1000, description="Longer documents are chunked.")
    max_bytes: int = Field(5_000_000, ge=1, description="Larger input files are rejected.")
    prompts_dir: Path | None = None
    model_tasks: str = Field(
        "auto", pattern=r"^(auto|none|(keys|labels|align)(,(keys|labels|align))*)$",
        description="Which of the model's answers are used: auto, none, or a comma list of keys, labels, align.",
    )
    length: Literal["short", "standard", "full"] = Field(
        "standard",
        description="How much the brief lists: 'short', 'standard' (an overview of about 120 words,"
        " the discrepancies, ranked facts, up to 8 single-source claims and 5 quotes) or 'full'.",
    )
    overview: Literal["auto", "model", "facts"] = Field(
        "auto",
        description="Who writes the overview: 'facts' (built from the structured facts), 'model'"
        " (the backend, sentence by sentence checked), or 'auto' (model when the backend is an"
        " endpoint, facts otherwise). A model overview is one more call, after extraction.",
    )

    @classmethod
    def resolve(cls, env: dict[str, str] | None = None, **flags: Any) -> Settings:
        env = dict(os.environ) if env is None else env
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            if flags.get(name) is not None:
                values[name] = flags[name]
                continue
            for var in ENV.get(name, ()):
                if env.get(var):
                    raw = env[var]
                    values[name] = raw.lower() in ("1", "true", "yes", "on") if name == "no_cache" else raw
                    break
        unknown = set(flags) - set(cls.model_fields)
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        try:
            return cls(**values)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise ConfigError(f"invalid setting {field}: {err['msg']}") from None

    def tasks(self, capable: bool) -> frozenset[str]:
        """The model answers the brief uses (``--model-tasks``); ``auto``: all of them from a
        capable endpoint, EMBEDDED_TASKS from the embedded model."""
        if self.model_tasks == "auto":
            return frozenset({"keys", "labels", "align"}) if capable else EMBEDDED_TASKS
        return frozenset() if self.model_tasks == "none" else frozenset(self.model_tasks.split(","))

    def secrets(self) -> list[str]:
        return [self.api_key.get_secret_value()] if self.api_key else []


EMBEDDED_TASKS = frozenset({"keys"})
"""What the embedded model's answers are used for by default (``--model-tasks auto``), chosen on
the 9 dev stories of the README's per-task run (2026-11-23, qwen0.5b, 14 stories): key
sentences +0.004 over `none`; figure labels +0.000 (grounding keeps 3 of 1,417: the model
labels a figure with its own value), so they are not used."""


def readme_table() -> str:
    """The README's configuration table, made from :data:`OPTIONS` and the defaults."""
    rows = ["| flag | environment | default | meaning |", "|---|---|---|---|"]
    for o in OPTIONS:
        field = Settings.model_fields[o.name]
        default = o.default_text
        if not default:
            value = field.default
            default = "–" if value is None else f"`{value}`"
        env = ", ".join(f"`{e}`" for e in o.env)
        rows.append(f"| {f'`{o.flag}`' if o.flag else '–'} | {env} | {default} | {o.meaning} |")
    return "\n".join(rows) + "\n"
