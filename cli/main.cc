// netreach: the command line. Thin: parses arguments, calls the engine
// (engine/netreach.h only), formats results, maps outcomes to exit codes.
//
// Exit codes: 0 allow / all expectations hold; 1 deny / some fail;
// 2 bad input or usage; 3 unknown (query only).
#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "netreach.h"
#include "report.h"

namespace {

using netreach::Options;

constexpr int kExitBadInput = 2;

struct CommonArgs {
  std::vector<std::string> files;
  Options options;
  std::string enforcement = "default";
  bool quiet = false;
};

struct QueryArgs {
  std::string from, to, port, protocol;
};

struct CheckArgs {
  std::string expectations;
  std::string output = "text";
};

struct SummaryArgs {
  std::string output = "text";
};

struct GraphArgs {
  std::vector<std::string> namespaces;
  std::string port, protocol, from;
  bool world = false;
  std::string output = "text";
};

// "udp" -> UDP; empty stays unset. False when it is not TCP, UDP or SCTP.
bool parse_protocol_option(const std::string& text, std::optional<netreach::Protocol>& out) {
  if (text.empty()) return true;
  std::string upper = text;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto proto = netreach::parse_port_protocol(upper);
  if (!proto || *proto == netreach::Protocol::Any) {
    std::cerr << fmt::format("error: --protocol must be TCP, UDP or SCTP, not \"{}\"\n", text);
    return false;
  }
  out = proto;
  return true;
}

void print_diagnostics(const netreach::Diagnostics& diags, bool quiet) {
  // Quoting the source line means rereading the file: do it for the first few
  // only, so that a cluster with thousands of warnings still prints fast.
  constexpr size_t kQuoted = 20;
  // Every file is read and every error found; the first kMaxErrors are
  // printed (README, "Strict by default"), then how many more there are.
  constexpr size_t kMaxErrors = 50;
  size_t printed = 0, errors = 0;
  for (const auto& d : diags) {
    if (quiet && d.severity != netreach::Severity::Error) continue;
    if (d.severity == netreach::Severity::Error && ++errors > kMaxErrors) continue;
    std::cerr << netreach::format_diagnostic(d, printed++ < kQuoted) << "\n";
  }
  if (errors > kMaxErrors)
    std::cerr << fmt::format("... and {} more error{} (the first {} are shown)\n", errors - kMaxErrors,
                             errors - kMaxErrors == 1 ? "" : "s", kMaxErrors);
}

// Loads the model, printing diagnostics; null on failure.
std::shared_ptr<const netreach::Model> load_model(CommonArgs& common) {
  if (common.files.empty()) {
    std::cerr << "error: no input: give manifests with -f PATH (a file, a directory, a kustomization, or - for stdin)\n";
    return nullptr;
  }
  if (common.enforcement == "always") common.options.enforcement = netreach::EnforcementMode::Always;
  else if (common.enforcement == "never") common.options.enforcement = netreach::EnforcementMode::Never;
  auto outcome = netreach::load(common.files, common.options);
  print_diagnostics(outcome.diagnostics, common.quiet);
  if (!outcome.model) {
    size_t errors = 0;
    for (const auto& d : outcome.diagnostics) errors += d.severity == netreach::Severity::Error;
    std::cerr << fmt::format("netreach: {} error{} in the input; nothing was evaluated{}\n", errors, errors == 1 ? "" : "s",
                             common.options.lenient ? "" : " (--lenient does what a cluster would do instead)");
  }
  return outcome.model;
}

int run_query(CommonArgs& common, const QueryArgs& args) {
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  netreach::FlowQuery flow{args.from, args.to, args.port, std::nullopt};
  if (!parse_protocol_option(args.protocol, flow.protocol)) return kExitBadInput;
  auto result = netreach::query(*model, flow);
  if (!result) {
    print_diagnostics(result.errors(), false);
    return kExitBadInput;
  }
  std::cout << netreach::render_text(*result);
  switch (result->verdict) {
    case netreach::Verdict::Allow: return 0;
    case netreach::Verdict::Deny: return 1;
    case netreach::Verdict::Unknown: return 3;
  }
  return 3;
}

int run_check(CommonArgs& common, const CheckArgs& args) {
  netreach::SourceTable expectation_sources;  // outlives every diagnostic below
  auto expectations = netreach::load_expectations(args.expectations, expectation_sources);
  if (!expectations) {
    print_diagnostics(expectations.errors(), false);
    return kExitBadInput;
  }
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  auto report = netreach::check(*model, *expectations);
  if (!report) {
    print_diagnostics(report.errors(), false);
    return kExitBadInput;
  }
  if (args.output == "json") std::cout << netreach_cli::check_json(*report).dump(2) << "\n";
  else if (args.output == "junit") std::cout << netreach_cli::check_junit(*report, args.expectations);
  else std::cout << netreach_cli::check_text(*report);
  return report->failed == 0 ? 0 : 1;
}

int run_graph(CommonArgs& common, const GraphArgs& args) {
  netreach::GraphQuery graph{args.namespaces, args.port, std::nullopt, args.world};
  if (!parse_protocol_option(args.protocol, graph.protocol)) return kExitBadInput;
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  auto result = netreach::reachability(*model, graph);
  if (!result) {
    print_diagnostics(result.errors(), false);
    return kExitBadInput;
  }
  if (!args.from.empty() &&
      std::find(result->vertices.begin(), result->vertices.end(), args.from) == result->vertices.end()) {
    std::cerr << fmt::format("error: --from {} is not a vertex of the graph (vertices are NS/KIND/NAME, world, host)\n", args.from);
    return kExitBadInput;
  }
  if (args.output == "dot") {
    std::cout << netreach::to_dot(*result);
  } else if (args.output == "json") {
    nlohmann::json edges = nlohmann::json::array();
    for (const auto& e : result->edges)
      edges.push_back({{"from", e.from}, {"to", e.to}, {"verdict", netreach::to_string(e.verdict)}});
    nlohmann::json doc = {{"vertices", result->vertices}, {"edges", edges}};
    if (!args.from.empty()) doc["reachable_from"] = {{"start", args.from}, {"reachable", netreach::reachable_from(*result, args.from, false)}};
    std::cout << doc.dump(2) << "\n";
  } else {
    for (const auto& e : result->edges)
      std::cout << fmt::format("{} -> {}{}\n", e.from, e.to, e.verdict == netreach::Verdict::Unknown ? " (unknown)" : "");
    std::cout << fmt::format("{} endpoints, {} edges not denied on {}\n", result->vertices.size(), result->edges.size(), args.port);
    if (!args.from.empty()) {
      auto reached = netreach::reachable_from(*result, args.from, false);
      std::cout << fmt::format("{} reaches {} endpoint{} in any number of hops{}{}\n", args.from, reached.size(),
                               reached.size() == 1 ? "" : "s", reached.empty() ? "" : ": ", fmt::join(reached, ", "));
    }
  }
  return 0;
}

int run_summary(CommonArgs& common, const SummaryArgs& args) {
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  auto summary = netreach::summarize(*model);
  if (args.output == "json") std::cout << netreach_cli::summary_json(summary).dump(2) << "\n";
  else std::cout << netreach_cli::summary_text(summary);
  return 0;
}

void add_common(CLI::App* cmd, CommonArgs& common) {
  cmd->add_option("-f,--file", common.files, "manifests: a YAML/JSON file, a directory, a kustomization directory, or - for stdin (repeatable)")
      ->required()
      ->allow_extra_args(false)
      ->type_name("PATH");
  cmd->add_flag("--lenient", common.options.lenient,
                "do what a cluster would do with bad policies: prune unknown fields, ignore rejected objects (with warnings)");
  cmd->add_option("--cluster-name", common.options.cluster_name, "Cilium's cluster-name (default: default)");
  cmd->add_option("--kustomize", common.options.kustomize_program, "program that builds kustomizations: kustomize or kubectl (default: auto)");
  cmd->add_option("--policy-enforcement", common.enforcement, "Cilium's policy enforcement mode")
      ->check(CLI::IsMember({"default", "always", "never"}));
  cmd->add_flag("--enable-node-selector-labels", common.options.enable_node_selector_labels,
                "Cilium's enable-node-selector-labels: accept fromNodes/toNodes");
  cmd->add_flag("-q,--quiet", common.quiet, "do not print warnings");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"netreach: offline simulator of Cilium network policy. Can A reach B on port P, and why?"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "netreach 0.1.0");

