#!/usr/bin/env bash
# Installs the Debian packages cwlogd needs to build and test, if any are missing. Debian 12
# (bookworm) and 13 (trixie) are supported; the build adapts to the versions each ships.
# Runs apt-get as root, through sudo otherwise. Safe to run again: it does nothing when all is there.
set -euo pipefail

# Boost.Beast needs Boost 1.81 or later: Debian 12's default libboost-dev is 1.74, so take its
# libboost1.81-dev there; Debian 13's default is 1.83.
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
boost=libboost-dev
[ "$codename" = bookworm ] && boost=libboost1.81-dev

build_packages=(
  build-essential cmake ninja-build pkg-config
  "$boost" nlohmann-json3-dev librocksdb-dev libfmt-dev catch2
  libre2-dev libsimdjson-dev libssl-dev zlib1g-dev liblz4-dev libcairo2-dev
)
# Tests drive the server with real clients: python3 + boto3, the aws CLI v2 (Debian's awscli),
# clang for the libFuzzer targets, and clang-format + clang-tidy (with run-clang-tidy) for the lint
# stage (scripts/lint.sh).
# The console's browser tests need chromium with its driver and selenium; the agent's tests
# rotate files with logrotate.
test_packages=(python3 awscli clang libclang-rt-dev curl clang-format clang-tidy python3-aiosmtpd
               chromium chromium-driver python3-selenium logrotate)

mode=${1:-build}
wanted=("${build_packages[@]}")
[ "$mode" = test ] && wanted+=("${test_packages[@]}")

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node.js and npm (for the JS SDK tests) are looked for as commands, not packages: many machines
# carry NodeSource's nodejs, which bundles npm and conflicts with Debian's npm package.
if [ "$mode" = test ]; then
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
# boto3 may come from the machine's own python (pip) or from Debian's python3-boto3.
if [ "$mode" = test ] && ! python3 -c 'import boto3' 2>/dev/null; then
  missing+=(python3-boto3)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
