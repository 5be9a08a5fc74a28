// plan_directory: what reading a plain directory (one without a kustomization
// file of its own) means, decided before anything is read.
//
// The plan lists, in sorted path order, every kustomization root below the
// directory (a directory with a kustomization file that no other kustomization
// below it includes through a local resources/bases/components directory
// entry; e.g. a shared `defaults/` base is only built through the overlays that
// use it), and every loose *.yaml / *.yml / *.json file outside kustomization
// directories (a kustomization directory and its subdirectories belong to it).
// Hidden entries (".git") are skipped; symlinks are followed only when they
// resolve inside the directory given, and each directory is visited once (by
// device and inode), so symlink loops terminate. Paths are the user's argument
// joined with relative names. Nothing is written.
#pragma once

#include <string>
#include <vector>

#include "load/kustomize.h"
#include "load/yaml_stream.h"
#include "model/diagnostic.h"

namespace netreach {

struct DirectoryPlan {
  struct Item {
    std::string path;  // display path
    bool kustomization = false;  // a kustomization root to build; else a file
  };
  std::vector<Item> items;  // sorted by path
};

// Problems are appended to `diagnostics`, and the walk goes on past them, so
// that one broken entry does not hide the rest of the tree. Errors: an
// unreadable directory or entry, a symlink loop, a kustomization file that
// does not parse (each leaves that entry out of the plan). Warnings: symlinks
// skipped, nothing found.
DirectoryPlan plan_directory(const std::string& dir, FileRegistry& files, const YamlLimits& limits,
                             Diagnostics& diagnostics);

}  // namespace netreach
