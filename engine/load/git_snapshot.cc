#include "load/git_snapshot.h"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "load/child_process.h"
#include "model/diagnostic.h"
#include "model/diff_types.h"

namespace netreach {
namespace fs = std::filesystem;
namespace {

constexpr auto kGitTimeout = std::chrono::seconds(120);
constexpr uint64_t kGitOutput = 1 << 20;  // git's own messages; the archive goes to a file

Result<std::string> run_git(const std::vector<std::string>& args, const std::string& what) {
  std::string git = find_on_path("git");
  if (git.empty()) return Diagnostic::error(SourcePos{}, "", fmt::format("cannot {}: git is not installed", what));
  std::vector<std::string> argv{git};
  argv.insert(argv.end(), args.begin(), args.end());
  auto child = run_child(argv, kGitTimeout, kGitOutput, SourcePos{});
  if (!child) return child.errors();
  if (child->timed_out) return Diagnostic::error(SourcePos{}, "", fmt::format("cannot {}: git did not finish", what));
  if (!WIFEXITED(child->status) || WEXITSTATUS(child->status) != 0) {
    std::string err = child->err;
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    return Diagnostic::error(SourcePos{}, "", fmt::format("cannot {}: git {}{}{}", what, describe_status(child->status),
                                                          err.empty() ? "" : ": ", err));
  }
  std::string out = child->out;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

GitSnapshot::GitSnapshot(GitSnapshot&& o) noexcept
    : temp_(std::move(o.temp_)), root_(std::move(o.root_)), revision_(std::move(o.revision_)), commit_(std::move(o.commit_)) {
  o.temp_.clear();
}

GitSnapshot& GitSnapshot::operator=(GitSnapshot&& o) noexcept {
  if (this != &o) {
    std::swap(temp_, o.temp_);
    root_ = std::move(o.root_), revision_ = std::move(o.revision_), commit_ = std::move(o.commit_);
  }
  return *this;
}

GitSnapshot::~GitSnapshot() {
  if (temp_.empty()) return;
  std::error_code ec;
  fs::remove_all(temp_, ec);
}

Result<std::string> git_top_level(const std::string& dir) {
  return run_git({"-C", dir, "rev-parse", "--show-toplevel"}, fmt::format("find the git repository of {}", dir));
}

bool is_git_revision(const std::string& repo_dir, const std::string& revision) {
  if (revision.empty() || revision[0] == '-') return false;  // never an option to git
  auto r = run_git({"-C", repo_dir, "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"}, "");
  return bool(r);
}

Result<GitSnapshot> snapshot_revision(const std::string& repo_dir, const std::string& revision) {
  auto commit = run_git({"-C", repo_dir, "rev-parse", "--verify", "--end-of-options", revision + "^{commit}"},
                        fmt::format("read revision {}", revision));
  if (!commit) return commit.errors();
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / "netreach-rev-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    return Diagnostic::error(SourcePos{}, "", fmt::format("cannot make a temporary directory for revision {}", revision));
  GitSnapshot snap;
  snap.temp_ = pattern;
  snap.revision_ = revision;
  snap.commit_ = *commit;
  // Named after the commit, so that positions in messages read
  // "<short id>/path/to/file.yaml:12".
  snap.root_ = (fs::path(pattern) / commit->substr(0, 12)).string();
  fs::create_directories(snap.root_, ec);
  std::string archive = (fs::path(pattern) / "tree.tar").string();
  auto written = run_git({"-C", repo_dir, "archive", "--format=tar", "-o", archive, *commit},
                         fmt::format("read the tree of revision {}", revision));
  if (!written) return written.errors();
  std::string tar = find_on_path("tar");
  if (tar.empty()) return Diagnostic::error(SourcePos{}, "", fmt::format("cannot unpack revision {}: tar is not installed", revision));
  auto unpacked = run_child({tar, "-xf", archive, "-C", snap.root_}, kGitTimeout, kGitOutput, SourcePos{});
  if (!unpacked) return unpacked.errors();
  if (!WIFEXITED(unpacked->status) || WEXITSTATUS(unpacked->status) != 0)
    return Diagnostic::error(SourcePos{}, "", fmt::format("cannot unpack revision {}: tar {}: {}", revision,
                                                          describe_status(unpacked->status), unpacked->err));
  fs::remove(archive, ec);
  return snap;
}

bool is_git_revision_of(const std::string& dir, const std::string& revision) {
  auto top = git_top_level(dir);
  return top && is_git_revision(*top, revision);
}

Result<RevisionTree> revision_tree(const std::string& dir, const std::string& revision) {
  auto top = git_top_level(dir);
  if (!top) return top.errors();
  auto prefix = run_git({"-C", dir, "rev-parse", "--show-prefix"}, fmt::format("find {} in its git repository", dir));
  if (!prefix) return prefix.errors();
  auto snap = snapshot_revision(*top, revision);
  if (!snap) return snap.errors();
  RevisionTree tree;
  tree.root = snap->root();
  tree.prefix = *prefix;
  tree.commit = snap->commit();
  tree.temp = fs::path(snap->root()).parent_path().string();
  tree.keep_alive = std::make_shared<GitSnapshot>(std::move(*snap));
  return tree;
}

}  // namespace netreach
