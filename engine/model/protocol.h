// Protocol: the L4 protocols a port rule or a query can name.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace netreach {

// Any stands for "every protocol" in a rule; in Cilium's toPorts it expands to
// TCP, UDP and SCTP only (never ICMP), see pkg/policy/rule.go (IsAny split).
enum class Protocol : uint8_t { TCP, UDP, SCTP, ICMP, Any };

std::string_view to_string(Protocol protocol);
// Exact, case-sensitive parse of "TCP", "UDP", "SCTP", "ANY" (the CRD enum);
// ICMP is not a toPorts protocol and is not accepted here.
std::optional<Protocol> parse_port_protocol(std::string_view text);
// The protocol of one flow, as a user writes it in a query, an expectation or
// on the command line: TCP, UDP or SCTP in any case ("udp"). Not ANY: a
// connection has one protocol.
std::optional<Protocol> parse_flow_protocol(std::string_view text);

}  // namespace netreach

template <>
struct fmt::formatter<netreach::Protocol> : fmt::formatter<std::string_view> {
  auto format(netreach::Protocol p, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(netreach::to_string(p), ctx);
  }
};
