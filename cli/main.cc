// netreach: the command line. Thin: parses arguments, calls the engine
// (engine/netreach.h only), formats results, maps outcomes to exit codes.
// Each command is one row below, defined in its own cmd_<name>.cc
// (command.h says what they share); help.h renders help, the man page and
// the completions from the app built here.
//
// Exit codes: 0 allow / all expectations hold; 1 deny / some fail;
// 2 bad input or usage; 3 unknown (query only).
#include <unistd.h>

#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "command.h"
#include "help.h"
#include "version.h"

#ifndef NETREACH_VERSION
#error "NETREACH_VERSION is set by CMakeLists.txt (the project's version)"
#endif

int main(int argc, char** argv) {
  using namespace netreach_cli;
  const std::string version = NETREACH_VERSION;
  CLI::App app{"netreach: offline simulator of Cilium network policy. Can A reach B on port P, and why?", "netreach"};
  // Help is printed by help.h, before CLI11 parses anything.
  app.set_help_flag();

  CommonArgs common;
  const std::vector<Command> commands = {
      query_command(common), check_command(common), graph_command(common), diff_command(common), summary_command(common),
      lint_command(common), explain_command(common), replay_command(common), report_command(common),
  };
  std::vector<std::pair<CLI::App*, const Command*>> registered;
  for (const auto& c : commands) {
    CLI::App* cmd = app.add_subcommand(c.name, c.help);
    add_common(cmd, common);
    c.setup(cmd);
    registered.emplace_back(cmd, &c);
  }

  const std::vector<std::string> args(argv + 1, argv + argc);
  const size_t width = terminal_width(STDOUT_FILENO);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || (args[0] == "help" && args.size() == 1)) {
    std::cout << help_text(app, nullptr, width);
    return 0;
  }
  if (args[0] == "--version") {
    std::cout << fmt::format("netreach {}\nfollows the semantics of {}\n", version, netreach::kCiliumSemantics);
    return 0;
  }
  if (args[0] == "--generate-docs" && args.size() == 2) return generate_docs(app, version, args[1]) ? 0 : kExitBadInput;
  if (args[0] == "help") {
    const CLI::App* cmd = find_command(app, args[1]);
    if (!cmd) {
      std::cerr << "netreach: " << unknown_command(app, args[1]) << "\n";
      return kExitBadInput;
    }
    std::cout << help_text(app, cmd, width);
    return 0;
  }
  if (args[0].starts_with("-")) {
    std::cerr << fmt::format("netreach: {} before a command; the command comes first: netreach COMMAND [options] "
                             "(netreach help lists the commands)\n",
                             args[0]);
    return kExitBadInput;
  }
  const CLI::App* cmd = find_command(app, args[0]);
  if (!cmd) {
    std::cerr << "netreach: " << unknown_command(app, args[0]) << "\n";
    return kExitBadInput;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const auto& a : rest) {
    if (a == "--") break;
    if (a == "-h" || a == "--help") {
      std::cout << help_text(app, cmd, width);
      return 0;
    }
  }
  if (auto error = unknown_option(*cmd, rest)) {
    std::cerr << fmt::format("netreach {}: {}\n", cmd->get_name(), *error);
    return kExitBadInput;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::cerr << fmt::format("netreach {}: {} (netreach help {} lists the options)\n", cmd->get_name(), e.what(), cmd->get_name());
    return kExitBadInput;
  }
  for (const auto& [registered_cmd, c] : registered)
    if (registered_cmd->parsed()) return c->run();
  return kExitBadInput;
}
