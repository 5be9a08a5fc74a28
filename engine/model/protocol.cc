#include "model/protocol.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <span>
#include <string>

#include "model/suggest.h"

namespace netreach {

std::string_view to_string(Protocol protocol) {
  switch (protocol) {
    case Protocol::TCP: return "TCP";
    case Protocol::UDP: return "UDP";
    case Protocol::SCTP: return "SCTP";
    case Protocol::ICMP: return "ICMP";
    case Protocol::ICMPv6: return "ICMPv6";
    case Protocol::Any: return "ANY";
  }
  return "?";
}

std::optional<Protocol> parse_port_protocol(std::string_view text) {
  if (text == "TCP") return Protocol::TCP;
  if (text == "UDP") return Protocol::UDP;
  if (text == "SCTP") return Protocol::SCTP;
  if (text == "ANY") return Protocol::Any;
  return std::nullopt;
}

std::optional<Protocol> parse_flow_protocol(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto protocol = parse_port_protocol(upper);
  if (protocol == Protocol::Any) return std::nullopt;
  return protocol;
}

namespace {

struct IcmpName {
  std::string_view name;
  uint8_t type;
};

// pkg/policy/api/icmp.go (icmpIpv4TypeNameToCode / icmpIpv6TypeNameToCode).
constexpr IcmpName kIcmpV4Names[] = {
    {"EchoReply", 0}, {"DestinationUnreachable", 3}, {"Redirect", 5}, {"Echo", 8},
    {"EchoRequest", 8}, {"RouterAdvertisement", 9}, {"RouterSelection", 10}, {"TimeExceeded", 11},
    {"ParameterProblem", 12}, {"Timestamp", 13}, {"TimestampReply", 14}, {"Photuris", 40},
    {"ExtendedEchoRequest", 42}, {"ExtendedEchoReply", 43},
};
constexpr IcmpName kIcmpV6Names[] = {
    {"DestinationUnreachable", 1}, {"PacketTooBig", 2}, {"TimeExceeded", 3},
    {"ParameterProblem", 4}, {"EchoRequest", 128}, {"EchoReply", 129},
    {"MulticastListenerQuery", 130}, {"MulticastListenerReport", 131},
    {"MulticastListenerDone", 132}, {"RouterSolicitation", 133}, {"RouterAdvertisement", 134},
    {"NeighborSolicitation", 135}, {"NeighborAdvertisement", 136}, {"RedirectMessage", 137},
    {"RouterRenumbering", 138}, {"ICMPNodeInformationQuery", 139},
    {"ICMPNodeInformationResponse", 140}, {"InverseNeighborDiscoverySolicitation", 141},
    {"InverseNeighborDiscoveryAdvertisement", 142}, {"HomeAgentAddressDiscoveryRequest", 144},
    {"HomeAgentAddressDiscoveryReply", 145}, {"MobilePrefixSolicitation", 146},
    {"MobilePrefixAdvertisement", 147}, {"DuplicateAddressRequestCodeSuffix", 157},
    {"DuplicateAddressConfirmationCodeSuffix", 158}, {"ExtendedEchoRequest", 160},
    {"ExtendedEchoReply", 161},
};

std::span<const IcmpName> icmp_names(bool ipv6) {
  if (ipv6) return kIcmpV6Names;
  return kIcmpV4Names;
}

}  // namespace

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<uint8_t> icmp_type_by_name(std::string_view name, bool ipv6) {
  for (const auto& n : icmp_names(ipv6))
    if (n.name == name) return n.type;
  return std::nullopt;
}

std::vector<std::string_view> icmp_type_names(bool ipv6) {
  std::vector<std::string_view> out;
  for (const auto& n : icmp_names(ipv6)) out.push_back(n.name);
  return out;
}

IcmpFlowParse parse_icmp_flow(std::string_view text) {
  IcmpFlowParse out;
  const size_t colon = text.find(':');
  const std::string_view family = text.substr(0, colon);
  const bool v4 = equal_ignoring_case(family, "icmp"), v6 = equal_ignoring_case(family, "icmpv6");
  // A port name never holds ':' (an IANA service name is letters, digits
  // and '-'), so any text with one is meant as ICMP, and so is the bare
  // family word: both get the valid forms rather than "not a port name".
  if (!v4 && !v6 && colon == std::string_view::npos) return out;
  out.is_icmp = true;
  if (!v4 && !v6) {
    out.error = fmt::format("\"{}\" is not an ICMP flow: the family is icmp or icmpv6 ({})", text, kIcmpFlowForms);
    return out;
  }
  const std::string_view type = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  if (type.empty()) {
    out.error = fmt::format("\"{}\" names no ICMP type ({})", text, kIcmpFlowForms);
    return out;
  }
  IcmpFlow flow;
  flow.family = v6 ? Protocol::ICMPv6 : Protocol::ICMP;
  if (std::all_of(type.begin(), type.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(type.data(), type.data() + type.size(), value);
    if (ec != std::errc() || end != type.data() + type.size() || value > 255) {
      out.error = fmt::format("ICMP type {} in \"{}\" is outside 0-255 ({})", type, text, kIcmpFlowForms);
      return out;
    }
    flow.type = static_cast<uint8_t>(value);
  } else if (auto named = icmp_type_by_name(type, v6)) {
    flow.type = *named;
  } else {
    const auto names = icmp_type_names(v6);
    std::string meant = did_you_mean(nearest_names(type, names));
    std::string other;
    if (icmp_type_by_name(type, !v6)) other = fmt::format("; {} is an {} type name", type, v6 ? "IPv4 (icmp:)" : "IPv6 (icmpv6:)");
    out.error = fmt::format("unknown {} type name \"{}\" in \"{}\"{}{}{} ({}; the names are those of Cilium's pkg/policy/api/icmp.go)",
                            v6 ? "ICMPv6" : "ICMP", type, text, meant.empty() ? "" : ": ", meant, other, kIcmpFlowForms);
    return out;
  }
  out.flow = flow;
  return out;
}

std::string flow_port_text(std::string_view port, Protocol protocol) {
  if (protocol == Protocol::ICMP) return fmt::format("icmp:{}", port);
  if (protocol == Protocol::ICMPv6) return fmt::format("icmpv6:{}", port);
  return fmt::format("{}/{}", port, to_string(protocol));
}

std::string flow_port_text(uint16_t port, Protocol protocol) { return flow_port_text(std::to_string(port), protocol); }

}  // namespace netreach
