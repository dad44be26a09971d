"""Synthetic documents for the benchmark, made from the seed articles: sentences are drawn from
all five seeds, shuffled, and their figures perturbed, so no two documents are alike but every
document reads like the story (same names, same kinds of figures). Deterministic per seed."""

from __future__ import annotations

import random
import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "evals" / "corpus" / "seeds"
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'\u201c])")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def sentence_pool() -> list[str]:
    pool: list[str] = []
    for text in seed_texts().values():
        for para in text.split("\n"):
            pool += [s.strip() for s in _SPLIT.split(para) if len(s.strip()) >= 30]
    return pool


def _perturb(sentence: str, rng: random.Random) -> str:
    def repl(m: re.Match[str]) -> str:
        raw = m.group(0)
        if rng.random() < 0.5 or len(raw.replace(",", "")) < 2:
            return raw
        digits = raw.replace(",", "").split(".")[0]
        if len(digits) == 4 and digits.startswith(("19", "20")):  # a year: nudge it
            return str(int(digits) + rng.choice((-2, -1, 1, 2)))
        scaled = max(1, round(int(digits) * rng.uniform(0.5, 1.5)))
        return f"{scaled:,}" if "," in raw else str(scaled)

    return _NUMBER.sub(repl, sentence)


def synth_docs(n: int, seed: int = 7) -> list[tuple[str, str]]:
    """``n`` documents as ``(id, text)``: 8-30 perturbed seed sentences in paragraphs of 1-3."""
    rng = random.Random(seed)
    pool = sentence_pool()
    docs: list[tuple[str, str]] = []
    for i in range(n):
        picked = [_perturb(s, rng) for s in rng.sample(pool, rng.randint(8, min(30, len(pool))))]
        paras: list[str] = []
        while picked:
            k = rng.randint(1, 3)
            paras.append(" ".join(picked[:k]))
            picked = picked[k:]
        docs.append((f"syn{i:04d}", "\n\n".join(paras) + "\n"))
    return docs


def write_docs(docs: list[tuple[str, str]], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc_id, text in docs:
        p = directory / f"{doc_id}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths
