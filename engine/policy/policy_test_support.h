// Test helpers for the policy parser tests (defined in policy_parser_test.cc):
// parse a YAML text; build small CNP/CCNP/KNP texts; find a diagnostic by
// severity, field path, message fragment and (when non-zero) line.
#pragma once

#include <cstdint>
#include <string>

#include "policy/policy_parser.h"

namespace netreach::policy_test {

PolicyParseResult parse(const std::string& text, PolicyParseOptions options = {});
PolicyParseOptions lenient();
// A CNP (or CCNP) named p in namespace "a" whose spec is `endpointSelector: {}`
// followed by `body`; body line 1 is document line 8.
std::string cnp(const std::string& body, const std::string& kind = "CiliumNetworkPolicy");
std::string ccnp(const std::string& body);
// A NetworkPolicy k in namespace "a"; `body` follows `spec:` (line 6).
std::string knp(const std::string& body);
bool has_diag(const PolicyParseResult& r, Severity severity, const std::string& path,
              const std::string& fragment, uint32_t line = 0);

}  // namespace netreach::policy_test
