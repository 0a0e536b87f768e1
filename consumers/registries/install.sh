#!/usr/bin/env bash
# Installs the tools of test:install's local registries, pinned: Verdaccio (npm; package.json and
# package-lock.json here) and pypiserver with twine (a venv here, requirements.txt). Idempotent and
# quiet when both are current. Called by scripts/install/languages.sh (CI) and by consumers/run.sh.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x node_modules/.bin/verdaccio ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ ! -x .venv/bin/pypi-server ] || [ requirements.txt -nt .venv/.installed ]; then
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  touch .venv/.installed
fi
