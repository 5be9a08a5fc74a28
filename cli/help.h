// help: everything the command line says about itself, rendered from one
// source: the CLI11 app that main.cc builds from its command table (names,
// options, descriptions) plus the examples and exit codes below in help.cc.
// `--help`, `netreach help CMD`, the man page and the bash, zsh and fish
// completions are all rendered from it, so none of them can drift from what
// the parser accepts.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace netreach_cli {

// The columns of the terminal on `fd` (TIOCGWINSZ), else $COLUMNS, else 80;
// kept between 40 and 120 so that help stays readable.
size_t terminal_width(int fd);

// `text` wrapped at word boundaries to `width` columns; every line after the
// first is indented by `indent` spaces (the first is the caller's).
std::string wrap(const std::string& text, size_t indent, size_t width);

// The help of the whole program (`cmd` null) or of one command: usage,
// description, arguments and options, examples, exit codes.
std::string help_text(const CLI::App& root, const CLI::App* cmd, size_t width);

// netreach(1) in roff (man(7) macros).
std::string man_page(const CLI::App& root, const std::string& version);

enum class Shell { Bash, Zsh, Fish };
std::string completion_script(const CLI::App& root, Shell shell);

// Writes netreach.1, netreach.bash, _netreach and netreach.fish into `dir`
// (the build's `--generate-docs DIR`). False, with the error printed, when a
// file cannot be written.
bool generate_docs(const CLI::App& root, const std::string& version, const std::string& dir);

// The first argument that names no command or option of `cmd` (`args` are
// the arguments after the command's name), as an error with the nearest
// names: "unknown option --prot; did you mean --port?". Values of options
// are not looked at. Nothing when every option is known.
std::optional<std::string> unknown_option(const CLI::App& cmd, const std::vector<std::string>& args);

// "unknown command querry; did you mean query?"
std::string unknown_command(const CLI::App& root, const std::string& written);

// The command named `name` (not the hidden ones), or null.
const CLI::App* find_command(const CLI::App& root, const std::string& name);

}  // namespace netreach_cli
