#include "outside_programs.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

// Listeners (TestEventListenerBase) outside the main translation unit need
// CATCH_CONFIG_EXTERNAL_INTERFACES, which CMakeLists.txt sets for every test file.
#include <catch2/catch.hpp>

namespace netreach::testing {

bool have_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  return false;
}

std::string junitparser_python() {
  // Debian's python3-junitparser is in the system python; a python3 earlier
  // on PATH (a virtualenv, pyenv) may lack it.
  for (const char* python : {"/usr/bin/python3", "python3"}) {
    if (!have_program(python)) continue;
    std::string probe = std::string(python) + " -c 'import junitparser' >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return python;
  }
  return {};
}

void skip_test(const std::string& why) {
  if (const char* code = std::getenv("NETREACH_SKIP_RETURN_CODE")) {
    std::cout << "SKIPPED: " << why << std::endl;
    std::cerr.flush();
    std::_Exit(std::atoi(code));
  }
  WARN("skipped (would be reported as skipped under CTest): " << why);
}

namespace {

// The outside program a tag asks for, when it is missing.
std::string missing_for_tag(const std::string& tag) {
  if (tag == "kustomize" && !have_program("kustomize") && !have_program("kubectl"))
    return "needs kustomize or kubectl (kustomization directories), and neither is installed";
  if (tag == "kubectl" && !have_program("kubectl")) return "needs kubectl, which is not installed";
  if (tag == "gnu-time" && !have_program("/usr/bin/time"))
    return "needs GNU time (/usr/bin/time, Debian package time) to measure the peak memory of netreach";
  if (tag == "junitparser" && junitparser_python().empty())
    return "needs python3 with junitparser (Debian package python3-junitparser)";
  if (tag == "chromium" && !have_program("chromium")) return "needs chromium (Debian package chromium) to open the HTML report";
  if (tag == "graphviz" && !have_program("dot")) return "needs Graphviz's dot (Debian package graphviz) to draw graphs";
  return {};
}

struct OutsideProgramListener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    if (!std::getenv("NETREACH_SKIP_RETURN_CODE")) return;  // run directly: run it anyway
    for (const auto& tag : info.tags) {
      std::string missing = missing_for_tag(tag);
      if (!missing.empty()) skip_test(info.name + ": " + missing);
    }
  }
};

}  // namespace
}  // namespace netreach::testing

// The macro pastes the name into an identifier: an unqualified one.
using OutsideProgramListener = netreach::testing::OutsideProgramListener;
CATCH_REGISTER_LISTENER(OutsideProgramListener)
