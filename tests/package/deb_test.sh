#!/usr/bin/env bash
# CTest `package_deb` (label: package): CPack builds the .deb from the build
# directory given, dpkg-deb unpacks it, and the packaged binary, man page and
# completions are checked. Exit 77 (skipped) without cpack or dpkg-deb.
set -euo pipefail
build=$1
for program in cpack dpkg-deb; do
  command -v "$program" >/dev/null || { echo "SKIPPED: needs $program"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/netreach_*.deb)
dpkg-deb -x "$deb" "$work/root"
fail() { echo "FAIL: $*"; exit 1; }
"$work/root/usr/bin/netreach" --version | grep -q '^netreach [0-9]' || fail "the packaged binary does not print its version"
"$work/root/usr/bin/netreach" --version | grep -q 'Cilium v' || fail "--version does not name the Cilium release followed"
[ -s "$work/root/usr/share/man/man1/netreach.1" ] || fail "no man page"
[ -s "$work/root/usr/share/bash-completion/completions/netreach" ] || fail "no bash completion"
[ -s "$work/root/usr/share/zsh/vendor-completions/_netreach" ] || fail "no zsh completion"
[ -s "$work/root/usr/share/fish/vendor_completions.d/netreach.fish" ] || fail "no fish completion"
control=$(dpkg-deb -f "$deb")
echo "$control"
echo "$control" | grep -q '^Depends:.*libyaml' || fail "Depends does not name the runtime libraries"
echo "$control" | grep -q '^Recommends: kubectl' || fail "kubectl is not recommended"
echo "ok: $(basename "$deb")"
