#include <catch2/catch.hpp>

#include <memory>

#include "load/string_field.h"
#include "load/yaml_stream.h"

using namespace netreach;

namespace {
// The value of `key` in a one-line YAML mapping.
YamlNode value_of(const std::string& yaml) {
  static const SourceFile source{"t.yaml", "", nullptr, false};
  auto stream = YamlStream::from_text(std::make_shared<const std::string>(yaml), &source);
  auto doc = stream.next();
  REQUIRE(doc);
  REQUIRE(doc->has_value());
  return (**doc).root.entries().at(0).value;
}
}  // namespace

// go-yaml v2 (resolve.go, vendored by sigs.k8s.io/yaml) resolves these plain
// scalars to booleans; YAML 1.2 and kustomize's kyaml keep y/yes/on/n/no/off strings.
TEST_CASE("string_field: plain y/yes/on/n/no/off are strings as written; true/false stay booleans", "[string_field]") {
  for (const char* word : {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"}) {
    INFO(word);
    YamlNode v = value_of(std::string("k: ") + word);
    CHECK(v.scalar_type() == YamlNode::ScalarType::Bool);  // what YAML 1.1 says
    CHECK(classify_string_field(v) == StringField::Yaml11Word);
    CHECK(v.text() == word);
  }
  for (const char* not_string : {"true", "True", "TRUE", "false", "False", "FALSE", "80", "0x1F", "1.5", "~", "[a]", "{a: b}"}) {
    INFO(not_string);
    CHECK(classify_string_field(value_of(std::string("k: ") + not_string)) == StringField::NotString);
  }
  for (const char* string : {"web", "'y'", "\"true\"", "yes-please", "yEs", "'80'"}) {
    INFO(string);
    CHECK(classify_string_field(value_of(std::string("k: ") + string)) == StringField::String);
  }
  CHECK(string_field_problem(value_of("k: 80")) == "must be a string, not integer (quote it: \"80\")");
  CHECK(string_field_problem(value_of("k: true")) == "must be a string, not boolean (quote it: \"true\")");
  CHECK(string_field_problem(value_of("k: [a]")) == "must be a string, not a sequence");
}

TEST_CASE("Yaml11Words: one warning per file, at the first word", "[string_field]") {
  const SourceFile a{"a.yaml", "", nullptr, false}, b{"b.yaml", "", nullptr, false};
  Yaml11Words words;
  Diagnostics out;
  words.note({SourcePos{&a, 3, 9}, "metadata.namespace", "y"}, out);
  words.note({SourcePos{&a, 9, 12}, "spec.values[1]", "on"}, out);
  words.note({SourcePos{&b, 2, 5}, "metadata.name", "no"}, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0].severity == Severity::Warning);
  CHECK(out[0].pos.line == 3);
  CHECK(out[0].field_path == "metadata.namespace");
  CHECK_THAT(out[0].message, Catch::Contains("unquoted y is read as the string \"y\""));
  CHECK_THAT(out[0].message, Catch::Contains("a raw kubectl apply (YAML 1.1) reads it as a boolean"));
  CHECK(out[1].pos.file == &b);
}
