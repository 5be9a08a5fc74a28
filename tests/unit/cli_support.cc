#include "cli_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace netreach::testing {
namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

CliRun run_shell(const std::string& script) {
  auto dir = std::filesystem::temp_directory_path() / ("netreach-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto out = dir / "out", err = dir / "err";
  std::string command = "cd " + quote(NETREACH_SOURCE_DIR) + " && NETREACH=" + quote(NETREACH_BINARY) + " && (" + script +
                        ") >" + quote(out.string()) + " 2>" + quote(err.string()) + " </dev/null";
  int status = std::system(command.c_str());
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = slurp(out);
  run.err = slurp(err);
  std::filesystem::remove_all(dir);
  return run;
}

CliRun run_netreach(const std::vector<std::string>& args, const std::string& stdin_text) {
  std::string command = "\"$NETREACH\"";
  for (const auto& a : args) command += " " + quote(a);
  if (!stdin_text.empty()) command = "printf '%s' " + quote(stdin_text) + " | " + command;
  return run_shell(command);
}

}  // namespace netreach::testing
