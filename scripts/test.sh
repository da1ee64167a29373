#!/usr/bin/env bash
# Install the project with its test extras and run our own test suite.
# This is the README's test command, and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
# Each end of the supported pytest range gets an environment of its own, kept between runs.
# The newest: what a fresh install picks today (--upgrade-strategy eager: a machine that kept
# an older pytest, or an older pytest-html or boto3, does not hide a newer one's change).
newest="${TMPDIR:-/tmp}/pytest-cis-aws-newest-pytest"
[ -x "$newest/bin/python" ] || python -m venv "$newest"
"$newest/bin/python" -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[test]'
# The report tests drive Debian's Chromium (never a browser Playwright downloads).
if [ ! -x /usr/bin/chromium ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
# loadgroup: tests sharing one expensive fixture (xdist_group) stay on one worker.
# The whole suite, under the newest pytest pyproject.toml allows (what pip picks).
"$newest/bin/python" -m pytest --version
"$newest/bin/python" -m pytest tests -n 2 --dist loadgroup -p no:cacheprovider "$@"

# The oldest pytest pyproject.toml allows ("pytest>=8"), in an environment of its own: the
# tests that concern collection, test ids, selection (-k, -m, --cis-controls), xdist and the
# report. About two minutes more.
OLDEST_PYTEST=8.0.0
OLDEST_TESTS=(
    tests/compat/test_ids.py
    tests/compat/test_locate.py
    tests/compat/test_pytest_internals.py
    tests/versions/test_across_versions.py
    tests/gating/test_selection.py
    tests/gating/test_xdist.py
    tests/custom/test_parallel_and_replay.py
    tests/spine/test_end_to_end.py
    tests/report/test_console.py
    tests/report/test_html_report.py
)
oldest="${TMPDIR:-/tmp}/pytest-cis-aws-oldest-pytest"
[ -x "$oldest/bin/python" ] || python -m venv "$oldest"
"$oldest/bin/python" -m pip install --quiet -e '.[test]' "pytest==$OLDEST_PYTEST"
"$oldest/bin/python" -m pytest --version
"$oldest/bin/python" -m pytest "${OLDEST_TESTS[@]}" -n 2 --dist loadgroup -p no:cacheprovider "$@"
