# shellcheck shell=bash
# Local package registries for test:install, sourced by consumers/run.sh. Each runs on 127.0.0.1 with
# its storage under $REGISTRY_DIR (fresh every run), and publishing to it goes through the registry's
# own client, the way the release workflow publishes to the real one:
#
#   npm    Verdaccio on port 4873, `npm publish` (release workflow: publib-npm, `npm publish`)
#   PyPI   pypiserver on port 8080, `twine check` and `twine upload` (publib-pypi: twine)
#   Maven  a file:// repository, `mvn deploy:deploy-file` (publib-maven: `mvn deploy` to Central)
#   Go     GOPROXY=file:// directories written by consumers/registries/goproxy (publib-golang: a
#          git push to the Go repository, which proxy.golang.org then serves): one with our modules,
#          one with cdk-nag's, which no proxy serves and only the checks package needs
#
# Neither server has an uplink: our package can only come from here (even once the real one is
# published), and everything else a consumer installs comes from the usual registries.
#
# Needs: $REGISTRY_DIR, $LOG_DIR; the tools from consumers/registries/install.sh.

REGISTRIES_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NPM_PORT=4873
PYPI_PORT=8080
NPM_REGISTRY="http://127.0.0.1:${NPM_PORT}/"
PYPI_INDEX="http://127.0.0.1:${PYPI_PORT}/simple/"
MAVEN_REPOSITORY="${REGISTRY_DIR}/maven"
GO_PROXY_DIR="${REGISTRY_DIR}/go"
GO_DEPS_PROXY_DIR="${REGISTRY_DIR}/go-deps"
registry_pids=()

# Waits until URL answers, or fails after 60 s or when the server (PID) has exited.
wait_for() { # url pid name
  local _
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "$3 exited while starting (see ${LOG_DIR}/$3.log)" >&2; return 1; }
    sleep 0.5
  done
  echo "$3 did not answer on $1 within 60 s" >&2
  return 1
}

port_free() { # port name
  if curl -s -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null; then
    echo "port $1 is in use: another $2 (an earlier run?) is listening on 127.0.0.1:$1" >&2
    return 1
  fi
}

start_registries() {
  mkdir -p "${REGISTRY_DIR}/npm" "${REGISTRY_DIR}/pypi" "${MAVEN_REPOSITORY}" "${GO_PROXY_DIR}" "${GO_DEPS_PROXY_DIR}"
  port_free "${NPM_PORT}" verdaccio && port_free "${PYPI_PORT}" pypiserver || return 1

  # Anyone may publish (the registry is local and gone after the run); no uplinks.
  cat > "${REGISTRY_DIR}/verdaccio.yaml" <<EOF
storage: ${REGISTRY_DIR}/npm
auth:
  htpasswd:
    file: ${REGISTRY_DIR}/htpasswd
    max_users: -1
uplinks: {}
packages:
  '**':
    access: \$anonymous
    publish: \$anonymous
listen: 127.0.0.1:${NPM_PORT}
log: { type: stdout, format: pretty, level: warn }
EOF
  "${REGISTRIES_HOME}/node_modules/.bin/verdaccio" --config "${REGISTRY_DIR}/verdaccio.yaml" \
    > "${LOG_DIR}/verdaccio.log" 2>&1 &
  registry_pids+=($!)
  wait_for "${NPM_REGISTRY}-/ping" "$!" verdaccio || return 1

  "${REGISTRIES_HOME}/.venv/bin/pypi-server" run -i 127.0.0.1 -p "${PYPI_PORT}" -a . -P . --disable-fallback \
    "${REGISTRY_DIR}/pypi" > "${LOG_DIR}/pypiserver.log" 2>&1 &
  registry_pids+=($!)
  wait_for "${PYPI_INDEX}" "$!" pypiserver || return 1
  echo "registries: npm ${NPM_REGISTRY}, PyPI ${PYPI_INDEX}, Maven file://${MAVEN_REPOSITORY}, Go file://${GO_PROXY_DIR} and file://${GO_DEPS_PROXY_DIR}"
}

