#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "load/yaml_stream.h"

using namespace netreach;

namespace {

const SourceFile kSource{"test.yaml", "", nullptr, false};

YamlStream stream_of(std::string text, YamlLimits limits = {}) {
  return YamlStream::from_text(std::make_shared<const std::string>(std::move(text)), &kSource,
                               limits);
}

// All documents of `text`, or the first error's message in `error`.
std::vector<YamlDocument> read_all(std::string text, std::string* error = nullptr,
                                   SourcePos* error_pos = nullptr, YamlLimits limits = {}) {
  YamlStream s = stream_of(std::move(text), limits);
  std::vector<YamlDocument> docs;
  for (;;) {
    auto r = s.next();
    if (!r.ok()) {
      if (error) *error = r.errors().front().message;
      if (error_pos) *error_pos = r.errors().front().pos;
      // The stream is finished after an error.
      auto again = s.next();
      CHECK(again.ok());
      CHECK_FALSE(again->has_value());
      return docs;
    }
    if (!r->has_value()) return docs;
    docs.push_back(std::move(**r));
  }
}

std::string error_of(std::string text, SourcePos* pos = nullptr, YamlLimits limits = {}) {
  std::string error;
  read_all(std::move(text), &error, pos, limits);
  return error;
}

// A temporary file removed at the end of the test.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& content) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("netreach_yaml_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
            ".yaml");
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

}  // namespace

TEST_CASE("YamlStream: multi-document stream keeps positions", "[yaml]") {
  auto docs = read_all(
      "apiVersion: v1\n"
      "kind: Namespace\n"
      "---\n"
      "kind: Service\n"
      "spec:\n"
      "  ports:\n"
      "    - port: 80\n"
      "      targetPort: http\n");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].index == 0);
  CHECK(docs[1].index == 1);
  CHECK(docs[0].root.find("kind")->text() == "Namespace");
  const YamlNode& ports = *docs[1].root.find("spec")->find("ports");
  REQUIRE(ports.is_sequence());
  const YamlNode& port0 = ports.items().at(0);
  CHECK(port0.pos().line == 7);
  CHECK(port0.pos().column == 7);
  const auto& entry = port0.entries().at(1);
  CHECK(entry.key == "targetPort");
  CHECK(entry.key_pos.line == 8);
  CHECK(entry.key_pos.column == 7);
  CHECK(entry.key_pos.file == &kSource);
  CHECK(entry.value.pos().line == 8);
  CHECK(entry.value.pos().column == 19);
}

TEST_CASE("YamlStream: JSON input", "[yaml]") {
  auto docs = read_all(R"({"kind": "Service", "spec": {"ports": [{"port": 80}, {"port": "81"}]},
  "metadata": {"labels": null, "ok": true}})");
  REQUIRE(docs.size() == 1);
  const YamlNode& ports = *docs[0].root.find("spec")->find("ports");
  CHECK(ports.items()[0].find("port")->scalar_type() == YamlNode::ScalarType::Int);
  CHECK(ports.items()[1].find("port")->style() == YamlNode::Style::Quoted);
  CHECK(ports.items()[1].find("port")->scalar_type() == YamlNode::ScalarType::String);
  CHECK(docs[0].root.find("metadata")->find("labels")->is_null());
  CHECK(docs[0].root.find("metadata")->find("ok")->as_bool() == true);
  CHECK(docs[0].root.find("metadata")->pos().line == 2);
}

TEST_CASE("YamlStream: plain documents without a List wrapper", "[yaml]") {
  auto docs = read_all("kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: b}\n");
  REQUIRE(docs.size() == 2);
  CHECK(docs[1].root.find("metadata")->find("name")->text() == "b");
  CHECK(docs[1].root.find("missing") == nullptr);
}

TEST_CASE("YamlStream: quoted and plain scalars resolve differently", "[yaml]") {
  auto docs = read_all(
      "a: 80\nb: \"80\"\nc: yes\nd: 'yes'\ne: 0x1F\nf: 010\ng: 1.5\nh: ~\ni: !!str 80\n"
      "j: |\n  80\nk: 1_000\nl: .inf\nm: 18446744073709551615\nq: 99999999999999999999\nn: 08\no: on\np: hello\n");
  REQUIRE(docs.size() == 1);
  const YamlNode& r = docs[0].root;
  using T = YamlNode::ScalarType;
  CHECK(r.find("a")->scalar_type() == T::Int);
  CHECK(r.find("a")->as_int() == 80);
  CHECK(r.find("a")->type_name() == "integer");
  CHECK(r.find("b")->scalar_type() == T::String);
  CHECK_FALSE(r.find("b")->as_int());
  CHECK(r.find("c")->scalar_type() == T::Bool);
  CHECK(r.find("c")->as_bool() == true);
  CHECK(r.find("d")->scalar_type() == T::String);
  CHECK(r.find("e")->as_int() == 31);
  CHECK(r.find("f")->as_int() == 8);
  CHECK(r.find("g")->scalar_type() == T::Float);
  CHECK(r.find("h")->is_null());
  CHECK(r.find("h")->type_name() == "null");
  CHECK(r.find("i")->scalar_type() == T::String);
  CHECK(r.find("j")->style() == YamlNode::Style::Block);
  CHECK(r.find("j")->scalar_type() == T::String);
  CHECK(r.find("k")->as_int() == 1000);
  CHECK(r.find("l")->scalar_type() == T::Float);
  CHECK(r.find("m")->scalar_type() == T::Int);  // fits uint64, as in go-yaml
  CHECK_FALSE(r.find("m")->as_int());             // but not int64
  CHECK(r.find("q")->scalar_type() == T::Float);  // beyond uint64: the float pattern
  CHECK(r.find("n")->scalar_type() == T::Float);  // invalid octal, float pattern
  CHECK(r.find("o")->as_bool() == true);
  CHECK(r.find("p")->type_name() == "string");
  CHECK(r.type_name() == "mapping");
}

