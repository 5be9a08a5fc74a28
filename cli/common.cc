// common: the options every command takes, and loading the model with its
// diagnostics printed the same way for every command.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "command.h"
#include "help.h"
#include "progress.h"
#include "what_if_args.h"

namespace netreach_cli {

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

std::vector<std::string> error_messages(const netreach::Diagnostics& diags) {
  constexpr size_t kMaxErrors = 50;  // as print_diagnostics()
  std::vector<std::string> out;
  for (const auto& d : diags)
    if (d.severity == netreach::Severity::Error && out.size() < kMaxErrors) out.push_back(netreach::format_diagnostic(d, false));
  return out;
}

void apply_enforcement(CommonArgs& common) {
  if (common.enforcement == "always") common.options.enforcement = netreach::EnforcementMode::Always;
  else if (common.enforcement == "never") common.options.enforcement = netreach::EnforcementMode::Never;
}

namespace {

// How long a load runs before the progress line appears: a second, or
// NETREACH_PROGRESS_DELAY_MS (undocumented: for the CLI tests, whose loads
// are faster than that).
std::chrono::milliseconds progress_delay() {
  if (const char* ms = std::getenv("NETREACH_PROGRESS_DELAY_MS"); ms && *ms) {
    char* end = nullptr;
    long value = std::strtol(ms, &end, 10);
    if (*end == '\0' && value >= 0) return std::chrono::milliseconds(value);
  }
  return std::chrono::seconds(1);
}

}  // namespace

std::shared_ptr<const netreach::Model> load_model(CommonArgs& common) {
  if (common.files.empty()) {
    const std::string message = "error: no input: give manifests with -f PATH (a file, a directory, a kustomization, or - for stdin)";
    std::cerr << message << "\n";
    common.load_errors = {message};
    return nullptr;
  }
  apply_enforcement(common);
  netreach::LoadCounters counters;
  common.options.counters = &counters;
  LoadProgress progress(common.files, counters, ::isatty(STDERR_FILENO) && !common.quiet, terminal_width(STDERR_FILENO),
                        progress_delay());
  auto outcome = netreach::load(common.files, common.options, common.what_if);
  progress.stop();
  common.options.counters = nullptr;
  print_diagnostics(outcome.diagnostics, common.quiet);
  if (outcome.model && netreach::documents_read(*outcome.model) == 0) {
    const std::string message = fmt::format("error: the input has no Kubernetes objects ({}): nothing to evaluate",
                                            fmt::join(common.files, ", "));
    std::cerr << message << "\n";
    common.load_errors = {message};
    return nullptr;
  }
  if (!outcome.model) {
    common.load_errors = error_messages(outcome.diagnostics);
    size_t errors = 0, in_changes = 0, in_objects = 0;
    for (const auto& d : outcome.diagnostics) {
      errors += d.severity == netreach::Severity::Error;
      in_changes += d.severity == netreach::Severity::Error && !d.pos.known();  // --remove, --set-labels
      // An error at a field of an object (a policy field, a kind) is what
      // --lenient overrides; a missing file or broken YAML it cannot help.
      in_objects += d.severity == netreach::Severity::Error && !d.field_path.empty();
    }
    if (in_changes == errors)
      std::cerr << fmt::format("netreach: {} error{} in the what-if changes; nothing was evaluated\n", errors, errors == 1 ? "" : "s");
    else
      std::cerr << fmt::format("netreach: {} error{} in the input; nothing was evaluated{}\n", errors, errors == 1 ? "" : "s",
                               common.options.lenient || in_objects == 0 ? "" : " (--lenient does what a cluster would do instead)");
  }
  common.hypothetical = outcome.hypothetical;
  return outcome.model;
}

void add_common(CLI::App* cmd, CommonArgs& common) {
  cmd->add_option("-f,--file", common.files, "manifests: a YAML/JSON file, a directory, a kustomization directory, or - for stdin (repeatable)")
      ->required()
      ->allow_extra_args(false)
      ->type_name("PATH");
  cmd->add_flag("--lenient", common.options.lenient,
                "do what a cluster would do with bad policies: prune unknown fields, ignore rejected objects (with warnings)");
  cmd->add_option("--cluster-name", common.options.cluster_name, "Cilium's cluster-name (default: default)")->type_name("NAME");
  cmd->add_option("--kustomize", common.options.kustomize_program, "program that builds kustomizations: kustomize or kubectl (default: auto)")
      ->type_name("PROGRAM");
  cmd->add_option("--policy-enforcement", common.enforcement, "Cilium's policy enforcement mode")
      ->check(CLI::IsMember({"default", "always", "never"}));
  cmd->add_flag("--enable-node-selector-labels", common.options.enable_node_selector_labels,
                "Cilium's enable-node-selector-labels: accept fromNodes/toNodes");
  cmd->add_option("--repo-root", common.options.repo_root,
                  "root of the GitOps repository Flux/Argo CD paths are relative to (default: the nearest directory with .git)")
      ->type_name("DIR");
  cmd->add_option("--var", common.options.vars, "a Flux postBuild variable the repository lacks (repeatable)")
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false);
  cmd->add_option("--vars-file", common.options.vars_files, "a file of NAME=VALUE lines, as --var (repeatable)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  cmd->add_option("--exclude", common.options.exclude, "skip paths matching this glob when reading and building (repeatable)")
      ->type_name("GLOB")
      ->allow_extra_args(false);
  cmd->add_flag("-q,--quiet", common.quiet, "do not print warnings");
  cmd->add_flag("--no-color", common.no_color, "no colour on a terminal (as NO_COLOR=1)");
}


}  // namespace netreach_cli
