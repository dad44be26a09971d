"""Output tokens per document, the claim prompt (extract v4, bench/claims_v4.py) against answers
by ids (prompts/extract_ids.md), on the same documents; and request bytes against LangExtract's.

    python bench/tokens.py                  # proxy count (no model), + request bytes at a fake endpoint
    python bench/tokens.py --model PATH     # also a real local GGUF through the embedded backend
    python bench/tokens.py --model PATH --xllamacpp   # the same GGUF straight through xllamacpp

Documents: the seeds (evals/corpus/seeds) and the dev story evals/corpus/ind_surya_ghar_cabinet.

Proxy (no tokenizer, no model): for each document, the answer a good model gives under each
protocol, serialised as JSON, counted two ways: characters / 4, and word-or-symbol pieces
(``\\w+|[^\\w\\s]``, which BPE tokenizers rarely split further for English and JSON). The new
answer is the oracle's (summarizer.eval.oracle: key sentences, figure measures and the event from
the gold labels); the old answer states the same key facts as the claim prompt asks: per key
sentence one claim whose statement and verbatim evidence are that sentence, with its topic,
kind and key figure, plus empty metadata and entities. Both carry the same information.

Real model (``--model``): completion tokens as the model reports them, per document, for each
prompt under its own JSON schema; ``--limit`` caps the documents (small CPU models are slow).

Request bytes: every request the pipeline sends for the 5 seeds to bench/fake_endpoint.py, by
call: the per-document extraction requests (like for like: LangExtract makes only those), the
story's one alignment call of a capable endpoint, and with ``--overview auto`` the overview call;
against LangExtract's 27,324 bytes for the same documents as recorded in
bench/results.json (``python bench/run.py`` with langextract installed re-measures it).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for p in (str(BENCH), str(ROOT)):
    if p not in sys.path:
        sys.path.insert(0, p)

from claims_v4 import DocumentExtraction, claims_prompt  # noqa: E402
from fake_endpoint import FakeEndpoint  # noqa: E402

from summarizer.documents import Document, load_inputs  # noqa: E402
from summarizer.evidence import DocEvidence, analyze  # noqa: E402
from summarizer.extract import numbered  # noqa: E402
from summarizer.prompts import load_prompt  # noqa: E402
from summarizer.quantities import find_mentions  # noqa: E402
from summarizer.schemas import IdExtraction  # noqa: E402

CORPORA = [ROOT / "evals" / "corpus" / "seeds", ROOT / "evals" / "corpus" / "ind_surya_ghar_cabinet"]
GOLD = sorted((ROOT / "evals" / "gold").glob("*.json"))
LANGEXTRACT_SEED_BYTES = 27324


def pieces(text: str) -> int:
    return len(re.findall(r"\w+|[^\w\s]", text))


def chars4(text: str) -> int:
    return (len(text) + 3) // 4


def without_furniture(doc: Document, ev: DocEvidence) -> str:
    """The text the claim prompt was sent: the document without its page furniture."""
    out, pos = [], 0
    for s in sorted(ev.furniture, key=lambda s: s.start):
        out.append(doc.text[pos : s.start])
        pos = max(pos, s.end)
    out.append(doc.text[pos:])
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip()


def messages(ev: DocEvidence) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(old, new) prompt messages for one document."""
    old = claims_prompt().render(doc_id=ev.doc.id, text=without_furniture(ev.doc, ev))
    s, f = numbered(ev, range(len(ev.sentences)))
    new = load_prompt("extract_ids").render(doc_id=ev.doc.id, sentences=s, figures=f)
    return old, new


def proxy_answers(ev: DocEvidence, new_messages: list[dict[str, str]]) -> tuple[str, str]:
    """(old, new) answers a good model gives, as JSON text."""
    from summarizer.eval.oracle import Oracle

    new = Oracle(GOLD).answer("\n".join(m["content"] for m in new_messages))
    claims = []
    for key in IdExtraction.model_validate(new).keys():
        sentence = ev.sentences[int(key.id[1:]) - 1].text
        figures = find_mentions(sentence)
        claims.append({
            "statement": sentence, "topic": key.topic, "kind": "figure" if figures else "event",
            "quantity": figures[0].raw if figures else None, "evidence": sentence,
        })  # fmt: skip
    old = {"metadata": {}, "claims": claims, "entities": []}
    return json.dumps(old, ensure_ascii=False), json.dumps(new, ensure_ascii=False)