stop_registries() {
  local pid
  for pid in "${registry_pids[@]}"; do
    kill "${pid}" 2>/dev/null && wait "${pid}" 2>/dev/null
  done
  registry_pids=()
}

# npm: the tarballs jsii-pacmak built, one by one (as publib-npm does). npm publish needs a token for
# the registry, any token; it goes in a user config outside the package folder (a token file inside it
# would be packed).
publish_npm() {
  local tarball
  printf '//127.0.0.1:%s/:_authToken=local\n' "${NPM_PORT}" > "${REGISTRY_DIR}/npmrc"
  for tarball in dist/js/*.tgz; do
    npm publish "${tarball}" --registry "${NPM_REGISTRY}" --userconfig "${REGISTRY_DIR}/npmrc" --loglevel=warn || return 1
  done
}

# PyPI: twine check fails on metadata PyPI would reject (the long description's markup, for one).
publish_pypi() {
  "${REGISTRIES_HOME}/.venv/bin/twine" check --strict dist/python/* &&
    "${REGISTRIES_HOME}/.venv/bin/twine" upload --non-interactive --disable-progress-bar \
      --repository-url "http://127.0.0.1:${PYPI_PORT}/" -u local -p local dist/python/*
}

# Maven: for each artifact, first the POM elements Maven Central requires of every release (it rejects
# a deployment that lacks one), then the jar with its POM, sources and javadoc, as `mvn deploy` would
# upload them. The construct's POM must not name cdk-nag: only the checks need it.
publish_maven() { # version
  local artifact base
  for artifact in cdk-lgpd-data-pipeline cdk-lgpd-checks; do
    base="dist/java/io/github/cdk-lgpd-data-pipeline/${artifact}/$1/${artifact}-$1"
    python3 - "${base}.pom" "${artifact}" <<'EOF' || return 1
import sys
import xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
pom = ET.parse(sys.argv[1]).getroot()
required = ["m:groupId", "m:artifactId", "m:version", "m:name", "m:description", "m:url",
            "m:licenses/m:license/m:name", "m:developers/m:developer/m:name", "m:scm/m:url", "m:scm/m:connection"]
missing = [p.replace("m:", "") for p in required if not (pom.findtext(p, namespaces=ns) or "").strip()]
if missing:
    sys.exit(f"{sys.argv[1]}: Maven Central requires {', '.join(missing)}")
dependencies = [d.findtext("m:artifactId", namespaces=ns) for d in pom.findall("m:dependencies/m:dependency", ns)]
if sys.argv[2] == "cdk-lgpd-data-pipeline" and "cdknag" in dependencies:
    sys.exit(f"{sys.argv[1]}: the construct's POM depends on cdknag")
print(f"{sys.argv[1]}: has every element Maven Central requires; depends on {', '.join(dependencies)}")
EOF
    mvn --batch-mode --no-transfer-progress --quiet \
      org.apache.maven.plugins:maven-deploy-plugin:3.1.2:deploy-file \
      -Dfile="${base}.jar" -DpomFile="${base}.pom" -Dsources="${base}-sources.jar" -Djavadoc="${base}-javadoc.jar" \
      -Durl="file://${MAVEN_REPOSITORY}" -DrepositoryId=local || return 1
  done
}

# Go: our modules (dist/go, what the release workflow pushes: the construct's and the checks') in one
# directory, cdk-nag's (dist/go-deps, see package:go in projenrc/languages.ts), which no Go proxy serves,
# in another, so a consumer that is not given the second cannot use it.
publish_go() {
  (cd "${REGISTRIES_HOME}/goproxy" && go build -o "${REGISTRY_DIR}/goproxy" .) &&
    "${REGISTRY_DIR}/goproxy" -out "${GO_PROXY_DIR}" dist/go &&
    "${REGISTRY_DIR}/goproxy" -out "${GO_DEPS_PROXY_DIR}" dist/go-deps
}
