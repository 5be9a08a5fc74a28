#include "load/directory_walk.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace netreach {
namespace fs = std::filesystem;
namespace {

bool is_manifest_name(const std::string& name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() > suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".yaml") || ends_with(".yml") || ends_with(".json");
}

bool is_within(const fs::path& path, const fs::path& root) {
  auto [root_end, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

class Walker {
 public:
  Walker(const std::string& dir, FileRegistry& files, Diagnostics& diagnostics)
      : files_(files), diagnostics_(diagnostics), user_dir_(dir) {}

  void walk() {
    std::error_code ec;
    root_ = fs::canonical(user_dir_, ec);
    if (ec) return unreadable(user_dir_, ec.value());
    struct stat st;
    if (::stat(user_dir_.c_str(), &st) != 0) return unreadable(user_dir_, errno);
    visited_.insert({st.st_dev, st.st_ino});
    ancestors_.push_back({{st.st_dev, st.st_ino}, user_dir_});
    visit(user_dir_, false);
  }

  std::vector<std::pair<std::string, std::string>> kustomizations;  // display, canonical
  std::vector<std::string> loose_files;

 private:
  void unreadable(const std::string& path, int err) {
    diagnostics_.push_back(Diagnostic::error(SourcePos{files_.file(path), 0, 0}, "",
                                             fmt::format("cannot read directory: {}", std::strerror(err))));
  }
  void warn(const std::string& path, std::string message) {
    diagnostics_.push_back(Diagnostic::warning(SourcePos{files_.file(path), 0, 0}, "",
                                               std::move(message)));
  }

  void visit(const std::string& dir, bool inside_kustomization) {
    if (!find_kustomization_file(dir).empty()) {
      std::error_code ec;
      kustomizations.emplace_back(dir, fs::canonical(dir, ec).string());
      inside_kustomization = true;
    }
    DIR* handle = ::opendir(dir.c_str());
    if (!handle) return unreadable(dir, errno);
    std::vector<std::string> names;
    errno = 0;
    while (dirent* entry = ::readdir(handle)) {
      if (entry->d_name[0] != '.') names.emplace_back(entry->d_name);  // also ".", ".."
    }
    int read_error = errno;
    ::closedir(handle);
    if (read_error != 0) return unreadable(dir, read_error);
    std::sort(names.begin(), names.end());

    for (const auto& name : names) {
      std::string path = join_display_path(dir, name);
      struct stat st;
      if (::lstat(path.c_str(), &st) != 0) {
        unreadable(path, errno);
        continue;
      }
      if (S_ISLNK(st.st_mode)) {
        std::error_code ec;
        fs::path target = fs::canonical(path, ec);
        if (ec) {
          warn(path, "skipping a symlink that does not resolve");
          continue;
        }
        if (!is_within(target, root_)) {
          warn(path, fmt::format("skipping a symlink that points outside {}", user_dir_));
          continue;
        }
        if (::stat(path.c_str(), &st) != 0) {
          unreadable(path, errno);
          continue;
        }
      }
      if (S_ISDIR(st.st_mode)) {
        // A symlink back to a directory being walked is a loop: refused, as
        // the input is broken (kubectl apply -R would fail on it too). Another
        // link to a directory seen elsewhere is an alias: read once.
        const std::string* loop_to = nullptr;
        for (const auto& [id, ancestor] : ancestors_)
          if (id == std::make_pair(st.st_dev, st.st_ino)) loop_to = &ancestor;
        if (loop_to) {
          diagnostics_.push_back(Diagnostic::error(
              SourcePos{files_.file(path), 0, 0}, "",
              fmt::format("symlink loop: {} leads back to {}, which contains it", path, *loop_to)));
          continue;
        }
        if (!visited_.insert({st.st_dev, st.st_ino}).second) continue;  // alias
        ancestors_.push_back({{st.st_dev, st.st_ino}, path});
        visit(path, inside_kustomization);
        ancestors_.pop_back();
      } else if (S_ISREG(st.st_mode) && !inside_kustomization && is_manifest_name(name)) {
        loose_files.push_back(path);
      }
    }
  }

  FileRegistry& files_;
  Diagnostics& diagnostics_;
  std::string user_dir_;
  fs::path root_;
  std::set<std::pair<dev_t, ino_t>> visited_;
  // The directories from the root down to the one being visited.
  std::vector<std::pair<std::pair<dev_t, ino_t>, std::string>> ancestors_;
};

}  // namespace

DirectoryPlan plan_directory(const std::string& dir, FileRegistry& files, const YamlLimits& limits,
                             Diagnostics& diagnostics) {
  Walker walker(dir, files, diagnostics);
  walker.walk();

  // A kustomization that another one below `dir` includes is built only
  // through the one(s) including it.
  std::set<std::string> included, broken;
  for (const auto& [display, canonical] : walker.kustomizations) {
    auto k = load_kustomization(display, files, limits);
    if (!k) {
      // kustomize could not build it either: reported once, here.
      diagnostics.insert(diagnostics.end(), k.errors().begin(), k.errors().end());
      broken.insert(canonical);
      continue;
    }
    for (const auto& ref : k->resources) {
      std::error_code ec;
      fs::path target = fs::canonical(join_display_path(display, ref.value), ec);
      if (!ec && fs::is_directory(target, ec) && target.string() != canonical)
        included.insert(target.string());
    }
  }

  DirectoryPlan plan;
  for (const auto& [display, canonical] : walker.kustomizations)
    if (!included.count(canonical) && !broken.count(canonical)) plan.items.push_back({display, true});
  for (const auto& file : walker.loose_files) plan.items.push_back({file, false});
  std::sort(plan.items.begin(), plan.items.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  if (plan.items.empty() && !has_errors(diagnostics))
    diagnostics.push_back(Diagnostic::warning(SourcePos{files.file(dir), 0, 0}, "",
                                           "directory contains no manifests"));
  return plan;
}

}  // namespace netreach
