#!/usr/bin/env bash
# Consumer tests (projen task `test:consumers`, spawned by `ci`). For each language: build its package
# with jsii-pacmak (`npx projen package:<language>`), install it the way a user of that language
# would, synthesize the consumer app and check it with the language's test runner; then compare every
# template with the TypeScript reference app's. Prints build and test time and package size per
# language.
#
# Also checks the API's jsii shape first (consumers/api-shape.ts).
#
#   bash consumers/run.sh                 # python, java and go
#   bash consumers/run.sh python          # one language
#   SKIP_PACKAGE=1 bash consumers/run.sh  # reuse the packages already in dist/
#
# Caches (on the machine, outside the repo): pip's wheel cache, ~/.m2, the Go module and build caches;
# the Python virtual environment is kept in consumers/python/.venv (git-ignored) and refreshed.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
languages=("$@")
[ ${#languages[@]} -gt 0 ] || languages=(python java go)

out="${root}/consumers/out"
rm -rf "${out}"
mkdir -p "${out}"
summary=()
passed=0
failed=0

now() { date +%s; }
size_of() { du -sh "$@" 2>/dev/null | awk '{print $1}' | paste -sd+ -; }
result() { # language status package_seconds test_seconds size
  summary+=("$(printf '%-10s %-5s package %4ss  test %4ss  %s' "$1" "$2" "$3" "$4" "$5")")
  if [ "$2" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

package() { # language
  [ -n "${SKIP_PACKAGE:-}" ] && return 0
  npx projen "package:$1"
}

run_typescript() {
  npx ts-node --project tsconfig.dev.json consumers/typescript/app.ts
}

run_python() {
  local venv="${root}/consumers/python/.venv"
  [ -x "${venv}/bin/python" ] || python3 -m venv "${venv}" || return 1
  "${venv}/bin/pip" install --quiet --disable-pip-version-check -r consumers/python/requirements.txt || return 1
  # Same version (0.0.0) every build: force the wheel that was just built.
  "${venv}/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps dist/python/*.whl || return 1
  (cd consumers/python && "${venv}/bin/python" -m pytest -p no:cacheprovider -v)
}

run_java() {
  # The jar's version is 0.0.0 every build: drop the copy Maven cached from the previous one.
  rm -rf "${HOME}/.m2/repository/io/github/cdk-lgpd-data-pipeline"
  bash consumers/java/seed-m2.sh || return 1
  (cd consumers/java && mvn --batch-mode --no-transfer-progress test)
}

run_go() {
  (cd consumers/go && go test -count=1 -v ./...)
}

sizes() {
  case "$1" in
    typescript) size_of dist/js/*.tgz ;;
    python) size_of dist/python/*.whl ;;
    java) size_of dist/java/io/github/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline/*/cdk-lgpd-data-pipeline-*[0-9].jar ;;
    go) size_of dist/go/cdklgpddatapipeline ;;
  esac
}

# The API's jsii shape: no union or any types, every optional prop documents its default.
echo "=== jsii API shape"
t0=$(now)
if npx ts-node --transpile-only --project tsconfig.dev.json consumers/api-shape.ts; then status=ok; else status=FAIL; fi
result api-shape "${status}" 0 $(( $(now) - t0 )) ""

# The reference: the TypeScript app with the same props, from the compiled library (lib/).
echo "=== typescript (reference)"
t0=$(now)
if run_typescript; then result typescript ok 0 $(( $(now) - t0 )) "$(sizes typescript)"
else result typescript FAIL 0 $(( $(now) - t0 )) "$(sizes typescript)"; fi

for language in "${languages[@]}"; do
  echo "=== ${language}"
  t0=$(now)
  if ! package "${language}"; then
    result "${language}" FAIL $(( $(now) - t0 )) 0 "(package failed)"
    continue
  fi
  t1=$(now)
  if "run_${language}"; then status=ok; else status=FAIL; fi
  result "${language}" "${status}" $(( t1 - t0 )) $(( $(now) - t1 )) "$(sizes "${language}")"
done

echo "=== template comparison"
t0=$(now)
if npx ts-node --transpile-only --project tsconfig.dev.json consumers/compare.ts "${languages[@]}"; then status=ok; else status=FAIL; fi
result compare "${status}" 0 $(( $(now) - t0 )) ""

echo
echo "Consumer tests (package = jsii-pacmak build, test = install + synth + checks; size = package size)"
printf '%s\n' "${summary[@]}" | tee "${out}/summary.txt"
echo "consumers: ${passed} passed, ${failed} failed"
[ "${failed}" -eq 0 ]
