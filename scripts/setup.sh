#!/usr/bin/env bash
# Installs netreach's dependencies from Debian packages. Idempotent: packages
# already present are left alone.
#   bash scripts/setup.sh               everything: build, tests, sanitizers, fuzzing, benchmarks
#   bash scripts/setup.sh --build-only  what building, installing and packaging the tool needs
set -euo pipefail
build=(build-essential cmake ninja-build pkg-config git dpkg-dev
       libyaml-dev libfmt-dev nlohmann-json3-dev libcli11-dev libboost-graph-dev libre2-dev)
tests=(catch2 libbenchmark-dev clang libclang-rt-14-dev
       time util-linux python3 python3-junitparser   # GNU time, setpriv, a real JUnit consumer
       chromium graphviz)                            # the HTML report opened in a browser, its drawings
packages=("${build[@]}")
[ "${1:-}" = "--build-only" ] || packages+=("${tests[@]}")
# kustomization directories are built with kustomize or kubectl; Debian's
# kubectl is the kubernetes-client package.
if ! command -v kustomize >/dev/null && ! command -v kubectl >/dev/null; then
  packages+=(kubernetes-client)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
if ! command -v kustomize >/dev/null && ! command -v kubectl >/dev/null; then
  echo "note: neither kustomize nor kubectl is installed; kustomization directories cannot be built" >&2
fi
