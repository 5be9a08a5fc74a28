#!/usr/bin/env bash
# CTest `package_dpkg_install` (label: package): CPack builds the .deb from the
# build directory given and `dpkg -i` installs it for real, into a throwaway
# root with its own dpkg database, without needing root: dpkg unpacks, checks
# the Depends against the versions installed on this machine and configures
# the package as it would in /. Then the installed binary runs, the installed
# man page is formatted by man(1) without warnings, and the completions are in
# the directories bash-completion, zsh and fish search (and load there when
# those shells are installed).
# Exit 77 (skipped) without cpack, dpkg or dpkg-query.
set -euo pipefail
build=$1
for program in cpack dpkg dpkg-deb dpkg-query; do
  command -v "$program" >/dev/null || { echo "SKIPPED: needs $program"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/netreach_*.deb)

# The throwaway root's dpkg database knows only the packages the .deb depends
# on, each as this machine has it installed (so dpkg checks the versions the
# Depends line asks for); their file lists are empty.
root="$work/root"
admin="$root/var/lib/dpkg"
mkdir -p "$admin/info" "$admin/updates" "$admin/triggers"
: >"$admin/status"
depends=$(dpkg-deb -f "$deb" Depends)
[ -n "$depends" ] || fail "the package has no Depends"
for package in $(echo "$depends" | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/^ *//; s/ *$//'); do
  dpkg-query -s "$package" >>"$admin/status" 2>/dev/null || fail "dependency $package is not installed on this machine"
  echo >>"$admin/status"
  : >"$admin/info/$package.list"
done
# HOME: dpkg reads ~/.dpkg.cfg; the test's own, empty one.
HOME="$work" dpkg --root="$root" --admindir="$admin" --log=/dev/null --force-not-root --force-script-chrootless \
  -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i failed"; }
status=$(HOME="$work" dpkg-query --admindir="$admin" -W -f '${Status} ${Version}' netreach)
[ "$status" = "install ok installed $(dpkg-deb -f "$deb" Version)" ] || fail "dpkg says the package is '$status'"
# What dpkg installed, as its database lists it.
HOME="$work" dpkg-query --admindir="$admin" -L netreach >"$work/files"
for file in /usr/bin/netreach /usr/share/man/man1/netreach.1 /usr/share/bash-completion/completions/netreach \
  /usr/share/zsh/vendor-completions/_netreach /usr/share/fish/vendor_completions.d/netreach.fish; do
  grep -qx "$file" "$work/files" || fail "dpkg did not install $file"
  [ -s "$root$file" ] || fail "$file is empty or absent in the root"
done

version=$("$root/usr/bin/netreach" --version) || fail "the installed binary does not run"
echo "$version"
echo "$version" | grep -q '^netreach [0-9]' || fail "the installed binary does not print its version"
echo "$version" | grep -q 'Cilium v' || fail "--version does not name the Cilium release followed"

if command -v man >/dev/null; then
  # man --warnings: groff's warnings about the page (bad requests, lines it
  # cannot set) on stderr; the page must have none.
  MANWIDTH=80 man --warnings -E UTF-8 -l "$root/usr/share/man/man1/netreach.1" >"$work/man.txt" 2>"$work/man.err" ||
    { cat "$work/man.err"; fail "man cannot format the installed page"; }
  [ ! -s "$work/man.err" ] || { cat "$work/man.err"; fail "man warns about the installed page"; }
  grep -q 'NETREACH(1)' "$work/man.txt" || fail "the formatted page has no NETREACH(1) header"
  grep -q 'netreach query' "$work/man.txt" || fail "the formatted page does not show the query command"
else
  echo "note: man is not installed; the page was not formatted"
fi

# Completions: the directories each shell searches under XDG_DATA_DIRS
# (bash-completion's loader, fish) or its vendor fpath (Debian's zsh). Where
# the shell is installed, the completion is loaded from the root the way the
# shell would find it.
share="$root/usr/share"
if [ -f /usr/share/bash-completion/bash_completion ]; then
  XDG_DATA_DIRS="$share" bash -c 'source /usr/share/bash-completion/bash_completion
    __load_completion netreach || _completion_loader netreach; complete -p netreach' >"$work/bash.out" 2>&1 ||
    { cat "$work/bash.out"; fail "bash-completion does not find the installed completion"; }
else
  echo "note: bash-completion is not installed; its directory was checked only"
  bash -n "$share/bash-completion/completions/netreach" || fail "the bash completion does not parse"
fi
if command -v zsh >/dev/null; then
  zsh -fc "fpath=($share/zsh/vendor-completions \$fpath); autoload -Uz compinit; compinit -u -D; (( \$+_comps[netreach] ))" ||
    fail "zsh does not find the installed completion in its vendor-completions"
else
  echo "note: zsh is not installed; its directory was checked only"
fi
if command -v fish >/dev/null; then
  XDG_DATA_DIRS="$share" fish -c 'complete -C "netreach "' | grep -q '^query' ||
    fail "fish does not find the installed completion in vendor_completions.d"
else
  echo "note: fish is not installed; its directory was checked only"
fi
echo "ok: dpkg -i $(basename "$deb") into a throwaway root"