TEST_CASE("YamlNode: YAML 1.1 plain scalar resolution", "[yaml]") {
  using T = YamlNode::ScalarType;
  auto type = [](const char* s) { return YamlNode::scalar(s, YamlNode::Style::Plain, {}).scalar_type(); };
  for (const char* s : {"y", "Y", "yes", "NO", "n", "true", "False", "off", "ON"})
    CHECK(type(s) == T::Bool);
  for (const char* s : {"-12", "+7", "0b101", "-0x10", "0o17", "0"}) CHECK(type(s) == T::Int);
  for (const char* s : {"1e3", ".5", "-.inf", ".NaN", "1.", "-1.5e-3"}) CHECK(type(s) == T::Float);
  for (const char* s : {"1.2.3", "0x", "yess", "8080/TCP", "1e999", "_1", "TCP", "2024-01-01"})
    CHECK(type(s) == T::String);
  CHECK(YamlNode::scalar("-9223372036854775808", YamlNode::Style::Plain, {}).as_int() ==
        INT64_MIN);
  CHECK_FALSE(YamlNode::scalar("9223372036854775808", YamlNode::Style::Plain, {}).as_int());
  CHECK(YamlNode::scalar("-0b11", YamlNode::Style::Plain, {}).as_int() == -3);
  CHECK(YamlNode::scalar("N", YamlNode::Style::Plain, {}).as_bool() == false);
}

TEST_CASE("YamlStream: empty documents are skipped", "[yaml]") {
  auto docs = read_all("---\n---\n# only a comment\n---\nkind: A\n---\n~\n---\n\n---\nkind: B\n");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].root.find("kind")->text() == "A");
  CHECK(docs[1].root.find("kind")->text() == "B");
  CHECK(docs[1].index > docs[0].index);
  CHECK(read_all("").empty());
  CHECK(read_all("# just comments\n# more\n").empty());
}

TEST_CASE("YamlStream: duplicate keys are an error", "[yaml]") {
  SourcePos pos;
  CHECK(error_of("metadata:\n  name: a\n  labels: {}\n  name: b\n", &pos) ==
        "duplicate key \"name\" (first at line 2)");
  CHECK(pos.line == 4);
  CHECK(pos.column == 3);
  // The same key in different mappings is fine.
  CHECK(error_of("a: {x: 1}\nb: {x: 2}\n").empty());
  // Large mappings take the hashed path.
  std::string big;
  for (int i = 0; i < 100; ++i) big += "k" + std::to_string(i) + ": 1\n";
  CHECK(error_of(big).empty());
  CHECK(error_of(big + "k42: 2\n") == "duplicate key \"k42\" (first at line 43)");
}

TEST_CASE("YamlStream: non-scalar keys are an error", "[yaml]") {
  CHECK_THAT(error_of("? [a, b]\n: 1\n"), Catch::Contains("mapping keys must be scalars"));
  CHECK_THAT(error_of("{a: 1}: 2\n"), Catch::Contains("mapping keys must be scalars"));
}

TEST_CASE("YamlStream: anchors, aliases and merge keys", "[yaml]") {
  auto docs = read_all(
      "base: &b {app: web, tier: front}\n"
      "copy: *b\n"
      "merged:\n"
      "  <<: *b\n"
      "  tier: back\n"
      "multi:\n"
      "  <<: [{x: 1}, {x: 2, y: 3}]\n");
  REQUIRE(docs.size() == 1);
  const YamlNode& r = docs[0].root;
  CHECK(r.find("copy")->find("app")->text() == "web");
  const YamlNode& merged = *r.find("merged");
  CHECK(merged.entries().size() == 2);
  CHECK(merged.find("tier")->text() == "back");  // explicit keys win
  CHECK(merged.find("app")->text() == "web");
  CHECK(merged.find("<<") == nullptr);
  CHECK(r.find("multi")->find("x")->as_int() == 1);  // earlier sources win
  CHECK(r.find("multi")->find("y")->as_int() == 3);
  CHECK_THAT(error_of("a: *nope\n"), Catch::Contains("unknown anchor \"nope\""));
  CHECK_THAT(error_of("a: {<<: 5}\n"), Catch::Contains("merge key"));
}

