#!/usr/bin/env bash
# Runs the whole test suite: installs dependencies, builds, runs every CTest
# test; then the same tests under AddressSanitizer + UndefinedBehaviorSanitizer;
# then each libFuzzer target for 30 s on its seed corpus (tests/fuzz/README.md).
# Set NETREACH_FUZZ_SECONDS to change the fuzzing time (0 skips fuzzing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

step() { printf '\n=== %s (%ss since start)\n' "$1" "$SECONDS"; }

step "normal build and tests"
# Release (no debug info): CI only needs the verdicts; -g costs a third of the
# compile time. Sanitizer reports come from the second build, which has line tables.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNETREACH_UNITY_BUILD=ON >/dev/null
cmake --build build -j2
ctest --test-dir build -j2 --output-on-failure

# One clang build serves both: the fuzz preset compiles everything with
# AddressSanitizer + UndefinedBehaviorSanitizer (plus libFuzzer's coverage
# instrumentation, which changes no behaviour), so the whole suite runs under
# the sanitizers there, and the fuzz targets link against the same objects.
# (The `asan` preset is the same sanitizers with gcc, for local use.)
step "ASan + UBSan build (clang) and tests"
cmake --preset fuzz -DNETREACH_UNITY_BUILD=ON >/dev/null
cmake --build build-fuzz -j2
ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-fuzz -j2 --output-on-failure

fuzz_seconds="${NETREACH_FUZZ_SECONDS:-30}"
if [ "$fuzz_seconds" -gt 0 ]; then
  step "fuzz targets, ${fuzz_seconds} s each"
  # New inputs go to build-fuzz/corpus/<target> (the committed seeds are read
  # only); crash reproducers to build-fuzz/artifacts/. Two at a time (2 cores).
  fuzz() {
    local t="$1"
    mkdir -p "build-fuzz/corpus/$t" build-fuzz/artifacts
    "build-fuzz/fuzz/$t" -max_total_time="$fuzz_seconds" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t-" \
      "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" >"build-fuzz/$t.log" 2>&1 \
      || { echo "FAIL: $t (log: build-fuzz/$t.log)"; tail -n 60 "build-fuzz/$t.log"; return 1; }
    echo "ok: $t: $(grep -E '^stat::number_of_executed_units' "build-fuzz/$t.log" | awk '{print $2}') executions," \
         "$(grep -Eo 'cov: [0-9]+' "build-fuzz/$t.log" | tail -n 1)"
  }
  status=0
  for pair in "fuzz_manifest_loader fuzz_policy_parser" "fuzz_endpoint_ref fuzz_expectations"; do
    pids=()
    for t in $pair; do fuzz "$t" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || status=1; done
  done
  [ "$status" -eq 0 ] || exit 1
fi
step "all tests passed"
