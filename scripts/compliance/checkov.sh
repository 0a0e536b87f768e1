#!/usr/bin/env bash
# Runs checkov, as users run it on cdk.out, on the templates given: every check of the CloudFormation
# framework, nothing downloaded from Prisma Cloud, and a non-zero exit on any failed check. Suppressions
# sit in each resource's Metadata (checkov.skip) with their reason, listed in docs/first-deploy.md.
#
# Usage: checkov.sh <version> <template>...   (`npx projen compliance:checkov` passes both)
set -euo pipefail
version="$1"
shift
checkov="$(cd "$(dirname "$0")/../.." && pwd)/.venv/checkov/bin/checkov"
installed="$("$checkov" --version 2>/dev/null || true)"
if [ "$installed" != "$version" ]; then
  echo "checkov $version is not installed in .venv/checkov (found: ${installed:-none}): run scripts/install/compliance.sh" >&2
  exit 1
fi
exec "$checkov" --framework cloudformation --skip-download --quiet --compact -f "$@"
