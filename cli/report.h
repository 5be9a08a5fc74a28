// report: text, JSON and JUnit renderings of check reports and summaries.
#pragma once

#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netreach.h"

namespace netreach_cli {

enum class CheckFormat { Text, Json, Junit };

// Writes a check report result by result, as check() produces them, so that
// memory does not grow with the number of expectations. Nothing is written
// before the first result (or finish()), so a check that fails on bad input
// prints no partial report.
//
//   text   one PASS/FAIL line per result (failures with their explanation),
//          then "N passed, M failed"
//   json   {"results": [{"name", "from", "to", "port", "protocol", "expect",
//          "verdict", "passed", "explanation"}, ...], "passed": N, "failed": M}:
//          the counts come last because they are known last
//   junit  one <testcase> per result; the opening tags carry the counts, so the
//          test cases wait in a temporary file (not in memory) until finish()
//
// "protocol" and the JUnit failure message give the protocol judged
// (QueryResult::protocol), never a reparse of what the expectation says.
class CheckWriter {
 public:
  CheckWriter(CheckFormat format, std::ostream& out, std::string suite_name);
  ~CheckWriter();
  CheckWriter(const CheckWriter&) = delete;
  CheckWriter& operator=(const CheckWriter&) = delete;

  // A what-if's changes (LoadOutcome::hypothetical), set before the first
  // result: text starts with the HYPOTHETICAL line, JSON has "hypothetical":
  // [...] before "results", JUnit a <property name="hypothetical">.
  void set_hypothetical(std::vector<std::string> changes) { hypothetical_ = std::move(changes); }

  void add(const netreach::CheckResult& result);
  void finish(const netreach::CheckCounts& counts);

 private:
  void spool(const std::string& text);
  std::string json_opening() const;  // up to and including "results": [

  CheckFormat format_;
  std::ostream& out_;
  std::string suite_name_;
  size_t written_ = 0;
  std::FILE* spool_ = nullptr;  // JUnit test cases until finish()
  std::string spool_fallback_;  // when no temporary file can be made
  std::vector<std::string> hypothetical_;
};

std::string summary_text(const netreach::Summary& summary);
nlohmann::json summary_json(const netreach::Summary& summary);

}  // namespace netreach_cli
