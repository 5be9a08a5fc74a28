// Installation: `cmake --install` of this build into a temporary prefix puts
// the binary, the man page and the bash, zsh and fish completions where
// Debian's man, bash-completion, zsh and fish look for them, all generated
// from the command table (cli/help.h).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "cli_support.h"
#include "outside_programs.h"

using netreach::testing::have_program;
using netreach::testing::run_shell;

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

struct Prefix {
  fs::path path = fs::temp_directory_path() / ("netreach-install-" + std::to_string(::getpid()));
  ~Prefix() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("install: cmake --install puts the binary, the man page and the completions in the prefix", "[install]") {
  Prefix prefix;
  auto r = run_shell("cmake --install " + quoted(NETREACH_BUILD_DIR) + " --prefix " + quoted(prefix.path.string()));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const fs::path bin = prefix.path / "bin/netreach";
  REQUIRE(fs::exists(bin));
  auto version = run_shell(quoted(bin.string()) + " --version");
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Catch::StartsWith("netreach 0."));
  CHECK_THAT(version.out, Catch::Contains("follows the semantics of Cilium v1.17"));

  const auto man = read_file(prefix.path / "share/man/man1/netreach.1");
  CHECK_THAT(man, Catch::StartsWith(".TH NETREACH 1"));
  // Every command and its options, as the parser knows them.
  for (const char* text : {".SS query", ".SS check", ".SS graph", ".SS diff", ".SS summary", "\\-\\-expectations", "\\-\\-port"})
    CHECK_THAT(man, Catch::Contains(text));

  const auto bash = prefix.path / "share/bash-completion/completions/netreach";
  const auto zsh = prefix.path / "share/zsh/vendor-completions/_netreach";
  const auto fish = prefix.path / "share/fish/vendor_completions.d/netreach.fish";
  for (const auto& file : {bash, zsh, fish}) {
    INFO(file);
    const auto text = read_file(file);
    CHECK_THAT(text, Catch::Contains("query"));
    CHECK_THAT(text, Catch::Contains("expectations"));
    CHECK_THAT(text, Catch::Contains("junit"));  // -o's formats
  }
  // The scripts parse in their shells (those installed).
  CHECK(run_shell("bash -n " + quoted(bash.string())).exit_code == 0);
  if (have_program("zsh")) CHECK(run_shell("zsh -n " + quoted(zsh.string())).exit_code == 0);
  if (have_program("fish")) CHECK(run_shell("fish --no-execute " + quoted(fish.string())).exit_code == 0);
}

TEST_CASE("install: the bash completion completes commands, options and -o's formats", "[install]") {
  const std::string script = std::string(NETREACH_BUILD_DIR) + "/generated/netreach.bash";
  Prefix dir;
  fs::create_directories(dir.path);
  auto complete = [&](const std::string& line) {
    // COMP_WORDS as bash splits `line`, the cursor on its last word (bash, not sh: a script file).
    const fs::path probe = dir.path / "probe.bash";
    std::ofstream(probe) << "source " << quoted(script) << "\nCOMP_WORDS=(" << line
                         << ")\nCOMP_CWORD=$((${#COMP_WORDS[@]}-1))\n_netreach\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
    return run_shell("bash " + quoted(probe.string())).out;
  };
  CHECK(complete("netreach qu") == "query\n");
  CHECK_THAT(complete("netreach query --po"), Catch::Contains("--port"));
  CHECK(complete("netreach check -o j") == "json\njunit\n");
  CHECK(complete("netreach summary -o ''") == "text\njson\n");
}
