#!/usr/bin/env bash
# Creates .venv and installs summarizer with the embedded-model and development extras.
# Idempotent: a second run only checks. llama-cpp-python compiles from source (~4 min on
# 2 cores); the flags below avoid a native build that crashed in decode on these machines.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.summarizer-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON}" \
    .venv/bin/python -m pip install -q -e ".[local,dev]"
  touch "$stamp"
fi
