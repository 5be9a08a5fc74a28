#include "model/protocol.h"

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

}  // namespace netreach
