// CLI test support: run the real netreach binary and capture what it says.
#pragma once

#include <string>
#include <vector>

namespace netreach::testing {

struct CliRun {
  int exit_code = -1;  // -1: did not exit normally
  std::string out;
  std::string err;
};

// Runs `netreach ARGS...` from the source tree (so fixture paths are
// relative), optionally with `stdin_text` on standard input.
CliRun run_netreach(const std::vector<std::string>& args, const std::string& stdin_text = "");

// Runs a shell pipeline; $NETREACH is the binary. For `... | netreach -f -`.
CliRun run_shell(const std::string& script);

}  // namespace netreach::testing
