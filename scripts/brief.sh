#!/usr/bin/env bash
# The main job: a brief of the five bundled seed articles, offline, with the embedded model
# (the default; --model qwen1.5b or --backend none choose otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/summarizer brief evals/corpus/seeds/0*.txt -o brief.md "$@"
echo "wrote brief.md"
