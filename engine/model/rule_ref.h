// RuleRef: where a rule element came from (the policy, the rule path, the
// position), with the two words every explanation names it by: the policy's
// kind and the direction. The rest of the rule model is model/rule.h; this is
// the part that verdicts, findings and replays carry.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "model/source.h"

namespace netreach {

enum class PolicyKind : uint8_t { CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, NetworkPolicy };
std::string_view to_string(PolicyKind kind);
std::string_view short_name(PolicyKind kind);  // "CNP", "CCNP", "KNP"

enum class Direction : uint8_t { Ingress, Egress };
std::string_view to_string(Direction direction);  // "ingress" / "egress"

// Where a rule element came from: the policy, the rule path and the position.
struct RuleRef {
  PolicyKind kind = PolicyKind::CiliumNetworkPolicy;
  std::string policy_namespace;  // empty for CCNP
  std::string policy_name;
  std::string path;              // "spec.egress[0]" or "specs[1].ingressDeny[0].toPorts[0]"
  SourcePos pos;

  std::string policy_display() const;  // "CNP partner-cp/partner-api", "CCNP deny-all"
};

}  // namespace netreach

template <>
struct fmt::formatter<netreach::Direction> : fmt::formatter<std::string_view> {
  auto format(netreach::Direction d, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(netreach::to_string(d), ctx);
  }
};
template <>
struct fmt::formatter<netreach::PolicyKind> : fmt::formatter<std::string_view> {
  auto format(netreach::PolicyKind k, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(netreach::to_string(k), ctx);
  }
};
