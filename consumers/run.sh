#!/usr/bin/env bash
# Installed by name (projen task `test:install`, spawned by `ci`). Publishes the packages in dist/ to
# local registries it starts on 127.0.0.1 (consumers/registries/registries.sh: Verdaccio, pypiserver,
# a file:// Maven repository, a GOPROXY=file:// directory) and stops them when it ends, however it
# ends. Then fresh consumer projects in TypeScript, Python, Java and Go install cdk-lgpd-data-pipeline
# (the construct) and cdk-lgpd-checks (LgpdChecks) BY NAME AND VERSION from them, with aws-cdk-lib and
# cdk-nag from the usual registries, synthesize the same two stacks (consumers/typescript/app.ts and its
# translations) and run LgpdChecks on them, at both ends of the aws-cdk-lib peer range. The construct
# alone needs no cdk-nag: TypeScript and Python install it first and fail if cdk-nag came with it, the
# Java harness fails if its POM names cdk-nag, and the Go consumer of the construct (consumers/go) gets
# no cdk-nag module at all; LgpdChecks's Go consumer (consumers/go-checks) gets the one package:go
# generates, which no Go proxy serves.
#
#   low   the dev pin: aws-cdk-lib, constructs and cdk-nag as package.json's devDependencies pin them
#         (the low ends of the peer ranges). Every template must equal the TypeScript one: a
#         difference means a prop does not reach the construct the same way from every language.
#   high  the newest aws-cdk-lib each language's registry serves (consumers/aws-cdk-lib-newest.json),
#         with the newest constructs and cdk-nag the package manager picks. Each language's own tests
#         check the templates; TypeScript also runs cdk-nag's plugin path (consumers/typescript/nag.ts).
#
# Every synth runs with JSII_DEPRECATED=fail: a deprecated aws-cdk-lib API used on the way, by the
# library or by the app, throws (naming the API and, in the stack, the caller) instead of printing a
# warning; and consumers/compare.ts fails on any warning or error annotation in a cloud assembly.
#
#   bash consumers/run.sh                  # both ends; python, java and go (typescript always runs)
#   bash consumers/run.sh low              # one end
#   bash consumers/run.sh high python      # one end, one language
#
# The version is the built npm packages' (dist/js): 0.0.0 from a build, the bumped one after
# `npx projen release`. A language whose package in dist/ is missing or older than the npm tarball is
# packaged first (`npx projen package:<language>`; CI's build packs npm only).
#
# Caches reused between runs (outside the repository): npm's, pip's, ~/.m2 and Go's module and build
# caches. Our own package never comes from a cache: the same version is rebuilt with new content, so
# the harness drops it from ~/.m2 and the Go module cache before installing.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root="$(pwd)"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
export JSII_DEPRECATED=fail

ends=()
languages=()
for arg in "$@"; do
  case "${arg}" in
    low | high) ends+=("${arg}") ;;
    typescript) ;;
    python | java | go) languages+=("${arg}") ;;
    *) echo "usage: consumers/run.sh [low|high]... [python|java|go]..." >&2; exit 2 ;;
  esac
