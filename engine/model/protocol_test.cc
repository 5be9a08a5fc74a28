// Protocol parsing: policies take the CRD's enum exactly (upper case, ANY
// included); a flow a user asks about takes TCP, UDP or SCTP in any case.
#include <catch2/catch.hpp>

#include "model/protocol.h"

using namespace netreach;

TEST_CASE("parse_port_protocol is the CRD enum, case-sensitive", "[protocol]") {
  CHECK(parse_port_protocol("UDP") == Protocol::UDP);
  CHECK(parse_port_protocol("ANY") == Protocol::Any);
  CHECK_FALSE(parse_port_protocol("udp"));
  CHECK_FALSE(parse_port_protocol("ICMP"));
}

TEST_CASE("parse_flow_protocol takes one connection's protocol in any case", "[protocol]") {
  CHECK(parse_flow_protocol("TCP") == Protocol::TCP);
  CHECK(parse_flow_protocol("udp") == Protocol::UDP);
  CHECK(parse_flow_protocol("Sctp") == Protocol::SCTP);
  CHECK_FALSE(parse_flow_protocol("ANY"));  // a connection has one protocol
  CHECK_FALSE(parse_flow_protocol("any"));
  CHECK_FALSE(parse_flow_protocol("ICMP"));
  CHECK_FALSE(parse_flow_protocol(""));
  CHECK_FALSE(parse_flow_protocol("UDP "));
}
