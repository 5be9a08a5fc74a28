#include "model/verdict.h"

namespace netreach {

std::string_view to_string(Enforcement enforcement) {
  switch (enforcement) {
    case Enforcement::NotAnEndpoint: return "not-an-endpoint";
    case Enforcement::NotSelected: return "not-selected";
    case Enforcement::DefaultDeny: return "default-deny";
    case Enforcement::DenyOnly: return "deny-only";
    case Enforcement::AlwaysMode: return "always-mode";
    case Enforcement::NeverMode: return "never-mode";
  }
  return "?";
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::Allow: return "allow";
    case Verdict::Deny: return "deny";
    case Verdict::Unknown: return "unknown";
  }
  return "?";
}

}  // namespace netreach
