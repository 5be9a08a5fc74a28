#include "model/diagnostic.h"

#include <sys/stat.h>

#include <fstream>
#include <optional>

#include <fmt/format.h>

namespace netreach {
std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

namespace {

// The text of line `line` (1-based), or nothing when it cannot be had cheaply.
std::optional<std::string> source_line(const SourcePos& pos) {
  if (!pos.file || pos.line == 0) return std::nullopt;
  if (pos.file->text) {
    const std::string& text = *pos.file->text;
    size_t start = 0;
    for (uint32_t l = 1; l < pos.line; ++l) {
      start = text.find('\n', start);
      if (start == std::string::npos) return std::nullopt;
      ++start;
    }
    size_t end = text.find('\n', start);
    return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }
  if (!pos.file->rereadable) return std::nullopt;
  // Reread only a regular file (a FIFO would block, a device never end), and
  // only so far: hostile input may hold a 1 GB line (a file of NUL bytes).
  struct stat st;
  if (::stat(pos.file->display_name.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  constexpr size_t kMaxScan = size_t(64) << 20;  // bytes read to find the line
  constexpr size_t kMaxLine = 4096;              // longer lines are not shown anyway
  std::ifstream in(pos.file->display_name, std::ios::binary);
  std::string line;
  uint32_t l = 1;
  size_t scanned = 0;
  char buf[65536];
  while (scanned < kMaxScan && (in.read(buf, sizeof buf) || in.gcount() > 0)) {
    const size_t n = size_t(in.gcount());
    scanned += n;
    for (size_t i = 0; i < n; ++i) {
      if (buf[i] == '\n') {
        if (l == pos.line) return line;
        ++l;
      } else if (l == pos.line) {
        if (line.size() >= kMaxLine) return std::nullopt;
        line += buf[i];
      }
    }
  }
  if (l == pos.line && in.eof()) return line;  // the last line, without a newline
  return std::nullopt;
}

}  // namespace

std::string format_diagnostic(const Diagnostic& diag, bool with_source_line) {
  // Errors about command-line arguments have no position: no "<unknown>:" prefix.
  std::string out = diag.pos.known() ? fmt::format("{}: {}: ", diag.pos.to_string(), severity_name(diag.severity))
                                     : fmt::format("{}: ", severity_name(diag.severity));
  if (!diag.field_path.empty()) out += fmt::format("{}: ", diag.field_path);
  out += diag.message;
  if (with_source_line) {
    if (auto line = source_line(diag.pos); line && line->size() < 500) {
      out += fmt::format("\n    {}", *line);
      if (diag.pos.column > 0 && diag.pos.column <= line->size() + 1) {
        std::string pad;
        for (uint32_t i = 0; i + 1 < diag.pos.column; ++i) pad += (*line)[i] == '\t' ? '\t' : ' ';
        out += fmt::format("\n    {}^", pad);
      }
    }
  }
  return out;
}

}  // namespace netreach
