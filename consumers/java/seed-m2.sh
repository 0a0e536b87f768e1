#!/usr/bin/env bash
# Maven Central serves io.github.cdklabs:cdknag:3.0.2 but its maven-metadata.xml still lists 2.x only,
# so the version range jsii-pacmak writes for the cdk-nag peer dependency ([3.0.2,4.0.0)) resolves to
# nothing and `package:java` fails. Installing the artifact into the local repository (~/.m2) records
# 3.0.2 in maven-metadata-local.xml, which the range resolution reads. Idempotent, quiet.
set -euo pipefail
version=3.0.2
dir="${HOME}/.m2/repository/io/github/cdklabs/cdknag"
if [ -f "${dir}/maven-metadata-local.xml" ] && grep -q "<version>${version}</version>" "${dir}/maven-metadata-local.xml"; then
  exit 0
fi
mvn --quiet --batch-mode dependency:get -Dtransitive=false -Dartifact="io.github.cdklabs:cdknag:${version}" \
  && mvn --quiet --batch-mode dependency:get -Dtransitive=false -Dartifact="io.github.cdklabs:cdknag:${version}:pom"
# install-file refuses a source file inside the local repository: install from a copy.
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
cp "${dir}/${version}/cdknag-${version}.jar" "${dir}/${version}/cdknag-${version}.pom" "${tmp}/"
mvn --quiet --batch-mode install:install-file -Dfile="${tmp}/cdknag-${version}.jar" -DpomFile="${tmp}/cdknag-${version}.pom"
