#!/usr/bin/env bash
# Toolchains of the language consumer tests (`npx projen test:install`): Python venv, Java 17 and
# Maven (Debian), Go (must already be on the machine: the registries serve no Go toolchain), and
# cdk-nag 3.0.2 recorded in ~/.m2 for jsii-pacmak's Java build (consumers/java/seed-m2.sh).
# Idempotent and quiet when everything is present.
set -euo pipefail
need_apt=()
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need_apt+=(python3-venv)
command -v javac >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if ! command -v go >/dev/null 2>&1; then
  echo "languages: go is not on PATH; the Go consumer test needs Go 1.25 or newer" >&2
  exit 1
fi
bash "$(dirname "$0")/../../consumers/java/seed-m2.sh" >/dev/null
# The local registries of `npx projen test:install` (Verdaccio, pypiserver, twine).
bash "$(dirname "$0")/../../consumers/registries/install.sh"
