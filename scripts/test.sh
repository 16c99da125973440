#!/usr/bin/env bash
# Install timetrack with its development tools, then format check, lint, type check
# and the test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
python -m ruff format --check .
python -m ruff check .
python -m mypy
python -m pytest "$@"