  CommonArgs common;
  QueryArgs query_args;
  CheckArgs check_args;
  SummaryArgs summary_args;
  GraphArgs graph_args;

  // Subcommands are rows: name, help, setup, run.
  struct Command {
    const char* name;
    const char* help;
    std::function<void(CLI::App*)> setup;
    std::function<int()> run;
  };
  std::vector<Command> commands = {
      {"query", "can FROM reach TO on --port? Prints ALLOW/DENY/UNKNOWN and why (exit 0/1/3, 2 on bad input)",
       [&](CLI::App* cmd) {
         cmd->add_option("FROM", query_args.from, "source: NS/NAME, NS/KIND/NAME, an entity, an IP address")->required();
         cmd->add_option("TO", query_args.to, "destination: NS/NAME, NS/KIND/NAME, NS/svc/NAME, an entity, an IP, fqdn:NAME")->required();
         cmd->add_option("-p,--port", query_args.port, "5555, 5555/TCP, 53/UDP, or a named port such as http")->required();
         cmd->add_option("--protocol", query_args.protocol, "TCP (default), UDP or SCTP");
       },
       [&] { return run_query(common, query_args); }},
      {"check", "assert expected connectivity from an expectations file (exit 0 all hold, 1 some fail, 2 bad input)",
       [&](CLI::App* cmd) {
         cmd->add_option("-e,--expectations", check_args.expectations, "expectations file (apiVersion netreach/v1, kind Expectations)")
             ->required();
         cmd->add_option("-o,--output", check_args.output, "text, json or junit")->check(CLI::IsMember({"text", "json", "junit"}));
       },
       [&] { return run_check(common, check_args); }},
      {"graph", "which endpoints reach which on --port (text, dot or json), and what --from reaches in any number of hops",
       [&](CLI::App* cmd) {
         cmd->add_option("-p,--port", graph_args.port, "5555, 5555/TCP, 53/UDP, or a named port")->required();
         cmd->add_option("--protocol", graph_args.protocol, "TCP (default), UDP or SCTP");
         cmd->add_option("-n,--namespace", graph_args.namespaces, "only endpoints of this namespace (repeatable)")
             ->allow_extra_args(false);
         cmd->add_flag("--world", graph_args.world, "add world and host as endpoints");
         cmd->add_option("--from", graph_args.from, "list what this endpoint (NS/KIND/NAME) reaches, directly or through others");
         cmd->add_option("-o,--output", graph_args.output, "text, dot or json")->check(CLI::IsMember({"text", "dot", "json"}));
       },
       [&] { return run_graph(common, graph_args); }},
      {"summary", "what was loaded: counts per kind, namespaces, pods, identities, policies, and what was ignored",
       [&](CLI::App* cmd) {
         cmd->add_option("-o,--output", summary_args.output, "text or json")->check(CLI::IsMember({"text", "json"}));
       },
       [&] { return run_summary(common, summary_args); }},
  };
  std::vector<std::pair<CLI::App*, const Command*>> registered;
  for (const auto& c : commands) {
    CLI::App* cmd = app.add_subcommand(c.name, c.help);
    add_common(cmd, common);
    c.setup(cmd);
    registered.emplace_back(cmd, &c);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }
  for (const auto& [cmd, c] : registered)
    if (cmd->parsed()) return c->run();
  return kExitBadInput;
}
