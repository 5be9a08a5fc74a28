#include "model/protocol.h"

#include <cctype>
#include <string>

namespace netreach {

std::string_view to_string(Protocol protocol) {
  switch (protocol) {
    case Protocol::TCP: return "TCP";
    case Protocol::UDP: return "UDP";
    case Protocol::SCTP: return "SCTP";
    case Protocol::ICMP: return "ICMP";
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

}  // namespace netreach
