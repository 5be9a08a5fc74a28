#include "load/gitops_repository.h"
#include "model/protocol.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

namespace netreach {
namespace fs = std::filesystem;

std::string resolved_path(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) return path;
  fs::path resolved = fs::weakly_canonical(abs, ec);
  return (ec ? abs.lexically_normal() : resolved).string();
}

std::string find_repository_root(const std::string& path) {
  fs::path dir = resolved_path(path);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  for (;;) {
    if (fs::exists(dir / ".git", ec)) return dir.string();
    if (dir == dir.root_path() || dir.empty()) return "";
    dir = dir.parent_path();
  }
}

namespace {

std::string read_origin(const fs::path& root) {
  std::ifstream config(root / ".git" / "config");
  if (!config) return "";  // also a worktree's .git file
  std::string line;
  bool in_origin = false;
  while (std::getline(config, line)) {
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    std::string_view l(line.data() + first, line.size() - first);
    if (l.front() == '[') {
      in_origin = l.rfind("[remote \"origin\"]", 0) == 0;
      continue;
    }
    if (!in_origin || l.rfind("url", 0) != 0) continue;
    auto eq = l.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view value = l.substr(eq + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) value.remove_suffix(1);
    return normalise_repo_url(std::string(value));
  }
  return "";
}

}  // namespace

Repository open_repository(const std::string& root) {
  Repository repo;
  repo.root = resolved_path(root);
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  fs::path rel = ec ? fs::path() : fs::path(repo.root).lexically_relative(cwd);
  const bool below = !rel.empty() && rel.begin()->string() != "..";
  repo.display = below ? rel.lexically_normal().string() : repo.root;
  if (repo.display.empty()) repo.display = ".";
  repo.origin = read_origin(repo.root);
  return repo;
}

std::string normalise_repo_url(const std::string& url) {
  std::string u = url;
  if (auto scheme = u.find("://"); scheme != std::string::npos) u = u.substr(scheme + 3);
  if (auto at = u.find('@'); at != std::string::npos && at < u.find('/')) u = u.substr(at + 1);
  // scp-like "host:org/repo" (a colon before the first slash, not a port).
  if (auto colon = u.find(':'); colon != std::string::npos && colon < u.find('/')) {
    std::string after = u.substr(colon + 1);
    bool port = !after.empty() && std::isdigit(static_cast<unsigned char>(after[0])) &&
                after.find('/') != std::string::npos &&
                std::all_of(after.begin(), after.begin() + static_cast<long>(after.find('/')),
                            [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    u = port ? u.substr(0, colon) + after.substr(after.find('/')) : u.substr(0, colon) + "/" + after;
  }
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (u.size() > 4 && u.compare(u.size() - 4, 4, ".git") == 0) u.resize(u.size() - 4);
  return to_lower_ascii(u);
}

bool is_inside(const std::string& path, const std::string& root) {
  fs::path p = resolved_path(path), r = resolved_path(root);
  auto [root_end, path_it] = std::mismatch(r.begin(), r.end(), p.begin(), p.end());
  return root_end == r.end();
}

std::string repo_relative(const std::string& path, const Repository& repo) {
  if (!is_inside(path, repo.root)) return "";
  std::string rel = fs::path(resolved_path(path)).lexically_relative(repo.root).string();
  return rel.empty() ? "." : rel;
}

bool is_excluded(const std::vector<std::string>& candidates, const std::vector<std::string>& globs) {
  for (const auto& glob : globs) {
    std::string pattern = glob;
    while (pattern.size() > 1 && pattern.back() == '/') pattern.pop_back();
    if (pattern.rfind("./", 0) == 0) pattern = pattern.substr(2);
    for (const auto& candidate : candidates) {
      std::string p = fs::path(candidate).lexically_normal().string();
      if (p.rfind("./", 0) == 0) p = p.substr(2);
      while (p.size() > 1 && p.back() == '/') p.pop_back();
      // The path and each of its parents.
      for (;;) {
        if (::fnmatch(pattern.c_str(), p.c_str(), 0) == 0) return true;
        auto slash = p.rfind('/');
        if (slash == std::string::npos || slash == 0) break;
        p.resize(slash);
      }
    }
  }
  return false;
}

}  // namespace netreach
