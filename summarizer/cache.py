"""A disk cache of model results (diskcache), keyed on everything that changes the answer.

The key covers the backend, model, endpoint, instructor mode, prompt name/version/rendered
messages, schema hash, sampling parameters and document hash. It never covers a secret.
Each value carries a checksum: a corrupted entry is detected, dropped and recomputed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from summarizer.errors import ConfigError

KEY_VERSION = 1


def cache_key(parts: dict[str, Any]) -> str:
    blob = json.dumps({"v": KEY_VERSION, **parts}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class ResultCache:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._cache: Any = None
        self.corrupt = 0
        if directory is not None:
            import sqlite3

            import diskcache

            try:
                directory.mkdir(parents=True, exist_ok=True)
                self._cache = diskcache.Cache(str(directory), timeout=60)
            except (OSError, sqlite3.Error) as exc:
                raise ConfigError(
                    f"cannot use cache directory {directory}: {getattr(exc, 'strerror', None) or exc}"
                    " (pass another --cache-dir, or --no-cache)"
                ) from None

    def get(self, key: str) -> dict[str, Any] | None:
        if self._cache is None:
            return None
        try:
            entry = self._cache.get(key)
        except Exception:  # an unreadable entry is a miss  # noqa: BLE001
            entry = None
        if entry is None:
            return None
        try:
            body, digest = entry["body"], entry["sha256"]
            if hashlib.sha256(body.encode()).hexdigest() != digest:
                raise ValueError("checksum mismatch")
            value: dict[str, Any] = json.loads(body)
            return value
        except Exception:  # noqa: BLE001
            self.corrupt += 1
            self._cache.delete(key)
            return None

    def set(self, key: str, value: dict[str, Any]) -> None:
        if self._cache is None:
            return
        body = json.dumps(value, sort_keys=True)
        self._cache.set(key, {"body": body, "sha256": hashlib.sha256(body.encode()).hexdigest()})

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
