#include "help.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string_view>

#include <fmt/format.h>

#include "model/suggest.h"
#include "version.h"

namespace netreach_cli {
namespace {

struct Example {
  std::string_view command;  // after "netreach "
  std::string_view what;
};

// What the parser cannot say about a command: how it is used in practice and
// what its exit codes mean. Keyed by the command's name; a command without a
// row simply has no examples.
struct CommandDoc {
  std::string_view name;
  std::vector<Example> examples;
  std::vector<std::pair<std::string_view, std::string_view>> exit_codes;
};

const std::vector<CommandDoc>& command_docs() {
  static const std::vector<CommandDoc> docs = {
      {"query",
       {{"query -f clusters/prod partner-cp/partner-api global-auth/auth --port 5555",
         "can partner-api reach auth on 5555/TCP, and which rule on which side decides"},
        {"query -f clusters/prod app/web kube-system/svc/kube-dns --port dns", "a Service port, a named port with its own protocol"},
        {"query -f clusters/prod app/web world --port 443 --brief", "one line: the verdict only"},
        {"query -f clusters/prod app/web app/db --port icmp:EchoRequest", "a ping: ICMP by type number or name (icmpv6:128 for IPv6)"},
        {"query -f clusters/prod app/web app/api --port 80 --http GET /public --header X-Token=abc",
         "one HTTP request, judged against the port's rules.http"}},
       {{"0", "allowed"}, {"1", "denied"}, {"2", "bad input or usage"}, {"3", "unknown: the answer depends on a fact the input lacks"}}},
      {"check",
       {{"check -f clusters/prod -e expectations.yaml", "the CI gate: every expectation judged, PASS/FAIL per line"},
        {"check -f clusters/prod -e expectations.yaml -o junit=report.xml -o text",
         "text on the terminal and a JUnit report for the CI system, in one run"}},
       {{"0", "every expectation holds"}, {"1", "some expectation does not hold"}, {"2", "bad input or usage"}}},
      {"graph",
       {{"graph -f clusters/prod", "every workload-to-workload edge with the ports both sides allow"},
        {"graph -f clusters/prod --from app/web --port 5432", "what web reaches on 5432, in any number of hops"},
        {"graph -f clusters/prod -o dot | dot -Tsvg > graph.svg", "a picture (Graphviz)"}},
       {{"0", "the graph was printed"}, {"2", "bad input or usage"}}},
      {"diff",
       {{"diff --base origin/main --head HEAD -f clusters/prod --fail-on opened",
         "fail a review when the change opens a flow"},
        {"diff --base origin/main --head HEAD -o markdown", "a table for a pull-request comment"}},
       {{"0", "compared (and no --fail-on category has flows)"},
        {"1", "a --fail-on category has flows"},
        {"2", "bad input or usage"}}},
      {"summary",
       {{"summary -f clusters/prod", "counts per kind, pods, identities, policies, and what was ignored"},
        {"summary -f - < rendered.yaml", "manifests on standard input (kubectl kustomize DIR | netreach summary -f -)"}},
       {{"0", "the input loaded"}, {"2", "bad input or usage"}}},
      {"replay",
       {{"replay -f clusters/prod --flows flows.json", "what of the traffic Hubble recorded these policies would drop"},
        {"replay -f clusters/prod --flows flows.jsonpb", "an export of hubble observe -o jsonpb (a GetFlowsResponse per line), or --flows - to read it from a pipe"},
        {"replay -f clusters/prod --flows flows.json --fail-on any -o json", "fail on any change of verdict, as data"}},
       {{"0", "no observed flow changes verdict (as --fail-on counts it)"},
        {"1", "observed flows would be dropped (--fail-on dropped, the default), or dropped ones allowed (allowed, any)"},
        {"2", "bad input or usage: a malformed line names its file, line and field"}}},
      {"report",
       {{"report -f clusters/prod > report.html", "one page: summary, lint findings, and per namespace the graph and its flows"},
        {"report -f clusters/prod -o html=report.html", "the same, written to a file (a CI artifact)"}},
       {{"0", "the page was written"}, {"2", "bad input or usage"}}},
  };
  return docs;
}

const CommandDoc* doc_of(const std::string& name) {
  for (const auto& d : command_docs())
    if (d.name == name) return &d;
  return nullptr;
}

std::vector<const CLI::App*> commands_of(const CLI::App& root) {
  return root.get_subcommands([](const CLI::App* c) { return !c->get_group().empty(); });
}

bool is_flag(const CLI::Option* opt) { return opt->get_expected_max() == 0; }

bool is_hidden(const CLI::Option* opt) { return opt->get_group().empty(); }

// "-f, --file" (positionals: their name).
std::string option_names(const CLI::Option* opt) {
  if (opt->get_positional()) return opt->get_name(true);
  std::vector<std::string> names;
  for (const auto& s : opt->get_snames()) names.push_back("-" + s);
  for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
  return fmt::format("{}", fmt::join(names, ", "));
}

// The option's preferred spelling: its long name, else its short one.
std::string main_name(const CLI::Option* opt) {
  if (!opt->get_lnames().empty()) return "--" + opt->get_lnames().front();
  if (!opt->get_snames().empty()) return "-" + opt->get_snames().front();
  return opt->get_name(true);
}

// A value's placeholder as the option declares it ("PATH", "text|json"); a
// CLI::IsMember check's "TEXT:{a,b}" is written as its choices, "a|b".
std::string value_name(const CLI::Option* opt) {
  std::string type = opt->get_type_name();
  if (auto brace = type.find(":{"); brace != std::string::npos && type.back() == '}') {
    type = type.substr(brace + 2, type.size() - brace - 3);
    std::replace(type.begin(), type.end(), ',', '|');
  }
  // CLI11's default for strings says nothing: the option's own name does.
  if ((type.empty() || type == "TEXT") && !opt->get_lnames().empty()) {
    type = opt->get_lnames().front();
    for (auto& c : type) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return type.empty() ? "VALUE" : type;
}

// The choices of an option whose placeholder lists them ("text|json|junit[=FILE]").
std::vector<std::string> value_choices(const CLI::Option* opt) {
  std::string type = value_name(opt);
  if (type.find('|') == std::string::npos) return {};
  if (auto bracket = type.find('['); bracket != std::string::npos) type.erase(bracket);
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t bar; (bar = type.find('|', start)) != std::string::npos; start = bar + 1) out.push_back(type.substr(start, bar - start));
  out.push_back(type.substr(start));
  return out;
}

bool takes_path(const CLI::Option* opt) {
  std::string type = value_name(opt);
  return type == "PATH" || type == "FILE" || type == "DIR";
}

std::string usage_line(const CLI::App& cmd) {
  std::string out = "netreach " + cmd.get_name();
  for (const auto* opt : cmd.get_options()) {
    if (opt->get_positional() || is_hidden(opt) || !opt->get_required()) continue;
    out += " " + main_name(opt) + " " + value_name(opt);
  }
  out += " [options]";
  for (const auto* opt : cmd.get_options())
    if (opt->get_positional()) out += " " + opt->get_name(true);
  return out;
}

// Name column and wrapped description, for one table row of help text.
void append_row(std::string& out, const std::string& left, const std::string& right, size_t column, size_t width) {
  std::string line = "  " + left;
  if (line.size() + 2 > column) {
    out += line + "\n" + std::string(column, ' ');
  } else {
    out += line + std::string(column - line.size(), ' ');
  }
  out += wrap(right, column, width) + "\n";
}

std::string roff_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  // A line starting with a dot or an apostrophe would be read as a request.
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

// A value name that lists the choices (opened|closed|any|...) has no space
// to break a line at: `\\:` after each `|` lets groff break there instead
// of warning that it cannot adjust the line.
std::string roff_choices(std::string_view text) {
  std::string out;
  for (char c : roff_escape(text)) {
    out += c;
    if (c == '|') out += "\\:";
  }
  return out;
}

std::string single_quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// zsh _arguments descriptions: brackets and colons are its syntax.
std::string zsh_description(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string first_sentence(const std::string& text) {
  // Completion menus show one short line.
  auto end = text.find_first_of(":(;");
  std::string out = end == std::string::npos ? text : text.substr(0, end);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string bash_script(const CLI::App& root) {
  std::string names;
  for (const auto* c : commands_of(root)) names += c->get_name() + " ";
  std::string out = "# bash completion for netreach (generated by netreach from its command table)\n_netreach() {\n";
  out += "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" opts=\"\"\n";
  out += fmt::format("  if [ \"$COMP_CWORD\" -eq 1 ]; then\n    COMPREPLY=($(compgen -W \"{}help --help --version\" -- \"$cur\"))\n    return\n  fi\n", names);
  out += "  case \"${COMP_WORDS[1]}\" in\n";
  out += fmt::format("    help) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return ;;\n", names);
  for (const auto* c : commands_of(root)) {
    std::string opts, value_cases;
    for (const auto* opt : c->get_options()) {
      if (opt->get_positional() || is_hidden(opt)) continue;
      std::string spellings;
      for (const auto& s : opt->get_snames()) spellings += (spellings.empty() ? "-" : "|-") + s;
      for (const auto& l : opt->get_lnames()) spellings += (spellings.empty() ? "--" : "|--") + l;
      for (const auto& s : opt->get_snames()) opts += "-" + s + " ";
      for (const auto& l : opt->get_lnames()) opts += "--" + l + " ";
      if (is_flag(opt)) continue;
      auto choices = value_choices(opt);
      if (!choices.empty())
        value_cases += fmt::format("        {}) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return ;;\n", spellings, fmt::join(choices, " "));
      else if (takes_path(opt))
        value_cases += fmt::format("        {}) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", spellings);
      else
        value_cases += fmt::format("        {}) return ;;\n", spellings);
    }
    out += fmt::format("    {})\n      opts=\"{}--help\"\n      case \"$prev\" in\n{}      esac ;;\n", c->get_name(), opts, value_cases);
  }
  out += "  esac\n";
  out += "  if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")); else COMPREPLY=($(compgen -f -- \"$cur\")); fi\n";
  out += "}\ncomplete -o filenames -F _netreach netreach\n";
  return out;
}

std::string zsh_script(const CLI::App& root) {
  std::string out = "#compdef netreach\n# zsh completion for netreach (generated by netreach from its command table)\n_netreach() {\n";
  out += "  local -a commands\n  commands=(\n";
  for (const auto* c : commands_of(root))
    out += "    " + single_quoted(c->get_name() + ":" + first_sentence(c->get_description())) + "\n";
  out += "    'help:print the help of netreach or of a command'\n  )\n";
  out += "  if (( CURRENT == 2 )); then\n    _describe 'command' commands\n    return\n  fi\n";
  out += "  local cmd=$words[2]\n  shift words\n  (( CURRENT-- ))\n  case $cmd in\n";
  out += "    help) _describe 'command' commands ;;\n";
  for (const auto* c : commands_of(root)) {
    out += fmt::format("    {})\n      _arguments -s \\\n", c->get_name());
    for (const auto* opt : c->get_options()) {
      if (is_hidden(opt)) continue;
      std::string description = zsh_description(first_sentence(opt->get_description()));
      if (opt->get_positional()) {
        out += "        " + single_quoted(":" + opt->get_name(true) + ": ") + " \\\n";
        continue;
      }
      std::string action;
      if (!is_flag(opt)) {
        auto choices = value_choices(opt);
        action = ":" + zsh_description(value_name(opt)) + ":";
        if (!choices.empty()) action += fmt::format("({})", fmt::join(choices, " "));
        else if (takes_path(opt)) action += "_files";
        else action += " ";
      }
      std::vector<std::string> spellings;
      for (const auto& s : opt->get_snames()) spellings.push_back("-" + s);
      for (const auto& l : opt->get_lnames()) spellings.push_back("--" + l);
      for (const auto& s : spellings) out += "        " + single_quoted("*" + s + "[" + description + "]" + action) + " \\\n";
    }
    out += "        '--help[print this help]'\n      ;;\n";
  }
  out += "  esac\n}\n_netreach \"$@\"\n";
  return out;
}

std::string fish_script(const CLI::App& root) {
  std::string out = "# fish completion for netreach (generated by netreach from its command table)\ncomplete -c netreach -f\n";
  std::string names;
  for (const auto* c : commands_of(root)) names += c->get_name() + " ";
  auto no_command = fmt::format("not __fish_seen_subcommand_from {}help", names);
  for (const auto* c : commands_of(root))
    out += fmt::format("complete -c netreach -n {} -a {} -d {}\n", single_quoted(no_command), c->get_name(),
                       single_quoted(first_sentence(c->get_description())));
  out += fmt::format("complete -c netreach -n {} -a help -d 'print the help of netreach or of a command'\n", single_quoted(no_command));
  out += fmt::format("complete -c netreach -n '__fish_seen_subcommand_from help' -a {}\n", single_quoted(names));
  out += fmt::format("complete -c netreach -n {} -l version -d 'print the version'\n", single_quoted(no_command));
  for (const auto* c : commands_of(root)) {
    auto when = single_quoted("__fish_seen_subcommand_from " + c->get_name());
    for (const auto* opt : c->get_options()) {
      if (opt->get_positional() || is_hidden(opt)) continue;
      std::string line = "complete -c netreach -n " + when;
      for (const auto& s : opt->get_snames()) line += " -s " + s;
      for (const auto& l : opt->get_lnames()) line += " -l " + l;
      if (!is_flag(opt)) {
        auto choices = value_choices(opt);
        if (!choices.empty()) line += fmt::format(" -x -a {}", single_quoted(fmt::format("{}", fmt::join(choices, " "))));
        else if (takes_path(opt)) line += " -r -F";
        else line += " -x";
      }
      out += line + " -d " + single_quoted(first_sentence(opt->get_description())) + "\n";
    }
  }
  return out;
}

}  // namespace

size_t terminal_width(int fd) {
  size_t width = 0;
  winsize size{};
  if (::isatty(fd) && ::ioctl(fd, TIOCGWINSZ, &size) == 0) width = size.ws_col;
  if (width == 0)
    if (const char* columns = std::getenv("COLUMNS")) width = static_cast<size_t>(std::atoi(columns));
  if (width == 0) width = 80;
  return std::clamp<size_t>(width, 40, 120);
}

std::string wrap(const std::string& text, size_t indent, size_t width) {
  const size_t room = width > indent + 20 ? width - indent : 20;
  std::string out;
  size_t column = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string_view word(text.data() + start, end - start);
    if (!word.empty()) {
      if (column > 0 && column + 1 + word.size() > room) {
        out += "\n" + std::string(indent, ' ');
        column = 0;
      } else if (column > 0) {
        out += ' ';
        ++column;
      }
      out += word;
      column += word.size();
    }
    start = end + 1;
  }
  return out;
}

std::string help_text(const CLI::App& root, const CLI::App* cmd, size_t width) {
  std::string out;
  if (!cmd) {
    out += "Usage: netreach COMMAND [options]\n\n";
    out += wrap(root.get_description(), 0, width) + "\n\nCommands:\n";
    size_t column = 4;
    for (const auto* c : commands_of(root)) column = std::max(column, c->get_name().size() + 4);
    for (const auto* c : commands_of(root)) append_row(out, c->get_name(), c->get_description(), column, width);
    append_row(out, "help", "this help; `netreach help COMMAND` for a command's options, examples and exit codes", column, width);
    out += "\nOptions:\n";
    append_row(out, "--version", "the version, and the Cilium release whose semantics netreach follows", 14, width);
    append_row(out, "-h, --help", "this help", 14, width);
    out += "\n" + wrap("Every command reads manifests with -f PATH (a file, a directory, a kustomization, or - for stdin). "
                       "Exit codes: 0 allowed / everything holds, 1 denied / something fails, 2 bad input or usage, "
                       "3 unknown (query). Colour on a terminal unless NO_COLOR is set or --no-color is given.",
                       0, width) +
           "\n";
    return out;
  }
  out += wrap("Usage: " + usage_line(*cmd), 4, width) + "\n\n" + wrap(cmd->get_description(), 0, width) + "\n";
  std::vector<const CLI::Option*> positionals, options;
  for (const auto* opt : cmd->get_options()) {
    if (is_hidden(opt)) continue;
    (opt->get_positional() ? positionals : options).push_back(opt);
  }
  auto left_of = [](const CLI::Option* opt) {
    return opt->get_positional() || is_flag(opt) ? option_names(opt) : option_names(opt) + " " + value_name(opt);
  };
  size_t column = 8;
  for (const auto* opt : cmd->get_options())
    if (!is_hidden(opt)) column = std::max(column, left_of(opt).size() + 4);
  column = std::min(column, width / 3);
  if (!positionals.empty()) {
    out += "\nArguments:\n";
    for (const auto* opt : positionals) append_row(out, left_of(opt), opt->get_description(), column, width);
  }
  out += "\nOptions:\n";
  for (const auto* opt : options)
    append_row(out, left_of(opt), opt->get_description() + (opt->get_required() ? " (required)" : ""), column, width);
  append_row(out, "-h, --help", "this help", column, width);
  if (const auto* doc = doc_of(cmd->get_name())) {
    if (!doc->examples.empty()) {
      out += "\nExamples:\n";
      for (const auto& e : doc->examples) {
        out += "  # " + wrap(std::string(e.what), 4, width) + "\n";
        out += "  netreach " + std::string(e.command) + "\n";
      }
    }
    out += "\nExit codes:\n";
    for (const auto& [code, meaning] : doc->exit_codes) append_row(out, std::string(code), std::string(meaning), 6, width);
  }
  return out;
}

std::string man_page(const CLI::App& root, const std::string& version) {
  std::string out = fmt::format(".TH NETREACH 1 \"\" \"netreach {}\" \"User Commands\"\n", version);
  out += ".SH NAME\nnetreach \\- offline simulator of Cilium network policy\n";
  out += ".SH SYNOPSIS\n";
  for (const auto* c : commands_of(root)) out += ".br\n" + roff_escape(usage_line(*c)) + "\n";
  out += ".SH DESCRIPTION\n" + roff_escape(root.get_description()) + "\n.PP\n";
  out += roff_escape(fmt::format("netreach follows the semantics of {}.", netreach::kCiliumSemantics)) + "\n";
  out += ".SH COMMANDS\n";
  for (const auto* c : commands_of(root)) {
    out += ".SS " + c->get_name() + "\n" + roff_escape(c->get_description()) + "\n";
    for (const auto* opt : c->get_options()) {
      if (is_hidden(opt)) continue;
      std::string left = opt->get_positional() ? opt->get_name(true)
                                               : "\\fB" + roff_escape(option_names(opt)) + "\\fR" +
                                                     (is_flag(opt) ? "" : " \\fI" + roff_choices(value_name(opt)) + "\\fR");
      out += ".TP\n" + left + "\n" + roff_escape(opt->get_description()) + "\n";
    }
    if (const auto* doc = doc_of(c->get_name())) {
      for (const auto& e : doc->examples)
        out += ".PP\n" + roff_escape(std::string(e.what)) + ":\n.IP\n.nf\nnetreach " + roff_escape(std::string(e.command)) + "\n.fi\n";
      out += ".PP\nExit codes:\n";
      for (const auto& [code, meaning] : doc->exit_codes) out += ".TP\n" + std::string(code) + "\n" + roff_escape(std::string(meaning)) + "\n";
    }
  }
  out += ".SH ENVIRONMENT\n.TP\nNO_COLOR\nwhen set to anything, no colour (as \\fB\\-\\-no\\-color\\fR).\n";
  out += ".SH EXIT STATUS\n0 allowed, or every expectation holds; 1 denied, or some expectation fails; "
         "2 bad input or usage; 3 unknown (the answer depends on a fact the input lacks).\n";
  return out;
}

std::string completion_script(const CLI::App& root, Shell shell) {
  switch (shell) {
    case Shell::Bash: return bash_script(root);
    case Shell::Zsh: return zsh_script(root);
    case Shell::Fish: return fish_script(root);
  }
  return {};
}

bool generate_docs(const CLI::App& root, const std::string& version, const std::string& dir) {
  const std::pair<std::string, std::string> files[] = {
      {"netreach.1", man_page(root, version)},
      {"netreach.bash", completion_script(root, Shell::Bash)},
      {"_netreach", completion_script(root, Shell::Zsh)},
      {"netreach.fish", completion_script(root, Shell::Fish)},
  };
  for (const auto& [name, text] : files) {
    std::string path = dir + "/" + name;
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out.flush()) {
      std::cerr << fmt::format("error: cannot write {}\n", path);
      return false;
    }
  }
  return true;
}

std::optional<std::string> unknown_option(const CLI::App& cmd, const std::vector<std::string>& args) {
  std::vector<std::string> names = {"--help", "-h"};
  for (const auto* opt : cmd.get_options()) {
    if (opt->get_positional()) continue;
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    for (const auto& s : opt->get_snames()) names.push_back("-" + s);
  }
  auto value_count = [&](const std::string& name) -> size_t {
    for (const auto* opt : cmd.get_options())
      if (!opt->get_positional() && opt->check_name(name)) return is_flag(opt) ? 0 : std::max(1, opt->get_type_size_min());
    return 0;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (a.size() < 2 || a[0] != '-' || (a[1] >= '0' && a[1] <= '9')) continue;  // "-" is stdin; "-1" a value
    std::string name;
    bool attached = false;  // --port=5555, -p5555
    if (a[1] == '-') {
      auto eq = a.find('=');
      name = a.substr(0, eq);
      attached = eq != std::string::npos;
    } else {
      name = a.substr(0, 2);
      attached = a.size() > 2;
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      if (!attached) i += value_count(name);
      continue;
    }
    std::vector<std::string_view> candidates(names.begin(), names.end());
    auto near = netreach::nearest_names(name, candidates);
    std::string hint = near.empty() ? "" : "; " + netreach::did_you_mean(near);
    return fmt::format("unknown option {}{} (netreach help {} lists the options)", name, hint, cmd.get_name());
  }
  return std::nullopt;
}

std::string unknown_command(const CLI::App& root, const std::string& written) {
  std::vector<std::string> names;
  for (const auto* c : commands_of(root)) names.push_back(c->get_name());
  names.push_back("help");
  std::vector<std::string_view> candidates(names.begin(), names.end());
  auto near = netreach::nearest_names(written, candidates);
  return fmt::format("unknown command {}{} (the commands: {})", written,
                     near.empty() ? "" : "; " + netreach::did_you_mean(near), fmt::join(names, ", "));
}

const CLI::App* find_command(const CLI::App& root, const std::string& name) {
  for (const auto* c : commands_of(root))
    if (c->get_name() == name) return c;
  return nullptr;
}

}  // namespace netreach_cli
