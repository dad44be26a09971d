#!/usr/bin/env bash
# Everything CI checks: lint, types, the whole test suite (slow tests with the real embedded
# model included), then the eval on the embedded default, which fails below its floors.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest -q -m "slow or not slow" "$@"
.venv/bin/summarizer eval --backends none,llama --out reports/eval --check-floors
