// Hostile and broken input, through the real CLI (NETREACH_BINARY).
//
// netreach runs in CI on the contents of pull requests: whatever the input,
// it must not crash, hang, run code from the repository, write into the
// input tree, or turn a broken input into a green result. Every case here
// runs the binary as a child process with a time limit, and checks the exit
// code (2 for every error), that the message names the offending file, and,
// where memory is the attack, the child's peak RSS.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "load/yaml_stream.h"
#include "model/source.h"
#include "outside_programs.h"

namespace {

using netreach::testing::have_program;
using netreach::testing::skip_test;

namespace fs = std::filesystem;

const std::string kBinary = NETREACH_BINARY;
const std::string kSource = NETREACH_SOURCE_DIR;

struct Run {
  int exit_code = -1;   // -1 when killed by a signal (see signal)
  int signal = 0;
  bool timed_out = false;
  std::string out, err;
  long max_rss_kb = 0;  // peak RSS of the child and everything it waited for
};

// Runs argv (argv[0] looked up on PATH) with stdin from /dev/null, killing it
// after `timeout`. Output is drained with poll() so no pipe can fill up.
Run run(const std::vector<std::string>& argv, std::chrono::seconds timeout = std::chrono::seconds(120)) {
  int out_pipe[2], err_pipe[2];
  REQUIRE(::pipe2(out_pipe, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(err_pipe, O_CLOEXEC) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::setpgid(0, 0);  // its own process group, so a timeout kills pipelines too
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  Run r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    int n = ::poll(fds, 2, int(std::min<long>(left.count(), 500)));
    for (int i = 0; n > 0 && i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        if (sinks[i]->size() < (1u << 20)) sinks[i]->append(buf, size_t(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& fd : fds)
    if (fd.fd >= 0) ::close(fd.fd);
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  r.max_rss_kb = usage.ru_maxrss;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

// The peak RSS of the process itself cannot be had from wait4() here: a
// forked child starts with this (large) test process's high-water mark. GNU
// time, a small process, reports its child's peak instead. The tests that
// check memory are tagged [gnu-time]: skipped without it (outside_programs.h),
// since they would see 0 and pass vacuously.
const bool kHaveTime = ::access("/usr/bin/time", X_OK) == 0;
std::vector<std::string> measured(const std::string& program) {
  if (!kHaveTime) return {program};
  return {"/usr/bin/time", "-q", "-f", "maxrss=%M", program};
}

// Moves GNU time's "maxrss=N" line from stderr into max_rss_kb.
Run parse_rss(Run r) {
  r.max_rss_kb = 0;
  auto at = r.err.rfind("maxrss=");
  if (at != std::string::npos) {
    r.max_rss_kb = std::atol(r.err.c_str() + at + 7);
    r.err.erase(at);
  }
  return r;
}

// `netreach ARGS...`
Run run_netreach_cli(std::vector<std::string> args, std::chrono::seconds timeout = std::chrono::seconds(120)) {
  auto argv = measured(kBinary);
  argv.insert(argv.end(), args.begin(), args.end());
  return parse_rss(run(argv, timeout));
}

// `sh -c SCRIPT` with $NETREACH set to the binary (measured by GNU time).
Run shell(const std::string& script, std::chrono::seconds timeout = std::chrono::seconds(120)) {
  std::string program;
  for (const auto& a : measured(kBinary)) program += (program.empty() ? "" : " ") + a;
  return parse_rss(run({"sh", "-c", "NETREACH='" + program + "'; " + script}, timeout));
}

std::string describe(const Run& r) {
  return "exit " + std::to_string(r.exit_code) + (r.signal ? " signal " + std::to_string(r.signal) : "") +
         (r.timed_out ? " (timed out)" : "") + "\nstdout:\n" + r.out.substr(0, 4000) + "\nstderr:\n" +
         r.err.substr(0, 4000);
}

// Exit code 2, in time, with a message on stderr that contains each of `needles`.
void expect_refused(const Run& r, std::vector<std::string> needles) {
  INFO(describe(r));
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == 0);
  CHECK(r.exit_code == 2);
  for (const auto& n : needles) CHECK(r.err.find(n) != std::string::npos);
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "netreach-hostile-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    root_ = pattern;
    ::chmod(root_.c_str(), 0755);  // readable by the unprivileged user of the unreadable-file test
  }
  ~TempDir() {
    std::error_code ec;
    // Restore permissions so that everything can be removed.
    for (auto it = fs::recursive_directory_iterator(root_, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      if (!it->is_symlink()) ::chmod(it->path().c_str(), 0755);
    ::chmod(root_.c_str(), 0755);
    fs::remove_all(root_, ec);
  }
  std::string path(const std::string& rel = "") const { return rel.empty() ? root_.string() : (root_ / rel).string(); }
  std::string write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << text;
    return path(rel);
  }

 private:
  fs::path root_;
};

const std::string kNamespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n";

// A small valid cluster and expectations over it, for the exit-code tests.
const std::string kCluster = R"(apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
)";
const std::string kExpectations = R"(apiVersion: netreach/v1
kind: Expectations
expectations:
  - {from: a/web, to: a/web, port: "80", expect: allow}
)";

}  // namespace

// ---- hostile YAML -------------------------------------------------------------

TEST_CASE("hostile: a YAML alias bomb is refused in bounded time", "[hostile][gnu-time]") {
  TempDir dir;
  std::string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 12; ++i) {
    yaml += "  a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) yaml += (j ? ", *a" : "*a") + std::to_string(i - 1);
    yaml += "]\n";
  }
  std::string file = dir.write("bomb.yaml", yaml);
  Run r = run_netreach_cli({"summary", "-f", file}, std::chrono::seconds(60));
  expect_refused(r, {file, "alias expansion"});
  CHECK(r.max_rss_kb < 512 * 1024);
}

TEST_CASE("hostile: nesting 10,000 levels deep is refused without a stack overflow", "[hostile]") {
  TempDir dir;
  std::string flow = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + std::string(10000, '[') +
                     std::string(10000, ']') + "\n";
  std::string flow_maps = "x: ";
  for (int i = 0; i < 10000; ++i) flow_maps += "{a: ";
  flow_maps += "1" + std::string(10000, '}') + "\n";
  std::string block;
  for (int i = 0; i < 10000; ++i) block += std::string(size_t(i), ' ') + "- \n";
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"flow-seq.yaml", flow}, {"flow-map.yaml", flow_maps}, {"block.yaml", block}}) {
    {
      INFO(name);
      std::string file = dir.write(name, text);
      expect_refused(run_netreach_cli({"summary", "-f", file}, std::chrono::seconds(60)), {file, "nesting deeper than"});
    }
  }
}

