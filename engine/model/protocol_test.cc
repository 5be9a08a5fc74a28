// Protocol parsing: policies take the CRD's enum exactly (upper case, ANY
// included); a flow a user asks about takes TCP, UDP or SCTP in any case, or
// ICMP written icmp:TYPE / icmpv6:TYPE.
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

// pkg/policy/api/icmp.go: the names are per family and case-sensitive.
TEST_CASE("icmp_type_by_name: Cilium's names per family", "[protocol]") {
  CHECK(icmp_type_by_name("EchoRequest", false) == 8);
  CHECK(icmp_type_by_name("Echo", false) == 8);
  CHECK(icmp_type_by_name("EchoRequest", true) == 128);
  CHECK(icmp_type_by_name("EchoReply", false) == 0);
  CHECK(icmp_type_by_name("EchoReply", true) == 129);
  CHECK(icmp_type_by_name("PacketTooBig", true) == 2);
  CHECK_FALSE(icmp_type_by_name("PacketTooBig", false));  // IPv6 only
  CHECK_FALSE(icmp_type_by_name("Echo", true));           // IPv4 only
  CHECK_FALSE(icmp_type_by_name("echorequest", false));
  CHECK(icmp_type_names(false).size() == 14);
  CHECK(icmp_type_names(true).size() == 27);
}

TEST_CASE("parse_icmp_flow: icmp:TYPE and icmpv6:TYPE, by number or name", "[protocol]") {
  auto flow = [](std::string_view text) { return parse_icmp_flow(text); };
  CHECK(flow("icmp:8").flow->family == Protocol::ICMP);
  CHECK(flow("icmp:8").flow->type == 8);
  CHECK(flow("icmp:EchoRequest").flow->type == 8);
  CHECK(flow("icmpv6:128").flow->family == Protocol::ICMPv6);
  CHECK(flow("icmpv6:EchoRequest").flow->type == 128);
  CHECK(flow("ICMPv6:0").flow->type == 0);  // the family word in any case
  CHECK(flow("icmp:255").flow->type == 255);
  // Not ICMP: a port number, a port with its protocol, a port name.
  CHECK_FALSE(flow("80").is_icmp);
  CHECK_FALSE(flow("53/UDP").is_icmp);
  CHECK_FALSE(flow("http").is_icmp);
  CHECK_FALSE(flow("icmp-x").is_icmp);
  // Meant as ICMP, and wrong: the error says what is wrong and the valid forms.
  auto error = [&](std::string_view text) {
    auto r = flow(text);
    CHECK(r.is_icmp);
    CHECK_FALSE(r.flow);
    CHECK_THAT(r.error, Catch::Contains("icmp:TYPE or icmpv6:TYPE"));
    return r.error;
  };
  CHECK_THAT(error("icmp:256"), Catch::Contains("outside 0-255"));
  CHECK_THAT(error("icmp:99999999999"), Catch::Contains("outside 0-255"));
  CHECK_THAT(error("icmp:"), Catch::Contains("names no ICMP type"));
  CHECK_THAT(error("icmp"), Catch::Contains("names no ICMP type"));
  CHECK_THAT(error("icmpv6"), Catch::Contains("names no ICMP type"));
  CHECK_THAT(error("icmp4:8"), Catch::Contains("the family is icmp or icmpv6"));
  CHECK_THAT(error("icmp:echorequest"), Catch::Contains("did you mean EchoRequest"));
  CHECK_THAT(error("icmp:PacketTooBig"), Catch::Contains("is an IPv6 (icmpv6:) type name"));
  CHECK_THAT(error("icmp:-1"), Catch::Contains("unknown ICMP type name"));
}

TEST_CASE("flow_port_text: a port with its protocol, ICMP as parse_icmp_flow reads it", "[protocol]") {
  CHECK(flow_port_text(5555, Protocol::TCP) == "5555/TCP");
  CHECK(flow_port_text("dns", Protocol::UDP) == "dns/UDP");
  CHECK(flow_port_text(8, Protocol::ICMP) == "icmp:8");
  CHECK(flow_port_text(128, Protocol::ICMPv6) == "icmpv6:128");
  CHECK(parse_icmp_flow(flow_port_text(128, Protocol::ICMPv6)).flow->type == 128);
}
