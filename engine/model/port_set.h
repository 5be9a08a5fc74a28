// PortSet: a set of (protocol, port) pairs, as sorted disjoint closed ranges
// per L4 protocol (TCP, UDP, SCTP).
//
// The graph carries one PortSet per edge and side instead of a verdict per
// port: a rule's toPorts becomes a PortSet once, and the side's decision is
// set algebra over them (allowed minus denied, docs/semantics.md#deny-wins).
// ICMP is not a port protocol (Cilium's toPorts ANY expands to TCP, UDP and
// SCTP only, pkg/policy/api/l4.go), so it has no place here.
#pragma once

#include <array>
#include <cstdint>
#include <string>

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
  static constexpr size_t kProtocols = 3;  // TCP, UDP, SCTP
  static PortSet all();                    // 1-65535 (and port 0) on every protocol
  static PortSet none() { return PortSet{}; }

  // Adds [first, last] on `protocol`; Protocol::Any adds it to TCP, UDP and SCTP.
  // ICMP adds nothing.
  void add(Protocol protocol, uint16_t first, uint16_t last);

  bool empty() const;
  bool contains(Protocol protocol, uint16_t port) const;
  const Ranges& ranges(Protocol protocol) const;

  PortSet& operator|=(const PortSet& other);
  PortSet& operator&=(const PortSet& other);
  PortSet& operator-=(const PortSet& other);
  friend PortSet operator|(PortSet a, const PortSet& b) { return a |= b; }
  friend PortSet operator&(PortSet a, const PortSet& b) { return a &= b; }
  friend PortSet operator-(PortSet a, const PortSet& b) { return a -= b; }
  friend bool operator==(const PortSet&, const PortSet&) = default;

  // "TCP 80,443,8000-8100; UDP 53"; "any port" for all(); "" for none().
  // Ports 0-65535 of one protocol print as "TCP all".
  std::string to_string() const;
  // For hash tables of port sets (the graph interns them).
  size_t hash() const;

 private:
  std::array<Ranges, kProtocols> ranges_;
};

// The index of a port protocol in PortSet (TCP 0, UDP 1, SCTP 2); ICMP and Any
// have none.
inline constexpr Protocol kPortProtocols[PortSet::kProtocols] = {Protocol::TCP, Protocol::UDP, Protocol::SCTP};

}  // namespace netreach