TEST_CASE("hostile: duplicate keys are an error, as in strict kubectl", "[hostile]") {
  TempDir dir;
  std::string file = dir.write("dup.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\nmetadata: {name: y}\n");
  expect_refused(run_netreach_cli({"summary", "-f", file}), {file + ":4:1", "duplicate key \"metadata\""});
  std::string json = dir.write("dup.json", R"({"apiVersion": "v1", "kind": "Namespace", "kind": "Pod", "metadata": {"name": "x"}})");
  expect_refused(run_netreach_cli({"summary", "-f", json}), {json, "duplicate key \"kind\""});
}

TEST_CASE("hostile: invalid UTF-8 is refused", "[hostile]") {
  TempDir dir;
  std::string file = dir.write("utf8.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: \"\xC3\x28\"}\n");
  expect_refused(run_netreach_cli({"summary", "-f", file}), {file + ":3", "UTF-8"});
  std::string overlong = dir.write("overlong.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: \xC0\xAF}\n");
  expect_refused(run_netreach_cli({"summary", "-f", overlong}), {overlong, "UTF-8"});
}

TEST_CASE("hostile: a NUL byte is refused", "[hostile]") {
  TempDir dir;
  std::string yaml = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a";
  yaml += '\0';
  yaml += "b}\n";
  std::string file = dir.write("nul.yaml", yaml);
  expect_refused(run_netreach_cli({"summary", "-f", file}), {file + ":3", "0x00"});
}

