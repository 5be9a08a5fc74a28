// parse_cidr_group: a CiliumCIDRGroup object (cilium.io/v2alpha1 or v2) ->
// CidrGroup, checked as the CRD schema checks it: metadata.name is required,
// spec.externalCIDRs is a required list (it may be empty) of prefixes in
// CIDR notation (api.CIDR, format cidr), unknown fields are pruned by the
// API server (an error in strict mode, a warning in lenient mode, as for
// policies). pkg/k8s/apis/cilium.io/v2/cidrgroups_types.go.
#pragma once

#include <optional>
#include <string_view>

#include "load/string_field.h"
#include "load/yaml_node.h"
#include "model/cidr.h"
#include "model/diagnostic.h"

namespace netreach {

struct CidrGroupParseResult {
  std::optional<CidrGroup> group;  // absent when rejected
  Diagnostics diagnostics;
  // Plain y/yes/on/n/no/off read as strings (a label value); the loader warns once per file.
  std::vector<Yaml11Word> yaml11_words;
};

CidrGroupParseResult parse_cidr_group(const YamlNode& object, bool lenient);

// A DNS-1123 subdomain (<= 253 characters): the names of CiliumCIDRGroups and
// so of cidrGroupRef (pkg/policy/api/cidr.go :: CIDRGroupRef).
bool is_dns_subdomain_name(std::string_view s);

}  // namespace netreach
