#!/usr/bin/env bash
# Non-npm tools of the integration-test concern: shellcheck (Debian; actionlint uses it on `run:`
# blocks) and actionlint (GitHub workflow linter), built from the Go module proxy into
# $(go env GOPATH)/bin. Idempotent and quiet when both are present.
# The `lint:workflows` task (projenrc/integ.ts) runs it; keep the version in step with ACTIONLINT_VERSION there.
set -euo pipefail
if ! command -v shellcheck >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null
fi
version=v1.7.12
bin="$(go env GOPATH)/bin/actionlint"
if [ -x "$bin" ] && "$bin" -version 2>/dev/null | head -1 | grep -qx "${version}"; then
  exit 0
fi
if ! out=$(go install "github.com/rhysd/actionlint/cmd/actionlint@${version}" 2>&1); then
  echo "$out" >&2
  exit 1
fi
