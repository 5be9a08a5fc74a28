#include "load/position_transplant.h"

namespace netreach {
namespace {

std::string scalar_at(const YamlNode& root, std::string_view field) {
  const YamlNode* n = root.find(field);
  return n && n->is_scalar() ? n->text() : "";
}

std::string metadata_field(const YamlNode& root, std::string_view field) {
  const YamlNode* metadata = root.find("metadata");
  return metadata && metadata->is_mapping() ? scalar_at(*metadata, field) : "";
}

// Copies positions from `original` (nullptr: no counterpart) into `built`;
// `inherited` is the position of the nearest ancestor that had one.
void copy_positions(YamlNode& built, const YamlNode* original, const SourcePos& inherited) {
  const SourcePos& here = original ? original->pos() : inherited;
  built.set_pos(here);
  if (built.is_mapping()) {
    const bool parallel = original && original->is_mapping();
    for (auto& entry : built.mutable_entries()) {
      const YamlNode::Entry* match = nullptr;
      if (parallel)
        for (const auto& o : original->entries())
          if (o.key == entry.key) {
            match = &o;
            break;
          }
      entry.key_pos = match ? match->key_pos : here;
      copy_positions(entry.value, match ? &match->value : nullptr, here);
    }
  } else if (built.is_sequence()) {
    const bool parallel = original && original->is_sequence();
    auto& items = built.mutable_items();
    for (size_t i = 0; i < items.size(); ++i) {
      const YamlNode* match =
          parallel && i < original->items().size() ? &original->items()[i] : nullptr;
      copy_positions(items[i], match, here);
    }
  }
}

}  // namespace

void OriginalIndex::add_file(const std::string& path, FileRegistry& files,
                             const YamlLimits& limits) {
  if (!files_seen_.insert(path).second) return;  // a base included twice
  auto stream = YamlStream::open_file(path, files.file(path), limits);
  if (!stream) return;
  for (;;) {
    auto doc = stream->next();
    if (!doc || !*doc) return;
    YamlNode& root = (*doc)->root;
    if (!root.is_mapping()) continue;
    const YamlNode* items = root.find("items");
    if (scalar_at(root, "kind") == "List" && items && items->is_sequence()) {
      for (auto& item : root.mutable_entries())
        if (item.key == "items")
          for (auto& object : item.value.mutable_items())
            if (object.is_mapping()) add_object(std::move(object));
    } else {
      add_object(std::move(root));
    }
  }
}

void OriginalIndex::add_object(YamlNode root) {
  Original o{scalar_at(root, "kind"), metadata_field(root, "name"),
             metadata_field(root, "namespace"), std::move(root)};
  if (o.kind.empty() || o.name.empty()) return;
  by_kind_name_.emplace(std::make_pair(o.kind, o.name), originals_.size());
  originals_.push_back(std::move(o));
}

const OriginalIndex::Original* OriginalIndex::find_unique(const std::string& kind,
                                                          const std::string& name,
                                                          const std::string& namespace_) const {
  const Original* found = nullptr;
  auto [begin, end] = by_kind_name_.equal_range({kind, name});
  for (auto it = begin; it != end; ++it) {
    const Original& o = originals_[it->second];
    if (!o.namespace_.empty() && o.namespace_ != namespace_) continue;
    if (found) return nullptr;  // ambiguous: keep kustomize's positions
    found = &o;
  }
  if (found || name.empty()) return found;
  // namePrefix / nameSuffix: the original's name is a part of the built one.
  for (const Original& o : originals_) {
    if (o.kind != kind || name.find(o.name) == std::string::npos) continue;
    if (!o.namespace_.empty() && o.namespace_ != namespace_) continue;
    if (found) return nullptr;
    found = &o;
  }
  return found;
}

bool OriginalIndex::transplant(YamlNode& built) const {
  if (!built.is_mapping()) return false;
  const Original* original = find_unique(scalar_at(built, "kind"), metadata_field(built, "name"),
                                         metadata_field(built, "namespace"));
  if (!original) return false;
  copy_positions(built, &original->root, original->root.pos());
  return true;
}

}  // namespace netreach
