#!/usr/bin/env bash
# Regenerates the seed corpora in tests/fuzz/corpus/<target>/ from the small
# YAML/JSON files under fixtures/ and tests/ (plus the hand-written seeds kept
# in tests/fuzz/seeds/). Seeds are named by content hash, so rerunning is
# idempotent. Run from anywhere; writes only below tests/fuzz/corpus/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
corpus="$here/corpus"
max_bytes=16384

add() {  # add TARGET FILE
  local sum
  sum="$(sha1sum "$2" | cut -c1-16)"
  cp "$2" "$corpus/$1/$sum"
}

mkdir -p "$corpus"/{fuzz_manifest_loader,fuzz_policy_parser,fuzz_endpoint_ref,fuzz_expectations}

# Manifests (everything that is not an expectations file or a kustomization).
while IFS= read -r -d '' f; do
  [ "$(stat -c %s "$f")" -le "$max_bytes" ] || continue
  base="$(basename "$f")"
  if grep -q '^kind: Expectations' "$f"; then
    add fuzz_expectations "$f"
  elif [[ "$base" != kustomization.* ]]; then
    add fuzz_manifest_loader "$f"
    if grep -Eq 'kind: *(CiliumNetworkPolicy|CiliumClusterwideNetworkPolicy|NetworkPolicy)' "$f"; then
      add fuzz_policy_parser "$f"
    fi
  fi
done < <(find "$root/fixtures" "$root/tests/conformance" "$root/tests/data" \
           -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 | sort -z)

# Hand-written seeds: hostile YAML for the loaders, reference strings for the
# endpoint target, edge cases for the expectations target.
for target in fuzz_manifest_loader fuzz_policy_parser fuzz_endpoint_ref fuzz_expectations; do
  if [ -d "$here/seeds/$target" ]; then
    for f in "$here/seeds/$target"/*; do add "$target" "$f"; done
  fi
done
for t in "$corpus"/*; do echo "$(basename "$t"): $(ls "$t" | wc -l) seeds"; done
