#!/usr/bin/env bash
# Installs netreach's build and test dependencies from Debian packages.
# Idempotent: packages already present are left alone.
set -euo pipefail
packages=(
  build-essential cmake pkg-config git
  libyaml-dev libfmt-dev nlohmann-json3-dev libcli11-dev catch2 libbenchmark-dev libboost-graph-dev
  clang libclang-rt-14-dev
  time
)
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
