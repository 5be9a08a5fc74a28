// what_if_args: the what-if options (--add, --remove, --set-labels) that
// query, check, graph and diff share, and how their output says that it is
// hypothetical.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "netreach.h"

namespace netreach_cli {

// Adds the three options to `cmd`, filling `what_if`.
void add_what_if_options(CLI::App* cmd, netreach::WhatIf& what_if);

// The changes on one line: "added a.yaml (2 objects); removed Namespace x".
std::string join_changes(const std::vector<std::string>& changes);

// "HYPOTHETICAL (what-if): <changes>\n", the first line of a hypothetical
// text report; empty when there are no changes.
std::string hypothetical_line(const std::vector<std::string>& changes);

}  // namespace netreach_cli
