// GitSnapshot: the tree of one git revision, written to a temporary
// directory with `git archive` (read from the repository's object store: no
// network, and the user's working tree and index are untouched), removed
// again when the snapshot is destroyed.
#pragma once

#include <memory>
#include <string>

#include "model/diagnostic.h"

namespace netreach {

class GitSnapshot {
 public:
  GitSnapshot(const GitSnapshot&) = delete;
  GitSnapshot& operator=(const GitSnapshot&) = delete;
  GitSnapshot(GitSnapshot&&) noexcept;
  GitSnapshot& operator=(GitSnapshot&&) noexcept;
  ~GitSnapshot();

  const std::string& root() const { return root_; }          // the revision's tree
  const std::string& revision() const { return revision_; }  // as the user wrote it
  const std::string& commit() const { return commit_; }      // the full commit id

 private:
  friend Result<GitSnapshot> snapshot_revision(const std::string& repo_dir, const std::string& revision);
  GitSnapshot() = default;
  std::string temp_;  // the temporary directory (holds root_)
  std::string root_, revision_, commit_;
};

// The repository containing `dir` (its top level), or an error when `dir` is
// not inside a git work tree or git is not installed.
Result<std::string> git_top_level(const std::string& dir);

// Is `revision` a commit of the repository at repo_dir (a branch, tag, HEAD~1,
// a commit id)?
bool is_git_revision(const std::string& repo_dir, const std::string& revision);

// Writes the tree of `revision` to a temporary directory.
Result<GitSnapshot> snapshot_revision(const std::string& repo_dir, const std::string& revision);

}  // namespace netreach
