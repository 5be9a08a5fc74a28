// Child processes: running a program (kustomize, git, tar) without a shell,
// stdin from /dev/null, stdout and stderr captured with a time and size limit.
// The one place netreach starts other programs (the OS boundary tests fake
// by putting scripts on PATH).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "model/diagnostic.h"

namespace netreach {

// The absolute path of an executable named `name` on PATH, or "".
std::string find_on_path(const std::string& name);

struct ChildResult {
  int status = 0;  // as from waitpid
  bool timed_out = false;
  bool too_much_output = false;
  std::string out;
  std::string err;
};

// Runs argv[0] (an absolute path). Errors: the process cannot be started.
Result<ChildResult> run_child(const std::vector<std::string>& argv, std::chrono::seconds timeout,
                              uint64_t max_output, SourcePos at);

// "exit status 1", "killed by signal 9".
std::string describe_status(int status);

}  // namespace netreach