def load_docs() -> list[DocEvidence]:
    files = [str(p) for c in CORPORA for p in sorted(c.glob("*.txt"))]
    return [analyze(d) for d in load_inputs(files, 5_000_000).documents]


def proxy(docs: list[DocEvidence]) -> dict[str, Any]:
    rows = []
    for ev in docs:
        old_msgs, new_msgs = messages(ev)
        old, new = proxy_answers(ev, new_msgs)
        rows.append({"doc": ev.doc.id, "old_chars4": chars4(old), "new_chars4": chars4(new),
                     "old_pieces": pieces(old), "new_pieces": pieces(new),
                     "old_prompt_bytes": len(json.dumps(old_msgs)), "new_prompt_bytes": len(json.dumps(new_msgs))})  # fmt: skip
    return summarise(rows, ("chars4", "pieces"))


def summarise(rows: list[dict[str, Any]], measures: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"documents": len(rows), "rows": rows}
    for m in measures:
        old = statistics.fmean(r[f"old_{m}"] for r in rows)
        new = statistics.fmean(r[f"new_{m}"] for r in rows)
        out[m] = {"old_per_doc": round(old, 1), "new_per_doc": round(new, 1), "ratio": round(old / max(new, 1e-9), 2)}
    return out


def real_model(docs: list[DocEvidence], model: Path, limit: int, max_tokens: int) -> dict[str, Any]:
    from summarizer.backends import resolve_backend
    from summarizer.backends.base import ExtractionRequest
    from summarizer.errors import SummarizerError
    from summarizer.settings import Settings

    backend = resolve_backend(Settings.resolve(env={}, backend="llama", model_path=model))
    assert backend is not None
    rows = []
    for ev in docs[:limit]:
        row: dict[str, Any] = {"doc": ev.doc.id}
        for name, (msgs, schema) in zip(("old", "new"), zip(messages(ev), (DocumentExtraction, IdExtraction), strict=True), strict=True):
            sampling = {"temperature": 0.0, "max_tokens": max_tokens, "seed": 0}
            try:
                r = backend.extract(ExtractionRequest(ev.doc.id, msgs, schema, sampling))
                row[f"{name}_tokens"] = r.usage.completion_tokens
            except SummarizerError as exc:  # a failed answer still spent its tokens; not reported by the error
                row[f"{name}_tokens"] = max_tokens
                row[f"{name}_error"] = str(exc)[:120]
        print(f"tokens: {row}", file=sys.stderr)
        rows.append(row)
    return {"model": model.name, "max_tokens": max_tokens, **summarise(rows, ("tokens",))}


def xllamacpp_model(docs: list[DocEvidence], model: Path, limit: int, max_tokens: int) -> dict[str, Any]:
    """The same measurement straight through xllamacpp (llama.cpp's server, in-process), for
    when the embedded backend is not installed: the schema goes in response_format as the
    openai backend sends it, the grammar constrains the answer, usage is the server's count."""
    import os

    import xllamacpp  # type: ignore[import-not-found]

    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = 8192
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = os.cpu_count() or 2
    params.sampling.seed = 0
    params.use_jinja = False  # as the embedded backend: a cut answer comes back, not an HTTP 500
    params.port, params.ui, params.verbosity, params.warmup = 0, False, -1, False
    params.hostnames = ["127.0.0.1"]
    server = xllamacpp.Server(params)
    rows = []
    for ev in docs[:limit]:
        row: dict[str, Any] = {"doc": ev.doc.id}
        for name, msgs, schema in zip(("old", "new"), messages(ev), (DocumentExtraction, IdExtraction), strict=True):
            body = {"messages": msgs, "max_tokens": max_tokens, "temperature": 0.0, "seed": 0,
                    "response_format": {"type": "json_schema",
                                        "json_schema": {"name": schema.__name__, "schema": schema.model_json_schema()}}}  # fmt: skip
            try:
                result = server.handle_chat_completions(body)
            except RuntimeError as exc:  # the runtime refused the output: no usage to report
                row[f"{name}_error"] = str(exc)[:120]
                continue
            row[f"{name}_tokens"] = result["usage"]["completion_tokens"]
            row[f"{name}_finish"] = result["choices"][0]["finish_reason"]
        print(f"tokens: {row}", file=sys.stderr)
        if "old_tokens" in row and "new_tokens" in row:
            rows.append(row)
    return {"model": model.name, "runtime": "xllamacpp", "max_tokens": max_tokens, **summarise(rows, ("tokens",))}