TEST_CASE("YamlStream: nesting 10,000 deep is refused", "[yaml]") {
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  SourcePos pos;
  CHECK_THAT(error_of(deep, &pos), Catch::Contains("nesting deeper than 200 levels"));
  CHECK(pos.line == 1);
  CHECK(pos.column == 201);
  std::string block;
  for (int i = 0; i < 10000; ++i) block += std::string(size_t(i), ' ') + "k:\n";
  CHECK_THAT(error_of(block), Catch::Contains("nesting deeper than"));
  // Within the limit it parses.
  YamlLimits limits;
  limits.max_depth = 20000;
  std::string error;
  auto docs = read_all(deep, &error, nullptr, limits);
  CHECK(error.empty());
  CHECK(docs.size() == 1);
}

TEST_CASE("YamlStream: an alias bomb is refused quickly", "[yaml]") {
  std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  char prev = 'a';
  for (char c : std::string("bcdefghi")) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? ",*" : "*") + prev;
    bomb += "]\n";
    prev = c;
  }
  SourcePos pos;
  CHECK(error_of(bomb, &pos) == "alias expansion exceeds 100000 nodes (a YAML alias bomb?)");
  CHECK(pos.line > 1);
  // The document-wide node limit applies to expansions too.
  YamlLimits limits;
  limits.max_nodes_per_document = 1000;
  CHECK(error_of(bomb, nullptr, limits) == "alias expansion exceeds 1000 nodes (a YAML alias bomb?)");
}

TEST_CASE("YamlStream: a NUL byte is an error, not the end of input", "[yaml]") {
  std::string text = "a: 1\nb: x";
  text.push_back('\0');
  text += "y\nc: 3\n";
  SourcePos pos;
  CHECK_THAT(error_of(text, &pos), Catch::Contains("control characters are not allowed"));
  CHECK(pos.line == 2);
  CHECK(pos.column == 5);

  TempFile file(text);
  auto s = YamlStream::open_file(file.path.string(), &kSource);
  REQUIRE(s.ok());
  auto r = s->next();
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.errors().front().message, Catch::Contains("control characters"));
  CHECK(r.errors().front().pos.line == 2);
}

TEST_CASE("YamlStream: invalid UTF-8 is an error", "[yaml]") {
  SourcePos pos;
  CHECK_THAT(error_of("a: 1\nb: caf\xff\n", &pos), Catch::Contains("UTF-8"));
  CHECK(pos.line == 2);
  CHECK(pos.file == &kSource);
}

TEST_CASE("YamlStream: syntax errors carry their line", "[yaml]") {
  SourcePos pos;
  std::string error = error_of("a: 1\nb:\n  - x\n  y: 2\n", &pos);
  CHECK_THAT(error, Catch::StartsWith("invalid YAML: "));
  CHECK(pos.line == 4);
  CHECK_THAT(error_of("{\"a\": 1,\n \"b\" 2}\n", &pos), Catch::StartsWith("invalid YAML"));
  CHECK(pos.line == 2);
}

TEST_CASE("YamlStream: open_file on a missing file names it", "[yaml]") {
  auto s = YamlStream::open_file("no/such/dir/cluster.yaml", &kSource);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.errors().front().message, Catch::Contains("no/such/dir/cluster.yaml"));
}

TEST_CASE("YamlStream: a temporary file is streamed", "[yaml]") {
  // Larger than libyaml's 16 KiB read buffer, so it arrives in several reads.
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += "---\nkind: Pod\nmetadata:\n  name: pod-" + std::to_string(i) + "\n  labels: {app: web}\n";
  TempFile file(text);
  auto s = YamlStream::open_file(file.path.string(), &kSource);
  REQUIRE(s.ok());
  int count = 0;
  for (;;) {
    auto r = s->next();
    REQUIRE(r.ok());
    if (!r->has_value()) break;
    const YamlDocument& doc = **r;
    CHECK(doc.root.find("metadata")->find("name")->text() == "pod-" + std::to_string(count));
    if (count == 1999) {
      CHECK(doc.root.entries().at(1).key_pos.line == 1999 * 5 + 3);   // "metadata:"
      CHECK(doc.root.find("metadata")->pos().line == 1999 * 5 + 4);  // its mapping
    }
    ++count;
  }
  CHECK(count == 2000);

  // An invalid byte far into the file is located by line.
  TempFile bad(text + "kind: x\xfe\n");
  auto b = YamlStream::open_file(bad.path.string(), &kSource);
  REQUIRE(b.ok());
  for (;;) {
    auto r = b->next();
    if (!r.ok()) {
      CHECK(r.errors().front().pos.line == 10001);
      break;
    }
    REQUIRE(r->has_value());
  }
}

TEST_CASE("YamlStream: from_stdio reads an open stream", "[yaml]") {
  TempFile file("kind: A\n---\nkind: B\n");
  std::FILE* f = std::fopen(file.path.string().c_str(), "rb");
  REQUIRE(f);
  {
    YamlStream s = YamlStream::from_stdio(f, &kSource);
    CHECK((*s.next())->root.find("kind")->text() == "A");
    CHECK((*s.next())->root.find("kind")->text() == "B");
    CHECK_FALSE(s.next()->has_value());
  }
  std::fclose(f);  // the stream did not close it
}
