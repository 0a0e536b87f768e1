#!/usr/bin/env bash
# Tools the compliance checks need at CI time: cfn-lint (for `npx projen compliance:cfn-lint`) and
# checkov (for `npx projen compliance:checkov`, in a virtual environment of its own under .venv/, so its
# pinned dependencies stay away from cfn-lint's). Idempotent and quiet; scripts/install-tools.sh installs
# the same cfn-lint; keep the checkov version in step with CHECKOV_VERSION in projenrc/compliance.ts.
set -euo pipefail
if ! cfn-lint --version 2>/dev/null | grep -q '1\.51\.0'; then
  python3 -m pip install --quiet --disable-pip-version-check 'cfn-lint==1.51.0'
fi

checkov_version=3.3.30
venv="$(cd "$(dirname "$0")/../.." && pwd)/.venv/checkov"
if ! "$venv/bin/checkov" --version 2>/dev/null | grep -qx "$checkov_version"; then
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$checkov_version"
fi
