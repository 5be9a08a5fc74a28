#!/usr/bin/env bash
# Peak RSS and CPU time of the real netreach binary on the envelope cluster
# (gen_cluster --envelope, see cluster_generator.h) at three sizes, measured
# with GNU time (/usr/bin/time -v): the ingest alone (`netreach summary`), and
# `netreach check -o json` with 10,000 generated expectations. Then the ratios
# the targets are stated in:
#   check CPU - ingest CPU           at most 1 s
#   check peak RSS / ingest peak RSS at most 2
#   CPU per MB of input+output and RSS per MB of input, medium and large
#   against small: no worse than linear keeps them near 1
#
#   bench/envelope_rss.sh BUILD_DIR [LARGE_PODS]    (default 150000: the envelope)
#
# BUILD_DIR holds netreach and gen_cluster (a build with NETREACH_BENCH on).
# The sizes are LARGE_PODS/9, /3 and LARGE_PODS. Files go to a temporary
# directory, removed at the end. Not run by ctest: it takes minutes.
set -euo pipefail

build=${1:?usage: bench/envelope_rss.sh BUILD_DIR [LARGE_PODS]}
large=${2:-150000}
netreach="$build/netreach"
gen="$build/gen_cluster"
for tool in "$netreach" "$gen" /usr/bin/time; do
  [ -x "$tool" ] || { echo "envelope_rss.sh: $tool is missing (build with NETREACH_BENCH=ON; GNU time is the 'time' package)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure NAME OUTPUT CMD...: runs CMD under GNU time, stdout to OUTPUT; sets
# NAME_cpu (user+system seconds), NAME_rss (peak RSS, MiB), NAME_wall.
measure() {
  local name=$1 output=$2
  shift 2
  local code=0
  /usr/bin/time -v -o "$work/time" "$@" > "$output" 2> "$work/stderr" || code=$?
  if [ "$code" -ge 2 ]; then
    echo "envelope_rss.sh: '$*' exited $code" >&2
    tail -n 20 "$work/stderr" >&2
    exit 2
  fi
  local user sys rss wall
  user=$(awk -F': ' '/User time/ {print $2}' "$work/time")
  sys=$(awk -F': ' '/System time/ {print $2}' "$work/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time")
  printf -v "${name}_cpu" '%s' "$(echo "$user + $sys" | bc -l)"
  printf -v "${name}_rss" '%s' "$(echo "$rss / 1024" | bc -l)"
  printf -v "${name}_wall" '%s' "$wall"
}

mb() { echo "$(stat -c %s "$@" | paste -sd+ | bc) / 1000000" | bc -l; }

printf '%-8s %9s %10s %11s %12s %10s %11s %12s %10s %10s\n' pods input_MB ingest_cpu ingest_MiB check_cpu check_MiB output_MB "check-ingest" rss_ratio
declare -A per_mb_cpu per_mb_rss ingest_per_mb_cpu ingest_per_mb_rss
for pods in $((large / 9)) $((large / 3)) "$large"; do
  dir="$work/envelope-$pods"
  "$gen" --envelope --pods "$pods" --output-dir "$dir" --expectations 10000 --expectations-file "$work/expectations-$pods.yaml"
  input=$(mb "$dir"/*.yaml)
  measure ingest "$work/summary.txt" "$netreach" summary -q -f "$dir"
  measure check "$work/report.json" "$netreach" check -q -f "$dir" -e "$work/expectations-$pods.yaml" -o json
  output=$(mb "$work/report.json")
  printf '%-8s %9.1f %10.2f %11.1f %12.2f %10.1f %11.1f %12.2f %10.2f\n' "$pods" "$input" "$ingest_cpu" "$ingest_rss" \
    "$check_cpu" "$check_rss" "$output" "$(echo "$check_cpu - $ingest_cpu" | bc -l)" "$(echo "$check_rss / $ingest_rss" | bc -l)"
  ingest_per_mb_cpu[$pods]=$(echo "$ingest_cpu / $input" | bc -l)
  ingest_per_mb_rss[$pods]=$(echo "$ingest_rss / $input" | bc -l)
  per_mb_cpu[$pods]=$(echo "$check_cpu / ($input + $output)" | bc -l)
  per_mb_rss[$pods]=$(echo "$check_rss / $input" | bc -l)
  rm -rf "$dir" "$work/report.json"
done

small=$((large / 9))
echo
echo "growth against $small pods (1.00 = linear in input+output size):"
printf '%-8s %18s %18s %18s %18s\n' pods "ingest CPU/MB" "ingest RSS/MB" "check CPU/MB" "check RSS/MB"
for pods in "$small" $((large / 3)) "$large"; do
  printf '%-8s %18.2f %18.2f %18.2f %18.2f\n' "$pods" \
    "$(echo "${ingest_per_mb_cpu[$pods]} / ${ingest_per_mb_cpu[$small]}" | bc -l)" \
    "$(echo "${ingest_per_mb_rss[$pods]} / ${ingest_per_mb_rss[$small]}" | bc -l)" \
    "$(echo "${per_mb_cpu[$pods]} / ${per_mb_cpu[$small]}" | bc -l)" \
    "$(echo "${per_mb_rss[$pods]} / ${per_mb_rss[$small]}" | bc -l)"
done
echo "(check: CPU per MB of input + output, RSS per MB of input)"
