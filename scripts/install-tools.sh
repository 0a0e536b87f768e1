#!/usr/bin/env bash
# Installs the non-npm tools the test suite uses. Idempotent; quiet when everything is present.
set -euo pipefail
need_apt=()
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
python3 -m pip install --quiet --disable-pip-version-check 'cfn-lint==1.51.0'

# Each concern's own installs (language toolchains' dependencies, linters, ...).
for f in "$(dirname "$0")"/install/*.sh; do
  [ -e "$f" ] && bash "$f"
done
