#include "model/port_set.h"

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace netreach {
namespace {

int protocol_index(Protocol p) {
  switch (p) {
    case Protocol::TCP: return 0;
    case Protocol::UDP: return 1;
    case Protocol::SCTP: return 2;
    case Protocol::ICMP:
    case Protocol::ICMPv6: return 3;
    default: return -1;
  }
}

// ICMP and ICMPv6 share the list at index 3: an ICMPv6 type t is 256 + t.
constexpr size_t kIcmpIndex = 3;
constexpr uint16_t kIcmpTypes = 256;
uint16_t icmp_offset(Protocol p) { return p == Protocol::ICMPv6 ? kIcmpTypes : 0; }

using Ranges = PortSet::Ranges;

// Sorted, disjoint, non-adjacent ranges: the canonical form, so that equal sets
// compare equal.
void normalise(Ranges& r) {
  std::sort(r.begin(), r.end(), [](const PortRange& a, const PortRange& b) { return a.first < b.first; });
  Ranges out;
  for (const auto& x : r) {
    if (!out.empty() && uint32_t(x.first) <= uint32_t(out.back().last) + 1) {
      out.back().last = std::max(out.back().last, x.last);
    } else {
      out.push_back(x);
    }
  }
  r = std::move(out);
}

Ranges intersect(const Ranges& a, const Ranges& b) {
  Ranges out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    uint16_t lo = std::max(a[i].first, b[j].first), hi = std::min(a[i].last, b[j].last);
    if (lo <= hi) out.push_back({lo, hi});
    (a[i].last < b[j].last) ? ++i : ++j;
  }
  return out;
}

Ranges subtract(const Ranges& a, const Ranges& b) {
  Ranges out;
  size_t j = 0;
  for (PortRange x : a) {
    uint32_t lo = x.first;
    const uint32_t hi = x.last;
    while (j < b.size() && b[j].last < lo) ++j;
    for (size_t k = j; k < b.size() && b[k].first <= hi && lo <= hi; ++k) {
      if (b[k].first > lo) out.push_back({uint16_t(lo), uint16_t(b[k].first - 1)});
      lo = uint32_t(b[k].last) + 1;
    }
    if (lo <= hi) out.push_back({uint16_t(lo), uint16_t(hi)});
  }
  return out;
}

}  // namespace

PortSet PortSet::all_ports() {
  PortSet s;
  for (size_t i = 0; i < kIcmpIndex; ++i) s.ranges_[i].push_back({0, 65535});
  return s;
}

PortSet PortSet::all() {
  PortSet s = all_ports();
  s.ranges_[kIcmpIndex].push_back({0, 2 * kIcmpTypes - 1});
  return s;
}

void PortSet::add(Protocol protocol, uint16_t first, uint16_t last) {
  if (last < first) std::swap(first, last);
  if (protocol == Protocol::Any) {
    for (size_t i = 0; i < kIcmpIndex; ++i) ranges_[i].push_back({first, last}), normalise(ranges_[i]);
    return;
  }
  int i = protocol_index(protocol);
  if (i < 0) return;
  if (is_icmp(protocol)) {
    if (first >= kIcmpTypes) return;
    last = std::min<uint16_t>(last, kIcmpTypes - 1);
    first += icmp_offset(protocol), last += icmp_offset(protocol);
  }
  ranges_[i].push_back({first, last});
  normalise(ranges_[i]);
}

bool PortSet::empty() const {
  return std::all_of(ranges_.begin(), ranges_.end(), [](const Ranges& r) { return r.empty(); });
}

bool PortSet::contains(Protocol protocol, uint16_t port) const {
  int i = protocol_index(protocol);
  if (i < 0) return false;
  if (is_icmp(protocol)) {
    if (port >= kIcmpTypes) return false;
    port += icmp_offset(protocol);
  }
  const Ranges& r = ranges_[i];
  auto it = std::upper_bound(r.begin(), r.end(), port, [](uint16_t p, const PortRange& x) { return p < x.first; });
  return it != r.begin() && std::prev(it)->last >= port;
}

std::vector<PortRange> PortSet::ranges(Protocol protocol) const {
  int i = protocol_index(protocol);
  if (i < 0) return {};
  if (!is_icmp(protocol)) return {ranges_[i].begin(), ranges_[i].end()};
  // The family's part of the shared list, as types 0-255.
  const uint16_t lo = icmp_offset(protocol), hi = lo + kIcmpTypes - 1;
  std::vector<PortRange> out;
  for (const PortRange& x : ranges_[i]) {
    if (x.last < lo || x.first > hi) continue;
    out.push_back({uint16_t(std::max(x.first, lo) - lo), uint16_t(std::min(x.last, hi) - lo)});
  }
  return out;
}

PortSet& PortSet::operator|=(const PortSet& other) {
  for (size_t i = 0; i < kProtocols; ++i) {
    if (other.ranges_[i].empty()) continue;
    ranges_[i].insert(ranges_[i].end(), other.ranges_[i].begin(), other.ranges_[i].end());
    normalise(ranges_[i]);
  }
  return *this;
}

PortSet& PortSet::operator&=(const PortSet& other) {
  for (size_t i = 0; i < kProtocols; ++i) ranges_[i] = intersect(ranges_[i], other.ranges_[i]);
  return *this;
}

PortSet& PortSet::operator-=(const PortSet& other) {
  for (size_t i = 0; i < kProtocols; ++i)
    if (!ranges_[i].empty() && !other.ranges_[i].empty()) ranges_[i] = subtract(ranges_[i], other.ranges_[i]);
  return *this;
}

std::string PortSet::to_string() const {
  std::vector<std::string> parts;
  auto word = [&](Protocol p, std::span<const PortRange> r, uint16_t max) {
    if (r.empty()) return;
    if (r.size() == 1 && r[0].first == 0 && r[0].last == max) {
      parts.push_back(fmt::format("{} all", netreach::to_string(p)));
      return;
    }
    std::vector<std::string> items;
    for (const auto& x : r)
      items.push_back(x.first == x.last ? fmt::format("{}", x.first) : fmt::format("{}-{}", x.first, x.last));
    parts.push_back(fmt::format("{} {}", netreach::to_string(p), fmt::join(items, ",")));
  };
  if (std::all_of(ranges_.begin(), ranges_.begin() + kIcmpIndex,
                  [](const Ranges& r) { return r.size() == 1 && r[0].first == 0 && r[0].last == 65535; }))
    parts.push_back("any port");
  else
    for (size_t i = 0; i < kIcmpIndex; ++i) word(kPortProtocols[i], {ranges_[i].data(), ranges_[i].size()}, 65535);
  if (!ranges_[kIcmpIndex].empty())
    for (Protocol p : kIcmpProtocols) word(p, ranges(p), kIcmpTypes - 1);
  return fmt::format("{}", fmt::join(parts, "; "));
}

size_t PortSet::hash() const {
  size_t h = 0;
  for (size_t i = 0; i < kProtocols; ++i) {
    // No ICMP mixes in nothing: a set without ICMP hashes as it did before
    // ICMP was kept, so the graph's interning order stays as it was.
    if (i == kIcmpIndex && ranges_[i].empty()) break;
    h = h * 1000003u + 17;
    for (const PortRange& r : ranges_[i]) h = h * 1000003u + (size_t(r.first) << 16 | r.last);
  }
  return h;
}

}  // namespace netreach
