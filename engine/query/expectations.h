// An expectations file (apiVersion netreach/v1, kind Expectations) and what
// check() makes of it. load_expectations() and check() are in netreach.h.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "model/protocol.h"
#include "model/source.h"
#include "model/verdict.h"

namespace netreach {

struct Expectation {
  std::string name;  // empty: check() names it after the flow judged ("a/x -> b/y 53/UDP")
  std::string from, to, port;
  std::optional<Protocol> protocol;
  std::optional<HttpRequest> http;  // `http: {method, path, host?, headers?}` (docs/semantics.md#http-rules)
  Verdict expect = Verdict::Allow;  // Allow, Deny or Unknown (a flow the input cannot decide)
  SourcePos pos;
};

struct ExpectationsFile {
  std::vector<Expectation> expectations;
};

struct CheckResult {
  Expectation expectation;
  QueryResult result;
  bool passed = false;  // unknown never passes
};

struct CheckReport {
  std::vector<CheckResult> results;
  size_t passed = 0, failed = 0;
};

// The counts of check() without holding the report (netreach.h).
struct CheckCounts {
  size_t passed = 0, failed = 0;
};

}  // namespace netreach
