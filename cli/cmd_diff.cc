// netreach diff: the flows a change opens, closes or changes, for a reviewer (engine/diff).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "command.h"
#include <filesystem>

#include "diff_format.h"
#include "output.h"
#include "what_if_args.h"

namespace netreach_cli {
namespace {

struct DiffArgs {
  std::string base, head;
  std::vector<std::string> namespaces;
  std::vector<std::string> fail_on;
  OutputArgs output;
};

const std::vector<std::string> kDiffFormats = {"text", "json", "markdown"};

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
  const bool what_if = !common.what_if.add.empty() || !common.what_if.remove.empty() || !common.what_if.set_labels.empty();
  if (args.base.empty() && !what_if) {
    std::cerr << "error: diff needs --base REV_OR_PATH (and --head, default: the input as it is), or what-if changes "
                 "(--add, --remove, --set-labels) to compare the input with\n";
    return kExitBadInput;
  }
  if (args.base.empty() && !args.head.empty()) {
    std::cerr << "error: --head needs --base\n";
    return kExitBadInput;
  }
  auto outputs = Outputs::open("diff", args.output, kDiffFormats);
  if (!outputs) return kExitBadInput;
  apply_enforcement(common);
  std::shared_ptr<const netreach::Model> models[2];
  std::optional<DiffSide> sides[2];
  std::vector<std::string> hypothetical;
  // Without --base, the base is the input as it is and the head the same input
  // with the what-if changes ("what does this policy open?"); with --base, the
  // changes apply to the head.
  const std::string* specs[2] = {&args.base, &args.head};
  for (int i = 0; i < 2; ++i) {
    sides[i] = open_diff_side(*specs[i], common.files);
    if (!sides[i]) return kExitBadInput;
    auto outcome = i == 1 && what_if ? netreach::load(sides[i]->files, common.options, common.what_if)
                                     : netreach::load(sides[i]->files, common.options);
    for (const auto& d : outcome.diagnostics) {
      if (common.quiet && d.severity != netreach::Severity::Error) continue;
      std::cerr << strip_all(netreach::format_diagnostic(d, false), sides[i]->strip) << "\n";
    }
    if (!outcome.model) {
      std::cerr << fmt::format("netreach: the {} ({}) has errors; nothing was compared\n", i == 0 ? "base" : "head", sides[i]->display);
      return kExitBadInput;
    }
    models[i] = outcome.model;
    if (i == 1) hypothetical = outcome.hypothetical;
  }
  if (what_if && args.base.empty()) sides[1]->display = "the input with the what-if changes";
  auto diff = netreach::diff_reachability(*models[0], *models[1], netreach::ClusterGraphQuery{args.namespaces, true});
  for (auto& object : diff.objects) {
    object.where = strip_all(object.where, sides[0]->strip);
    object.where = strip_all(object.where, sides[1]->strip);
  }
  DiffView view{&diff, sides[0]->display, sides[1]->display, hypothetical};
  for (auto& t : outputs->targets()) {
    if (t.format == "json") write_diff_json(view, *t.stream);
    else if (t.format == "markdown") write_diff_markdown(view, *t.stream);
    else write_diff_text(view, *t.stream);
  }
  if (!outputs->close()) return kExitBadInput;
  auto failing = failing_categories(diff, args.fail_on);
  if (!failing.empty()) {
    std::cerr << fmt::format("netreach diff: --fail-on {}: the change has such flows\n", fmt::join(failing, ", "));
    return 1;
  }
  return 0;
}

}  // namespace

Command diff_command(CommonArgs& common) {
  auto args = std::make_shared<DiffArgs>();
  return {"diff", "the flows a change opens, closes or changes, between two git revisions or directories (or the input and what-if changes), each with the object that causes it",
          [&common, args](CLI::App* cmd) {
            cmd->get_option("--file")->required(false)->description(
                "paths inside each side (relative to the current directory; default: the repository root or the directory)");
            cmd->add_option("--base", args->base, "before: a git revision (HEAD~1, main, a commit) or a directory");
            cmd->add_option("--head", args->head, "after: a git revision or a directory (default: the input as it is)");
            cmd->add_option("-n,--namespace", args->namespaces, "only workloads of this namespace (repeatable)")->allow_extra_args(false);
            cmd->add_option("--fail-on", args->fail_on,
                            "exit 1 when the change has flows of this kind: opened, closed, any, opened-from-world, "
                            "opened-to-world, opened-cross-namespace (repeatable)")
                ->allow_extra_args(false)
                ->check(CLI::IsMember(kFailOnCategories));
            add_output_options(cmd, args->output, kDiffFormats, "text, json or markdown (a table for a pull-request comment)");
            // Without --base: the input compared with itself plus these changes.
            add_what_if_options(cmd, common.what_if);
          },
          [&common, args] { return run_diff(common, *args); }};
}

}  // namespace netreach_cli
