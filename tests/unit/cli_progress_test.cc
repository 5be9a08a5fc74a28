// The progress line of a load (cli/progress.h): its text in isolation, and the
// real binary on a terminal (a pty from script(1)), on a pipe and with -q.
#include <catch2/catch.hpp>

#include "cli_support.h"
#include "outside_programs.h"
#include "progress.h"

using netreach::LoadCounters;
using netreach::testing::run_shell;
using netreach_cli::format_progress;
using netreach_cli::ProgressState;

TEST_CASE("progress: the line names the phase, the documents read and the input's size", "[progress]") {
  ProgressState state;
  state.documents = 1204;
  state.files = 42;
  state.bytes = 3'140'000;
  state.seconds = 2.2;
  CHECK(format_progress(state, 200) == "netreach: reading, 1,204 documents read (42 files, 3.1 MB), 2 s");
  state.phase = LoadCounters::Phase::BuildingKustomizations;
  state.kustomizations_built = 3;
  state.kustomizations_total = 12;
  CHECK(format_progress(state, 200) == "netreach: building kustomizations 3/12, 1,204 documents read (42 files, 3.1 MB), 2 s");
  state.phase = LoadCounters::Phase::BuildingIdentities;
  state.documents = 1;
  state.files = 1;
  state.bytes = 0;
  state.seconds = 0;
  CHECK(format_progress(state, 200) == "netreach: building identities, 1 document read (1 file, 0.0 MB), 0 s");
  state.documents = 1'234'567;
  CHECK_THAT(format_progress(state, 200), Catch::Contains("1,234,567 documents"));
  // Never as wide as the terminal: a wrapped line could not be rewritten.
  CHECK(format_progress(state, 40).size() == 39);
  CHECK_THAT(format_progress(state, 40), Catch::StartsWith("netreach: building identities"));
}

namespace {
const std::string kFluxArgs = "summary -f tests/data/gitops/flux/clusters/prod --repo-root tests/data/gitops/flux";
}

TEST_CASE("progress: on a terminal the line is shown while loading and erased before the output; never on a pipe or with -q",
          "[cli][progress][kubectl]") {
  if (!netreach::testing::have_program("script")) return netreach::testing::skip_test("script (util-linux) is not installed");
  // NETREACH_PROGRESS_DELAY_MS=0: the line at once, not after a second (these
  // loads are faster than that).
  auto on_terminal = [](const std::string& args) {
    return run_shell("NETREACH_PROGRESS_DELAY_MS=0 script -qec \"$NETREACH " + args + "\" /dev/null");
  };
  auto tty = on_terminal(kFluxArgs);
  INFO(tty.out << tty.err);
  REQUIRE(tty.exit_code == 0);
  const std::string& screen = tty.out;  // stdout and stderr, as the terminal got them
  const size_t first = screen.find("\r\x1b[Knetreach: ");
  REQUIRE(first != std::string::npos);
  CHECK_THAT(screen, Catch::Contains(" documents read ("));
  CHECK((screen.find("netreach: reading") != std::string::npos ||
         screen.find("netreach: building kustomizations") != std::string::npos));
  // The last progress line is erased before the first diagnostic and the summary.
  const size_t last = screen.rfind("\r\x1b[Knetreach: ");
  const size_t erased = screen.find("\r\x1b[K", last + 1);
  REQUIRE(erased != std::string::npos);
  CHECK(screen.find("warning:") > erased);
  CHECK(screen.find("documents read: ") > erased);

  auto quiet = on_terminal(kFluxArgs + " -q");
  INFO(quiet.out);
  CHECK(quiet.exit_code == 0);
  CHECK_THAT(quiet.out, !Catch::Contains("\x1b[K"));

  auto pipe = run_shell("NETREACH_PROGRESS_DELAY_MS=0 $NETREACH " + kFluxArgs);
  INFO(pipe.err);
  CHECK(pipe.exit_code == 0);
  CHECK_THAT(pipe.err, !Catch::Contains("\x1b[K"));
  CHECK_THAT(pipe.err, !Catch::Contains("documents read ("));
}
