#!/usr/bin/env bash
# Tools of the reliability tests: cfn-lint lints a sample of the generated templates
# (npx projen test:properties). Idempotent and quiet; scripts/install-tools.sh installs the same pin.
set -euo pipefail
if ! command -v cfn-lint >/dev/null 2>&1 || [ "$(cfn-lint --version 2>/dev/null)" != "cfn-lint 1.51.0" ]; then
  python3 -m pip install --quiet --disable-pip-version-check 'cfn-lint==1.51.0'
fi
