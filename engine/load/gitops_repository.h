// The repository a GitOps tool reads: its root, whether a URL names it, and
// whether a path stays inside it.
//
// Flux and Argo CD resolve spec.path against the root of the source they
// cloned, never against the file the object sits in. netreach takes the root
// from --repo-root, else the nearest directory above the input holding `.git`.
#pragma once

#include <string>
#include <vector>

namespace netreach {

struct Repository {
  std::string root;       // canonical absolute path
  std::string display;    // as printed: relative to the working directory when below it
  std::string origin;     // normalised URL of remote "origin" (normalise_repo_url), or ""
};

// The nearest directory at or above `path` (a file or directory) that holds
// `.git`; "" when there is none.
std::string find_repository_root(const std::string& path);

// The repository at `root` (an existing directory), with its display path and
// its origin URL read from .git/config when there is one.
Repository open_repository(const std::string& root);

// "https://github.com/Org/Repo.git", "git@github.com:Org/Repo", and
// "ssh://git@github.com/Org/Repo/" all become "github.com/org/repo".
std::string normalise_repo_url(const std::string& url);

// `path` (absolute or relative to the working directory) resolved through the
// symlinks that exist, then lexically; is it `root` or below it?
bool is_inside(const std::string& path, const std::string& root);

// Absolute, symlinks resolved where the path exists.
std::string resolved_path(const std::string& path);

// `path` relative to the repository root ("apps/web"), or "" outside it.
std::string repo_relative(const std::string& path, const Repository& repo);

// --exclude: does one of the globs (fnmatch, `*` also matching `/`) match
// `path` or one of its parent directories? Each path of `candidates` is
// tried (e.g. the path as displayed and relative to the repository root).
bool is_excluded(const std::vector<std::string>& candidates, const std::vector<std::string>& globs);

}  // namespace netreach
