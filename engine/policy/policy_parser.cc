#include "policy/policy_parser.h"

#include <algorithm>

#include <fmt/format.h>

#include "policy/field_reader.h"

namespace netreach {
namespace {

constexpr FieldHint kTopLevelHints[] = {
    {"ingress", "ingress belongs under spec", "so its rules are ignored"},
    {"egress", "egress belongs under spec", "so its rules are ignored"},
    {"endpointSelector", "endpointSelector belongs under spec", {}},
    {"podSelector", "podSelector belongs under spec", {}},
    {"Spec", "did you mean spec?", {}},
    {"description", "description belongs under spec (or in each specs[] item)", {}},
};

// ObjectMeta fields we accept and do not use.
constexpr std::string_view kIgnoredMetadata[] = {
    "labels", "annotations", "uid", "resourceVersion", "generation", "creationTimestamp",
    "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "ownerReferences",
    "finalizers", "generateName", "selfLink",
};

}  // namespace

std::span<const std::string_view> ignored_metadata_fields() { return kIgnoredMetadata; }

PolicyParseResult parse_policy(const YamlNode& object, PolicyKind kind, const PolicyParseOptions& options) {
  ParseContext ctx(options.lenient);
  PolicyParseResult result;
  if (!object.is_mapping()) {
    ctx.reject(Rejecter::ApiServer, object.pos(), "", "a policy object must be a mapping");
    result.diagnostics = ctx.take_diagnostics();
    return result;
  }
  MapReader top(ctx, object, "");
  top.ignore("apiVersion");
  top.ignore("kind");
  top.ignore("status");

  Policy policy;
  policy.kind = kind;
  const YamlNode::Entry* kind_entry = top.entry("kind");
  policy.pos = kind_entry ? kind_entry->key_pos : object.pos();

  const bool namespaced = kind != PolicyKind::CiliumClusterwideNetworkPolicy;
  const YamlNode* metadata = top.get("metadata");
  if (!metadata) {
    ctx.reject(Rejecter::ApiServer, object.pos(), "metadata", "metadata is required");
  } else if (expect_mapping(ctx, *metadata, "metadata")) {
    MapReader md(ctx, *metadata, "metadata");
    for (auto key : ignored_metadata_fields()) md.ignore(key);
    auto name = md.string("name");
    if (name && !name->empty()) {
      policy.name = *name;
    } else if (!md.get("name") || name) {
      ctx.reject(Rejecter::ApiServer, metadata->pos(), "metadata.name", "metadata.name is required");
    }
    auto ns = md.string("namespace");
    if (namespaced) {
      if (ns && !ns->empty()) {
        policy.namespace_ = *ns;
      } else {
        policy.namespace_ = options.default_namespace;
        ctx.warn(metadata->pos(), "metadata.namespace",
                 fmt::format("metadata.namespace is absent: using namespace \"{}\", as kubectl would",
                             options.default_namespace));
      }
    } else if (ns) {
      // A cluster-scoped object: the API server ignores a namespace.
      ctx.warn(md.get("namespace")->pos(), "metadata.namespace",
               fmt::format("metadata.namespace is ignored: a {} is cluster-wide", to_string(kind)));
    }
    md.finish();
  }

  if (kind == PolicyKind::NetworkPolicy)
    parse_k8s_policy_body(ctx, top, policy, options);
  else
    parse_cilium_policy_body(ctx, top, policy, options);
  top.finish(kTopLevelHints, "so its content is ignored");

  result.diagnostics = ctx.take_diagnostics();
  result.yaml11_words = ctx.take_yaml11_words();
  // Diagnostics in document order (the passes read fields in a fixed order).
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
                     return a.pos.column < b.pos.column;
                   });
  if (!ctx.failed()) result.policy = std::move(policy);
  return result;
}

}  // namespace netreach
