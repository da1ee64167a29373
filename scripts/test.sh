#!/usr/bin/env bash
# Install the project with its test extras and run our own test suite.
# This is the README's test command, and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet -e '.[test]'
python -m pytest tests -n 2 -p no:cacheprovider "$@"
