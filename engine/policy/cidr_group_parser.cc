#include "policy/cidr_group_parser.h"

#include <algorithm>

#include <fmt/format.h>

#include "policy/field_reader.h"

namespace netreach {

bool is_dns_subdomain_name(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.back() == '.' || s.front() == '-' ||
      s.back() == '-')
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

CidrGroupParseResult parse_cidr_group(const YamlNode& object, bool lenient) {
  ParseContext ctx(lenient);
  CidrGroupParseResult result;
  if (!object.is_mapping()) {
    ctx.reject(Rejecter::ApiServer, object.pos(), "", "a CiliumCIDRGroup must be a mapping");
    result.diagnostics = ctx.take_diagnostics();
    return result;
  }
  MapReader top(ctx, object, "");
  top.ignore("apiVersion");
  top.ignore("kind");
  top.ignore("status");
  CidrGroup group;
  const YamlNode::Entry* kind_entry = top.entry("kind");
  group.pos = kind_entry ? kind_entry->key_pos : object.pos();

  const YamlNode* metadata = top.get("metadata");
  if (!metadata) {
    ctx.reject(Rejecter::ApiServer, object.pos(), "metadata", "metadata is required");
  } else if (expect_mapping(ctx, *metadata, "metadata")) {
    MapReader md(ctx, *metadata, "metadata");
    if (auto name = md.string("name"); name && is_dns_subdomain_name(*name)) {
      group.name = *name;
    } else if (name) {
      ctx.reject(Rejecter::ApiServer, md.get("name")->pos(), "metadata.name",
                 fmt::format("invalid name \"{}\": a CiliumCIDRGroup name is a DNS subdomain "
                             "(lower-case letters, digits, '-' and '.')",
                             *name));
    } else if (!md.get("name")) {
      ctx.reject(Rejecter::ApiServer, metadata->pos(), "metadata.name", "metadata.name is required");
    }
    // The labels are what cidrGroupSelector selects on.
    if (const YamlNode* labels = md.mapping("labels")) {
      for (const auto& e : labels->entries()) {
        std::string path = field_path("metadata.labels", e.key);
        if (e.value.is_null()) {
          group.labels.emplace_back(e.key, "");
        } else if (auto value = read_string(ctx, e.value, path)) {
          group.labels.emplace_back(e.key, *value);
        }
      }
      std::sort(group.labels.begin(), group.labels.end());
    }
    if (const YamlNode* ns = md.get("namespace"))
      ctx.warn(ns->pos(), "metadata.namespace", "metadata.namespace is ignored: a CiliumCIDRGroup is cluster-wide");
    for (auto key : ignored_metadata_fields()) md.ignore(key);
    md.finish();
  }

  const YamlNode* spec = top.get("spec");
  if (!spec) {
    ctx.reject(Rejecter::ApiServer, object.pos(), "spec", "spec is required");
  } else if (expect_mapping(ctx, *spec, "spec")) {
    MapReader s(ctx, *spec, "spec");
    if (const YamlNode* cidrs = s.sequence("externalCIDRs")) {
      for (size_t i = 0; i < cidrs->items().size(); ++i) {
        const YamlNode& item = cidrs->items()[i];
        std::string path = index_path(s.child("externalCIDRs"), i);
        auto text = read_string(ctx, item, path);
        if (!text) continue;
        // api.CIDR's `format: cidr`: prefix notation only.
        if (auto prefix = IpPrefix::parse(*text)) {
          group.cidrs.push_back(*prefix);
        } else {
          std::string hint = IpPrefix::parse(*text, /*allow_bare_address=*/true)
                                 ? fmt::format(" (write it as a prefix: {}/{})", *text,
                                               text->find(':') != std::string::npos ? 128 : 32)
                                 : std::string();
          ctx.reject(Rejecter::ApiServer, item.pos(), path, fmt::format("invalid CIDR \"{}\"{}", *text, hint));
        }
      }
    } else if (!s.get("externalCIDRs")) {
      ctx.reject(Rejecter::ApiServer, spec->pos(), "spec.externalCIDRs",
                 "externalCIDRs is required (an empty list is allowed)");
    }
    s.finish({}, "so the group has fewer CIDRs than written");
  }
  top.finish({}, "so its content is ignored");

  result.diagnostics = ctx.take_diagnostics();
  result.yaml11_words = ctx.take_yaml11_words();
  if (!ctx.failed()) result.group = std::move(group);
  return result;
}

}  // namespace netreach
