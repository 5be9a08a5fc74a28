// IpAddress, IpPrefix and CidrRule: the CIDR matchers of toCIDR/toCIDRSet/ipBlock;
// CidrGroup: a CiliumCIDRGroup object, the prefixes a cidrGroupRef names.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/source.h"

namespace netreach {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // v4 uses the first 4

  static std::optional<IpAddress> parse(std::string_view text);
  std::string to_string() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

struct IpPrefix {
  IpAddress address;  // masked to `length` bits
  uint8_t length = 0;

  // "10.0.0.0/8", "fd00::/64". A bare address is accepted only when
  // allow_bare_address is set (toCIDR accepts one, toCIDRSet does not: docs/semantics.md#cidr-forms).
  // Host bits set below the mask are accepted and masked off, as Go's
  // net.ParseCIDR does.
  static std::optional<IpPrefix> parse(std::string_view text, bool allow_bare_address = false);
  bool contains(const IpAddress& ip) const;
  bool contains(const IpPrefix& other) const;  // same family, other.length >= length
  bool is_all() const { return length == 0; }   // 0.0.0.0/0 or ::/0
  std::string to_string() const;
  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

// cidr minus excepts (docs/semantics.md#cidr-except).
struct CidrRule {
  IpPrefix prefix;
  std::vector<IpPrefix> except;

  bool matches(const IpAddress& ip) const;
  std::string to_string() const;  // "10.0.0.0/8 except 10.1.0.0/16"
  // The except entry that removes `ip`, if any.
  const IpPrefix* excepted_by(const IpAddress& ip) const;
};

// A CiliumCIDRGroup (cilium.io/v2alpha1 or v2, cluster-scoped): a named list
// of external CIDRs with the object's labels. Cilium puts every prefix in the
// ipcache labelled `cidrgroup:io.cilium.policy.cidrgroupname/NAME` plus the
// group's labels with source `cidrgroup`
// (pkg/policy/k8s/cilium_cidr_group.go :: applyCIDRGroup).
struct CidrGroup {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;  // metadata.labels, sorted by key
  std::vector<IpPrefix> cidrs;                              // spec.externalCIDRs
  SourcePos pos;

  // The first of `cidrs` containing `ip`, if any.
  const IpPrefix* containing(const IpAddress& ip) const;
  std::string cidrs_text() const;  // "203.0.113.0/24, 198.51.100.0/24" or "no CIDRs"
  friend bool operator==(const CidrGroup& a, const CidrGroup& b) {
    return a.name == b.name && a.labels == b.labels && a.cidrs == b.cidrs;
  }
};

}  // namespace netreach
