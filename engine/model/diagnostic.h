// Diagnostic: an error or warning as a value, carrying where it happened.
//
// Every layer reports problems as Diagnostics; nothing throws across the engine
// boundary. format_diagnostic() renders the one canonical form:
//   file:line:col: error: spec.ingress[0].fromPorts: unknown field "fromPorts"
//     <the source line>
//     <caret>
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "model/source.h"

namespace netreach {

enum class Severity { Error, Warning, Note };
std::string_view severity_name(Severity severity);  // "error" / "warning" / "note"

struct Diagnostic {
  Severity severity = Severity::Error;
  SourcePos pos;
  std::string field_path;  // e.g. "spec.ingress[0].toPorts[0].ports[0].port"; may be empty
  std::string message;

  static Diagnostic error(SourcePos pos, std::string field, std::string message) {
    return {Severity::Error, pos, std::move(field), std::move(message)};
  }
  static Diagnostic warning(SourcePos pos, std::string field, std::string message) {
    return {Severity::Warning, pos, std::move(field), std::move(message)};
  }
};

using Diagnostics = std::vector<Diagnostic>;

inline bool has_errors(const Diagnostics& diags) {
  for (const auto& d : diags)
    if (d.severity == Severity::Error) return true;
  return false;
}

// Renders one diagnostic, with the source line and a caret when the text is
// available (re-read from disk, or kept in memory for kustomize output).
std::string format_diagnostic(const Diagnostic& diag, bool with_source_line = true);

// Result<T>: a value or the diagnostics that prevented it.
// (Result<Diagnostics> is allowed: a Diagnostics value is then the success
// value, e.g. warnings, and failures are built from a Diagnostic or failure().)
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(implicit)
  Result(Diagnostic error)                                                // NOLINT(implicit)
      : state_(std::in_place_index<1>, Diagnostics{std::move(error)}) {}
  Result(Diagnostics errors)                                              // NOLINT(implicit)
    requires(!std::is_same_v<T, Diagnostics>)
      : state_(std::in_place_index<1>, std::move(errors)) {}
  static Result failure(Diagnostics errors) { return Result(Failure{}, std::move(errors)); }

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Diagnostics& errors() const { return std::get<1>(state_); }

 private:
  struct Failure {};
  Result(Failure, Diagnostics errors) : state_(std::in_place_index<1>, std::move(errors)) {}
  std::variant<T, Diagnostics> state_;
};

}  // namespace netreach
