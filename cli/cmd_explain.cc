// netreach explain: one endpoint's policy per direction, as a table of
// peers x ports with allow/deny and the rule of each row (engine:
// explain_endpoint), in text or JSON.
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.h"

namespace netreach_cli {
namespace {

struct ExplainArgs {
  std::string endpoint;
  std::string output = "text";
};

std::string_view enforcement_text(netreach::Enforcement e) {
  using netreach::Enforcement;
  switch (e) {
    case Enforcement::NotAnEndpoint: return "not an endpoint";
    case Enforcement::NotSelected: return "not enforced";
    case Enforcement::DefaultDeny: return "default deny";
    case Enforcement::DenyOnly: return "deny rules only";
    case Enforcement::AlwaysMode: return "default deny (enforcement mode always)";
    case Enforcement::NeverMode: return "not enforced (enforcement mode never)";
  }
  return "";
}

std::string rule_text(const netreach::RuleRef& ref) {
  return fmt::format("{} {} ({})", ref.policy_display(), ref.path, ref.pos.to_string());
}

void write_text(const std::vector<netreach::EndpointPolicy>& policies, std::ostream& out) {
  for (const auto& p : policies) {
    out << fmt::format("{} (pods: {})\n  identity: {}\n", p.endpoint, fmt::join(p.pods, ", "), p.identity);
    for (const auto* d : {&p.ingress, &p.egress}) {
      out << fmt::format("\n{}: {}", netreach::to_string(d->direction), enforcement_text(d->enforcement));
      if (!d->selecting.empty()) out << fmt::format(", selected by {} rule{}", d->selecting.size(), d->selecting.size() == 1 ? "" : "s");
      out << "\n";
      for (const auto& r : d->selecting) out << "  " << rule_text(r) << "\n";
      if (!d->entries.empty()) {
        size_t peer_w = 4, ports_w = 5;
        for (const auto& e : d->entries) peer_w = std::max(peer_w, e.peer.size()), ports_w = std::max(ports_w, e.ports.size());
        out << fmt::format("  {:<6} {:<{}} {:<{}} {}\n", "", d->direction == netreach::Direction::Ingress ? "FROM" : "TO", peer_w, "PORTS",
                           ports_w, "RULE");
        for (const auto& e : d->entries) {
          out << fmt::format("  {:<6} {:<{}} {:<{}} {}: {}\n", e.deny ? "deny" : "allow", e.peer, peer_w, e.ports, ports_w,
                             rule_text(e.rule), e.selector);
          for (const auto& n : e.notes) out << fmt::format("  {:<6} {:<{}} {:<{}}   note: {}\n", "", "", peer_w, "", ports_w, n);
        }
      }
      out << "  anything else: " << d->otherwise << "\n";
    }
  }
}

nlohmann::json rule_json(const netreach::RuleRef& ref) {
  return {{"policy", ref.policy_display()}, {"path", ref.path}, {"file", ref.pos.file ? ref.pos.file->display_name : ""},
          {"line", ref.pos.line}};
}

void write_json(const std::vector<netreach::EndpointPolicy>& policies, std::ostream& out) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : policies) {
    nlohmann::json item = {{"endpoint", p.endpoint}, {"pods", p.pods}, {"identity", p.identity}};
    for (const auto* d : {&p.ingress, &p.egress}) {
      nlohmann::json selecting = nlohmann::json::array(), entries = nlohmann::json::array();
      for (const auto& r : d->selecting) selecting.push_back(rule_json(r));
      for (const auto& e : d->entries)
        entries.push_back({{"verdict", e.deny ? "deny" : "allow"}, {"peer", e.peer}, {"ports", e.ports}, {"selector", e.selector},
                           {"rule", rule_json(e.rule)}, {"notes", e.notes}});
      item[std::string(netreach::to_string(d->direction))] = {
          {"enforcement", enforcement_text(d->enforcement)}, {"selecting", selecting}, {"entries", entries}, {"otherwise", d->otherwise}};
    }
    list.push_back(std::move(item));
  }
  out << nlohmann::json{{"endpoints", list}}.dump(2) << "\n";
}

int run_explain(CommonArgs& common, const ExplainArgs& args) {
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  auto policies = netreach::explain_endpoint(*model, args.endpoint);
  if (!policies) {
    print_diagnostics(policies.errors(), false);
    return kExitBadInput;
  }
  if (args.output == "json") write_json(*policies, std::cout);
  else write_text(*policies, std::cout);
  return 0;
}

}  // namespace

Command explain_command(CommonArgs& common) {
  auto args = std::make_shared<ExplainArgs>();
  return {"explain", "one endpoint's policy: the rules selecting it per direction, and its effective ingress and egress (peers x ports)",
          [args](CLI::App* cmd) {
            cmd->add_option("ENDPOINT", args->endpoint, "a pod or workload: NS/NAME or NS/KIND/NAME")->required();
            cmd->add_option("-o,--output", args->output, "text or json")->check(CLI::IsMember({"text", "json"}));
          },
          [&common, args] { return run_explain(common, *args); }};
}

}  // namespace netreach_cli
