// command: what every subcommand of the command line shares. Each subcommand
// lives in its own cli/cmd_<name>.cc and is one row of main.cc's table: a
// name, a help line, the options it adds, and what it runs.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "netreach.h"

namespace netreach_cli {

// Exit codes: 0 allow / all expectations hold; 1 deny / some fail;
// 2 bad input or usage; 3 unknown (query only).
constexpr int kExitBadInput = 2;

// The options every command takes (-f, --lenient, the agent options, ...).
struct CommonArgs {
  std::vector<std::string> files;
  netreach::Options options;
  std::string enforcement = "default";
  bool quiet = false;
  bool no_color = false;                  // --no-color (style.h; NO_COLOR does the same)
  netreach::WhatIf what_if;               // --add, --remove, --set-labels (what_if_args.h)
  std::vector<std::string> hypothetical;  // the changes load_model() applied
  std::vector<std::string> load_errors;   // why load_model() failed, as printed (for reports such as JUnit)
};

struct Command {
  const char* name;
  const char* help;
  std::function<void(CLI::App*)> setup;  // adds the command's own options
  std::function<int()> run;              // the exit code
};

// The rows of main.cc's table; each is defined in its cmd_<name>.cc.
Command query_command(CommonArgs& common);
Command check_command(CommonArgs& common);
Command graph_command(CommonArgs& common);
Command diff_command(CommonArgs& common);
Command summary_command(CommonArgs& common);
Command lint_command(CommonArgs& common);
Command explain_command(CommonArgs& common);
Command replay_command(CommonArgs& common);
Command report_command(CommonArgs& common);

// Adds the common options to a command.
void add_common(CLI::App* cmd, CommonArgs& common);

// --policy-enforcement into common.options.
void apply_enforcement(CommonArgs& common);

// Prints diagnostics to stderr: warnings unless `quiet`, and at most a
// documented number of errors, then how many more there were.
void print_diagnostics(const netreach::Diagnostics& diags, bool quiet);

// The errors of `diags`, formatted as print_diagnostics() prints them (the
// first ones, without quoting source lines).
std::vector<std::string> error_messages(const netreach::Diagnostics& diags);

// Loads the model of common.files with the what-if changes, printing the
// diagnostics; null on failure (the caller exits with kExitBadInput), with
// the errors in common.load_errors. An input without a single object is an
// error too: a wrong path or an empty render must not pass a CI gate.
std::shared_ptr<const netreach::Model> load_model(CommonArgs& common);

// "udp" -> UDP; empty stays unset. False (after printing the error) when it is
// not TCP, UDP or SCTP.
bool parse_protocol_option(const std::string& text, std::optional<netreach::Protocol>& out);

}  // namespace netreach_cli
