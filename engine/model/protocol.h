// Protocol: the L4 protocols a port rule or a query can name, and the ICMP
// types an `icmps` rule or a query can name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace netreach {

// ASCII case-insensitive equality, without converting either side: protocol
// and ICMP family words, HTTP header names.
bool equal_ignoring_case(std::string_view a, std::string_view b);

// The ASCII lower case of `s` (port names, DNS names, repository URLs: all
// compared case-insensitively, and none of them non-ASCII).
std::string to_lower_ascii(std::string_view s);

// Any stands for "every protocol" in a rule; in Cilium's toPorts it expands to
// TCP, UDP and SCTP only (never ICMP), see pkg/policy/rule.go (IsAny split).
// ICMP and ICMPv6 are the two families of an `icmps` field: Cilium turns each
// field into a port entry whose protocol is the family and whose port is the
// type (pkg/policy/api/icmp.go :: ICMPField.PortProtocol), so a flow of
// either carries its type where a TCP flow carries its port.
enum class Protocol : uint8_t { TCP, UDP, SCTP, ICMP, ICMPv6, Any };

inline constexpr bool is_icmp(Protocol p) { return p == Protocol::ICMP || p == Protocol::ICMPv6; }

std::string_view to_string(Protocol protocol);
// Exact, case-sensitive parse of "TCP", "UDP", "SCTP", "ANY" (the CRD enum);
// ICMP is not a toPorts protocol and is not accepted here.
std::optional<Protocol> parse_port_protocol(std::string_view text);
// The protocol of one flow, as a user writes it in a query, an expectation or
// on the command line: TCP, UDP or SCTP in any case ("udp"). Not ANY: a
// connection has one protocol.
std::optional<Protocol> parse_flow_protocol(std::string_view text);

// ICMP type names per family (pkg/policy/api/icmp.go: icmpIpv4TypeNameToCode,
// icmpIpv6TypeNameToCode), exact and case-sensitive as there; nullopt when
// the family has no such name. EchoRequest is 8 for IPv4 and 128 for IPv6.
std::optional<uint8_t> icmp_type_by_name(std::string_view name, bool ipv6);
std::vector<std::string_view> icmp_type_names(bool ipv6);

// One ICMP flow as a user writes it where a port goes (`query --port`, an
// expectation's port, `graph --port`): `icmp:TYPE` or `icmpv6:TYPE`, TYPE a
// number 0-255 or a type name of that family (`icmp:EchoRequest` is 8,
// `icmpv6:EchoRequest` 128). The family word takes any case.
struct IcmpFlow {
  Protocol family = Protocol::ICMP;  // ICMP or ICMPv6
  uint8_t type = 0;
};
struct IcmpFlowParse {
  bool is_icmp = false;       // the text is meant as ICMP (`icmp:...`, `icmpv6:...`, or the bare family)
  std::optional<IcmpFlow> flow;
  std::string error;          // when is_icmp and no flow: what is wrong, with the valid forms
};
IcmpFlowParse parse_icmp_flow(std::string_view text);
// The valid forms, for error messages.
inline constexpr std::string_view kIcmpFlowForms =
    "icmp:TYPE or icmpv6:TYPE, TYPE a number 0-255 or a type name such as EchoRequest";

// One flow's port as the reports print it: "5555/TCP", "icmp:8", "icmpv6:128"
// (the form parse_icmp_flow reads back).
std::string flow_port_text(uint16_t port, Protocol protocol);
// The same for a port held as text (a number or a port name).
std::string flow_port_text(std::string_view port, Protocol protocol);

}  // namespace netreach

template <>
struct fmt::formatter<netreach::Protocol> : fmt::formatter<std::string_view> {
  auto format(netreach::Protocol p, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(netreach::to_string(p), ctx);
  }
};
