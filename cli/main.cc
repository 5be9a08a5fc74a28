// netreach: the command line. Thin: parses arguments, calls the engine
// (engine/netreach.h only), formats results, maps outcomes to exit codes.
//
// Exit codes: 0 allow / all expectations hold; 1 deny / some fail;
// 2 bad input or usage; 3 unknown (query only).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "netreach.h"
#include "diff_format.h"
#include "graph_format.h"
#include "report.h"
#include "what_if_args.h"

namespace {

using netreach::Options;

constexpr int kExitBadInput = 2;

struct CommonArgs {
  std::vector<std::string> files;
  Options options;
  std::string enforcement = "default";
  bool quiet = false;
  netreach::WhatIf what_if;               // --add, --remove, --set-labels (cli/what_if_args.h)
  std::vector<std::string> hypothetical;  // the changes load_model() applied
};

struct QueryArgs {
  std::string from, to, port, protocol;
};

struct CheckArgs {
  std::string expectations;
  std::string output = "text";
};

struct DiffArgs {
  std::string base, head;
  std::vector<std::string> namespaces;
  std::vector<std::string> fail_on;
  std::string output = "text";
};

struct SummaryArgs {
  std::string output = "text";
};

struct GraphArgs {
  std::vector<std::string> namespaces;
  std::string port, protocol, focus;
  bool internal_only = false;
  std::string output = "text";
};

// "udp" -> UDP; empty stays unset. False when it is not TCP, UDP or SCTP.
bool parse_protocol_option(const std::string& text, std::optional<netreach::Protocol>& out) {
  if (text.empty()) return true;
  auto proto = netreach::parse_flow_protocol(text);
  if (!proto) {
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
  auto outcome = netreach::load(common.files, common.options, common.what_if);
  print_diagnostics(outcome.diagnostics, common.quiet);
  if (!outcome.model) {
    size_t errors = 0, in_changes = 0;
    for (const auto& d : outcome.diagnostics) {
      errors += d.severity == netreach::Severity::Error;
      in_changes += d.severity == netreach::Severity::Error && !d.pos.known();  // --remove, --set-labels
    }
    if (in_changes == errors)
      std::cerr << fmt::format("netreach: {} error{} in the what-if changes; nothing was evaluated\n", errors, errors == 1 ? "" : "s");
    else
      std::cerr << fmt::format("netreach: {} error{} in the input; nothing was evaluated{}\n", errors, errors == 1 ? "" : "s",
                               common.options.lenient ? "" : " (--lenient does what a cluster would do instead)");
  }
  common.hypothetical = outcome.hypothetical;
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
  std::cout << netreach_cli::hypothetical_line(common.hypothetical) << netreach::render_text(*result);
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
  // Results are written as they are judged (cli/report.h): memory does not
  // grow with the number of expectations.
  auto format = args.output == "json"    ? netreach_cli::CheckFormat::Json
                : args.output == "junit" ? netreach_cli::CheckFormat::Junit
                                         : netreach_cli::CheckFormat::Text;
  netreach_cli::CheckWriter writer(format, std::cout, args.expectations);
  writer.set_hypothetical(common.hypothetical);
  auto counts = netreach::check(*model, *expectations, [&](const netreach::CheckResult& r) { writer.add(r); });
  if (!counts) {
    print_diagnostics(counts.errors(), false);
    return kExitBadInput;
  }
  writer.finish(*counts);
  return counts->failed == 0 ? 0 : 1;
}

int run_graph(CommonArgs& common, const GraphArgs& args) {
  netreach_cli::GraphView view;
  if (!args.port.empty()) {
    std::string error;
    auto port = netreach_cli::parse_port_filter(args.port, error);
    std::optional<netreach::Protocol> protocol;
    if (!port) {
      std::cerr << "error: " << error << "\n";
      return kExitBadInput;
    }
    if (!parse_protocol_option(args.protocol, protocol)) return kExitBadInput;
    if (protocol) {
      if (args.port.find('/') != std::string::npos && port->protocol != *protocol) {
        std::cerr << fmt::format("error: --port {} contradicts --protocol {}\n", args.port, args.protocol);
        return kExitBadInput;
      }
      port->protocol = *protocol;
    }
    view.port = port;
  }
  auto model = load_model(common);
  if (!model) return kExitBadInput;
  auto graph = netreach::cluster_graph(*model, netreach::ClusterGraphQuery{args.namespaces, !args.internal_only});
  if (!graph) {
    print_diagnostics(graph.errors(), false);
    return kExitBadInput;
  }
  view.graph = &*graph;
  view.namespaces = args.namespaces;
  view.hypothetical = netreach_cli::join_changes(common.hypothetical);
  if (!args.focus.empty()) {
    auto vertex = netreach::find_graph_vertex(*model, *graph, args.focus);
    if (!vertex) {
      print_diagnostics(vertex.errors(), false);
      return kExitBadInput;
    }
    view.focus = *vertex;
    // Multi-hop reachability (lateral movement) over the edges the port
    // filter leaves, allowed ones only.
    netreach::Reachability hops;
    for (const auto& v : graph->vertices) hops.vertices.push_back(v.id);
    netreach_cli::GraphView all = view;
    all.focus.clear();
    for (const auto* e : netreach_cli::shown_edges(all)) {
      bool allowed = view.port ? e->allowed.contains(view.port->protocol, view.port->port) : !e->allowed.empty();
      if (allowed) hops.edges.push_back({e->from, e->to, netreach::Verdict::Allow});
    }
    view.reachable = netreach::reachable_from(hops, view.focus, false);
  }
  if (args.output == "json") netreach_cli::write_graph_json(view, std::cout);
  else if (args.output == "csv") netreach_cli::write_graph_csv(view, std::cout);
  else if (args.output == "dot") netreach_cli::write_graph_dot(view, std::cout);
  else if (args.output == "mermaid") netreach_cli::write_graph_mermaid(view, std::cout);
  else netreach_cli::write_graph_text(view, std::cout);
  return 0;
}

// One side of a diff: a git revision (its tree unpacked aside), a directory
// holding the repository's files, or (empty spec) the input as it is.
struct DiffSide {
  std::string display;
  std::vector<std::string> files;
  std::string strip;  // a temporary directory to take out of messages
  std::shared_ptr<const void> keep_alive;
};

std::optional<DiffSide> open_diff_side(const std::string& spec, const std::vector<std::string>& files) {
  namespace fs = std::filesystem;
  DiffSide side;
  if (spec.empty()) {
    side.display = "the input as it is";
    side.files = files.empty() ? std::vector<std::string>{"."} : files;
    return side;
  }
  std::error_code ec;
  if (fs::is_directory(spec, ec) && !netreach::is_git_revision_of(".", spec)) {
    side.display = spec;
    if (files.empty()) side.files.push_back(spec);
    for (const auto& f : files) side.files.push_back((fs::path(spec) / f).string());
    return side;
  }
  if (!netreach::is_git_revision_of(".", spec)) {
    std::cerr << fmt::format("error: {} is neither a git revision of the repository here nor a directory\n", spec);
    return std::nullopt;
  }
  auto tree = netreach::revision_tree(".", spec);
  if (!tree) {
    print_diagnostics(tree.errors(), false);
    return std::nullopt;
  }
  side.display = fmt::format("{} ({})", spec, tree->commit.substr(0, 12));
  side.strip = tree->temp + "/";
  side.keep_alive = tree->keep_alive;
  // -f paths are relative to the current directory, which lies at `prefix`
  // inside the repository; the default is the whole repository.
  if (files.empty()) side.files.push_back(tree->root);
  for (const auto& f : files) side.files.push_back((fs::path(tree->root) / tree->prefix / f).lexically_normal().string());
  return side;
}

std::string strip_all(std::string text, const std::string& prefix) {
  if (prefix.empty()) return text;
  for (size_t at; (at = text.find(prefix)) != std::string::npos;) text.erase(at, prefix.size());
  return text;
}

int run_diff(CommonArgs& common, const DiffArgs& args) {
  if (args.base.empty()) {
    std::cerr << "error: diff needs --base REV_OR_PATH (and --head, default: the input as it is)\n";
    return kExitBadInput;
  }
  if (common.enforcement == "always") common.options.enforcement = netreach::EnforcementMode::Always;
  else if (common.enforcement == "never") common.options.enforcement = netreach::EnforcementMode::Never;
  std::shared_ptr<const netreach::Model> models[2];
  std::optional<DiffSide> sides[2];
  const std::string* specs[2] = {&args.base, &args.head};
  for (int i = 0; i < 2; ++i) {
    sides[i] = open_diff_side(*specs[i], common.files);
    if (!sides[i]) return kExitBadInput;
    auto outcome = netreach::load(sides[i]->files, common.options);
    for (const auto& d : outcome.diagnostics) {
      if (common.quiet && d.severity != netreach::Severity::Error) continue;
      std::cerr << strip_all(netreach::format_diagnostic(d, false), sides[i]->strip) << "\n";
    }
    if (!outcome.model) {
      std::cerr << fmt::format("netreach: the {} ({}) has errors; nothing was compared\n", i == 0 ? "base" : "head", sides[i]->display);
      return kExitBadInput;
    }
    models[i] = outcome.model;
  }
  auto diff = netreach::diff_reachability(*models[0], *models[1], netreach::ClusterGraphQuery{args.namespaces, true});
  for (auto& object : diff.objects) {
    object.where = strip_all(object.where, sides[0]->strip);
    object.where = strip_all(object.where, sides[1]->strip);
  }
  netreach_cli::DiffView view{&diff, sides[0]->display, sides[1]->display, {}};
  if (args.output == "json") netreach_cli::write_diff_json(view, std::cout);
  else if (args.output == "markdown") netreach_cli::write_diff_markdown(view, std::cout);
  else netreach_cli::write_diff_text(view, std::cout);
  auto failing = netreach_cli::failing_categories(diff, args.fail_on);
  if (!failing.empty()) {
    std::cerr << fmt::format("netreach diff: --fail-on {}: the change has such flows\n", fmt::join(failing, ", "));
    return 1;
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
  DiffArgs diff_args;

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
         netreach_cli::add_what_if_options(cmd, common.what_if);
       },
       [&] { return run_query(common, query_args); }},
      {"check", "assert expected connectivity from an expectations file (exit 0 all hold, 1 some fail, 2 bad input)",
       [&](CLI::App* cmd) {
         cmd->add_option("-e,--expectations", check_args.expectations, "expectations file (apiVersion netreach/v1, kind Expectations)")
             ->required();
         cmd->add_option("-o,--output", check_args.output, "text, json or junit")->check(CLI::IsMember({"text", "json", "junit"}));
         netreach_cli::add_what_if_options(cmd, common.what_if);
       },
       [&] { return run_check(common, check_args); }},
      {"graph", "the reachability of the whole cluster: which workloads, entities, address blocks and names reach which, on which ports",
       [&](CLI::App* cmd) {
         cmd->add_option("-p,--port", graph_args.port, "only what this port lets through: 5555, 5555/TCP, 53/UDP");
         cmd->add_option("--protocol", graph_args.protocol, "the protocol of --port: TCP (default), UDP or SCTP");
         cmd->add_option("-n,--namespace", graph_args.namespaces, "only workloads of this namespace (repeatable)")
             ->allow_extra_args(false);
         cmd->add_option("--focus,--from", graph_args.focus,
                         "only the edges of this endpoint (NS/NAME, NS/KIND/NAME, an entity), and what it reaches in any number of hops");
         cmd->add_flag("--internal-only", graph_args.internal_only, "leave out entities, address blocks and toFQDNs names");
         cmd->add_option("-o,--output", graph_args.output, "text, json, csv, dot or mermaid")
             ->check(CLI::IsMember({"text", "json", "csv", "dot", "mermaid"}));
         netreach_cli::add_what_if_options(cmd, common.what_if);
       },
       [&] { return run_graph(common, graph_args); }},
      {"diff", "the flows a change opens, closes or changes, between two git revisions or directories, each with the object that causes it",
       [&](CLI::App* cmd) {
         cmd->get_option("--file")->required(false)->description(
             "paths inside each side (relative to the current directory; default: the repository root or the directory)");
         cmd->add_option("--base", diff_args.base, "before: a git revision (HEAD~1, main, a commit) or a directory");
         cmd->add_option("--head", diff_args.head, "after: a git revision or a directory (default: the input as it is)");
         cmd->add_option("-n,--namespace", diff_args.namespaces, "only workloads of this namespace (repeatable)")
             ->allow_extra_args(false);
         cmd->add_option("--fail-on", diff_args.fail_on,
                         "exit 1 when the change has flows of this kind: opened, closed, any, opened-from-world, "
                         "opened-to-world, opened-cross-namespace (repeatable)")
             ->allow_extra_args(false)
             ->check(CLI::IsMember(netreach_cli::kFailOnCategories));
         cmd->add_option("-o,--output", diff_args.output, "text, json or markdown (a table for a pull-request comment)")
             ->check(CLI::IsMember({"text", "json", "markdown"}));
       },
       [&] { return run_diff(common, diff_args); }},
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