def request_bytes() -> dict[str, Any]:
    from summarizer.pipeline import summarize
    from summarizer.settings import Settings

    seeds = [str(p) for p in sorted(CORPORA[0].glob("*.txt"))]
    out: dict[str, Any] = {"langextract_bytes_seeds": LANGEXTRACT_SEED_BYTES}
    for overview in ("facts", "auto"):
        with FakeEndpoint() as ep, tempfile.TemporaryDirectory() as tmp:
            s = Settings.resolve(env={}, backend="openai", base_url=ep.base_url, model="fake", overview=overview,
                                 cache_dir=Path(tmp), no_cache=True)  # fmt: skip
            summarize(seeds, s)
            by = ep.stats.bytes_by_schema
            out[f"overview_{overview}"] = {"calls": ep.stats.calls, "request_bytes": ep.stats.request_bytes,
                                           "vs_langextract": round(ep.stats.request_bytes / LANGEXTRACT_SEED_BYTES, 2),
                                           "by_call": dict(by)}  # fmt: skip
    ext = out["overview_facts"]["by_call"].get("IdExtraction", 0)
    out["extraction"] = {"request_bytes": ext, "vs_langextract": round(ext / LANGEXTRACT_SEED_BYTES, 2)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, help="a GGUF file: also measure a real model (embedded backend)")
    ap.add_argument("--xllamacpp", action="store_true", help="run --model straight through xllamacpp")
    ap.add_argument("--limit", type=int, default=5, help="documents for the real model (default 5)")
    ap.add_argument("--max-tokens", type=int, default=1024)
    ap.add_argument("--out", type=Path, default=BENCH / "tokens.json")
    args = ap.parse_args()
    docs = load_docs()
    result: dict[str, Any] = {"proxy": proxy(docs), "request_bytes": request_bytes()}
    if args.model:
        measure = xllamacpp_model if args.xllamacpp else real_model
        result["model"] = measure(docs, args.model, args.limit, args.max_tokens)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    p = result["proxy"]
    print(f"documents: {p['documents']} (seeds + ind_surya_ghar_cabinet)")
    for m in ("chars4", "pieces"):
        print(f"output tokens/doc, proxy {m}: old {p[m]['old_per_doc']}, new {p[m]['new_per_doc']}, {p[m]['ratio']}x fewer")
    if "model" in result:
        t = result["model"]["tokens"]
        print(f"output tokens/doc, {result['model']['model']} over {result['model']['documents']} docs:"
              f" old {t['old_per_doc']}, new {t['new_per_doc']}, {t['ratio']}x fewer")  # fmt: skip
    rb = result["request_bytes"]
    print(f"request bytes, 5 seeds, extraction (like for like): {rb['extraction']['request_bytes']}"
          f" = {rb['extraction']['vs_langextract']}x LangExtract's {LANGEXTRACT_SEED_BYTES}")
    for k in ("overview_facts", "overview_auto"):
        print(f"request bytes, 5 seeds, {k}: {rb[k]['request_bytes']} in {rb[k]['calls']} calls"
              f" = {rb[k]['vs_langextract']}x LangExtract's {LANGEXTRACT_SEED_BYTES}; by call {rb[k]['by_call']}")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
