#!/usr/bin/env bash
# Builds netreach without its tests (no Catch2, no Google Benchmark), makes the
# Debian package with CPack and installs it with dpkg:
#   bash scripts/package.sh            build-pkg/netreach_<version>_<arch>.deb, installed
#   bash scripts/package.sh --no-install   only the package
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --build-only
cmake -S . -B build-pkg -DCMAKE_BUILD_TYPE=Release -DNETREACH_TESTS=OFF -DNETREACH_BENCH=OFF >/dev/null
cmake --build build-pkg -j2
(cd build-pkg && cpack -G DEB >/dev/null)
deb=$(ls build-pkg/netreach_*.deb | head -n 1)
echo "package: $deb"
if [ "${1:-}" != "--no-install" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO dpkg -i "$deb"
  netreach --version
fi
