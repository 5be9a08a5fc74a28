// AddressAtoms: the address space outside the cluster, cut into the pieces
// that the policies can tell apart.
//
// Every prefix and `except` of every CIDR rule is a boundary. An atom is the
// set of addresses that lie inside exactly the same prefixes; two addresses of
// one atom are matched by exactly the same CIDR rules, so one representative
// address stands for the whole atom (a CIDR rule contains the atom iff it
// contains the representative). Atoms with the same membership are one atom,
// even when they are not adjacent: "world, any other address" is the atom
// inside no prefix at all.
//
// Cilium never matches CIDR rules against pods or nodes (they carry their own
// identities, pkg/policy/api/cidr.go), so atoms only stand for `world`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/cidr.h"

namespace netreach {

struct AddressAtom {
  IpAddress representative;  // an address inside the atom
  // "10.0.0.0/8 except 10.96.0.0/12", or "world" (IPv4 addresses inside no
  // prefix) / "world-ipv6" (the same for IPv6).
  std::string display;
  bool v6 = false;
  // The innermost prefix containing the atom; none for the atom inside no
  // prefix. An address belongs to the atom of the longest prefix containing it.
  std::optional<IpPrefix> prefix;
};

// The atoms of `prefixes` (every prefix and every except, in any order, with
// repetitions). There is always an IPv4 "world" atom; IPv6 atoms exist only
// when some prefix is IPv6. Sorted: IPv4 before IPv6, then by representative.
std::vector<AddressAtom> address_atoms(const std::vector<IpPrefix>& prefixes);

}  // namespace netreach
