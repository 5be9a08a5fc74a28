// PortSet: a set of (protocol, port) pairs, as sorted disjoint closed ranges
// per L4 protocol (TCP, UDP, SCTP), and of ICMP and ICMPv6 types.
//
// The graph carries one PortSet per edge and side instead of a verdict per
// port: a rule's toPorts and icmps become a PortSet once, and the side's
// decision is set algebra over them (allowed minus denied,
// docs/semantics.md#deny-wins). Cilium keys ICMP like a port: the protocol is
// the family, the port the type (pkg/policy/api/icmp.go), so the types are
// ranges here too. Both families share one list of ranges (ICMP types 0-255
// as 0-255, ICMPv6 types as 256-511): one more list than the port
// protocols, not two, since the set is copied millions of times per cluster.
// toPorts ANY never adds ICMP (it is TCP, UDP and SCTP, pkg/policy/api/l4.go);
// an L3-only rule allows all() of it, ICMP included.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "model/protocol.h"

namespace netreach {

struct PortRange {
  uint16_t first = 0;
  uint16_t last = 0;  // inclusive
  friend bool operator==(const PortRange&, const PortRange&) = default;
};

class PortSet {
 public:
  // Inline room for two ranges per protocol: most rules name a port or two,
  // and the graph combines millions of these per cluster, so a heap
  // allocation per copy would cost more than the set algebra itself.
  using Ranges = boost::container::small_vector<PortRange, 2>;
  static constexpr size_t kProtocols = 4;  // TCP, UDP, SCTP, ICMP (both families)
  static PortSet all();                    // every port of TCP, UDP and SCTP, every ICMP and ICMPv6 type
  static PortSet all_ports();              // every port of TCP, UDP and SCTP (toPorts ANY, port 0), no ICMP
  static PortSet none() { return PortSet{}; }

  // Adds [first, last] on `protocol`; Protocol::Any adds it to TCP, UDP and
  // SCTP (never ICMP). For ICMP and ICMPv6, first and last are types: what
  // lies above 255 is left out.
  void add(Protocol protocol, uint16_t first, uint16_t last);

  bool empty() const;
  bool contains(Protocol protocol, uint16_t port) const;
  // The ranges of one protocol (for ICMP and ICMPv6, of types). A copy: the
  // two ICMP families share one stored list. For reports, not the set algebra.
  std::vector<PortRange> ranges(Protocol protocol) const;

  PortSet& operator|=(const PortSet& other);
  PortSet& operator&=(const PortSet& other);
  PortSet& operator-=(const PortSet& other);
  friend PortSet operator|(PortSet a, const PortSet& b) { return a |= b; }
  friend PortSet operator&(PortSet a, const PortSet& b) { return a &= b; }
  friend PortSet operator-(PortSet a, const PortSet& b) { return a -= b; }
  friend bool operator==(const PortSet&, const PortSet&) = default;

  // "TCP 80,443,8000-8100; UDP 53; ICMP 0,8; ICMPv6 128"; "any port" for
  // all_ports(), "any port; ICMP all; ICMPv6 all" for all(); "" for none().
  // Ports 0-65535 of one protocol print as "TCP all", types 0-255 as "ICMP all".
  std::string to_string() const;
  // For hash tables of port sets (the graph interns them).
  size_t hash() const;

 private:
  std::array<Ranges, kProtocols> ranges_;
};

// The port protocols, in PortSet's order (TCP 0, UDP 1, SCTP 2).
inline constexpr Protocol kPortProtocols[] = {Protocol::TCP, Protocol::UDP, Protocol::SCTP};
// The ICMP families, which an icmps field names and toPorts never covers.
inline constexpr Protocol kIcmpProtocols[] = {Protocol::ICMP, Protocol::ICMPv6};

}  // namespace netreach
