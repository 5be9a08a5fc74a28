// Flux's post-build variable substitution (kustomize-controller's postBuild),
// applied to the text of one built object.
//
// The rules follow fluxcd/pkg kustomize/kustomize_varsub.go, which runs a
// bash-like substitution (drone/envsubst) over each object's YAML:
//   ${VAR}            the value of VAR
//   ${VAR:=default}   default when VAR is unset or empty (also ${VAR:-default})
//   ${VAR=default}    default when VAR is unset (also ${VAR-default})
//   $${VAR}           the text ${VAR}, not substituted (the escape)
//   $VAR              left as written: Flux only substitutes the braced form,
//                     so that shell scripts in ConfigMaps keep their $vars
// Variable names match ^[_[:alpha:]][_[:alpha:][:digit:]]*$ (varsubRegex).
// Unlike Flux, which substitutes an empty string for an unset variable (or
// fails in its strict mode), a variable without a value is reported: its
// value usually lives where netreach cannot read it (an encrypted Secret, a
// secret store), and an empty string would silently change what is judged.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace netreach {

using Variables = std::map<std::string, std::string>;

struct Substituted {
  std::string text;
  std::vector<std::string> unresolved;  // variables without a value (left as written), sorted, unique
  std::vector<std::string> malformed;   // expressions netreach cannot evaluate (left as written)
};

Substituted substitute_variables(std::string_view text, const Variables& vars);

// Flux's varsubRegex.
bool is_valid_variable_name(std::string_view name);

}  // namespace netreach
