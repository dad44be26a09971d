#!/usr/bin/env bash
# The main job: a brief of the five bundled seed articles, offline. It runs the evidence layer
# alone: no local model runs the seeds within 2 minutes on 2 cores (README, "The embedded
# model"), and the issue's rule is not to keep a model that only costs time. Pass
# --backend llama for the embedded model, or --base-url URL for any OpenAI-compatible endpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
backend=(--backend none)
for arg in "$@"; do
  case "$arg" in --backend|--backend=*|--base-url|--base-url=*) backend=() ;; esac
done
if [ ${#backend[@]} -gt 0 ]; then
  echo "main job: evidence layer only (no local model fits 2 minutes here); add --backend llama for the embedded model or --base-url URL for an endpoint"
fi
.venv/bin/summarizer brief evals/corpus/seeds/0*.txt -o brief.md "${backend[@]}" "$@"
echo "wrote brief.md"
