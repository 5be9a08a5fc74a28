#include "model/labels.h"

#include <algorithm>

#include <fmt/format.h>

namespace netreach {

std::string Label::to_string() const {
  if (value.empty()) return fmt::format("{}:{}", source, key);
  return fmt::format("{}:{}={}", source, key, value);
}

// pkg/labels/labels.go :: parseSource / GetExtendedKeyFrom: the source is what
// precedes the first ':'; "$host" and "reserved.host" are reserved shorthands;
// no source means "any".
SelectorKey SelectorKey::parse(std::string_view written) {
  if (!written.empty() && written[0] == '$')
    return {std::string(kSourceReserved), std::string(written.substr(1))};
  if (auto colon = written.find(':'); colon != std::string_view::npos)
    return {std::string(written.substr(0, colon)), std::string(written.substr(colon + 1))};
  constexpr std::string_view reserved_prefix = "reserved.";
  if (written.starts_with(reserved_prefix))
    return {std::string(kSourceReserved), std::string(written.substr(reserved_prefix.size()))};
  return {std::string(kSourceAny), std::string(written)};
}

std::string SelectorKey::to_string() const {
  if (source == kSourceAny) return key;
  return fmt::format("{}:{}", source, key);
}

LabelSet::LabelSet(std::vector<Label> labels) : labels_(std::move(labels)) {
  std::sort(labels_.begin(), labels_.end());
  labels_.erase(std::unique(labels_.begin(), labels_.end(),
                            [](const Label& a, const Label& b) {
                              return a.key == b.key && a.source == b.source;
                            }),
                labels_.end());
}

const Label* LabelSet::find(const SelectorKey& key) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), key.key,
                             [](const Label& l, const std::string& k) { return l.key < k; });
  for (; it != labels_.end() && it->key == key.key; ++it) {
    if (key.source == kSourceAny || key.source == it->source) return &*it;
  }
  return nullptr;
}

std::string LabelSet::to_string() const {
  std::string out;
  for (const auto& l : labels_) {
    if (!out.empty()) out += ", ";
    out += l.to_string();
  }
  return out;
}

std::string_view to_string(SelectorOp op) {
  switch (op) {
    case SelectorOp::In: return "In";
    case SelectorOp::NotIn: return "NotIn";
    case SelectorOp::Exists: return "Exists";
    case SelectorOp::DoesNotExist: return "DoesNotExist";
  }
  return "?";
}

// Kubernetes label-selector semantics (k8s.io/apimachinery labels.Requirement,
// copied by Cilium in pkg/k8s/slim/k8s/apis/labels): NotIn and DoesNotExist
// match an absent key.
bool Requirement::matches(const LabelSet& labels) const {
  const Label* label = labels.find(key);
  switch (op) {
    case SelectorOp::Exists: return label != nullptr;
    case SelectorOp::DoesNotExist: return label == nullptr;
    case SelectorOp::In:
      return label && std::binary_search(values.begin(), values.end(), label->value);
    case SelectorOp::NotIn:
      return !label || !std::binary_search(values.begin(), values.end(), label->value);
  }
  return false;
}

std::string Requirement::to_string() const {
  std::string k = key.to_string();
  switch (op) {
    case SelectorOp::Exists: return k;
    case SelectorOp::DoesNotExist: return "!" + k;
    case SelectorOp::In:
      if (values.size() == 1) return fmt::format("{}={}", k, values[0]);
      return fmt::format("{} in ({})", k, fmt::join(values, ","));
    case SelectorOp::NotIn:
      if (values.size() == 1) return fmt::format("{}!={}", k, values[0]);
      return fmt::format("{} notin ({})", k, fmt::join(values, ","));
  }
  return k;
}

bool Selector::matches(const LabelSet& labels) const {
  for (const auto& r : requirements)
    if (!r.matches(labels)) return false;
  return true;
}

bool Selector::mentions_key(std::string_view key) const {
  for (const auto& r : requirements)
    if (r.key.key == key) return true;
  return false;
}

std::string Selector::to_string() const {
  if (requirements.empty()) return "{}";
  std::vector<std::string> parts;
  parts.reserve(requirements.size());
  for (const auto& r : requirements) parts.push_back(r.to_string());
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  return fmt::format("{{{}}}", fmt::join(parts, ", "));
}

}  // namespace netreach
