#!/usr/bin/env bash
# Tools the compliance checks need at CI time: cfn-lint (for `npx projen compliance:cfn-lint`).
# Idempotent and quiet; scripts/install-tools.sh installs the same pinned version.
set -euo pipefail
if ! cfn-lint --version 2>/dev/null | grep -q '1\.51\.0'; then
  python3 -m pip install --quiet --disable-pip-version-check 'cfn-lint==1.51.0'
fi
