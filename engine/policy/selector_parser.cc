#include "policy/selector_parser.h"

#include <algorithm>

#include <fmt/format.h>

namespace netreach {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?` without the length limit.
bool matches_label_pattern(std::string_view s) {
  if (s.empty()) return true;
  if (!is_alnum(s.front()) || !is_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

constexpr FieldHint kSelectorHints[] = {
    {"matchLabel", "did you mean matchLabels?", "leaving a broader selector than written"},
    {"matchExpression", "did you mean matchExpressions?", "leaving a broader selector than written"},
    {"namespaceSelector",
     "Cilium selectors have no namespaceSelector; use matchLabels k8s:io.kubernetes.pod.namespace",
     "leaving a broader selector than written"},
    {"podSelector", "Cilium selectors have no podSelector; put the pod labels in matchLabels",
     "leaving a broader selector than written"},
};

std::optional<SelectorOp> parse_op(std::string_view text) {
  if (text == "In") return SelectorOp::In;
  if (text == "NotIn") return SelectorOp::NotIn;
  if (text == "Exists") return SelectorOp::Exists;
  if (text == "DoesNotExist") return SelectorOp::DoesNotExist;
  return std::nullopt;
}

}  // namespace

bool is_dns1123_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || !is_lower_alnum(label.front()) || !is_lower_alnum(label.back())) return false;
    for (char c : label)
      if (!is_lower_alnum(c) && c != '-') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_dns1123_label(std::string_view s) { return s.size() <= 63 && s.find('.') == std::string_view::npos && is_dns1123_subdomain(s); }

bool is_valid_label_value(std::string_view value) {
  return value.size() <= 63 && matches_label_pattern(value);
}

std::string qualified_name_problem(std::string_view key) {
  std::string_view name = key;
  if (auto slash = key.find('/'); slash != std::string_view::npos) {
    std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (!is_dns1123_subdomain(prefix))
      return fmt::format("prefix \"{}\" must be a lower-case DNS subdomain of at most 253 characters",
                         prefix);
  }
  if (name.empty()) return "name part must not be empty";
  if (name.size() > 63) return "name part must be at most 63 characters";
  if (!matches_label_pattern(name))
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and start and end "
           "with an alphanumeric character";
  return {};
}

std::optional<Selector> parse_selector(ParseContext& ctx, const YamlNode& node,
                                       const std::string& path,
                                       const SelectorParseOptions& options) {
  if (!expect_mapping(ctx, node, path)) return std::nullopt;
  MapReader reader(ctx, node, path);
  Selector selector;
  const bool prefixed = !options.key_source.empty();

  // Builds the key and validates it. Cilium validates the internal `source.key`
  // form (pkg/policy/api/selector.go :: EndpointSelector.sanitize after
  // labels.GetExtendedKeyFrom); a KNP key is validated as written by the API
  // server (apimachinery ValidateLabelSelector).
  auto make_key = [&](const std::string& written, SourcePos pos,
                      const std::string& key_path) -> std::optional<SelectorKey> {
    SelectorKey key;
    std::string checked;
    if (prefixed) {
      key = SelectorKey{std::string(options.key_source), std::string(options.key_prefix) + written};
      checked = written;
    } else {
      key = SelectorKey::parse(written);
      checked = fmt::format("{}.{}", key.source, key.key);
    }
    if (std::string problem = qualified_name_problem(checked); !problem.empty()) {
      ctx.reject(prefixed ? Rejecter::ApiServer : Rejecter::Agent, pos, key_path,
                 fmt::format("invalid label key \"{}\": {}", written, problem));
      return std::nullopt;
    }
    return key;
  };

  if (const YamlNode* labels = reader.mapping("matchLabels")) {
    std::string labels_path = reader.child("matchLabels");
    for (const auto& e : labels->entries()) {
      std::string entry_path = field_path(labels_path, e.key);
      if (e.value.is_null()) {
        ctx.reject(Rejecter::ApiServer, e.key_pos, entry_path, "matchLabels value must be a string, not null");
        continue;
      }
      auto value = read_string(ctx, e.value, entry_path);
      if (!value) continue;
      if (!is_valid_label_value(*value)) {
        ctx.reject(Rejecter::ApiServer, e.value.pos(), entry_path,
                   fmt::format("invalid label value \"{}\": {}", *value, kLabelValueRule));
        continue;
      }
      auto key = make_key(e.key, e.key_pos, entry_path);
      if (!key) continue;
      if (!options.drop_match_label.empty() && e.key == options.drop_match_label) continue;
      selector.requirements.push_back(Requirement{*key, SelectorOp::In, {*value}, options.origin});
    }
  }

  if (const YamlNode* exprs = reader.sequence("matchExpressions")) {
    std::string exprs_path = reader.child("matchExpressions");
    for (size_t i = 0; i < exprs->items().size(); ++i) {
      const YamlNode& item = exprs->items()[i];
      std::string item_path = index_path(exprs_path, i);
      if (!expect_mapping(ctx, item, item_path)) continue;
      MapReader expr(ctx, item, item_path);
      auto key_text = expr.string("key");
      auto op_text = expr.string("operator");
      std::vector<std::string> values;
      bool values_ok = true;
      const YamlNode* values_node = expr.sequence("values");
      if (values_node) {
        for (size_t j = 0; j < values_node->items().size(); ++j) {
          std::string value_path = index_path(expr.child("values"), j);
          auto v = read_string(ctx, values_node->items()[j], value_path);
          if (!v) { values_ok = false; continue; }
          if (!is_valid_label_value(*v)) {
            ctx.reject(Rejecter::Agent, values_node->items()[j].pos(), value_path,
                       fmt::format("invalid label value \"{}\"", *v));
            values_ok = false;
            continue;
          }
          values.push_back(*v);
        }
      }
      expr.finish();
      if (!expr.get("key")) {
        ctx.reject(Rejecter::ApiServer, item.pos(), field_path(item_path, "key"), "key is required");
      }
      if (!expr.get("operator")) {
        ctx.reject(Rejecter::ApiServer, item.pos(), field_path(item_path, "operator"),
                   "operator is required");
      }
      if (!key_text || !op_text) continue;
      auto op = parse_op(*op_text);
      if (!op) {
        ctx.reject(Rejecter::ApiServer, expr.get("operator")->pos(), field_path(item_path, "operator"),
                   fmt::format("unknown operator \"{}\" (expected In, NotIn, Exists or DoesNotExist)",
                               *op_text));
        continue;
      }
      // apimachinery ValidateLabelSelectorRequirement (run by the agent).
      SourcePos values_pos = values_node ? values_node->pos() : item.pos();
      if ((*op == SelectorOp::In || *op == SelectorOp::NotIn) && values.empty() && values_ok) {
        ctx.reject(Rejecter::Agent, values_pos, field_path(item_path, "values"),
                   fmt::format("operator {} needs at least one value", *op_text));
        continue;
      }
      if ((*op == SelectorOp::Exists || *op == SelectorOp::DoesNotExist) && values_node &&
          !values_node->items().empty()) {
        ctx.reject(Rejecter::Agent, values_pos, field_path(item_path, "values"),
                   fmt::format("operator {} takes no values", *op_text));
        continue;
      }
      auto key = make_key(*key_text, expr.get("key")->pos(), field_path(item_path, "key"));
      if (!key || !values_ok) continue;
      std::sort(values.begin(), values.end());
      values.erase(std::unique(values.begin(), values.end()), values.end());
      selector.requirements.push_back(Requirement{*key, *op, std::move(values), options.origin});
    }
  }

  if (options.hints.empty())
    reader.finish(kSelectorHints, options.unknown_consequence);
  else
    reader.finish(options.hints, options.unknown_consequence);
  return selector;
}

void add_cnp_subject_namespace(Selector& subject, const std::string& policy_namespace) {
  subject.requirements.push_back(Requirement{SelectorKey{std::string(kSourceK8s), std::string(kPodNamespaceLabel)},
                                             SelectorOp::In,
                                             {policy_namespace},
                                             RequirementOrigin::PolicyNamespace});
}

void scope_peer_selector(Selector& peer, PolicyKind kind, const std::string& policy_namespace,
                         bool subject_selects_init, bool is_requires) {
  // pkg/k8s/apis/cilium.io/utils/utils.go :: getEndpointSelector.
  bool has_reserved = false, has_namespace_labels = false;
  for (const auto& r : peer.requirements) {
    if (r.key.source == kSourceReserved) has_reserved = true;
    if (r.key.key.starts_with(kNamespaceLabelsPrefix)) has_namespace_labels = true;
  }
  // The reserved exception applies only when the k8s prefix is being added
  // (fromEndpoints/toEndpoints), not to fromRequires/toRequires.
  if (!is_requires && has_reserved) return;
  if (peer.mentions_key(kPodNamespaceLabel)) return;
  SelectorKey ns_key{std::string(kSourceK8s), std::string(kPodNamespaceLabel)};
  if (kind == PolicyKind::CiliumClusterwideNetworkPolicy) {
    if (subject_selects_init) return;
    peer.requirements.push_back(Requirement{ns_key, SelectorOp::Exists, {}, RequirementOrigin::ClusterwideNamespace});
    return;
  }
  // v1.16+ (commit b35017b): namespace-label selectors are cross-namespace.
  if (has_namespace_labels) return;
  peer.requirements.push_back(
      Requirement{ns_key, SelectorOp::In, {policy_namespace}, RequirementOrigin::PolicyNamespace});
}

}  // namespace netreach
