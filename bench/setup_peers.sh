#!/usr/bin/env bash
# Creates the bench-only virtualenv .venv-bench (repo root) with the peer libraries that
# bench/peers.py compares Patchwork against. Idempotent: re-running reuses the venv and
# pip skips what is already installed at the pinned version.
# These packages are for the benchmark only and never belong in the app's requirements.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-bench"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/bench/requirements-peers.txt"
echo "bench venv ready: $VENV"
