// output: where a command's reports go. `-o FORMAT` (repeatable), each to
// standard output or, as `-o FORMAT=FILE`, to a file; `--output-file FILE`
// sends the one -o written without a file there. So one run can print text
// and write JUnit: `-o junit=report.xml -o text`.
//
// Files are opened before anything is loaded, so that a path that cannot be
// written is a usage error (exit 2) before any work, and a report asked for is
// there even when the input turns out to be bad (check writes its JUnit
// <error> testcase into it).
#pragma once

#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace netreach_cli {

struct OutputArgs {
  std::vector<std::string> specs;  // -o FORMAT or FORMAT=FILE, as written
  std::string file;                // --output-file
};

// Adds -o/--output and --output-file to `cmd`. `formats` are the command's
// formats, the default first; `description` says what each one is.
void add_output_options(CLI::App* cmd, OutputArgs& args, const std::vector<std::string>& formats, const std::string& description);

// One report: its format and where it goes.
struct OutputTarget {
  std::string format;
  std::string file;  // empty: standard output
  std::ostream* stream = nullptr;
  bool terminal = false;  // standard output is a terminal (colour, progress)
};

class Outputs {
 public:
  // The targets of `args` with their files opened; nothing (after printing
  // the error, naming the command's formats) on a usage error.
  static std::optional<Outputs> open(const std::string& command, const OutputArgs& args, const std::vector<std::string>& formats);

  std::vector<OutputTarget>& targets() { return targets_; }
  // Flushes the files; false (after printing which) when one could not be written.
  bool close();

 private:
  std::vector<OutputTarget> targets_;
  std::vector<std::shared_ptr<std::ofstream>> files_;
};

}  // namespace netreach_cli
