#include "output.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <string_view>

#include <fmt/format.h>

#include "model/suggest.h"

namespace netreach_cli {
namespace {

// "text, json or junit"
std::string spoken_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return out;
}

}  // namespace

void add_output_options(CLI::App* cmd, OutputArgs& args, const std::vector<std::string>& formats, const std::string& description) {
  cmd->add_option("-o,--output", args.specs,
                  description + "; FORMAT=FILE writes it to FILE instead of standard output, and -o repeats (one run prints text and writes a file)")
      ->allow_extra_args(false)
      ->type_name(fmt::format("{}[=FILE]", fmt::join(formats, "|")));
  cmd->add_option("--output-file", args.file, "write the report (the -o written without =FILE) to FILE instead of standard output")
      ->type_name("FILE");
}

std::optional<Outputs> Outputs::open(const std::string& command, const OutputArgs& args, const std::vector<std::string>& formats) {
  auto error = [&](const std::string& message) {
    std::cerr << fmt::format("netreach {}: {}\n", command, message);
    return std::nullopt;
  };
  Outputs outputs;
  std::vector<std::string> specs = args.specs;
  if (specs.empty()) specs.push_back(formats.front());
  size_t without_file = 0;
  for (const auto& spec : specs) {
    OutputTarget target;
    auto eq = spec.find('=');
    target.format = spec.substr(0, eq);
    if (eq != std::string::npos) {
      target.file = spec.substr(eq + 1);
      if (target.file.empty()) return error(fmt::format("-o {}: the file after = is empty", spec));
    } else {
      ++without_file;
    }
    if (std::find(formats.begin(), formats.end(), target.format) == formats.end()) {
      std::vector<std::string_view> candidates(formats.begin(), formats.end());
      auto near = netreach::nearest_names(target.format, candidates);
      return error(fmt::format("-o {}: {} has no format \"{}\"{}; its formats are {}", spec, command, target.format,
                               near.empty() ? "" : " (" + netreach::did_you_mean(near) + ")", spoken_list(formats)));
    }
    outputs.targets_.push_back(target);
  }
  if (!args.file.empty()) {
    if (without_file != 1)
      return error(fmt::format("--output-file names the file of the one -o written without =FILE, and there are {}; write -o FORMAT=FILE",
                               without_file));
    for (auto& t : outputs.targets_)
      if (t.file.empty()) t.file = args.file;
  } else if (without_file > 1) {
    return error("only one -o can go to standard output; send the others to files with -o FORMAT=FILE");
  }
  for (size_t i = 0; i < outputs.targets_.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (!outputs.targets_[i].file.empty() && outputs.targets_[i].file == outputs.targets_[j].file)
        return error(fmt::format("{} is named by two -o options", outputs.targets_[i].file));
  for (auto& t : outputs.targets_) {
    if (t.file.empty() || t.file == "-") {
      t.file.clear();
      t.stream = &std::cout;
      t.terminal = ::isatty(STDOUT_FILENO);
      continue;
    }
    auto file = std::make_shared<std::ofstream>(t.file, std::ios::binary | std::ios::trunc);
    if (!*file) return error(fmt::format("cannot write {}: {}", t.file, std::strerror(errno)));
    outputs.files_.push_back(file);
    t.stream = file.get();
  }
  return outputs;
}

bool Outputs::close() {
  bool ok = true;
  size_t i = 0;
  for (auto& t : targets_) {
    t.stream->flush();
    if (t.file.empty()) continue;
    auto& file = *files_[i++];
    file.close();
    if (!file) {
      std::cerr << fmt::format("netreach: writing {} failed\n", t.file);
      ok = false;
    }
  }
  return ok;
}

}  // namespace netreach_cli
