#include "model/port_set.h"

#include <algorithm>
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
    default: return -1;
  }
}

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

PortSet PortSet::all() {
  PortSet s;
  for (auto& r : s.ranges_) r.push_back({0, 65535});
  return s;
}

void PortSet::add(Protocol protocol, uint16_t first, uint16_t last) {
  if (last < first) std::swap(first, last);
  if (protocol == Protocol::Any) {
    for (auto& r : ranges_) r.push_back({first, last}), normalise(r);
    return;
  }
  int i = protocol_index(protocol);
  if (i < 0) return;
  ranges_[i].push_back({first, last});
  normalise(ranges_[i]);
}

bool PortSet::empty() const {
  return std::all_of(ranges_.begin(), ranges_.end(), [](const Ranges& r) { return r.empty(); });
}

bool PortSet::contains(Protocol protocol, uint16_t port) const {
  int i = protocol_index(protocol);
  if (i < 0) return false;
  const Ranges& r = ranges_[i];
  auto it = std::upper_bound(r.begin(), r.end(), port, [](uint16_t p, const PortRange& x) { return p < x.first; });
  return it != r.begin() && std::prev(it)->last >= port;
}

const PortSet::Ranges& PortSet::ranges(Protocol protocol) const {
  static const Ranges kNone;
  int i = protocol_index(protocol);
  return i < 0 ? kNone : ranges_[i];
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
  if (*this == all()) return "any port";
  std::vector<std::string> parts;
  for (size_t i = 0; i < kProtocols; ++i) {
    const Ranges& r = ranges_[i];
    if (r.empty()) continue;
    if (r.size() == 1 && r[0].first == 0 && r[0].last == 65535) {
      parts.push_back(fmt::format("{} all", netreach::to_string(kPortProtocols[i])));
      continue;
    }
    std::vector<std::string> items;
    for (const auto& x : r)
      items.push_back(x.first == x.last ? fmt::format("{}", x.first) : fmt::format("{}-{}", x.first, x.last));
    parts.push_back(fmt::format("{} {}", netreach::to_string(kPortProtocols[i]), fmt::join(items, ",")));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

size_t PortSet::hash() const {
  size_t h = 0;
  for (const Ranges& ranges : ranges_) {
    h = h * 1000003u + 17;
    for (const PortRange& r : ranges) h = h * 1000003u + (size_t(r.first) << 16 | r.last);
  }
  return h;
}

}  // namespace netreach
