// ParseContext and MapReader: the typed, path-tracking reader the policy
// parsers use over YamlNode.
//
// ParseContext collects the diagnostics of one policy object and knows the
// mode:
//  - strict: every problem is an Error naming the field path and position;
//  - lenient: what a cluster does. An unknown field is pruned with a Warning
//    (the API server's structural schema drops it, docs/semantics.md#api-server-validation), and any other
//    problem rejects the whole object (docs/semantics.md#whole-object-rejected) with a Warning that says who
//    rejects it (the API server or the agent) and why.
//
// MapReader reads one mapping: every key asked for is "known"; finish()
// reports the rest as unknown fields, with a hint for known mistakes (docs/semantics.md#pruned-fields)
// or else the nearest keys asked for (model/suggest.h): the keys a parser
// asks for are the fields its schema allows there.
// A key whose value is YAML null counts as absent: the API server prunes nulls
// of non-nullable fields before validating.
//
// This header also declares the per-kind object parsers that policy_parser.cc
// dispatches to (cnp_parser.cc, knp_parser.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "load/string_field.h"
#include "load/yaml_node.h"
#include "model/diagnostic.h"
#include "model/rule.h"
#include "policy/policy_parser.h"

namespace netreach {

// Who rejects an invalid value in a real cluster.
enum class Rejecter : uint8_t {
  ApiServer,  // the CRD OpenAPI schema / networking.k8s.io validation (docs/semantics.md#api-server-validation)
  Agent,      // the Cilium agent's Rule.Sanitize (docs/semantics.md#agent-validation)
};

// A known mistake: an unknown key, what the user probably meant, and what
// pruning it does to the rule.
struct FieldHint {
  std::string_view key;
  std::string_view hint;         // appended to the error: "did you mean toPorts? ..."
  std::string_view consequence;  // appended to the lenient warning: "so this rule now allows every port"
};

class ParseContext {
 public:
  explicit ParseContext(bool lenient) : lenient_(lenient) {}

  bool lenient() const { return lenient_; }
  // An invalid value: strict -> Error; lenient -> Warning, object rejected.
  void reject(Rejecter who, SourcePos pos, std::string path, std::string message);
  // An unknown key (strict -> Error; lenient -> Warning, key pruned).
  void unknown_field(const std::string& parent_path, const YamlNode::Entry& entry,
                     std::string_view hint, std::string_view consequence);
  // A Warning in both modes (nothing is rejected).
  void warn(SourcePos pos, std::string path, std::string message);
  // A plain y/yes/on/n/no/off read as a string (load/string_field.h); the
  // caller that knows the file warns once per file.
  void yaml11_word(const YamlNode& node, std::string path);
  std::vector<Yaml11Word> take_yaml11_words() { return std::move(yaml11_words_); }

  // Whether the object must be refused (strict: any error; lenient: any rejection).
  bool failed() const { return failed_; }
  Diagnostics take_diagnostics() { return std::move(diagnostics_); }

 private:
  bool lenient_;
  bool failed_ = false;
  Diagnostics diagnostics_;
  std::vector<Yaml11Word> yaml11_words_;
};

// "spec.ingress" + 0 -> "spec.ingress[0]"; "spec" + "ingress" -> "spec.ingress".
std::string index_path(std::string_view path, size_t index);
std::string field_path(std::string_view path, std::string_view key);

// Scalar checks that report through the context; nullopt when absent or wrong.
// read_string applies the one rule for string fields (load/string_field.h): a
// non-string scalar gets the hint `must be a string (quote it: "5555")`.
std::optional<std::string> read_string(ParseContext& ctx, const YamlNode& node,
                                       const std::string& path);
// The same rule for the string half of an int-or-string field: true when
// `node` is a string (node.text() is its value); reports nothing otherwise.
bool is_string_field(ParseContext& ctx, const YamlNode& node, const std::string& path);
std::optional<int64_t> read_int(ParseContext& ctx, const YamlNode& node, const std::string& path);
std::optional<bool> read_bool(ParseContext& ctx, const YamlNode& node, const std::string& path);
// Type checks for collections; report "must be a list" / "must be a mapping".
bool expect_sequence(ParseContext& ctx, const YamlNode& node, const std::string& path);
bool expect_mapping(ParseContext& ctx, const YamlNode& node, const std::string& path);
bool is_string_scalar(const YamlNode& node);

class MapReader {
 public:
  // `node` must be a mapping (check with expect_mapping).
  MapReader(ParseContext& ctx, const YamlNode& node, std::string path);

  const std::string& path() const { return path_; }
  std::string child(std::string_view key) const { return field_path(path_, key); }
  const YamlNode& node() const { return node_; }

  // The value of `key`, marking it known; nullptr when absent or null.
  const YamlNode* get(std::string_view key);
  // Marks `key` known and ignores it (metadata we accept and do not use).
  void ignore(std::string_view key) { (void)get(key); }
  // The entry (key position) for `key`, if present; does not mark it.
  const YamlNode::Entry* entry(std::string_view key) const;

  std::optional<std::string> string(std::string_view key);
  std::optional<int64_t> integer(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  // Present and of the right collection type, else nullptr (type errors reported).
  const YamlNode* sequence(std::string_view key);
  const YamlNode* mapping(std::string_view key);

  // Reports every key never asked for as an unknown field. A curated hint
  // wins (it says more); otherwise the hint is "did you mean" the nearest keys
  // asked for so far.
  void finish(std::span<const FieldHint> hints = {}, std::string_view default_consequence = {});

 private:
  void note_asked(std::string_view key);

  ParseContext& ctx_;
  const YamlNode& node_;
  std::string path_;
  std::vector<bool> known_;
  std::vector<std::string> asked_;  // every key asked for, present or not: the allowed fields
};

// A RuleRef like `base` for the element at `path` / `pos`.
inline RuleRef derive_ref(const RuleRef& base, std::string path, SourcePos pos) {
  RuleRef ref = base;
  ref.path = std::move(path);
  ref.pos = pos;
  return ref;
}

// Adds `what` to a PeerRule's unevaluated list once.
void add_unevaluated(PeerRule& rule, Unevaluated what);

// The per-kind object parsers (cnp_parser.cc, knp_parser.cc). `policy` has
// kind, namespace, name and pos already set; they add the rules.
void parse_cilium_policy_body(ParseContext& ctx, MapReader& top, Policy& policy,
                              const PolicyParseOptions& options);
void parse_k8s_policy_body(ParseContext& ctx, MapReader& top, Policy& policy,
                           const PolicyParseOptions& options);

}  // namespace netreach
