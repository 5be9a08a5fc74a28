#include "load/string_field.h"

#include <fmt/format.h>

namespace netreach {

StringField classify_string_field(const YamlNode& node) {
  if (!node.is_scalar()) return StringField::NotString;
  switch (node.scalar_type()) {
    case YamlNode::ScalarType::String: return StringField::String;
    case YamlNode::ScalarType::Bool: {
      // true/false (any case) are booleans to every YAML version: they stay errors.
      std::string lower = node.text();
      for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      return lower == "true" || lower == "false" ? StringField::NotString : StringField::Yaml11Word;
    }
    default: return StringField::NotString;
  }
}

std::string string_field_problem(const YamlNode& node) {
  if (node.is_scalar())
    return fmt::format("must be a string, not {} (quote it: \"{}\")", node.type_name(), node.text());
  return fmt::format("must be a string, not a {}", node.type_name());
}

void Yaml11Words::note(const Yaml11Word& word, Diagnostics& out) {
  all_.push_back(word);
  if (!warned_.insert(word.pos.file).second) return;
  out.push_back(Diagnostic::warning(
      word.pos, word.path,
      fmt::format("unquoted {} is read as the string \"{}\", as YAML 1.2 and kustomize read it; a raw kubectl apply "
                  "(YAML 1.1) reads it as a boolean and the API server rejects the object: quote it (this file may "
                  "hold more such words; this warning is given once per file)",
                  word.text, word.text)));
}

}  // namespace netreach
