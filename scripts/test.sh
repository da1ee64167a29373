#!/usr/bin/env bash
# Install the project with its test extras and run our own test suite.
# This is the README's test command, and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet -e '.[test]'
# The report tests drive Debian's Chromium (never a browser Playwright downloads).
if [ ! -x /usr/bin/chromium ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
# loadgroup: tests sharing one expensive fixture (xdist_group) stay on one worker.
python -m pytest tests -n 2 --dist loadgroup -p no:cacheprovider "$@"
