// The policy corpus: real policies from Cilium's and Kubernetes' examples under
// tests/data/policies/, loaded through the public netreach::load().
//
//  valid/**.yaml    must load with no error (a false rejection breaks a user's CI
//                   with exit 2 on valid input).
//  invalid/**.yaml  must fail to load; each file's header says who rejects it and
//                   why, and names the expected error with one or more
//                   `# expect-error: <fragment>` lines. Every fragment must be
//                   found in one error's "field.path: message", and that error
//                   must point at a line of the file.
//
// Header directives (comment lines before the first document):
//   # options: enable-node-selector-labels   load with that agent option on.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "model/diagnostic.h"
#include "netreach.h"

namespace {

namespace fs = std::filesystem;

struct CorpusFile {
  fs::path path;
  std::vector<std::string> expect_errors;
  netreach::Options options;
  size_t lines = 0;
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  size_t start = s.find_first_not_of(' ');
  return start == std::string::npos ? std::string() : s.substr(start);
}

CorpusFile read_corpus_file(const fs::path& path) {
  CorpusFile file;
  file.path = path;
  std::ifstream in(path);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    ++file.lines;
    if (!header) continue;
    if (line.rfind("#", 0) != 0) {
      header = false;
      continue;
    }
    std::string text = trim(line.substr(1));
    if (text.rfind("expect-error:", 0) == 0) file.expect_errors.push_back(trim(text.substr(13)));
    if (text.rfind("options:", 0) == 0 && text.find("enable-node-selector-labels") != std::string::npos)
      file.options.enable_node_selector_labels = true;
  }
  return file;
}

std::vector<CorpusFile> corpus(const std::string& subdir) {
  fs::path root = fs::path(NETREACH_SOURCE_DIR) / "tests" / "data" / "policies" / subdir;
  std::vector<CorpusFile> files;
  if (!fs::is_directory(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    auto ext = entry.path().extension();
    if (ext != ".yaml" && ext != ".yml") continue;
    files.push_back(read_corpus_file(entry.path()));
  }
  std::sort(files.begin(), files.end(),
            [](const CorpusFile& a, const CorpusFile& b) { return a.path < b.path; });
  return files;
}

std::string render(const netreach::Diagnostics& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += netreach::format_diagnostic(d, false) + "\n";
  return out;
}

}  // namespace

TEST_CASE("Policy corpus: every valid policy loads without errors", "[corpus]") {
  auto files = corpus("valid");
  REQUIRE(files.size() >= 60);
  for (const auto& file : files) {
    INFO(file.path.string());
    auto outcome = netreach::load({file.path.string()}, file.options);
    INFO(render(outcome.diagnostics));
    CHECK(outcome.model != nullptr);
    CHECK_FALSE(netreach::has_errors(outcome.diagnostics));
    CHECK(file.expect_errors.empty());
  }
}

TEST_CASE("Policy corpus: every invalid policy is refused with the expected error", "[corpus]") {
  auto files = corpus("invalid");
  REQUIRE(files.size() >= 10);
  for (const auto& file : files) {
    INFO(file.path.string());
    REQUIRE_FALSE(file.expect_errors.empty());  // each invalid file names its error
    auto outcome = netreach::load({file.path.string()}, file.options);
    INFO(render(outcome.diagnostics));
    CHECK(outcome.model == nullptr);
    CHECK(netreach::has_errors(outcome.diagnostics));
    for (const auto& fragment : file.expect_errors) {
      INFO("expect-error: " << fragment);
      bool found = false;
      for (const auto& d : outcome.diagnostics) {
        if (d.severity != netreach::Severity::Error) continue;
        std::string text = d.field_path.empty() ? d.message : d.field_path + ": " + d.message;
        if (text.find(fragment) == std::string::npos) continue;
        // The error names a line of this file (not the header comment).
        found = d.pos.line > 0 && d.pos.line <= file.lines;
        if (found) break;
      }
      CHECK(found);
    }
  }
}
