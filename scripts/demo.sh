#!/usr/bin/env bash
# The main job on the bundled fixture (the seed document's use case):
#  1. the seed's policy: partner-api -> auth is denied, and why (both sides);
#  2. the CI gate over the seed's intended flows: it fails;
#  3. the corrected policies: the same gate passes.
# Sets up and builds first. Exits non-zero only if netreach does not behave so.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 2
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 2
cmake --build build -j2 --target netreach >/dev/null || exit 2

run() {  # expected-exit-code command...
  local expected=$1; shift
  printf '\n$ %s\n' "$*"
  "$@"
  local code=$?
  printf '(exit %s)\n' "$code"
  if [ "$code" -ne "$expected" ]; then
    echo "demo: expected exit $expected" >&2
    exit 1
  fi
}

run 1 ./build/netreach query -f fixtures/seed/clusters/prod partner-cp/partner-api global-auth/auth --port 5555
run 1 ./build/netreach check -f fixtures/seed/clusters/prod -e fixtures/seed/expectations.yaml
run 0 ./build/netreach check -f fixtures/corrected/clusters/prod -e fixtures/corrected/expectations.yaml
