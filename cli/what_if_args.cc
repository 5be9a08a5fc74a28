#include "what_if_args.h"

#include <fmt/format.h>

namespace netreach_cli {

void add_what_if_options(CLI::App* cmd, netreach::WhatIf& what_if) {
  cmd->add_option("--add", what_if.add,
                  "what-if: manifests added to the input (a file, a directory or a kustomization; repeatable); an "
                  "object with the kind, namespace and name of one in the input replaces it, as kubectl apply would")
      ->allow_extra_args(false)
      ->type_name("PATH");
  cmd->add_option("--remove", what_if.remove,
                  "what-if: an object taken away, KIND/NS/NAME or KIND/NAME for a cluster-scoped kind (cnp/NS/NAME, "
                  "deploy/NS/NAME, ns/NAME, ...; repeatable); a workload goes with its pods, a namespace with its contents")
      ->allow_extra_args(false)
      ->type_name("KIND/NS/NAME");
  cmd->add_option("--set-labels", what_if.set_labels,
                  "what-if: relabel a workload's pods, a pod, a namespace, a node, a Service or a CiliumCIDRGroup, in "
                  "kubectl's syntax: --set-labels deploy/NS/NAME team=x,app- (repeatable)")
      ->type_name("KIND/NS/NAME LABELS");
}

std::string join_changes(const std::vector<std::string>& changes) { return fmt::format("{}", fmt::join(changes, "; ")); }

std::string hypothetical_line(const std::vector<std::string>& changes) {
  if (changes.empty()) return {};
  return "HYPOTHETICAL (what-if): " + join_changes(changes) + "\n";
}

}  // namespace netreach_cli
