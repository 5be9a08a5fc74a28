#include "graph/address_atoms.h"

#include <algorithm>

#include <fmt/format.h>

namespace netreach {
namespace {

using U128 = unsigned __int128;

U128 to_number(const IpAddress& ip) {
  U128 n = 0;
  int bytes = ip.v6 ? 16 : 4;
  for (int i = 0; i < bytes; ++i) n = (n << 8) | ip.bytes[i];
  return n;
}

IpAddress from_number(U128 n, bool v6) {
  IpAddress ip;
  ip.v6 = v6;
  int bytes = v6 ? 16 : 4;
  for (int i = bytes - 1; i >= 0; --i) ip.bytes[i] = uint8_t(n & 0xff), n >>= 8;
  return ip;
}

struct Interval {
  U128 lo, hi;  // inclusive
  IpPrefix prefix;
};

Interval interval_of(const IpPrefix& p) {
  int width = p.address.v6 ? 128 : 32;
  U128 lo = to_number(p.address);
  U128 size_minus_one = p.length == 0 ? (width == 128 ? ~U128(0) : (U128(1) << 32) - 1)
                                      : ((U128(1) << (width - p.length)) - 1);
  return {lo, lo + size_minus_one, p};
}

// The atoms of one address family. CIDR prefixes nest or are disjoint, so the
// prefixes containing an address are the ancestors of the innermost one: an
// atom is "a prefix minus its children", and the rest of the space (inside no
// prefix) is one more atom.
void family_atoms(std::vector<Interval> prefixes, bool v6, std::vector<AddressAtom>& out) {
  std::sort(prefixes.begin(), prefixes.end(), [](const Interval& a, const Interval& b) {
    return a.lo != b.lo ? a.lo < b.lo : a.hi > b.hi;  // parents before children
  });
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end(),
                             [](const Interval& a, const Interval& b) { return a.lo == b.lo && a.hi == b.hi; }),
                 prefixes.end());
  const U128 space_hi = v6 ? ~U128(0) : (U128(1) << 32) - 1;
  const bool has_all = !prefixes.empty() && prefixes[0].lo == 0 && prefixes[0].hi == space_hi;

  // children[i]: the maximal prefixes directly inside prefix i; index
  // prefixes.size() stands for the whole space.
  std::vector<std::vector<size_t>> children(prefixes.size() + 1);
  std::vector<size_t> stack;
  for (size_t i = 0; i < prefixes.size(); ++i) {
    while (!stack.empty() && prefixes[stack.back()].hi < prefixes[i].lo) stack.pop_back();
    children[stack.empty() ? prefixes.size() : stack.back()].push_back(i);
    stack.push_back(i);
  }

  auto emit = [&](size_t node, U128 lo, U128 hi, bool is_world) {
    U128 cursor = lo;
    bool found = false;
    for (size_t c : children[node]) {
      if (prefixes[c].lo > cursor) {
        found = true;
        break;
      }
      if (prefixes[c].hi == space_hi) return;  // covered up to the end of the space
      cursor = prefixes[c].hi + 1;
    }
    if (!found && cursor > hi) return;  // the children cover it all
    AddressAtom atom;
    atom.v6 = v6;
    atom.representative = from_number(cursor, v6);
    if (node < prefixes.size()) atom.prefix = prefixes[node].prefix;
    if (is_world) {
      atom.display = v6 ? "world-ipv6" : "world";
    } else {
      std::vector<std::string> except;
      for (size_t c : children[node]) {
        if (except.size() == 4 && children[node].size() > 5) {
          except.push_back(fmt::format("{} more", children[node].size() - 4));
          break;
        }
        except.push_back(prefixes[c].prefix.to_string());
      }
      atom.display = except.empty() ? prefixes[node].prefix.to_string()
                                    : fmt::format("{} except {}", prefixes[node].prefix.to_string(), fmt::join(except, ", "));
    }
    out.push_back(std::move(atom));
  };

  if (!has_all) emit(prefixes.size(), 0, space_hi, true);
  for (size_t i = 0; i < prefixes.size(); ++i) emit(i, prefixes[i].lo, prefixes[i].hi, has_all && i == 0);
}

}  // namespace

std::vector<AddressAtom> address_atoms(const std::vector<IpPrefix>& prefixes) {
  std::vector<Interval> v4, v6;
  for (const auto& p : prefixes) (p.address.v6 ? v6 : v4).push_back(interval_of(p));
  std::vector<AddressAtom> out;
  family_atoms(std::move(v4), false, out);
  if (!v6.empty()) family_atoms(std::move(v6), true, out);
  std::stable_sort(out.begin(), out.end(), [](const AddressAtom& a, const AddressAtom& b) {
    if (a.v6 != b.v6) return !a.v6;
    return to_number(a.representative) < to_number(b.representative);
  });
  return out;
}

}  // namespace netreach
