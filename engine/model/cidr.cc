#include "model/cidr.h"

#include <arpa/inet.h>

#include <fmt/format.h>

namespace netreach {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string s(text);
  IpAddress ip;
  if (s.find(':') != std::string::npos) {
    ip.v6 = true;
    if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  } else {
    // inet_pton rejects leading zeros ("010.0.0.1") as Go's netip does.
    if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  }
  return ip;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

namespace {
bool prefix_equal(const IpAddress& a, const IpAddress& b, uint8_t bits) {
  for (unsigned i = 0; i < 16 && bits > 0; ++i) {
    uint8_t take = bits >= 8 ? 8 : bits;
    uint8_t mask = static_cast<uint8_t>(0xFF00 >> take);
    if ((a.bytes[i] & mask) != (b.bytes[i] & mask)) return false;
    bits -= take;
  }
  return true;
}
}  // namespace

std::optional<IpPrefix> IpPrefix::parse(std::string_view text, bool allow_bare_address) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    if (!allow_bare_address) return std::nullopt;
    auto ip = IpAddress::parse(text);
    if (!ip) return std::nullopt;
    return IpPrefix{*ip, static_cast<uint8_t>(ip->v6 ? 128 : 32)};
  }
  auto ip = IpAddress::parse(text.substr(0, slash));
  if (!ip) return std::nullopt;
  std::string_view len_text = text.substr(slash + 1);
  if (len_text.empty() || len_text.size() > 3) return std::nullopt;
  unsigned len = 0;
  for (char c : len_text) {
    if (c < '0' || c > '9') return std::nullopt;
    len = len * 10 + static_cast<unsigned>(c - '0');
  }
  if (len_text.size() > 1 && len_text[0] == '0') return std::nullopt;
  if (len > (ip->v6 ? 128u : 32u)) return std::nullopt;
  IpPrefix p{*ip, static_cast<uint8_t>(len)};
  // Mask off host bits.
  unsigned bits = len;
  for (unsigned i = 0; i < 16; ++i) {
    uint8_t take = bits >= 8 ? 8 : static_cast<uint8_t>(bits);
    p.address.bytes[i] &= static_cast<uint8_t>(0xFF00 >> take);
    bits -= take;
  }
  return p;
}

bool IpPrefix::contains(const IpAddress& ip) const {
  return ip.v6 == address.v6 && prefix_equal(address, ip, length);
}

bool IpPrefix::contains(const IpPrefix& other) const {
  return other.address.v6 == address.v6 && other.length >= length &&
         prefix_equal(address, other.address, length);
}

std::string IpPrefix::to_string() const { return fmt::format("{}/{}", address.to_string(), length); }

bool CidrRule::matches(const IpAddress& ip) const {
  if (!prefix.contains(ip)) return false;
  for (const auto& e : except)
    if (e.contains(ip)) return false;
  return true;
}

const IpPrefix* CidrRule::excepted_by(const IpAddress& ip) const {
  for (const auto& e : except)
    if (e.contains(ip)) return &e;
  return nullptr;
}

std::string CidrRule::to_string() const {
  if (except.empty()) return prefix.to_string();
  std::vector<std::string> ex;
  for (const auto& e : except) ex.push_back(e.to_string());
  return fmt::format("{} except {}", prefix.to_string(), fmt::join(ex, ", "));
}

const IpPrefix* CidrGroup::containing(const IpAddress& ip) const {
  for (const auto& c : cidrs)
    if (c.contains(ip)) return &c;
  return nullptr;
}

std::string CidrGroup::cidrs_text() const {
  if (cidrs.empty()) return "no CIDRs";
  std::vector<std::string> texts;
  for (const auto& c : cidrs) texts.push_back(c.to_string());
  return fmt::format("{}", fmt::join(texts, ", "));
}

}  // namespace netreach
