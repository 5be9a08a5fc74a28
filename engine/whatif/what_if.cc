#include "whatif/what_if.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/suggest.h"
#include "policy/selector_parser.h"

namespace netreach {
namespace {

const SourcePos kNowhere{};  // command-line arguments have no position

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// The kind names a misspelt KIND may have meant: the nearest of every kind's
// names (kind, plural, short name; compared without case).
std::string kinds_near(std::string_view written) {
  std::vector<std::string> names;
  for (const auto& k : kind_table()) {
    if (k.role == KindRole::Ignored) continue;
    names.push_back(k.short_name());
    names.emplace_back(k.kind);
    names.push_back(k.resource_name());
  }
  std::vector<std::string_view> views(names.begin(), names.end());
  return did_you_mean(nearest_names(written, views));
}

const KindInfo& kind_named(std::string_view kind) {
  const KindInfo* k = find_kind_by_name(kind);
  return *k;  // every kind the builder keeps is in the table
}

PolicyKind policy_kind(KindRole role) {
  if (role == KindRole::CiliumClusterwideNetworkPolicy) return PolicyKind::CiliumClusterwideNetworkPolicy;
  if (role == KindRole::NetworkPolicy) return PolicyKind::NetworkPolicy;
  return PolicyKind::CiliumNetworkPolicy;
}

// Every object of the cluster, by key: what --remove and --set-labels may name.
std::vector<ObjectKey> objects_of(const Cluster& c) {
  std::vector<ObjectKey> out;
  for (const auto& n : c.namespaces) out.push_back({&kind_named("Namespace"), "", n.name});
  for (const auto& w : c.workloads) out.push_back({&kind_named(w.kind), w.namespace_, w.name});
  for (const auto& p : c.pods)
    if (!p.from_template) out.push_back({&kind_named("Pod"), p.namespace_, p.name});
  for (const auto& s : c.services) out.push_back({&kind_named("Service"), s.namespace_, s.name});
  for (const auto& n : c.nodes) out.push_back({&kind_named("Node"), "", n.name});
  for (const auto& p : c.policies) out.push_back({&kind_named(to_string(p.kind)), p.namespace_, p.name});
  for (const auto& g : c.cidr_groups) out.push_back({&kind_named("CiliumCIDRGroup"), "", g.name});
  return out;
}

std::string ns_name(const ObjectKey& key) { return key.namespace_.empty() ? key.name : key.namespace_ + "/" + key.name; }

// Whether `key` names an object whose labels can change a verdict: pods (and
// so workloads) and namespaces feed identities, nodes fromNodes/toNodes,
// Services k8sServiceSelector, CiliumCIDRGroups cidrGroupSelector.
bool labels_matter(const KindInfo& kind) {
  switch (kind.role) {
    case KindRole::Namespace:
    case KindRole::PodSource:
    case KindRole::Service:
    case KindRole::Node:
    case KindRole::CiliumCIDRGroup: return true;
    default: return false;
  }
}

// "no CiliumNetworkPolicy partner-cp/partner-apu in the input; did you mean
// cnp/partner-cp/partner-api?": the nearest names of the same kind, else the
// objects of other kinds with exactly that name (for a relabelling, those
// whose labels matter).
Diagnostic not_found(const Cluster& cluster, const ObjectRef& ref, std::string_view option, bool relabel) {
  const auto all = objects_of(cluster);
  std::vector<std::string> same_kind;
  for (const auto& o : all)
    if (o.kind == ref.key.kind) same_kind.push_back(ns_name(o));
  std::vector<std::string_view> views(same_kind.begin(), same_kind.end());
  std::vector<std::string> meant;
  for (const auto& n : nearest_names(ns_name(ref.key), views)) meant.push_back(ref.kind_written + "/" + n);
  if (meant.empty())
    for (const auto& o : all)
      if (o.kind != ref.key.kind && o.namespace_ == ref.key.namespace_ && o.name == ref.key.name &&
          (!relabel || labels_matter(*o.kind)))
        meant.push_back(o.kind->short_name() + "/" + ns_name(o));
  std::string message = fmt::format("\"{}\": no {} in the input", ref.written, ref.key.display());
  if (!meant.empty()) message += "; " + did_you_mean(meant);
  else if (same_kind.empty()) message += fmt::format(" (it has no {} at all)", ref.key.kind->kind);
  return Diagnostic::error(kNowhere, std::string(option), message);
}

// Counts one object fewer of `kind` in the accounting `summary` prints.
void forget(Cluster& c, const std::string& kind, size_t count = 1) {
  auto it = c.objects_by_kind.find(kind);
  if (it == c.objects_by_kind.end()) return;
  it->second -= std::min(it->second, count);
  if (it->second == 0) c.objects_by_kind.erase(it);
}

// Removes workload `index` and its pods (the template's and the Pod objects it
// owns: deleting a workload deletes its pods, kubectl's default cascade).
void remove_workload(Cluster& c, uint32_t index) {
  size_t pod_objects = 0;
  std::erase_if(c.pods, [&](const Pod& p) {
    if (p.workload != index) return false;
    pod_objects += !p.from_template;
    return true;
  });
  forget(c, "Pod", pod_objects);
  forget(c, c.workloads[index].kind);
  c.workloads.erase(c.workloads.begin() + index);
  for (auto& p : c.pods)
    if (p.workload && *p.workload > index) --*p.workload;
}

// Removes namespace `name` and every namespaced object in it (deleting a
// namespace deletes its contents). Returns how many objects went with it.
size_t remove_namespace(Cluster& c, const std::string& name) {
  size_t objects = 0;
  for (uint32_t w = static_cast<uint32_t>(c.workloads.size()); w-- > 0;)
    if (c.workloads[w].namespace_ == name) {
      ++objects;
      objects += static_cast<size_t>(
          std::count_if(c.pods.begin(), c.pods.end(), [&](const Pod& p) { return p.workload == w && !p.from_template; }));
      remove_workload(c, w);
    }
  objects += std::erase_if(c.pods, [&](const Pod& p) {
    if (p.namespace_ != name) return false;
    forget(c, "Pod");
    return true;
  });
  objects += std::erase_if(c.services, [&](const Service& s) {
    if (s.namespace_ != name) return false;
    forget(c, "Service");
    return true;
  });
  objects += std::erase_if(c.policies, [&](const Policy& p) {
    if (p.namespace_ != name) return false;
    forget(c, std::string(to_string(p.kind)));
    return true;
  });
  std::erase_if(c.namespaces, [&](const Namespace& n) {
    if (n.name != name) return false;
    if (n.declared) forget(c, "Namespace");
    return true;
  });
  return objects;
}

// Removes `ref`; false when it is not in the cluster.
std::optional<std::string> remove_object(Cluster& c, const ObjectKey& key) {
  const KindInfo& kind = *key.kind;
  auto removed = [&](size_t n) { return n ? std::optional<std::string>("removed " + key.display()) : std::nullopt; };
  switch (kind.role) {
    case KindRole::Namespace: {
      if (!c.find_namespace(key.name)) return std::nullopt;
      size_t objects = remove_namespace(c, key.name);
      std::string line = "removed " + key.display();
      if (objects) line += fmt::format(" and the {} object{} in it", objects, objects == 1 ? "" : "s");
      return line;
    }
    case KindRole::PodSource:
      if (kind.kind == "Pod")
        return removed(std::erase_if(c.pods, [&](const Pod& p) {
          return !p.from_template && p.namespace_ == key.namespace_ && p.name == key.name && (forget(c, "Pod"), true);
        }));
      for (uint32_t w = 0; w < c.workloads.size(); ++w) {
        const Workload& wl = c.workloads[w];
        if (wl.kind != kind.kind || wl.namespace_ != key.namespace_ || wl.name != key.name) continue;
        remove_workload(c, w);
        return removed(1);
      }
      return std::nullopt;
    case KindRole::Service:
      return removed(std::erase_if(c.services, [&](const Service& s) {
        return s.namespace_ == key.namespace_ && s.name == key.name && (forget(c, "Service"), true);
      }));
    case KindRole::Node:
      return removed(std::erase_if(c.nodes, [&](const Node& n) { return n.name == key.name && (forget(c, "Node"), true); }));
    case KindRole::CiliumCIDRGroup:
      return removed(std::erase_if(c.cidr_groups, [&](const CidrGroup& g) {
        return g.name == key.name && (forget(c, "CiliumCIDRGroup"), true);
      }));
    case KindRole::CiliumNetworkPolicy:
    case KindRole::CiliumClusterwideNetworkPolicy:
    case KindRole::NetworkPolicy: {
      const PolicyKind pk = policy_kind(kind.role);
      return removed(std::erase_if(c.policies, [&](const Policy& p) {
        return p.kind == pk && p.namespace_ == key.namespace_ && p.name == key.name &&
               (forget(c, std::string(to_string(pk))), true);
      }));
    }
    case KindRole::Ignored: break;  // refused by parse_object_ref
  }
  return std::nullopt;
}

void set_label(LabelMap& labels, const std::string& key, const std::string& value) {
  auto it = std::lower_bound(labels.begin(), labels.end(), key, [](const auto& kv, const std::string& k) { return kv.first < k; });
  if (it != labels.end() && it->first == key) it->second = value;
  else labels.insert(it, {key, value});
}

bool has_label(const LabelMap& labels, const std::string& key) {
  return std::any_of(labels.begin(), labels.end(), [&](const auto& kv) { return kv.first == key; });
}

std::string labels_text(const LabelMap& labels) {
  if (labels.empty()) return "none";
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out;
}

// The label maps --set-labels changes for `key`; empty when it is not in the
// cluster. A workload's are its pods'.
std::vector<LabelMap*> label_maps(Cluster& c, const ObjectKey& key) {
  std::vector<LabelMap*> out;
  const KindInfo& kind = *key.kind;
  switch (kind.role) {
    case KindRole::Namespace:
      for (auto& n : c.namespaces)
        if (n.name == key.name) out.push_back(&n.labels);
      break;
    case KindRole::PodSource:
      if (kind.kind == "Pod") {
        for (auto& p : c.pods)
          if (!p.from_template && p.namespace_ == key.namespace_ && p.name == key.name) out.push_back(&p.labels);
        break;
      }
      for (uint32_t w = 0; w < c.workloads.size(); ++w) {
        const Workload& wl = c.workloads[w];
        if (wl.kind != kind.kind || wl.namespace_ != key.namespace_ || wl.name != key.name) continue;
        for (auto& p : c.pods)
          if (p.workload == w) out.push_back(&p.labels);
      }
      break;
    case KindRole::Service:
      for (auto& s : c.services)
        if (s.namespace_ == key.namespace_ && s.name == key.name) out.push_back(&s.labels);
      break;
    case KindRole::Node:
      for (auto& n : c.nodes)
        if (n.name == key.name) out.push_back(&n.labels);
      break;
    case KindRole::CiliumCIDRGroup:
      for (auto& g : c.cidr_groups)
        if (g.name == key.name) out.push_back(&g.labels);
      break;
    default: break;  // refused by parse_what_if
  }
  return out;
}

// The label the API server keeps equal to the namespace's name.
constexpr std::string_view kNamespaceNameLabel = "kubernetes.io/metadata.name";

}  // namespace

std::string ObjectKey::display() const { return fmt::format("{} {}", kind->kind, ns_name(*this)); }

bool is_cluster_scoped(const KindInfo& kind) {
  switch (kind.role) {
    case KindRole::Namespace:
    case KindRole::Node:
    case KindRole::CiliumClusterwideNetworkPolicy:
    case KindRole::CiliumCIDRGroup: return true;
    default: return false;
  }
}

std::optional<ObjectKey> object_key(const YamlNode& object) {
  const YamlNode* api_version = object.find("apiVersion");
  const YamlNode* kind = object.find("kind");
  if (!api_version || !kind || !api_version->is_scalar() || !kind->is_scalar()) return std::nullopt;
  KindLookup found = look_up_kind(api_version->text(), kind->text());
  if (found.status != KindLookup::Status::Served || found.info->role == KindRole::Ignored) return std::nullopt;
  const YamlNode* metadata = object.find("metadata");
  const YamlNode* name = metadata ? metadata->find("name") : nullptr;
  if (!name || !name->is_scalar() || name->text().empty()) return std::nullopt;
  ObjectKey key{found.info, "", name->text()};
  if (!is_cluster_scoped(*found.info)) {
    const YamlNode* ns = metadata->find("namespace");
    key.namespace_ = ns && ns->is_scalar() && !ns->text().empty() ? ns->text() : "default";
  }
  return key;
}

Result<ObjectRef> parse_object_ref(std::string_view written, std::string_view option) {
  auto fail = [&](const std::string& message) {
    return Diagnostic::error(kNowhere, std::string(option), fmt::format("\"{}\": {}", written, message));
  };
  const std::vector<std::string> parts = split(written, '/');
  if (parts.size() < 2 || parts.size() > 3 || std::any_of(parts.begin(), parts.end(), [](const auto& p) { return p.empty(); }))
    return fail("expected KIND/NAMESPACE/NAME, or KIND/NAME for a cluster-scoped kind (ns, no, ccnp, ccg)");
  const KindInfo* kind = find_kind_by_name(parts[0]);
  if (!kind) {
    // NS/KIND/NAME is the order of endpoints (query FROM TO); here the kind comes first.
    if (parts.size() == 3 && find_kind_by_name(parts[1]))
      return fail(fmt::format("the kind comes first: {}/{}/{}", parts[1], parts[0], parts[2]));
    std::string meant = kinds_near(parts[0]);
    return fail(fmt::format("unknown kind \"{}\"{}", parts[0], meant.empty() ? "" : "; " + meant));
  }
  if (kind->role == KindRole::Ignored)
    return fail(fmt::format("{} objects cannot change a verdict ({}): netreach does not read them", kind->kind, kind->reason));
  const bool cluster_scoped = is_cluster_scoped(*kind);
  if (cluster_scoped && parts.size() == 3)
    return fail(fmt::format("{} is cluster-scoped: write {}/{}", kind->kind, parts[0], parts[2]));
  if (!cluster_scoped && parts.size() == 2)
    return fail(fmt::format("{} is namespaced: write {}/NAMESPACE/{}", kind->kind, parts[0], parts[1]));
  ObjectRef ref;
  ref.key = ObjectKey{kind, cluster_scoped ? "" : parts[1], parts.back()};
  ref.written = std::string(written);
  ref.kind_written = parts[0];
  return ref;
}

Result<std::vector<LabelChange>> parse_label_changes(std::string_view written, std::string_view option) {
  Diagnostics errors;
  auto fail = [&](const std::string& message) {
    errors.push_back(Diagnostic::error(kNowhere, std::string(option), fmt::format("\"{}\": {}", written, message)));
  };
  std::vector<LabelChange> changes;
  if (written.empty()) {
    fail("expected key=value or key- (to remove it), comma-separated");
    return errors;
  }
  for (const auto& item : split(written, ',')) {
    LabelChange change;
    if (auto eq = item.find('='); eq != std::string::npos) {
      change.key = item.substr(0, eq);
      change.value = item.substr(eq + 1);
    } else if (item.size() > 1 && item.back() == '-') {
      change.key = item.substr(0, item.size() - 1);
    } else {
      fail(fmt::format("\"{}\" is neither key=value nor key- (to remove it)", item));
      continue;
    }
    if (std::string problem = qualified_name_problem(change.key); !problem.empty()) {
      fail(fmt::format("invalid label key \"{}\": {}", change.key, problem));
      continue;
    }
    if (change.value && !is_valid_label_value(*change.value)) {
      fail(fmt::format("invalid label value \"{}\": {}", *change.value, kLabelValueRule));
      continue;
    }
    if (std::any_of(changes.begin(), changes.end(), [&](const LabelChange& c) { return c.key == change.key; })) {
      fail(fmt::format("label {} is changed twice", change.key));
      continue;
    }
    changes.push_back(std::move(change));
  }
  if (!errors.empty()) return errors;
  return changes;
}

std::string describe(const std::vector<LabelChange>& changes) {
  std::string out;
  for (const auto& c : changes) out += (out.empty() ? "" : ", ") + (c.value ? c.key + "=" + *c.value : "-" + c.key);
  return out;
}

Result<WhatIfPlan> parse_what_if(const WhatIf& what_if) {
  WhatIfPlan plan;
  Diagnostics errors;
  plan.add = what_if.add;
  for (const auto& written : what_if.remove) {
    auto ref = parse_object_ref(written, "--remove");
    if (!ref) errors.insert(errors.end(), ref.errors().begin(), ref.errors().end());
    else plan.remove.push_back(std::move(*ref));
  }
  for (const auto& [object, labels] : what_if.set_labels) {
    auto ref = parse_object_ref(object, "--set-labels");
    auto changes = parse_label_changes(labels, "--set-labels");
    if (!ref) errors.insert(errors.end(), ref.errors().begin(), ref.errors().end());
    if (!changes) errors.insert(errors.end(), changes.errors().begin(), changes.errors().end());
    if (!ref || !changes) continue;
    if (!labels_matter(*ref->key.kind)) {
      errors.push_back(Diagnostic::error(
          kNowhere, "--set-labels",
          fmt::format("\"{}\": the labels of a {} select nothing and feed no identity, so changing them changes no "
                      "verdict (relabel a workload, pod, namespace, node, Service or CiliumCIDRGroup)",
                      object, ref->key.kind->kind)));
      continue;
    }
    if (ref->key.kind->role == KindRole::Namespace)
      for (const auto& c : *changes)
        if (c.key == kNamespaceNameLabel)
          errors.push_back(Diagnostic::error(
              kNowhere, "--set-labels",
              fmt::format("\"{}\": {} is set by the API server to the namespace's name and cannot be changed", object,
                          kNamespaceNameLabel)));
    plan.set_labels.push_back({std::move(*ref), std::move(*changes)});
  }
  if (!errors.empty()) return errors;
  return plan;
}

Result<std::vector<std::string>> apply_what_if(Cluster& cluster, const WhatIfPlan& plan) {
  std::vector<std::string> lines;
  Diagnostics errors;
  for (const auto& ref : plan.remove) {
    if (auto line = remove_object(cluster, ref.key)) lines.push_back(std::move(*line));
    else errors.push_back(not_found(cluster, ref, "--remove", false));
  }
  for (const auto& [ref, changes] : plan.set_labels) {
    std::vector<LabelMap*> maps = label_maps(cluster, ref.key);
    if (maps.empty()) {
      errors.push_back(not_found(cluster, ref, "--set-labels", true));
      continue;
    }
    bool ok = true;
    for (const auto& c : changes) {
      if (c.value || std::any_of(maps.begin(), maps.end(), [&](const LabelMap* m) { return has_label(*m, c.key); })) continue;
      errors.push_back(Diagnostic::error(kNowhere, "--set-labels",
                                         fmt::format("\"{}\": {} has no label {} to remove (its labels: {})", ref.written,
                                                     ref.key.display(), c.key, labels_text(*maps.front()))));
      ok = false;
    }
    if (!ok) continue;
    for (LabelMap* m : maps)
      for (const auto& c : changes) {
        if (c.value) set_label(*m, c.key, *c.value);
        else std::erase_if(*m, [&](const auto& kv) { return kv.first == c.key; });
      }
    lines.push_back(fmt::format("relabelled {}: {}", ref.key.display(), describe(changes)));
  }
  if (!errors.empty()) return errors;
  return lines;
}

// ---- model/options.h :: WhatIf -----------------------------------------------

bool WhatIf::empty() const { return add.empty() && remove.empty() && set_labels.empty(); }

std::vector<std::string> WhatIf::describe() const {
  std::vector<std::string> lines;
  for (const auto& path : add) lines.push_back("added " + path);
  for (const auto& written : remove) {
    auto ref = parse_object_ref(written, "--remove");
    lines.push_back("removed " + (ref ? ref->key.display() : written));
  }
  for (const auto& [object, labels] : set_labels) {
    auto ref = parse_object_ref(object, "--set-labels");
    auto changes = parse_label_changes(labels, "--set-labels");
    lines.push_back(fmt::format("relabelled {}: {}", ref ? ref->key.display() : object,
                                changes ? netreach::describe(*changes) : labels));
  }
  return lines;
}

}  // namespace netreach
