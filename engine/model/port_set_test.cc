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
  PortSet icmp;
  icmp.add(Protocol::ICMP, 8, 8);
  CHECK(icmp.empty());
}

TEST_CASE("PortSet: union, intersection and difference", "[port_set]") {
  CHECK((tcp(1, 100) - tcp(50, 60)).to_string() == "TCP 1-49,61-100");
  CHECK((tcp(1, 100) & tcp(90, 200)).to_string() == "TCP 90-100");
  CHECK((tcp(1, 10) | tcp(20, 30)).to_string() == "TCP 1-10,20-30");
  CHECK((tcp(1, 10) - tcp(1, 10)).empty());
  CHECK((PortSet::all() - tcp(0, 65535)).to_string() == "UDP all; SCTP all");
  CHECK(PortSet::all().to_string() == "any port");
  CHECK(PortSet::none().to_string().empty());
  CHECK((tcp(5, 5) - tcp(0, 4)) == tcp(5, 5));
  CHECK((tcp(0, 65535) - tcp(65535, 65535)).to_string() == "TCP 0-65534");
}
