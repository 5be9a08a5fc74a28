// IpAddress, IpPrefix and CidrRule: the CIDR matchers of toCIDR/toCIDRSet/ipBlock.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
};

// cidr minus excepts (docs/semantics.md#cidr-except).
struct CidrRule {
  IpPrefix prefix;
  std::vector<IpPrefix> except;

  bool matches(const IpAddress& ip) const;
  std::string to_string() const;  // "10.0.0.0/8 except 10.1.0.0/16"
};

}  // namespace netreach
