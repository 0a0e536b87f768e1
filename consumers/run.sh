#!/usr/bin/env bash
# Installed by name (projen task `test:install`, spawned by `ci`). Publishes the packages in dist/ to
# local registries it starts on 127.0.0.1 (consumers/registries/registries.sh: Verdaccio, pypiserver,
# a file:// Maven repository, a GOPROXY=file:// directory) and stops them when it ends, however it
# ends. Then fresh consumer projects in TypeScript, Python, Java and Go install cdk-lgpd-data-pipeline
# BY NAME AND VERSION from them, with aws-cdk-lib and cdk-nag from the usual registries, and synthesize
# the same two stacks (consumers/typescript/app.ts and its translations), at both ends of the
# aws-cdk-lib peer range:
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
# The version is the built npm package's (dist/js): 0.0.0 from a build, the bumped one after
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
tarballs=(dist/js/*.tgz)
if [ ! -f "${tarballs[0]}" ] || [ ${#tarballs[@]} -ne 1 ]; then
  echo "dist/js must hold one npm tarball: run \`npx projen build\` (or \`npx projen release\`) first" >&2
  exit 1
fi
version=$(tar -xzOf "${tarballs[0]}" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0, "utf-8")).version')
dev_pin() { node -p "require('./package.json').devDependencies['$1']"; }
newest() { node -p "require('./consumers/aws-cdk-lib-newest.json')['$1']"; }
declare -A cdk=([low]="$(dev_pin aws-cdk-lib)")
low_constructs=$(dev_pin constructs)
low_nag=$(dev_pin cdk-nag)
declare -A cdk_high=([typescript]="$(newest typescript)" [python]="$(newest python)" [java]="$(newest java)" [go]="$(newest go)")
echo "cdk-lgpd-data-pipeline ${version}"
echo "low end: aws-cdk-lib ${cdk[low]}, constructs ${low_constructs}, cdk-nag ${low_nag}"
echo "high end: aws-cdk-lib $(for l in typescript python java go; do printf '%s %s, ' "${l}" "${cdk_high[${l}]}"; done | sed 's/, $//')"

# ---- Packages: what dist/ lacks ----------------------------------------------------------------------
stale() { [ -z "$(find "$@" -maxdepth 0 -newer "${tarballs[0]}" 2>/dev/null)" ]; }
package_python() { stale dist/python/*.whl && npx projen package:python; return 0; }
package_java() { stale "dist/java/io/github/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline/${version}"/*.pom && npx projen package:java; return 0; }
package_go() { { stale dist/go/cdklgpddatapipeline/version || [ ! -d dist/go-deps/cdknag ]; } && npx projen package:go; return 0; }
for language in "${languages[@]}"; do
  step "package-${language}" "package_${language}" || exit 1
done
# Each language's own spelling of the version, read from its package (a pre-release 0.1.0-alpha.0 is
# 0.1.0a0 to Python, for one).
python_version() { basename dist/python/*.whl | cut -d- -f2; }
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
  cp consumers/typescript/app.ts consumers/typescript/nag.ts consumers/typescript/tsconfig.json "${dir}/"
  if [ "$1" = low ]; then peers=("constructs@${low_constructs}" "cdk-nag@${low_nag}"); else peers=("constructs@^10" "cdk-nag@^3"); fi
  (
    cd "${dir}" || exit 1
    echo '{ "name": "lgpd-consumer", "version": "0.0.0", "private": true }' > package.json
    npm install --no-audit --no-fund "aws-cdk-lib@${cdk[$1]}" "${peers[@]}" typescript@~5.9.0 @types/node@^22 || exit 1
    # Our package alone from the local registry (it has no uplink to serve the rest). npm would look
    # the peers up there too, so they are not resolved in this step; `npm ls` then fails if the
    # installed aws-cdk-lib, constructs or cdk-nag is outside our peer ranges.
    npm install --no-audit --no-fund --prefer-online --legacy-peer-deps --registry "${NPM_REGISTRY}" \
      "cdk-lgpd-data-pipeline@${version}" || exit 1
    npm ls --all > /dev/null || exit 1
    npm ls cdk-lgpd-data-pipeline aws-cdk-lib constructs cdk-nag
    npx tsc || exit 1
    CONSUMER_OUTDIR="${out}/$1/typescript" node app.js || exit 1
    if [ "$1" = high ]; then CONSUMER_OUTDIR="${work}/$1-typescript/cdk.out.nag" node nag.js || exit 1; fi
  )
}

consumer_python() { # end
  local dir pins pyversion
  dir=$(fresh "$1" python)
  pyversion=$(python_version)
  cp consumers/python/app.py consumers/python/test_app.py consumers/python/test_add_on.py consumers/python/requirements.txt "${dir}/"
  if [ "$1" = low ]; then pins=("constructs==${low_constructs}" "cdk-nag==${low_nag}"); else pins=("cdk-nag>=3,<4"); fi
  (
    cd "${dir}" || exit 1
    python3 -m venv .venv || exit 1
    .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt "aws-cdk-lib==${cdk[$1]}" "${pins[@]}" || exit 1
    # Our package from the local index only (no cache: every build reuses the version number); its
    # requirements must be met by what is installed, or pip fails.
    .venv/bin/pip install --disable-pip-version-check --no-cache-dir --index-url "${PYPI_INDEX}" \
      "cdk-lgpd-data-pipeline==${pyversion}" || exit 1
    .venv/bin/pip check || exit 1
    .venv/bin/pip list 2>/dev/null | grep -E '^(cdk-lgpd-data-pipeline|aws-cdk-lib|constructs|cdk-nag) '
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

consumer_go() { # end
  local dir modcache requires module goversion
  dir=$(fresh "$1" go)
  goversion=$(go_version)
  cp consumers/go/app.go consumers/go/app_test.go "${dir}/"
  module=github.com/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline-go/cdklgpddatapipeline
  modcache=$(go env GOMODCACHE)
  for cached in "${modcache}/github.com/cdk-lgpd-data-pipeline" "${modcache}/cache/download/github.com/cdk-lgpd-data-pipeline" \
    "${modcache}/github.com/cdklabs/cdk-nag-go/cdknag/v3@v${low_nag}" "${modcache}/cache/download/github.com/cdklabs/cdk-nag-go/cdknag/v3"; do
    [ -e "${cached}" ] && chmod -R u+w "${cached}" && rm -rf "${cached}"
  done
  requires=("-require=${module}@v${goversion}" "-require=github.com/aws/aws-cdk-go/awscdk/v2@v${cdk[$1]}")
  if [ "$1" = low ]; then
    requires+=("-require=github.com/aws/constructs-go/constructs/v10@v${low_constructs}" "-require=github.com/cdklabs/cdk-nag-go/cdknag/v3@v${low_nag}")
  fi
  (
    cd "${dir}" || exit 1
    # Our module and cdk-nag's from the local proxy directory, everything else from the usual proxy.
    # Neither is in the checksum database (ours is not published yet; cdk-nag's v3 never was). The go
    # command indexes a module version's packages once (in GOCACHE), as if its content never changed;
    # ours does between two builds of one version, so the index is off (GODEBUG=goindex=0).
    GOPROXY="file://${GO_PROXY_DIR},$(go env GOPROXY)"
    export GOPROXY GODEBUG=goindex=0
    export GONOSUMDB="github.com/cdk-lgpd-data-pipeline,github.com/cdklabs/cdk-nag-go"
    go mod init example.com/lgpdconsumer && go mod edit "${requires[@]}" && go mod tidy || exit 1
    go list -m "${module}" github.com/aws/aws-cdk-go/awscdk/v2 github.com/aws/constructs-go/constructs/v10 github.com/cdklabs/cdk-nag-go/cdknag/v3
    CONSUMER_OUTDIR="${out}/$1/go" go test -count=1 -v ./...
  )
}

for end in "${ends[@]}"; do
  for language in typescript "${languages[@]}"; do
    [ "${end}" = high ] && cdk[high]="${cdk_high[${language}]}"
    step "${end}-${language}" "consumer_${language}" "${end}"
  done
done

# ---- Templates and annotations -----------------------------------------------------------------------
for end in "${ends[@]}"; do
  same=()
  [ "${end}" = low ] && same=(--same-templates)
  step "${end}-assemblies" npx ts-node --transpile-only --project tsconfig.dev.json consumers/compare.ts "${same[@]}" "${out}/${end}"
done

[ "${failed}" -eq 0 ]
