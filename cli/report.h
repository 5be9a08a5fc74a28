// report: text, JSON and JUnit renderings of check reports and summaries.
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netreach.h"

namespace netreach_cli {

enum class CheckFormat { Text, Json, Junit };

// The versions of check's and summary's JSON documents (docs/check-json.md,
// docs/summary-json.md; graph and diff have theirs in graph_format.h and
// diff_format.h): bumped on an incompatible change, not when a member is added.
constexpr int kCheckSchemaVersion = 1;
constexpr int kSummarySchemaVersion = 1;

struct CheckWriterOptions {
  bool colour = false;  // text: PASS/FAIL and verdict words coloured (style.h)
  bool brief = false;   // text: the PASS/FAIL line only, no explanation
  // Where duplicate test names are warned about (the first writer of a run
  // only, so that a run with two reports warns once); null: nowhere.
  std::ostream* warnings = nullptr;
};

// Writes a check report result by result, as check() produces them, so that
// memory does not grow with the number of expectations. Nothing is written
// before the first result (or finish()), so a check that fails on bad input
// prints no partial report.
//
//   text   one PASS/FAIL line per result (failures with their explanation),
//          then "N passed, M failed"
//   json   {"schemaVersion": 1, "results": [{"name", "from", "to", "port",
//          "protocol", "expect", "verdict", "passed", "file", "line",
//          "explanation", "flows"}, ...], "passed": N, "failed": M}: the
//          counts come last because they are known last; "flows" is the
//          explanation's structure (docs/check-json.md)
//   junit  one <testcase> per result, with the file and line of the
//          expectation and its time; the name made unique (the protocol
//          judged appended, then #2, #3 with a warning); a failure's body says
//          "expected X, got Y" and the explanation (GitLab shows the body,
//          not the message). The opening tags carry the counts, so the test
//          cases wait in a temporary file (not in memory) until finish()
//
// "protocol" and the JUnit failure message give the protocol judged
// (QueryResult::protocol), never a reparse of what the expectation says.
class CheckWriter {
 public:
  CheckWriter(CheckFormat format, std::ostream& out, std::string suite_name, CheckWriterOptions options = {});
  ~CheckWriter();
  CheckWriter(const CheckWriter&) = delete;
  CheckWriter& operator=(const CheckWriter&) = delete;

  // A what-if's changes (LoadOutcome::hypothetical), set before the first
  // result: text starts with the HYPOTHETICAL line, JSON has "hypothetical":
  // [...] before "results", JUnit a <property name="hypothetical">.
  void set_hypothetical(std::vector<std::string> changes) { hypothetical_ = std::move(changes); }

  // The judging starts (after loading): each test case's time is measured
  // from here or from the result before it; the suite's time is the run's.
  void begin() { last_ = std::chrono::steady_clock::now(); }

  void add(const netreach::CheckResult& result);
  void finish(const netreach::CheckCounts& counts);

  // Bad input (instead of add/finish): JUnit gets one <error> testcase with
  // the messages, so that the CI system shows why nothing was judged; text
  // and JSON nothing (the errors are on stderr, and no partial report).
  void fail(const std::vector<std::string>& errors);

 private:
  void spool(const std::string& text);
  std::string json_opening() const;  // up to and including "results": [
  std::string unique_name(const netreach::CheckResult& result);

  CheckFormat format_;
  std::ostream& out_;
  std::string suite_name_;
  CheckWriterOptions options_;
  size_t written_ = 0;
  std::FILE* spool_ = nullptr;  // JUnit test cases until finish()
  std::string spool_fallback_;  // when no temporary file can be made
  std::vector<std::string> hypothetical_;
  std::map<std::string, std::pair<size_t, std::string>> names_;  // JUnit name -> (times used, where first)
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now(), last_ = started_;
};

std::string summary_text(const netreach::Summary& summary);
nlohmann::json summary_json(const netreach::Summary& summary);

}  // namespace netreach_cli
