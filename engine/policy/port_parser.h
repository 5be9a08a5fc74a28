// Port and ICMP parsing for CNP/CCNP rules: toPorts (PortRule / PortDenyRule),
// icmps (ICMPRule), and the port-text rules shared with the KNP parser.
//
// parse_to_ports flattens every `ports[]` entry of every toPorts item into PeerRule::ports, each
// with its own RuleRef (`...toPorts[0].ports[1]`), and records L7 / listener / TLS constructs as
// Unevaluated. It validates what the API server and PortRule.sanitize check
// (docs/semantics.md#ports-and-protocols, #l7-validity, #validation): port text, endPort 0-65535,
// protocol enum, at most 40 ports, and the L7 constraints (one L7 type; http/kafka/l7proto need
// TCP; dns needs TCP/UDP/ANY, explicit non-zero ports, no ranges, egress only; no L7 on port 0;
// `l7` needs `l7proto`; listener egress-only and without rules; serverNames with L7 need
// terminatingTLS; host policies allow only egress DNS).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/rule.h"
#include "policy/field_reader.h"

namespace netreach {

struct PortRulesContext {
  Direction direction = Direction::Ingress;
  bool deny = false;           // PortDenyRule: only `ports`
  bool host_policy = false;    // the rule has a nodeSelector subject
};

// `node` is the value of `toPorts`; `path` its field path.
void parse_to_ports(ParseContext& ctx, const YamlNode& node, const std::string& path,
                    const PortRulesContext& where, PeerRule& rule);

// `node` is the value of `icmps`.
void parse_icmps(ParseContext& ctx, const YamlNode& node, const std::string& path, PeerRule& rule);

// FQDNSelector (toFQDNs[] items and rules.dns[] items): validates and, when
// `out` is given, fills it (lower-cased, trailing dot stripped). False on error.
bool parse_fqdn_selector(ParseContext& ctx, const YamlNode& node, const std::string& path,
                         FqdnPeer* out);

// IANA service name (pkg/iana :: IsSvcName): 1-15 characters of letters,
// digits and '-', at least one letter, no leading/trailing/double '-'.
bool is_iana_service_name(std::string_view text);
// Go's strconv.ParseUint(text, 0, 16) for what is not a service name:
// decimal, a leading 0 means octal ("010" is 8), '_' between digits allowed.
std::optional<uint16_t> parse_port_number(std::string_view text);

}  // namespace netreach
