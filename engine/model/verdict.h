// A flow as asked (FlowQuery) and as judged: the verdict of each side (its
// enforcement, the rules selecting it, the decisive rule element, the near
// misses) and of each concrete flow behind the query. query() and
// render_text() are in netreach.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/http_rule.h"
#include "model/protocol.h"
#include "model/rule_ref.h"

namespace netreach {

enum class Verdict : uint8_t { Allow, Deny, Unknown };
std::string_view to_string(Verdict verdict);  // "allow" / "deny" / "unknown"

struct FlowQuery {
  std::string from;                    // ENDPOINT (see endpoint syntax in README)
  std::string to;                      // ENDPOINT
  std::string port;                    // "5555", "5555/TCP", "53/UDP", "http"
  std::optional<Protocol> protocol;    // overrides/adds the protocol; default TCP
  // The HTTP request, when asked: an allow whose port carries rules.http is
  // then decided by them (docs/semantics.md#http-rules); without it such an
  // allow holds with the L7 rules listed as a caveat.
  std::optional<HttpRequest> http = std::nullopt;
};

// A rule that did not match, and why, in plain words.
struct NearMiss {
  RuleRef rule;                       // the PeerRule (e.g. spec.egress[0])
  std::string element;                // the peer element path, or empty
  bool peer_matched = false;
  bool port_matched = false;
  bool request_checked = false;       // peer and port match, an HTTP rule refuses the request
  std::vector<std::string> reasons;   // "this selector is scoped to namespace ..."
};

enum class Enforcement : uint8_t {
  NotAnEndpoint,   // world, host, nodes, hostNetwork pods: nothing enforced on this side
  NotSelected,     // no rule with this direction selects the endpoint: default allow
  DefaultDeny,     // rules select it: default deny, allows are a union, deny wins
  DenyOnly,        // rules select it but none enables default deny (enableDefaultDeny: false)
  AlwaysMode,      // enforcement mode "always"
  NeverMode,       // enforcement mode "never"
};
// "not-an-endpoint", "not-selected", "default-deny", "deny-only", "always-mode", "never-mode"
std::string_view to_string(Enforcement enforcement);

struct SideVerdict {
  Direction direction = Direction::Egress;
  std::string endpoint;             // display name of the side's endpoint
  std::string peer;                 // display name of the other end
  Enforcement enforcement = Enforcement::NotSelected;
  std::vector<RuleRef> selecting;   // rules (spec / specs[i]) selecting the endpoint in this direction
  Verdict verdict = Verdict::Allow;
  std::string reason;               // one line: why this verdict
  std::optional<RuleRef> decisive;  // the rule element that allowed or denied
  std::vector<NearMiss> near_misses;
  std::vector<std::string> caveats;  // constructs not evaluated that could change the verdict
  std::string suggestion;            // what to change (YAML snippet), when denied
};

// The verdict for one concrete flow (one source instance, one backend, one
// placement assumption).
struct FlowVerdict {
  std::string from, to;
  uint16_t port = 0;
  Protocol protocol = Protocol::TCP;
  std::string assumption;  // e.g. "if the pods run on different nodes"; empty when none
  Verdict verdict = Verdict::Deny;
  SideVerdict egress;
  SideVerdict ingress;
  std::vector<std::string> notes;
};

struct QueryResult {
  FlowQuery query;
  Verdict verdict = Verdict::Deny;
  std::string headline;               // "ALLOW partner-cp/partner-api -> global-auth/auth 5555/TCP"
  // The port and protocol judged: the port as a number, or the (lower-case)
  // port name; the protocol as stated (in the port or beside it), the named
  // port's own protocol when none was stated, TCP otherwise. Reports print
  // these rather than reparse what the user wrote.
  std::string port;
  Protocol protocol = Protocol::TCP;
  std::vector<std::string> notes;     // Service translation, unknown facts, ...
  std::vector<FlowVerdict> flows;     // at least one, unless notes explain why none
};

}  // namespace netreach
