// string_field: the one rule for a scalar written where the schema wants a
// string (metadata, labels, selector values, port names, expectations).
//
//  - a string scalar (quoted, block, or plain that resolves to a string) is
//    that string;
//  - a plain y, yes, on, n, no or off (in the cases YAML 1.1 knows: y, Y, yes,
//    Yes, YES, ...) is the string as written. YAML 1.2 parsers and kustomize
//    (which re-emits it quoted) read it so; a raw `kubectl apply` reads it
//    with YAML 1.1 (sigs.k8s.io/yaml over go-yaml v2) as a boolean and the API
//    server rejects the object. Yaml11Words warns about it once per file;
//  - anything else (numbers, true/false in any case, null, collections) is not
//    a string: an error, as the API server's "cannot unmarshal" would be.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "load/yaml_node.h"
#include "model/cluster.h"  // Yaml11Word
#include "model/diagnostic.h"

namespace netreach {

enum class StringField : uint8_t {
  String,     // a string
  Yaml11Word, // a plain y/yes/on/n/no/off: the string as written, worth a warning
  NotString,  // not a string (see string_field_problem)
};

StringField classify_string_field(const YamlNode& node);

// Why `node` is not a string: "must be a string, not integer (quote it: \"80\")".
std::string string_field_problem(const YamlNode& node);


// Yaml11Words: one warning per file for the YAML 1.1 boolean words read as
// strings (the first one found in the file is the one shown), keeping every
// word for `lint`.
class Yaml11Words {
 public:
  // Keeps `word`; appends the warning to `out` when it is the first of its file.
  void note(const Yaml11Word& word, Diagnostics& out);
  std::vector<Yaml11Word> take_all() { return std::move(all_); }

 private:
  std::unordered_set<const SourceFile*> warned_;
  std::vector<Yaml11Word> all_;
};

}  // namespace netreach
