// YamlNode: one parsed YAML/JSON document as a small tree that keeps positions.
//
// This is the only YAML representation the rest of the engine sees; no other
// layer includes a YAML library (see yaml_stream.h for the parser). Mapping keys
// are always scalars (Kubernetes objects have no complex keys; the stream
// rejects others). Scalars keep their text and style, so that type checks can
// tell `port: 80` (an integer) from `port: "80"` (a string), as the API server does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/source.h"

namespace netreach {

class YamlNode {
 public:
  enum class Kind : uint8_t { Null, Scalar, Sequence, Mapping };
  // How a scalar was written. Quoted and block scalars are always strings.
  enum class Style : uint8_t { Plain, Quoted, Block };
  // The type a scalar resolves to, with the YAML 1.1 rules that Kubernetes'
  // YAML decoder (go-yaml v2) applies to plain scalars: `yes`/`on` are booleans,
  // `~`/`null`/empty are null, `0x1F` and `010` are integers, and so on.
  enum class ScalarType : uint8_t { String, Int, Float, Bool, Null };

  struct Entry;  // one key: value pair of a mapping

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_scalar() const { return kind_ == Kind::Scalar; }
  bool is_sequence() const { return kind_ == Kind::Sequence; }
  bool is_mapping() const { return kind_ == Kind::Mapping; }

  const SourcePos& pos() const { return pos_; }

  // Scalars.
  Style style() const { return style_; }
  ScalarType scalar_type() const;
  const std::string& text() const { return text_; }  // the scalar's value, unquoted
  std::optional<int64_t> as_int() const;              // only for ScalarType::Int
  std::optional<bool> as_bool() const;                // only for ScalarType::Bool

  // Sequences.
  const std::vector<YamlNode>& items() const { return items_; }

  // Mappings, in document order. Duplicate keys were rejected by the parser.
  const std::vector<Entry>& entries() const { return entries_; }
  const YamlNode* find(std::string_view key) const;  // nullptr when absent

  // "mapping", "sequence", "string", "integer", ... for error messages.
  std::string_view type_name() const;

  // Construction (used by the parser and by tests).
  static YamlNode null(SourcePos pos);
  static YamlNode scalar(std::string text, Style style, SourcePos pos);
  static YamlNode sequence(SourcePos pos);
  static YamlNode mapping(SourcePos pos);
  std::vector<YamlNode>& mutable_items() { return items_; }
  std::vector<Entry>& mutable_entries() { return entries_; }
  void set_pos(SourcePos pos) { pos_ = pos; }

 private:
  Kind kind_ = Kind::Null;
  Style style_ = Style::Plain;
  SourcePos pos_;
  std::string text_;
  std::vector<YamlNode> items_;
  std::vector<Entry> entries_;
};

struct YamlNode::Entry {
  std::string key;
  SourcePos key_pos;
  YamlNode value;
};

// One document of a stream, with its position in the stream.
struct YamlDocument {
  YamlNode root;
  uint32_t index = 0;  // 0-based position of the document in its stream
};

}  // namespace netreach
