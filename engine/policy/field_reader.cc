#include "policy/field_reader.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "model/suggest.h"

namespace netreach {

void ParseContext::reject(Rejecter who, SourcePos pos, std::string path, std::string message) {
  failed_ = true;
  if (!lenient_) {
    diagnostics_.push_back(Diagnostic::error(pos, std::move(path), std::move(message)));
    return;
  }
  // docs/semantics.md#whole-object-rejected (cnp_types.go :: Parse): one invalid rule rejects the
  // whole object, so none of its rules apply and it causes no default deny.
  std::string_view why = who == Rejecter::ApiServer
                             ? "the API server rejects this object, so it does not exist in the cluster"
                             : "the Cilium agent rejects this object (Rule.Sanitize), so none of its rules apply";
  diagnostics_.push_back(
      Diagnostic::warning(pos, std::move(path), fmt::format("{}; policy ignored: {}", message, why)));
}

void ParseContext::unknown_field(const std::string& parent_path, const YamlNode::Entry& entry,
                                 std::string_view hint, std::string_view consequence) {
  std::string path = field_path(parent_path, entry.key);
  if (!lenient_) {
    failed_ = true;
    std::string message = fmt::format("unknown field \"{}\"", entry.key);
    if (!hint.empty()) message += fmt::format(": {}", hint);
    diagnostics_.push_back(Diagnostic::error(entry.key_pos, std::move(path), std::move(message)));
    return;
  }
  // The CRD schema is structural without preserve-unknown-fields: the API
  // server prunes the key silently (docs/semantics.md#api-server-validation, ciliumnetworkpolicies.yaml).
  std::string message = fmt::format("unknown field \"{}\" pruned: the API server drops it", entry.key);
  if (!consequence.empty()) message += fmt::format(", {}", consequence);
  if (!hint.empty()) message += fmt::format("; {}", hint);
  diagnostics_.push_back(Diagnostic::warning(entry.key_pos, std::move(path), std::move(message)));
}

void ParseContext::warn(SourcePos pos, std::string path, std::string message) {
  diagnostics_.push_back(Diagnostic::warning(pos, std::move(path), std::move(message)));
}

void ParseContext::yaml11_word(const YamlNode& node, std::string path) {
  yaml11_words_.push_back({node.pos(), std::move(path), node.text()});
}

// Paths are built for every field of every policy (12,000 policies in a large
// cluster), so they are concatenated directly rather than through fmt::format.
std::string index_path(std::string_view path, size_t index) {
  std::string out;
  out.reserve(path.size() + 8);
  out.append(path).append("[").append(std::to_string(index)).append("]");
  return out;
}

std::string field_path(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out;
  out.reserve(path.size() + 1 + key.size());
  out.append(path).append(".").append(key);
  return out;
}

bool is_string_scalar(const YamlNode& node) {
  return node.is_scalar() && node.scalar_type() == YamlNode::ScalarType::String;
}

bool is_string_field(ParseContext& ctx, const YamlNode& node, const std::string& path) {
  switch (classify_string_field(node)) {
    case StringField::String: return true;
    case StringField::Yaml11Word: ctx.yaml11_word(node, path); return true;
    case StringField::NotString: return false;
  }
  return false;
}

std::optional<std::string> read_string(ParseContext& ctx, const YamlNode& node,
                                       const std::string& path) {
  if (is_string_field(ctx, node, path)) return node.text();
  ctx.reject(Rejecter::ApiServer, node.pos(), path, string_field_problem(node));
  return std::nullopt;
}

std::optional<int64_t> read_int(ParseContext& ctx, const YamlNode& node, const std::string& path) {
  if (node.is_scalar() && node.scalar_type() == YamlNode::ScalarType::Int) {
    if (auto v = node.as_int()) return v;
  }
  std::string extra;
  if (is_string_scalar(node)) extra = fmt::format(" (write it without quotes: {})", node.text());
  ctx.reject(Rejecter::ApiServer, node.pos(), path,
             fmt::format("must be an integer, not {}{}", node.type_name(), extra));
  return std::nullopt;
}

std::optional<bool> read_bool(ParseContext& ctx, const YamlNode& node, const std::string& path) {
  if (node.is_scalar() && node.scalar_type() == YamlNode::ScalarType::Bool) {
    if (auto v = node.as_bool()) return v;
  }
  ctx.reject(Rejecter::ApiServer, node.pos(), path,
             fmt::format("must be a boolean (true or false), not {}", node.type_name()));
  return std::nullopt;
}

bool expect_sequence(ParseContext& ctx, const YamlNode& node, const std::string& path) {
  if (node.is_sequence()) return true;
  ctx.reject(Rejecter::ApiServer, node.pos(), path,
             fmt::format("must be a list, not {}", node.type_name()));
  return false;
}

bool expect_mapping(ParseContext& ctx, const YamlNode& node, const std::string& path) {
  if (node.is_mapping()) return true;
  ctx.reject(Rejecter::ApiServer, node.pos(), path,
             fmt::format("must be a mapping, not {}", node.type_name()));
  return false;
}

MapReader::MapReader(ParseContext& ctx, const YamlNode& node, std::string path)
    : ctx_(ctx), node_(node), path_(std::move(path)), known_(node.entries().size(), false) {}

void MapReader::note_asked(std::string_view key) {
  if (std::find(asked_.begin(), asked_.end(), key) == asked_.end()) asked_.emplace_back(key);
}

const YamlNode* MapReader::get(std::string_view key) {
  note_asked(key);
  const auto& entries = node_.entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].key != key) continue;
    known_[i] = true;
    if (entries[i].value.is_null()) return nullptr;
    return &entries[i].value;
  }
  return nullptr;
}

