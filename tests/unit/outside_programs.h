// Outside programs a test's subject needs (kubectl, GNU time, setpriv,
// python3-junitparser, chromium, graphviz). A test that cannot test anything without one is
// reported by CTest as skipped, never as passed:
//
//   * a tag names the program, and the test is skipped before it starts:
//       [kustomize]    kustomize or kubectl (kustomization directories)
//       [kubectl]      kubectl itself
//       [gnu-time]     /usr/bin/time (peak memory of the child)
//       [junitparser]  python3 with the junitparser module (a real JUnit consumer)
//       [chromium]     headless Chromium (the HTML report, opened as a reader would)
//       [graphviz]     Graphviz's dot (the report's drawings)
//   * or the test calls skip_test(why) where the need arises.
//
// Under CTest (which sets NETREACH_SKIP_RETURN_CODE, see CMakeLists.txt) a
// skip ends the process with that code, which the test's SKIP_RETURN_CODE
// property turns into "Skipped". Run directly, a tagged test runs anyway (and
// fails visibly) and skip_test() warns.
#pragma once

#include <string>

namespace netreach::testing {

// True when `program` is an executable on PATH (or an absolute path to one).
bool have_program(const std::string& program);

// A python3 that imports junitparser ("" when none does).
std::string junitparser_python();

// Skips the running test (see above). Returns only when not under CTest.
void skip_test(const std::string& why);

}  // namespace netreach::testing
