// netreach: the command line. Thin: parses arguments, calls the engine
// (engine/netreach.h only), formats results, maps outcomes to exit codes.
// Each command is one row below, defined in its own cmd_<name>.cc
// (command.h says what they share).
//
// Exit codes: 0 allow / all expectations hold; 1 deny / some fail;
// 2 bad input or usage; 3 unknown (query only).
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "command.h"

int main(int argc, char** argv) {
  using namespace netreach_cli;
  CLI::App app{"netreach: offline simulator of Cilium network policy. Can A reach B on port P, and why?"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "netreach 0.1.0");

  CommonArgs common;
  const std::vector<Command> commands = {
      query_command(common), check_command(common), graph_command(common), diff_command(common), summary_command(common),
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
