// The substitution rules of fluxcd/pkg kustomize/kustomize_varsub.go (see
// var_substitution.h), case by case.
#include <catch2/catch.hpp>

#include "load/var_substitution.h"

using namespace netreach;

TEST_CASE("substitution: ${VAR} takes the value; unset is reported and left as written", "[load][varsub]") {
  auto s = substitute_variables("name: ${APP}-${ENV}\nport: ${PORT}\n", {{"APP", "web"}, {"ENV", "prod"}});
  CHECK(s.text == "name: web-prod\nport: ${PORT}\n");
  CHECK(s.unresolved == std::vector<std::string>{"PORT"});
  CHECK(s.malformed.empty());
}

TEST_CASE("substitution: defaults with and without the colon", "[load][varsub]") {
  Variables vars{{"EMPTY", ""}, {"SET", "x"}};
  CHECK(substitute_variables("${UNSET:=d}", vars).text == "d");
  CHECK(substitute_variables("${UNSET:-d}", vars).text == "d");
  CHECK(substitute_variables("${EMPTY:=d}", vars).text == "d");
  CHECK(substitute_variables("${EMPTY=d}", vars).text == "");
  CHECK(substitute_variables("${UNSET=d}", vars).text == "d");
  CHECK(substitute_variables("${SET:=d}", vars).text == "x");
  CHECK(substitute_variables("${UNSET:=}", vars).text == "");
  CHECK(substitute_variables("${UNSET:=d}", vars).unresolved.empty());
}

TEST_CASE("substitution: $${VAR} is the escape, $VAR is not substituted", "[load][varsub]") {
  auto s = substitute_variables("a: $${HOME}\nb: $HOME\nc: $$\nd: ${HOME}\n", {{"HOME", "/root"}});
  CHECK(s.text == "a: ${HOME}\nb: $HOME\nc: $$\nd: /root\n");
  CHECK(s.unresolved.empty());
}

TEST_CASE("substitution: expressions netreach does not evaluate are reported", "[load][varsub]") {
  auto s = substitute_variables("${A:0:2} ${A/x/y} ${1BAD} ${A}", {{"A", "xyz"}});
  CHECK(s.text == "${A:0:2} ${A/x/y} ${1BAD} xyz");
  CHECK(s.malformed.size() == 3);
  CHECK(substitute_variables("tail ${UNCLOSED", {}).text == "tail ${UNCLOSED");
}

TEST_CASE("substitution: variable names follow Flux's varsubRegex", "[load][varsub]") {
  CHECK(is_valid_variable_name("cluster_name"));
  CHECK(is_valid_variable_name("_X1"));
  CHECK_FALSE(is_valid_variable_name("1X"));
  CHECK_FALSE(is_valid_variable_name("a-b"));
  CHECK_FALSE(is_valid_variable_name(""));
}
