#!/usr/bin/env bash
# Everything CI checks: lint, types, the eval on the embedded default (fails below its floors),
# then the whole test suite, slow tests with the real embedded model included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/summarizer eval --backends none,llama --out reports/eval --check-floors
.venv/bin/python -m pytest -q -m "slow or not slow" "$@"
