#!/usr/bin/env bash
# Creates .build-venv (git-ignored) with the given PyPI packages, for test peers and schema checks.
# A venv, because Debian's own python refuses system-wide pip installs (PEP 668).
# Usage: scripts/ensure-python-tools.sh PACKAGE...
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.build-venv"
if [ ! -x "$venv/bin/python" ]; then
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
        "$root/scripts/ensure-apt-packages.sh" python3-venv
    fi
    python3 -m venv "$venv"
fi
missing=()
for package in "$@"; do
    "$venv/bin/python" -m pip show "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing into .build-venv: ${missing[*]}"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${missing[@]}"
fi
