#include <catch2/catch.hpp>

#include "graph/address_atoms.h"

using namespace netreach;

namespace {
std::vector<std::string> displays(const std::vector<std::string>& cidrs) {
  std::vector<IpPrefix> prefixes;
  for (const auto& c : cidrs) prefixes.push_back(*IpPrefix::parse(c));
  std::vector<std::string> out;
  for (const auto& a : address_atoms(prefixes)) out.push_back(a.display + " @" + a.representative.to_string());
  return out;
}
}  // namespace

TEST_CASE("AddressAtoms: no prefix leaves one world atom", "[graph][atoms]") {
  CHECK(displays({}) == std::vector<std::string>{"world @0.0.0.0"});
}

TEST_CASE("AddressAtoms: a prefix with an except makes three atoms", "[graph][atoms]") {
  CHECK(displays({"10.0.0.0/8", "10.96.0.0/12"}) ==
        std::vector<std::string>{"world @0.0.0.0", "10.0.0.0/8 except 10.96.0.0/12 @10.0.0.0", "10.96.0.0/12 @10.96.0.0"});
}

TEST_CASE("AddressAtoms: a prefix fully covered by its children is no atom", "[graph][atoms]") {
  // 10.0.0.0/8 = 10.0.0.0/9 + 10.128.0.0/9.
  CHECK(displays({"10.0.0.0/8", "10.0.0.0/9", "10.128.0.0/9"}) ==
        std::vector<std::string>{"world @0.0.0.0", "10.0.0.0/9 @10.0.0.0", "10.128.0.0/9 @10.128.0.0"});
}

TEST_CASE("AddressAtoms: 0.0.0.0/0 is world; repeated prefixes count once; IPv6 apart", "[graph][atoms]") {
  CHECK(displays({"0.0.0.0/0", "192.168.0.0/16", "192.168.0.0/16", "fd00::/8"}) ==
        std::vector<std::string>{"world @0.0.0.0", "192.168.0.0/16 @192.168.0.0", "world-ipv6 @::", "fd00::/8 @fd00::"});
}

TEST_CASE("AddressAtoms: the representative is outside every child", "[graph][atoms]") {
  // The first children start at the prefix's first address.
  auto atoms = address_atoms({*IpPrefix::parse("10.0.0.0/8"), *IpPrefix::parse("10.0.0.0/16"), *IpPrefix::parse("10.1.0.0/16")});
  REQUIRE(atoms.size() == 4);
  CHECK(atoms[3].display == "10.0.0.0/8 except 10.0.0.0/16, 10.1.0.0/16");
  CHECK(atoms[3].representative.to_string() == "10.2.0.0");
}
