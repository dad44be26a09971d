"""One settings object. Each field resolves from an explicit value (a flag or a keyword), then
an environment variable, then a default, in that order."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from summarizer.errors import ConfigError

BackendName = Literal["auto", "openai", "llama", "none"]

# field -> environment variables, first found wins
ENV: dict[str, tuple[str, ...]] = {
    "backend": ("SUMMARIZER_BACKEND",),
    "model": ("SUMMARIZER_MODEL",),
    "base_url": ("SUMMARIZER_BASE_URL", "OPENAI_BASE_URL"),
    "api_key": ("SUMMARIZER_API_KEY", "OPENAI_API_KEY"),
    "model_path": ("SUMMARIZER_MODEL_PATH",),
    "mode": ("SUMMARIZER_MODE",),
    "cache_dir": ("SUMMARIZER_CACHE_DIR",),
    "no_cache": ("SUMMARIZER_NO_CACHE",),
    "concurrency": ("SUMMARIZER_CONCURRENCY",),
    "timeout": ("SUMMARIZER_TIMEOUT",),
    "max_retries": ("SUMMARIZER_MAX_RETRIES",),
    "validation_retries": ("SUMMARIZER_VALIDATION_RETRIES",),
    "temperature": ("SUMMARIZER_TEMPERATURE",),
    "max_tokens": ("SUMMARIZER_MAX_TOKENS",),
    "n_ctx": ("SUMMARIZER_N_CTX",),
    "seed": ("SUMMARIZER_SEED",),
    "chunk_chars": ("SUMMARIZER_CHUNK_CHARS",),
    "max_bytes": ("SUMMARIZER_MAX_BYTES",),
    "prompts_dir": ("SUMMARIZER_PROMPTS_DIR",),
    "overview": ("SUMMARIZER_OVERVIEW",),
}


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
        None, ge=16, description="Completion budget; default per backend (embedded 1024, endpoint 4096)."
    )
    n_ctx: int = Field(8192, ge=512)
    seed: int = 0
    chunk_chars: int = Field(12000, ge=1000, description="Longer documents are chunked.")
    max_bytes: int = Field(5_000_000, ge=1, description="Larger input files are rejected.")
    prompts_dir: Path | None = None
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

    def secrets(self) -> list[str]:
        return [self.api_key.get_secret_value()] if self.api_key else []
