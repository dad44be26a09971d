#!/usr/bin/env bash
# Everything CI checks: lint, types, the eval (every backend below its floors fails the run),
# then the whole test suite, slow tests included (the real embedded model, headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/browser.sh
export HF_HUB_OFFLINE=1
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/summarizer eval --backends "${EVAL_BACKENDS:-none,oracle,noisy-oracle,lead,dump}" \
  --out reports/eval --check-floors
.venv/bin/python -m pytest -q -m "slow or not slow" --durations=15 "$@"