done
[ ${#ends[@]} -gt 0 ] || ends=(low high)
[ ${#languages[@]} -gt 0 ] || languages=(python java go)
# The Go consumers: the construct alone, and with LgpdChecks.
consumers_of() { if [ "$1" = go ]; then echo go go_checks; else echo "$1"; fi; }

# Results (templates, logs) in consumers/out; registries and consumer projects outside the repository:
# their node_modules hold copies of our package, whose .jsii jsii-docgen would find (it reads every
# .jsii under the project) and document instead of ours.
out="${root}/consumers/out"
work="${TMPDIR:-/tmp}/cdk-lgpd-data-pipeline-test-install"
rm -rf "${out}" "${work}"
mkdir -p "${out}/logs" "${work}"
export LOG_DIR="${out}/logs"
export REGISTRY_DIR="${work}/registries"
summary=()
failed=0

now() { date +%s; }
# Runs one step with its output in consumers/out/logs/NAME.log (its tail printed when it fails).
step() { # name command...
  local name="$1" t0 status
  shift
  t0=$(now)
  echo "=== ${name}"
  if "$@" > "${LOG_DIR}/${name}.log" 2>&1; then status=ok; else status=FAIL; fi
  summary+=("$(printf '%-22s %-4s %4ss' "${name}" "${status}" $(( $(now) - t0 )))")
  if [ "${status}" = FAIL ]; then
    failed=$((failed + 1))
    tail -n 40 "${LOG_DIR}/${name}.log" | sed 's/^/    /'
    return 1
  fi
}
finish() {
  stop_registries
  echo
  echo "test:install (version ${version:-?}; seconds per step; logs in consumers/out/logs/, projects in ${work}/)"
  printf '%s\n' "${summary[@]}" | tee "${out}/summary.txt"
  echo "total $(( $(now) - start )) s, ${failed} failed"
}

start=$(now)
# shellcheck source=consumers/registries/registries.sh
source consumers/registries/registries.sh
trap finish EXIT
trap 'exit 130' INT TERM

# ---- What to install: the built version, and the aws-cdk-lib versions of each end -------------------
tarballs=(dist/js/cdk-lgpd-data-pipeline@*.tgz dist/js/cdk-lgpd-checks@*.tgz)
if [ ! -f "${tarballs[0]}" ] || [ ! -f "${tarballs[1]}" ] || [ "$(find dist/js -name '*.tgz' | wc -l)" -ne 2 ]; then
  echo "dist/js must hold one npm tarball of each package: run \`npx projen build\` (or \`npx projen release\`) first" >&2
  exit 1
fi
version_of() { tar -xzOf "$1" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0, "utf-8")).version'; }
version=$(version_of "${tarballs[0]}")
if [ "$(version_of "${tarballs[1]}")" != "${version}" ]; then
  echo "the two packages in dist/js have different versions; they are released together" >&2
  exit 1
fi
dev_pin() { node -p "require('./package.json').devDependencies['$1']"; }
newest() { node -p "require('./consumers/aws-cdk-lib-newest.json')['$1']"; }
declare -A cdk=([low]="$(dev_pin aws-cdk-lib)")
low_constructs=$(dev_pin constructs)
low_nag=$(dev_pin cdk-nag)
declare -A cdk_high=([typescript]="$(newest typescript)" [python]="$(newest python)" [java]="$(newest java)" [go]="$(newest go)")
echo "cdk-lgpd-data-pipeline and cdk-lgpd-checks ${version}"
echo "low end: aws-cdk-lib ${cdk[low]}, constructs ${low_constructs}, cdk-nag ${low_nag}"
echo "high end: aws-cdk-lib $(for l in typescript python java go; do printf '%s %s, ' "${l}" "${cdk_high[${l}]}"; done | sed 's/, $//')"

# ---- Packages: what dist/ lacks ----------------------------------------------------------------------
stale() { [ -z "$(find "$@" -maxdepth 0 -newer "${tarballs[0]}" 2>/dev/null)" ]; }
package_python() { stale dist/python/cdk_lgpd_data_pipeline-*.whl dist/python/cdk_lgpd_checks-*.whl && npx projen package:python; return 0; }
package_java() { stale "dist/java/io/github/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline/${version}"/*.pom "dist/java/io/github/cdk-lgpd-data-pipeline/cdk-lgpd-checks/${version}"/*.pom && npx projen package:java; return 0; }
package_go() { { stale dist/go/cdklgpddatapipeline/version dist/go/cdklgpdchecks/version || [ ! -d dist/go-deps/cdknag ]; } && npx projen package:go; return 0; }
for language in "${languages[@]}"; do
  step "package-${language}" "package_${language}" || exit 1
done
# Each language's own spelling of the version, read from its package (a pre-release 0.1.0-alpha.0 is
# 0.1.0a0 to Python, for one).
python_version() { basename dist/python/cdk_lgpd_data_pipeline-*.whl | cut -d- -f2; }
go_version() { cat dist/go/cdklgpddatapipeline/version; }

# ---- The jsii API shape (read from .jsii) ------------------------------------------------------------
step api-shape npx ts-node --transpile-only --project tsconfig.dev.json consumers/api-shape.ts || true

# ---- Registries, and publishing to them --------------------------------------------------------------
bash consumers/registries/install.sh || exit 1
step registries start_registries || exit 1
step publish-npm publish_npm || exit 1
for language in "${languages[@]}"; do
  case "${language}" in
    python) step publish-pypi publish_pypi ;;
    java) step publish-maven publish_maven "${version}" ;;
    go) step publish-go publish_go ;;
  esac
done

# ---- The consumers -----------------------------------------------------------------------------------
# Each gets a fresh directory, $work/<end>-<language>, and writes its templates to
# consumers/out/<end>/<language>.
fresh() { # end language: prints the directory
  local dir="${work}/$1-$2"
  mkdir -p "${dir}" "${out}/$1/$2"
  echo "${dir}"
}

consumer_typescript() { # end
  local dir peers
  dir=$(fresh "$1" typescript)
  cp consumers/typescript/*.ts consumers/typescript/tsconfig*.json "${dir}/"
  if [ "$1" = low ]; then peers=("constructs@${low_constructs}"); nag="cdk-nag@${low_nag}"; else peers=("constructs@^10"); nag="cdk-nag@^3"; fi
  (
    cd "${dir}" || exit 1
    echo '{ "name": "lgpd-consumer", "version": "0.0.0", "private": true }' > package.json
    npm install --no-audit --no-fund "aws-cdk-lib@${cdk[$1]}" "${peers[@]}" typescript@~5.9.0 @types/node@^22 || exit 1
    # The construct alone from the local registry (it has no uplink to serve the rest). npm would look
    # the peers up there too, so they are not resolved in this step; `npm ls` then fails if the
    # installed aws-cdk-lib or constructs is outside our peer ranges, and cdk-nag must not be there.
    npm install --no-audit --no-fund --prefer-online --legacy-peer-deps --registry "${NPM_REGISTRY}" \
      "cdk-lgpd-data-pipeline@${version}" || exit 1
    npm ls --all > /dev/null || exit 1
    if npm ls cdk-nag > /dev/null; then echo "cdk-nag was installed with the construct" >&2; exit 1; fi
    npx tsc -p tsconfig.json || exit 1
    CONSUMER_OUTDIR="${out}/$1/typescript" node app.js || exit 1
    # Then the checks: cdk-nag from npmjs.org, cdk-lgpd-checks from the local registry.
    npm install --no-audit --no-fund "${nag}" || exit 1
    npm install --no-audit --no-fund --prefer-online --legacy-peer-deps --registry "${NPM_REGISTRY}" \
      "cdk-lgpd-checks@${version}" || exit 1
    npm ls --all > /dev/null || exit 1
    npm ls cdk-lgpd-data-pipeline cdk-lgpd-checks aws-cdk-lib constructs cdk-nag
    npx tsc -p tsconfig.checks.json || exit 1
    node checks.js || exit 1
    if [ "$1" = high ]; then CONSUMER_OUTDIR="${work}/$1-typescript/cdk.out.nag" node nag.js || exit 1; fi
  )
}

consumer_python() { # end
  local dir pins pyversion
  dir=$(fresh "$1" python)
  pyversion=$(python_version)
  cp consumers/python/*.py consumers/python/requirements.txt "${dir}/"
  if [ "$1" = low ]; then pins=("constructs==${low_constructs}"); nag="cdk-nag==${low_nag}"; else pins=(); nag="cdk-nag>=3,<4"; fi
  (
    cd "${dir}" || exit 1
    python3 -m venv .venv || exit 1
    .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt "aws-cdk-lib==${cdk[$1]}" "${pins[@]}" || exit 1
    # Our packages from the local index only (no cache: every build reuses the version number); their
    # requirements must be met by what is installed, or pip fails. The construct first: it must not
    # need cdk-nag.
    .venv/bin/pip install --disable-pip-version-check --no-cache-dir --index-url "${PYPI_INDEX}" \
      "cdk-lgpd-data-pipeline==${pyversion}" || exit 1
    .venv/bin/pip check || exit 1
    if .venv/bin/pip show cdk-nag > /dev/null 2>&1; then echo "cdk-nag was installed with the construct" >&2; exit 1; fi
    .venv/bin/pip install --quiet --disable-pip-version-check "${nag}" || exit 1
    .venv/bin/pip install --disable-pip-version-check --no-cache-dir --index-url "${PYPI_INDEX}" \
      "cdk-lgpd-checks==${pyversion}" || exit 1
    .venv/bin/pip check || exit 1
    .venv/bin/pip list 2>/dev/null | grep -E '^(cdk-lgpd-data-pipeline|cdk-lgpd-checks|aws-cdk-lib|constructs|cdk-nag) '
    CONSUMER_OUTDIR="${out}/$1/python" .venv/bin/python -m pytest -p no:cacheprovider -q
  )
}

consumer_java() { # end
  local dir profile
  dir=$(fresh "$1" java)
  cp -r consumers/java/pom.xml consumers/java/src "${dir}/"
  rm -rf "${HOME}/.m2/repository/io/github/cdk-lgpd-data-pipeline"
  if [ "$1" = low ]; then profile=(-Ppeer-low-end "-Dconstructs.version=${low_constructs}" "-Dcdknag.version=${low_nag}"); else profile=(); fi
  (
    cd "${dir}" || exit 1
    CONSUMER_OUTDIR="${out}/$1/java" mvn --batch-mode --no-transfer-progress test \
      "-Dlgpd.version=${version}" "-Dlgpd.repository=file://${MAVEN_REPOSITORY}" "-Dcdk.version=${cdk[$1]}" "${profile[@]}" || exit 1
    mvn --batch-mode --no-transfer-progress --quiet dependency:list -DincludeGroupIds=io.github.cdk-lgpd-data-pipeline,software.amazon.awscdk,software.constructs,io.github.cdklabs \
      "-Dlgpd.version=${version}" "-Dlgpd.repository=file://${MAVEN_REPOSITORY}" "-Dcdk.version=${cdk[$1]}" "${profile[@]}" -DoutputFile=dependencies.txt && cat dependencies.txt
  )
}

GO_MODULES=github.com/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline-go
CDK_NAG_GO=github.com/cdklabs/cdk-nag-go/cdknag/v3

# A fresh Go module in DIR requiring MODULES by our version and aws-cdk-go at the end's version, our
# modules from the local proxy directories given, everything else from the usual proxy. Neither ours nor
# cdk-nag's is in the checksum database (ours is not published yet; cdk-nag's v3 never was). The go
# command indexes a module version's packages once (in GOCACHE), as if its content never changed; ours
# does between two builds of one version, so the index is off (GODEBUG=goindex=0).
go_module() { # dir end proxy-dirs module...
  local dir="$1" end="$2" proxies="$3" modcache requires module
  shift 3
  modcache=$(go env GOMODCACHE)
  for cached in "${modcache}/github.com/cdk-lgpd-data-pipeline" "${modcache}/cache/download/github.com/cdk-lgpd-data-pipeline" \
    "${modcache}/${CDK_NAG_GO}@v${low_nag}" "${modcache}/cache/download/${CDK_NAG_GO}"; do
    [ -e "${cached}" ] && chmod -R u+w "${cached}" && rm -rf "${cached}"
  done
  requires=("-require=github.com/aws/aws-cdk-go/awscdk/v2@v${cdk[${end}]}")
  for module in "$@"; do requires+=("-require=${module}@v$(go_version)"); done
  [ "${end}" = low ] && requires+=("-require=github.com/aws/constructs-go/constructs/v10@v${low_constructs}")
  cd "${dir}" || return 1
  GOPROXY="${proxies},$(go env GOPROXY)"
  export GOPROXY GODEBUG=goindex=0 GONOSUMDB="github.com/cdk-lgpd-data-pipeline,github.com/cdklabs/cdk-nag-go"
  go mod init example.com/lgpdconsumer && go mod edit "${requires[@]}" && go mod tidy
}

# The construct alone, with no cdk-nag module anywhere: the Go proxy does not serve it and the local
# proxy directory given here holds only our modules, so a requirement on it would fail `go mod tidy`.
consumer_go() { # end
  local dir
  dir=$(fresh "$1" go)
  cp consumers/go/app.go consumers/go/app_test.go "${dir}/"
  (
    go_module "${dir}" "$1" "file://${GO_PROXY_DIR}" "${GO_MODULES}/cdklgpddatapipeline" || exit 1
    if go list -m all | grep -q -e "${CDK_NAG_GO}" -e cdklgpdchecks; then echo "the construct's module graph names cdk-nag" >&2; exit 1; fi
    go list -m "${GO_MODULES}/cdklgpddatapipeline" github.com/aws/aws-cdk-go/awscdk/v2 github.com/aws/constructs-go/constructs/v10
    CONSUMER_OUTDIR="${out}/$1/go" go test -count=1 -v ./...
  )
}

# LgpdChecks on the same app: both our modules, and cdk-nag's generated module from its own directory.
consumer_go_checks() { # end
  local dir="${work}/$1-go-checks"
  mkdir -p "${dir}"
  cp consumers/go/app.go consumers/go-checks/checks_test.go "${dir}/"
  (
    go_module "${dir}" "$1" "file://${GO_PROXY_DIR},file://${GO_DEPS_PROXY_DIR}" \
      "${GO_MODULES}/cdklgpddatapipeline" "${GO_MODULES}/cdklgpdchecks" || exit 1
    go list -m "${GO_MODULES}/cdklgpdchecks" "${CDK_NAG_GO}" github.com/aws/aws-cdk-go/awscdk/v2
    go test -count=1 -v ./...
  )
}

for end in "${ends[@]}"; do
  for language in typescript "${languages[@]}"; do
    [ "${end}" = high ] && cdk[high]="${cdk_high[${language}]}"
    for consumer in $(consumers_of "${language}"); do
      step "${end}-${consumer//_/-}" "consumer_${consumer}" "${end}"
    done
  done
done

# ---- Templates and annotations -----------------------------------------------------------------------
for end in "${ends[@]}"; do
  same=()
  [ "${end}" = low ] && same=(--same-templates)
  step "${end}-assemblies" npx ts-node --transpile-only --project tsconfig.dev.json consumers/compare.ts "${same[@]}" "${out}/${end}"
done

[ "${failed}" -eq 0 ]
