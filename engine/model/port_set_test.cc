#include <catch2/catch.hpp>

#include "model/port_set.h"

using namespace netreach;

namespace {
PortSet tcp(uint16_t a, uint16_t b) {
  PortSet s;
  s.add(Protocol::TCP, a, b);
  return s;
}
}  // namespace

TEST_CASE("PortSet: ranges merge and print sorted per protocol", "[port_set]") {
  PortSet s;
  s.add(Protocol::TCP, 443, 443);
  s.add(Protocol::TCP, 80, 80);
  s.add(Protocol::TCP, 8000, 8050);
  s.add(Protocol::TCP, 8051, 8100);  // adjacent: one range
  s.add(Protocol::UDP, 53, 53);
  CHECK(s.to_string() == "TCP 80,443,8000-8100; UDP 53");
  CHECK(s.contains(Protocol::TCP, 8075));
  CHECK_FALSE(s.contains(Protocol::TCP, 8101));
  CHECK_FALSE(s.contains(Protocol::SCTP, 80));
  CHECK_FALSE(s.contains(Protocol::ICMP, 80));
}

TEST_CASE("PortSet: ANY is TCP, UDP and SCTP, never ICMP (pkg/policy/api/l4.go)", "[port_set]") {
  PortSet s;
  s.add(Protocol::Any, 53, 53);
  CHECK(s.to_string() == "TCP 53; UDP 53; SCTP 53");
  CHECK_FALSE(s.contains(Protocol::ICMP, 53));
  CHECK_FALSE(s.contains(Protocol::ICMPv6, 53));
  CHECK(s.ranges(Protocol::ICMP).empty());
}

// ICMP is keyed like a port: the family is the protocol, the type the port
// (pkg/policy/api/icmp.go :: ICMPField.PortProtocol).
TEST_CASE("PortSet: ICMP and ICMPv6 types, kept apart per family", "[port_set]") {
  PortSet s;
  s.add(Protocol::ICMP, 8, 8);
  s.add(Protocol::ICMP, 0, 0);
  s.add(Protocol::ICMPv6, 128, 129);
  CHECK(s.to_string() == "ICMP 0,8; ICMPv6 128-129");
  CHECK(s.contains(Protocol::ICMP, 8));
  CHECK_FALSE(s.contains(Protocol::ICMPv6, 8));
  CHECK(s.contains(Protocol::ICMPv6, 128));
  CHECK_FALSE(s.contains(Protocol::ICMP, 128));
  CHECK_FALSE(s.contains(Protocol::TCP, 8));
  CHECK_FALSE(s.contains(Protocol::ICMP, 264));  // no type above 255, whatever the encoding
  CHECK(s.ranges(Protocol::ICMPv6) == std::vector<PortRange>{{128, 129}});
  CHECK(s.ranges(Protocol::ICMP) == std::vector<PortRange>{{0, 0}, {8, 8}});
  // Types 255 of ICMP and 0 of ICMPv6 do not run together.
  PortSet edge;
  edge.add(Protocol::ICMP, 255, 255);
  edge.add(Protocol::ICMPv6, 0, 0);
  CHECK(edge.to_string() == "ICMP 255; ICMPv6 0");
  CHECK(edge.ranges(Protocol::ICMP) == std::vector<PortRange>{{255, 255}});
  PortSet over;
  over.add(Protocol::ICMP, 250, 300);  // clipped to the type range
  CHECK(over.to_string() == "ICMP 250-255");
  PortSet whole;
  whole.add(Protocol::ICMPv6, 0, 255);
  CHECK(whole.to_string() == "ICMPv6 all");
  CHECK(((s | tcp(80, 80)) - s) == tcp(80, 80));
  CHECK(((s | tcp(80, 80)) & s) == s);
}

// An L3-only rule allows every protocol, ICMP included (pkg/policy/rule.go,
// the L3-only branch); toPorts ANY with port 0 allows every port of TCP, UDP
// and SCTP and no ICMP (pkg/policy/api/l4.go).
TEST_CASE("PortSet: all() is every port and every ICMP type, all_ports() no ICMP", "[port_set]") {
  CHECK(PortSet::all().to_string() == "any port; ICMP all; ICMPv6 all");
  CHECK(PortSet::all_ports().to_string() == "any port");
  CHECK((PortSet::all() - PortSet::all_ports()).to_string() == "ICMP all; ICMPv6 all");
  CHECK(PortSet::all().contains(Protocol::ICMPv6, 255));
  CHECK_FALSE(PortSet::all_ports().contains(Protocol::ICMP, 8));
  PortSet l4 = PortSet::all_ports();
  l4.add(Protocol::ICMP, 8, 8);
  CHECK(l4.to_string() == "any port; ICMP 8");
  // A set without ICMP hashes as before ICMP was kept (the graph's interning order).
  CHECK(PortSet::all_ports().hash() != PortSet::all().hash());
}

TEST_CASE("PortSet: union, intersection and difference", "[port_set]") {
  CHECK((tcp(1, 100) - tcp(50, 60)).to_string() == "TCP 1-49,61-100");
  CHECK((tcp(1, 100) & tcp(90, 200)).to_string() == "TCP 90-100");
  CHECK((tcp(1, 10) | tcp(20, 30)).to_string() == "TCP 1-10,20-30");
  CHECK((tcp(1, 10) - tcp(1, 10)).empty());
  CHECK((PortSet::all_ports() - tcp(0, 65535)).to_string() == "UDP all; SCTP all");
  CHECK((PortSet::all() - tcp(0, 65535)).to_string() == "UDP all; SCTP all; ICMP all; ICMPv6 all");
  CHECK(PortSet::none().to_string().empty());
  CHECK((tcp(5, 5) - tcp(0, 4)) == tcp(5, 5));
  CHECK((tcp(0, 65535) - tcp(65535, 65535)).to_string() == "TCP 0-65534");
}