const YamlNode::Entry* MapReader::entry(std::string_view key) const {
  for (const auto& e : node_.entries())
    if (e.key == key) return &e;
  return nullptr;
}

std::optional<std::string> MapReader::string(std::string_view key) {
  const YamlNode* v = get(key);
  if (!v) return std::nullopt;
  return read_string(ctx_, *v, child(key));
}

std::optional<int64_t> MapReader::integer(std::string_view key) {
  const YamlNode* v = get(key);
  if (!v) return std::nullopt;
  return read_int(ctx_, *v, child(key));
}

std::optional<bool> MapReader::boolean(std::string_view key) {
  const YamlNode* v = get(key);
  if (!v) return std::nullopt;
  return read_bool(ctx_, *v, child(key));
}

const YamlNode* MapReader::sequence(std::string_view key) {
  const YamlNode* v = get(key);
  if (!v || !expect_sequence(ctx_, *v, child(key))) return nullptr;
  return v;
}

const YamlNode* MapReader::mapping(std::string_view key) {
  const YamlNode* v = get(key);
  if (!v || !expect_mapping(ctx_, *v, child(key))) return nullptr;
  return v;
}

void MapReader::finish(std::span<const FieldHint> hints, std::string_view default_consequence) {
  const auto& entries = node_.entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (known_[i]) continue;
    std::string_view hint, consequence = default_consequence;
    for (const auto& h : hints) {
      if (h.key != entries[i].key) continue;
      hint = h.hint;
      if (!h.consequence.empty()) consequence = h.consequence;
    }
    std::string nearest;
    if (hint.empty()) {
      std::vector<std::string_view> allowed(asked_.begin(), asked_.end());
      nearest = did_you_mean(nearest_names(entries[i].key, allowed));
      hint = nearest;
    }
    ctx_.unknown_field(path_, entries[i], hint, consequence);
  }
}

void add_unevaluated(PeerRule& rule, Unevaluated what) {
  for (auto u : rule.unevaluated)
    if (u == what) return;
  rule.unevaluated.push_back(what);
}

}  // namespace netreach