TEST_CASE("hostile: numbers out of range are refused", "[hostile]") {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"service-port", "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns}\nspec: {ports: [{port: 99999999999999999999999}]}\n"},
      {"container-port", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: -1}]}]}\n"},
      {"cnp-port", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: ns}\nspec:\n  endpointSelector: {}\n  ingress: [{toPorts: [{ports: [{port: \"65536\"}]}]}]\n"},
      {"cnp-endport", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: ns}\nspec:\n  endpointSelector: {}\n  ingress: [{toPorts: [{ports: [{port: \"80\", endPort: 18446744073709551617}]}]}]\n"},
      {"knp-port", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{port: 99999999999999999999999}]}]\n"},
      {"cidr-prefix", "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: ns}\nspec:\n  endpointSelector: {}\n  egress: [{toCIDR: [10.0.0.0/4294967329]}]\n"},
  };
  for (const auto& [name, text] : cases) {
    {
      INFO(name);
      std::string file = dir.write(name + ".yaml", text);
      expect_refused(run_netreach_cli({"summary", "-f", file}), {file});
    }
  }
}

TEST_CASE("hostile: a 1 GB file is refused without being read", "[hostile][gnu-time]") {
  TempDir dir;
  // Sparse: costs no disk. The size limit refuses it before a byte is read.
  std::string file = dir.path("huge.yaml");
  {
    std::ofstream(file) << kNamespace;
  }
  REQUIRE(::truncate(file.c_str(), off_t(1) << 30) == 0);
  Run r = run_netreach_cli({"summary", "-f", file}, std::chrono::seconds(30));
  expect_refused(r, {file, "larger than"});
  CHECK(r.max_rss_kb > 0);  // the measurement works
  CHECK(r.max_rss_kb < 256 * 1024);
}

TEST_CASE("hostile: a file of NUL bytes under the size limit is refused in bounded memory", "[hostile][gnu-time]") {
  // 200 MiB with no newline: the error message must not reread the whole
  // "line" to quote it (it used to, holding it all in memory).
  TempDir dir;
  std::string file = dir.path("zeros.yaml");
  { std::ofstream touch(file); }
  REQUIRE(::truncate(file.c_str(), off_t(200) << 20) == 0);
  Run r = run_netreach_cli({"summary", "-f", file}, std::chrono::seconds(60));
  expect_refused(r, {file + ":1:1", "0x00"});
  CHECK(r.max_rss_kb < 256 * 1024);
}

TEST_CASE("hostile: devices and FIFOs are streamed, never reread", "[hostile][gnu-time]") {
  // /dev/zero never ends: refused at its first byte, and the message does not
  // try to quote its first "line".
  Run zero = run_netreach_cli({"summary", "-f", "/dev/zero"}, std::chrono::seconds(30));
  expect_refused(zero, {"/dev/zero", "0x00"});
  CHECK(zero.max_rss_kb < 256 * 1024);
  // A FIFO is read once; quoting the offending line must not reopen it (that
  // would block forever).
  TempDir dir;
  std::string fifo = dir.path("manifests.yaml");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  Run r = shell("printf 'apiVersion: v1\nkind: Namespace\nmetadata: [x\n' > '" + fifo + "' & $NETREACH summary -f '" +
                    fifo + "'",
                std::chrono::seconds(30));
  expect_refused(r, {fifo + ":"});
}

TEST_CASE("hostile: 1 GB streamed on stdin is refused in bounded memory", "[hostile][gnu-time]") {
  // One document whose scalar never ends: the per-document limit stops it
  // after 16 MiB, long before 1 GB is read or held.
  Run r = shell(
      "{ printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: big}\\ndata: {a: '; "
      "head -c 1073741824 /dev/zero | tr '\\000' x; } | $NETREACH summary -f -",
      std::chrono::seconds(120));
  expect_refused(r, {"<stdin>", "larger than"});
  CHECK(r.max_rss_kb < 512 * 1024);
  // Many small documents: the stream limit (256 MiB) would stop them; here a
  // NUL byte stops a stream of zeros at once.
  Run zeros = shell("head -c 1073741824 /dev/zero | $NETREACH summary -f -", std::chrono::seconds(60));
  expect_refused(zeros, {"<stdin>", "0x00"});
}

TEST_CASE("hostile: the stream limit stops a pipe of valid documents", "[hostile]") {
  // The 256 MiB limit itself, with a small limit so the test stays fast.
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c" + std::to_string(i) + "}\n";
  std::FILE* f = ::fmemopen(text.data(), text.size(), "r");  // not a regular file: streamed
  REQUIRE(f);
  netreach::SourceTable sources;
  const netreach::SourceFile* source = sources.add(netreach::SourceFile{"<stdin>", "", nullptr, false});
  netreach::YamlLimits limits;
  limits.max_stream_bytes = 20'000;
  auto stream = netreach::YamlStream::from_stdio(f, source, limits);
  size_t documents = 0;
  std::string error;
  for (;;) {
    auto doc = stream.next();
    if (!doc) {
      error = doc.errors().front().message;
      break;
    }
    if (!*doc) break;
    ++documents;
  }
  std::fclose(f);
  CHECK(error.find("larger than") != std::string::npos);
  CHECK(documents > 100);
  CHECK(documents < 2000);
}

TEST_CASE("hostile: a directory symlink loop is refused", "[hostile]") {
  TempDir dir;
  dir.write("tree/a/ns.yaml", kNamespace);
  fs::create_directory_symlink("..", dir.path("tree/a/up"));
  Run r = run_netreach_cli({"summary", "-f", dir.path("tree")}, std::chrono::seconds(30));
  expect_refused(r, {dir.path("tree/a/up"), "symlink loop"});
}

TEST_CASE("hostile: an unreadable file or directory is refused, naming it", "[hostile]") {
  TempDir dir;
  std::string file = dir.write("tree/secret.yaml", kNamespace);
  ::chmod(file.c_str(), 0);
  std::string sub = dir.write("tree2/locked/ns.yaml", kNamespace);
  ::chmod(dir.path("tree2/locked").c_str(), 0);
  // root reads everything: run as nobody then.
  std::vector<std::string> prefix;
  if (::geteuid() == 0) {
    if (!have_program("/usr/bin/setpriv")) {
      skip_test("running as root, this test needs setpriv (util-linux) to read as an unprivileged user");
      return;
    }
    prefix = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  auto as_user = [&](std::vector<std::string> args) {
    args.insert(args.begin(), kBinary);
    args.insert(args.begin(), prefix.begin(), prefix.end());
    return run(args, std::chrono::seconds(30));
  };
  expect_refused(as_user({"summary", "-f", file}), {file, "Permission denied"});
  expect_refused(as_user({"summary", "-f", dir.path("tree")}), {file, "Permission denied"});
  expect_refused(as_user({"summary", "-f", dir.path("tree2")}), {dir.path("tree2/locked"), "Permission denied"});
}

// ---- kustomize ------------------------------------------------------------------

TEST_CASE("hostile: a kustomization with a remote base is refused before any network", "[hostile]") {
  TempDir dir;
  for (const std::string& remote : {"https://github.com/kubernetes-sigs/kustomize//examples/multibases?ref=v3.3.1",
                                    "github.com/example/repo/base?ref=main", "git@github.com:example/repo.git"}) {
    {
      INFO(remote);
      std::string k = dir.write("k/kustomization.yaml", "resources:\n- ns.yaml\n- " + remote + "\n");
      dir.write("k/ns.yaml", kNamespace);
      Run r = run_netreach_cli({"summary", "-f", dir.path("k")}, std::chrono::seconds(20));
      expect_refused(r, {k + ":3", "remote resource", "no network"});
    }
  }
}

TEST_CASE("hostile: kustomize exec functions and plugins never run", "[hostile][kustomize]") {
  TempDir dir;
  std::string marker = dir.path("ran");
  // An exec function (KRM function annotation), in a generator file and inline.
  dir.write("fn/kustomization.yaml", "resources:\n- ns.yaml\ntransformers:\n- fn.yaml\n");
  dir.write("fn/ns.yaml", kNamespace);
  std::string fn = dir.write("fn/fn.yaml",
                             "apiVersion: example.com/v1\nkind: Evil\nmetadata:\n  name: evil\n  annotations:\n"
                             "    config.kubernetes.io/function: |\n      exec:\n        path: ./evil.sh\n");
  dir.write("fn/evil.sh", "#!/bin/sh\ntouch " + marker + "\n");
  ::chmod(dir.path("fn/evil.sh").c_str(), 0755);
  expect_refused(run_netreach_cli({"summary", "-f", dir.path("fn")}, std::chrono::seconds(60)), {fn, "function"});

  dir.write("inline/kustomization.yaml",
            "resources:\n- ns.yaml\ngenerators:\n- |-\n  apiVersion: example.com/v1\n  kind: Evil\n  metadata:\n    name: evil\n"
            "    annotations:\n      config.kubernetes.io/function: |\n        container:\n          image: evil\n");
  dir.write("inline/ns.yaml", kNamespace);
  // An inline config in a block scalar is a string to netreach's reader; kustomize
  // itself must refuse it (no --enable-alpha-plugins / --enable-exec).
  expect_refused(run_netreach_cli({"summary", "-f", dir.path("inline")}, std::chrono::seconds(60)), {"inline"});

  // A legacy exec plugin (a Go/exec plugin looked up under XDG_CONFIG_HOME).
  dir.write("plugin/kustomization.yaml", "resources:\n- ns.yaml\ngenerators:\n- gen.yaml\n");
  dir.write("plugin/ns.yaml", kNamespace);
  dir.write("plugin/gen.yaml", "apiVersion: someteam.example.com/v1\nkind: EvilGenerator\nmetadata: {name: g}\n");
  std::string exec_plugin = "xdg/kustomize/plugin/someteam.example.com/v1/evilgenerator/EvilGenerator";
  dir.write(exec_plugin, "#!/bin/sh\ntouch " + marker + "\n");
  ::chmod(dir.path(exec_plugin).c_str(), 0755);
  Run r = run({"env", "XDG_CONFIG_HOME=" + dir.path("xdg"), kBinary, "summary", "-f", dir.path("plugin")},
              std::chrono::seconds(60));
  expect_refused(r, {dir.path("plugin")});
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("hostile: `..` paths leaving the kustomization root are refused", "[hostile][kustomize]") {
  TempDir dir;
  dir.write("outside.yaml", kNamespace);
  dir.write("root/kustomization.yaml", "resources:\n- ../outside.yaml\n");
  Run r = run_netreach_cli({"summary", "-f", dir.path("root")}, std::chrono::seconds(60));
  expect_refused(r, {dir.path("root")});
  // The refusal is the load restrictor's (kustomize or kubectl is installed: [kustomize]).
  CHECK(r.err.find("not in or below") != std::string::npos);
}

// ---- the input tree ---------------------------------------------------------------

namespace {

// Every entry below `root` (not following symlinks) with its type, size and mtime.
std::map<std::string, std::string> snapshot(const std::string& root) {
  std::map<std::string, std::string> entries;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    struct stat st;
    REQUIRE(::lstat(e.path().c_str(), &st) == 0);
    entries[e.path().string()] = std::to_string(st.st_mode) + " " + std::to_string(st.st_size) + " " +
                                 std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  }
  return entries;
}

}  // namespace

TEST_CASE("hostile: netreach never writes into the input tree", "[hostile]") {
  TempDir dir;
  fs::copy(kSource + "/fixtures/corrected", dir.path("tree"), fs::copy_options::recursive);
  auto before = snapshot(dir.path("tree"));
  REQUIRE(before.size() > 10);
  std::string tree = dir.path("tree");
  std::string kustomization = dir.path("tree/clusters/prod/namespaces/application/partner-cp");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"summary", "-f", tree},
           {"summary", "-f", kustomization, "-o", "json"},
           {"check", "-f", tree, "-e", tree + "/expectations.yaml", "-o", "junit"},
           {"query", "-f", tree, "partner-cp/partner-api", "global-auth/auth", "-p", "5555"}}) {
    Run r = run_netreach_cli(args);
    INFO(describe(r));
    CHECK((r.exit_code == 0 || r.exit_code == 1));
  }
  CHECK(snapshot(dir.path("tree")) == before);
}

TEST_CASE("hostile: symlinks out of the tree are not followed", "[hostile]") {
  TempDir dir;
  dir.write("outside/secret.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: outside}\n");
  dir.write("outside/dir/more.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: outside-dir}\n");
  dir.write("tree/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: inside}\n");
  fs::create_symlink(dir.path("outside/secret.yaml"), dir.path("tree/secret.yaml"));
  fs::create_directory_symlink("../outside/dir", dir.path("tree/dir"));
  Run r = run_netreach_cli({"summary", "-f", dir.path("tree"), "-o", "json"});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  auto summary = nlohmann::json::parse(r.out);
  CHECK(summary["documents"] == 1);
  CHECK(summary["namespaces"] == 1);
  CHECK(r.err.find(dir.path("tree/secret.yaml")) != std::string::npos);
  CHECK(r.err.find(dir.path("tree/dir")) != std::string::npos);
  CHECK(r.err.find("points outside") != std::string::npos);
}

// ---- exit codes ---------------------------------------------------------------------

TEST_CASE("hostile: every command exits 2 on broken input", "[hostile]") {
  TempDir dir;
  std::string good = dir.write("good.yaml", kCluster);
  std::string bad = dir.write("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: [oops\n");
  std::string not_object = dir.write("scalar.yaml", "just a string\n");
  std::string missing = dir.path("missing.yaml");
  std::string expectations = dir.write("exp.yaml", kExpectations);
  std::string bad_expectations = dir.write("bad-exp.yaml", "apiVersion: netreach/v1\nkind: Expectations\nexpectations:\n  - {from: a/web, to: a/web, port: \"80\", expct: allow}\n");
  std::string unknown_endpoint = dir.write("unknown-exp.yaml", "apiVersion: netreach/v1\nkind: Expectations\nexpectations:\n  - {from: a/nope, to: a/web, port: \"80\", expect: allow}\n");
  std::string bad_port_exp = dir.write("port-exp.yaml", "apiVersion: netreach/v1\nkind: Expectations\nexpectations:\n  - {from: a/web, to: a/web, port: \"70000\", expect: deny}\n");
  std::string no_expect = dir.write("noexpect-exp.yaml", "apiVersion: netreach/v1\nkind: Expectations\nexpectations:\n  - {from: a/web, to: a/web, port: \"80\"}\n");
  std::string empty_exp = dir.write("empty-exp.yaml", "");
  std::string flows = dir.write("flows.json", "{\"verdict\":\"FORWARDED\",\"Type\":\"L3_L4\",\"is_reply\":false,"
                                              "\"l4\":{\"TCP\":{\"destination_port\":80}},"
                                              "\"source\":{\"namespace\":\"a\",\"pod_name\":\"web\"},"
                                              "\"destination\":{\"namespace\":\"a\",\"pod_name\":\"web\"}}\n");
  std::string bad_flows = dir.write("bad-flows.json", "{\"verdict\":\"FORWARDED\"}\n{\"flow\":{\"verdict\":\"MAYBE\"}}\n");

  // Sanity: the good inputs give real answers.
  CHECK(run_netreach_cli({"summary", "-f", good}).exit_code == 0);
  CHECK(run_netreach_cli({"check", "-f", good, "-e", expectations}).exit_code == 0);
  CHECK(run_netreach_cli({"query", "-f", good, "a/web", "a/web", "-p", "80"}).exit_code == 0);
  CHECK(run_netreach_cli({"replay", "-f", good, "--flows", flows}).exit_code == 0);

  struct Case {
    std::string name;
    std::vector<std::string> args;
    std::string needle;  // in stderr
  };
  const std::vector<Case> cases = {
      {"summary: invalid manifest", {"summary", "-f", bad}, bad},
      {"summary: not an object", {"summary", "-f", not_object}, not_object},
      {"summary: missing file", {"summary", "-f", missing}, missing},
      {"summary: good then missing", {"summary", "-f", good, "-f", missing}, missing},
      {"summary: bad output format", {"summary", "-f", good, "-o", "xml"}, "xml"},
      {"summary: no -f", {"summary"}, "-f"},
      {"query: invalid manifest", {"query", "-f", bad, "a/web", "a/web", "-p", "80"}, bad},
      {"query: missing file", {"query", "-f", missing, "a/web", "a/web", "-p", "80"}, missing},
      {"query: unknown endpoint", {"query", "-f", good, "a/nope", "a/web", "-p", "80"}, "nope"},
      {"query: unknown namespace", {"query", "-f", good, "a/web", "zz/web", "-p", "80"}, "zz/web"},
      {"query: bad port", {"query", "-f", good, "a/web", "a/web", "-p", "70000"}, "70000"},
      {"query: zero port", {"query", "-f", good, "a/web", "a/web", "-p", "0"}, "0"},
      {"query: bad port name", {"query", "-f", good, "a/web", "a/web", "-p", "no_such!"}, "no_such!"},
      {"query: bad port protocol", {"query", "-f", good, "a/web", "a/web", "-p", "80/XTP"}, "XTP"},
      {"query: bad --protocol", {"query", "-f", good, "a/web", "a/web", "-p", "80", "--protocol", "ICMP"}, "ICMP"},
      {"query: missing port", {"query", "-f", good, "a/web", "a/web"}, "port"},
      {"check: invalid manifest", {"check", "-f", bad, "-e", expectations}, bad},
      {"check: missing manifest", {"check", "-f", missing, "-e", expectations}, missing},
      {"check: missing expectations", {"check", "-f", good, "-e", missing}, missing},
      {"check: bad expectations field", {"check", "-f", good, "-e", bad_expectations}, "expct"},
      {"check: expectations without expect", {"check", "-f", good, "-e", no_expect}, no_expect},
      {"check: empty expectations file", {"check", "-f", good, "-e", empty_exp}, empty_exp},
      {"check: expectations that are a manifest", {"check", "-f", good, "-e", good}, good},
      {"check: unknown endpoint", {"check", "-f", good, "-e", unknown_endpoint}, "a/nope"},
      {"check: bad port", {"check", "-f", good, "-e", bad_port_exp}, "70000"},
      {"lint: invalid manifest", {"lint", "-f", bad}, bad},
      {"lint: missing file", {"lint", "-f", missing}, missing},
      {"lint: bad output format", {"lint", "-f", good, "-o", "xml"}, "xml"},
      {"lint: bad --fail-level", {"lint", "-f", good, "--fail-level", "loud"}, "loud"},
      {"explain: invalid manifest", {"explain", "-f", bad, "a/web"}, bad},
      {"explain: unknown endpoint", {"explain", "-f", good, "a/nope"}, "nope"},
      {"explain: an entity", {"explain", "-f", good, "world"}, "world"},
      {"replay: invalid manifest", {"replay", "-f", bad, "--flows", flows}, bad},
      {"replay: missing flows file", {"replay", "-f", good, "--flows", missing}, missing},
      {"replay: a malformed flow line", {"replay", "-f", good, "--flows", bad_flows}, bad_flows + ":2:1: error: flow.verdict"},
      {"replay: no --flows", {"replay", "-f", good}, "--flows"},
      {"replay: bad --fail-on", {"replay", "-f", good, "--flows", flows, "--fail-on", "loud"}, "loud"},
      {"report: invalid manifest", {"report", "-f", bad}, bad},
      {"report: missing file", {"report", "-f", missing}, missing},
      {"report: bad output format", {"report", "-f", good, "-o", "json"}, "json"},
      {"report: two pages to standard output", {"report", "-f", good, "-o", "html", "-o", "html"}, "only one -o"},
      // (A bare `netreach` prints the usage and exits 0: tests/unit/cli_front_door_test.cc.)
      {"unknown subcommand", {"frobnicate"}, "unknown command frobnicate"},
  };
  for (const auto& c : cases) {
    {
      INFO(c.name);
      Run r = run_netreach_cli(c.args, std::chrono::seconds(60));
      expect_refused(r, {c.needle});
      CHECK(r.out.find("ALLOW") == std::string::npos);
      CHECK(r.out.find("PASS") == std::string::npos);
    }
  }
}

// ---- summary accounting ---------------------------------------------------------------

namespace {

// Objects in a plain YAML/JSON file, counted independently of the loader:
// every mapping document, and every item of a `kind: List`.
size_t count_objects(const std::string& file) {
  netreach::SourceTable sources;
  const netreach::SourceFile* source = sources.add(netreach::SourceFile{file, "", nullptr, true});
  auto stream = netreach::YamlStream::open_file(file, source);
  REQUIRE(stream);
  size_t n = 0;
  for (;;) {
    auto doc = stream->next();
    REQUIRE(doc);
    if (!*doc) return n;
    const auto& root = (**doc).root;
    const auto* kind = root.find("kind");
    const auto* items = root.find("items");
    if (kind && kind->text() == "List" && items) n += items->items().size();
    else ++n;
  }
}

// Every input a user could give netreach from the repository: each fixture
// tree and each kustomization root in it, the conformance manifests and the
// loader's test data.
std::vector<std::string> fixture_inputs() {
  std::vector<std::string> inputs;
  for (const auto& e : fs::directory_iterator(kSource + "/fixtures")) {
    if (!e.is_directory()) continue;
    inputs.push_back(e.path().string());
    for (const auto& f : fs::recursive_directory_iterator(e.path()))
      if (f.path().filename() == "kustomization.yaml") inputs.push_back(f.path().parent_path().string());
  }
  for (const auto& e : fs::directory_iterator(kSource + "/tests/conformance"))
    if (fs::exists(e.path() / "manifests.yaml")) inputs.push_back((e.path() / "manifests.yaml").string());
  for (const auto& e : fs::directory_iterator(kSource + "/tests/data/load"))
    if (e.is_regular_file()) inputs.push_back(e.path().string());
  inputs.push_back(kSource + "/tests/data/load/gitops");
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

}  // namespace

TEST_CASE("hostile: summary accounts for every document it read, on every fixture", "[hostile][summary]") {
  size_t checked = 0;
  for (const auto& input : fixture_inputs()) {
    // Lenient too, except for the kustomization roots inside fixture trees
    // (each is a kustomize run; the tree itself covers them).
    const bool nested = !fs::is_regular_file(input) && fs::exists(fs::path(input) / "kustomization.yaml");
    for (bool lenient : {false, true}) {
      if (lenient && nested) continue;
      std::vector<std::string> args = {"summary", "-o", "json", "-f", input};
      if (lenient) args.push_back("--lenient");
      Run r = run_netreach_cli(args);
      INFO(input << (lenient ? " --lenient" : "") << "\n" << describe(r));
      REQUIRE(!r.timed_out);
      REQUIRE((r.exit_code == 0 || r.exit_code == 2));
      if (r.exit_code == 2) {
        CHECK(r.out.empty());  // nothing half-reported on error
        CHECK(r.err.find("error") != std::string::npos);
        continue;
      }
      ++checked;
      auto s = nlohmann::json::parse(r.out);
      size_t by_kind = 0;
      for (const auto& [kind, count] : s["objects_by_kind"].items()) by_kind += count.get<size_t>();
      CHECK(s["documents"].get<size_t>() == by_kind);
      if (fs::is_regular_file(input)) CHECK(s["documents"].get<size_t>() == count_objects(input));

      // Every object is modelled or ignored with a reason.
      auto count_of = [&](const std::string& kind) {
        return s["objects_by_kind"].contains(kind) ? s["objects_by_kind"][kind].get<size_t>() : size_t(0);
      };
      size_t modelled = s["policies"]["CiliumNetworkPolicy"].get<size_t>() +
                        s["policies"]["CiliumClusterwideNetworkPolicy"].get<size_t>() +
                        s["policies"]["NetworkPolicy"].get<size_t>() + s["services"].get<size_t>() +
                        s["nodes"].get<size_t>() + s["cidr_groups"].get<size_t>() + s["namespaces"].get<size_t>() -
                        s["undeclared_namespaces"].get<size_t>();
      for (const char* k : {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"})
        modelled += count_of(k);
      size_t ignored = 0;
      for (const auto& i : s["ignored"]) {
        CHECK_FALSE(i["reason"].get<std::string>().empty());
        CHECK(i["count"].get<size_t>() > 0);
        std::string kind = i["kind"].get<std::string>();
        kind = kind.substr(kind.rfind(' ') + 1);  // "apiVersion Kind"
        CHECK(count_of(kind) >= i["count"].get<size_t>());
        ignored += i["count"].get<size_t>();
      }
      CHECK(modelled + ignored == by_kind);
    }
  }
  CHECK(checked >= 8);
}

TEST_CASE("hostile: summary lists policies rejected under --lenient as ignored", "[hostile][summary]") {
  TempDir dir;
  std::string file = dir.write("m.yaml", kCluster + R"(---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: broken, namespace: a}
spec:
  endpointSelector: {}
  ingress: [{toPorts: [{ports: [{port: "99999"}]}]}]
)");
  expect_refused(run_netreach_cli({"summary", "-f", file}), {file});
  Run r = run_netreach_cli({"summary", "-f", file, "--lenient", "-o", "json"});
  INFO(describe(r));
  REQUIRE(r.exit_code == 0);
  auto s = nlohmann::json::parse(r.out);
  CHECK(s["documents"] == 3);
  CHECK(s["objects_by_kind"]["CiliumNetworkPolicy"] == 1);
  CHECK(s["policies"]["CiliumNetworkPolicy"] == 0);
  REQUIRE(s["ignored"].size() == 1);
  CHECK(s["ignored"][0]["kind"] == "cilium.io/v2 CiliumNetworkPolicy");
  CHECK(s["ignored"][0]["count"] == 1);
}
