#include "load/kustomize_error.h"

#include <cctype>
#include <vector>

namespace netreach {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string fold_space(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The text after `open` up to the next `close`, for each occurrence.
std::vector<std::string> between(std::string_view text, std::string_view open, char close) {
  std::vector<std::string> out;
  for (size_t at = text.find(open); at != std::string_view::npos; at = text.find(open, at + 1)) {
    size_t start = at + open.size();
    size_t end = text.find(close, start);
    if (end == std::string_view::npos) break;
    out.emplace_back(text.substr(start, end - start));
  }
  return out;
}

}  // namespace

std::string clean_kustomize_stderr(std::string_view err) {
  // klog: "E1202 03:20:03.779714   27974 run.go:72] "command failed" err=..."
  std::string_view text = err;
  if (text.size() > 1 && (text[0] == 'E' || text[0] == 'F' || text[0] == 'W') && std::isdigit(static_cast<unsigned char>(text[1]))) {
    size_t bracket = text.find("] ");
    if (bracket != std::string_view::npos) text.remove_prefix(bracket + 2);
    if (text.starts_with("\"command failed\" ")) text.remove_prefix(17);
    if (text.starts_with("err=<")) {
      text.remove_prefix(5);
      size_t end = text.rfind('>');
      if (end != std::string_view::npos) text = text.substr(0, end);
    } else if (text.starts_with("err=\"")) {
      text.remove_prefix(5);
      size_t end = text.rfind('"');
      if (end != std::string_view::npos) text = text.substr(0, end);
    }
  } else if (text.starts_with("Error: ")) {
    text.remove_prefix(7);  // kustomize's own CLI
  }
  return fold_space(text);
}

std::optional<std::string> failing_entry(std::string_view err, std::string_view dir) {
  for (const auto& quoted : between(err, "accumulating resources from '", '\'')) return quoted;
  for (const auto& path : between(err, "path(", ')')) return path;
  // "lstat /abs/dir/X: no such file or directory"
  std::string prefix = std::string(dir);
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  for (const auto& path : between(err, "lstat ", ':'))
    if (!prefix.empty() && path.starts_with(prefix)) return path.substr(prefix.size());
  return std::nullopt;
}

uint32_t line_naming(std::string_view kustomization, std::string_view entry) {
  if (entry.empty()) return 0;
  uint32_t line = 1;
  size_t start = 0;
  while (start <= kustomization.size()) {
    size_t end = kustomization.find('\n', start);
    if (end == std::string_view::npos) end = kustomization.size();
    std::string_view text = kustomization.substr(start, end - start);
    // The value of the line: after "- " or "key: ", quotes removed.
    size_t colon = text.find(": ");
    size_t dash = text.find("- ");
    size_t from = 0;
    if (dash != std::string_view::npos && text.substr(0, dash).find_first_not_of(' ') == std::string_view::npos) from = dash + 2;
    if (colon != std::string_view::npos && colon >= from) from = colon + 2;
    std::string_view value = text.substr(std::min(from, text.size()));
    while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
    while (!value.empty() && is_space(value.back())) value.remove_suffix(1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    if (value == entry) return line;
    if (end == kustomization.size()) break;
    start = end + 1;
    ++line;
  }
  return 0;
}

}  // namespace netreach
