#include "build/cluster_builder.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "model/protocol.h"
#include "load/string_field.h"
#include "load/var_substitution.h"
#include "policy/cidr_group_parser.h"
#include "policy/selector_parser.h"

namespace netreach {
namespace {

// The object's content without positions, keys sorted: equal for the same
// object read twice.
std::string canonical_text(const YamlNode& node) {
  switch (node.kind()) {
    case YamlNode::Kind::Null: return "~";
    case YamlNode::Kind::Scalar:
      return fmt::format("{}{}", node.style() == YamlNode::Style::Plain ? "" : "'", node.text());
    case YamlNode::Kind::Sequence: {
      std::string out = "[";
      for (const auto& item : node.items()) out += canonical_text(item) + ",";
      return out + "]";
    }
    case YamlNode::Kind::Mapping: {
      std::vector<std::string> entries;
      for (const auto& e : node.entries()) entries.push_back(e.key + ":" + canonical_text(e.value));
      std::sort(entries.begin(), entries.end());
      return fmt::format("{{{}}}", fmt::join(entries, ","));
    }
  }
  return "";
}

// Typed access to the few fields we read, reporting type errors with the path.
class Reader {
 public:
  Reader(Diagnostics& diags, Yaml11Words& words, std::string kind_name)
      : diags_(diags), words_(words), kind_(std::move(kind_name)) {}

  const YamlNode* child(const YamlNode* node, std::string_view key, const std::string& path,
                        YamlNode::Kind expected) {
    if (!node || !node->is_mapping()) return nullptr;
    const YamlNode* c = node->find(key);
    if (!c || c->is_null()) return nullptr;
    if (c->kind() != expected) {
      diags_.push_back(Diagnostic::error(
          c->pos(), path,
          fmt::format("{}: expected a {}, found a {}", kind_,
                      expected == YamlNode::Kind::Mapping    ? "mapping"
                      : expected == YamlNode::Kind::Sequence ? "list"
                                                             : "string",
                      c->type_name())));
      return nullptr;
    }
    return c;
  }

  std::string string(const YamlNode* node, std::string_view key, const std::string& path) {
    const YamlNode* c = child(node, key, path, YamlNode::Kind::Scalar);
    return c ? text(*c, path).value_or(std::string()) : std::string();
  }

  // Whether `key` holds a value already reported as not a string (so that a
  // missing-field error does not repeat it).
  static bool reported(const YamlNode* node, std::string_view key) {
    const YamlNode* v = node && node->is_mapping() ? node->find(key) : nullptr;
    return v && !v->is_null() && classify_string_field(*v) == StringField::NotString;
  }

  // A scalar in a string field, by the one rule of load/string_field.h.
  std::optional<std::string> text(const YamlNode& node, const std::string& path) {
    switch (classify_string_field(node)) {
      case StringField::String: return node.text();
      case StringField::Yaml11Word: words_.note({node.pos(), path, node.text()}, diags_); return node.text();
      case StringField::NotString: break;
    }
    diags_.push_back(Diagnostic::error(node.pos(), path, fmt::format("{}: {}", kind_, string_field_problem(node))));
    return std::nullopt;
  }

  // metadata.name and metadata.namespace as the API server validates them
  // (k8s.io/apimachinery/pkg/api/validation/objectmeta.go and generic.go):
  // object names are DNS-1123 subdomains, namespaces DNS-1123 labels, and a
  // Service's name a DNS-1035 label (pkg/apis/core/validation/validation.go).
  enum class NameRule { Subdomain, Label, Dns1035Label };
  std::string name(const YamlNode* metadata, std::string_view key, const std::string& path, NameRule rule) {
    const YamlNode* node = child(metadata, key, path, YamlNode::Kind::Scalar);
    if (!node) return {};
    std::string value = text(*node, path).value_or(std::string());
    if (value.empty()) return value;
    const bool valid = rule == NameRule::Subdomain ? is_dns1123_subdomain(value)
                       : rule == NameRule::Label   ? is_dns1123_label(value)
                                                   : is_dns1123_label(value) && value.front() >= 'a' && value.front() <= 'z';
    if (!valid)
      diags_.push_back(Diagnostic::error(
          node->pos(), path,
          fmt::format("{}: invalid {} \"{}\": {}", kind_, path, value,
                      rule == NameRule::Subdomain ? "lower-case alphanumeric, '-' or '.', at most 253 characters, "
                                                    "starting and ending with an alphanumeric character"
                      : rule == NameRule::Label   ? "lower-case alphanumeric or '-', at most 63 characters, starting "
                                                    "and ending with an alphanumeric character"
                                                  : "lower-case alphanumeric or '-', at most 63 characters, starting "
                                                    "with a letter and ending with an alphanumeric character")));
    return value;
  }

  bool boolean(const YamlNode* node, std::string_view key, const std::string& path) {
    const YamlNode* c = child(node, key, path, YamlNode::Kind::Scalar);
    if (!c) return false;
    if (auto b = c->as_bool(); b && c->style() == YamlNode::Style::Plain) return *b;
    diags_.push_back(Diagnostic::error(c->pos(), path, fmt::format("{}: expected true or false, found \"{}\"", kind_, c->text())));
    return false;
  }

  LabelMap labels(const YamlNode* node, std::string_view key, const std::string& path) {
    LabelMap out;
    const YamlNode* m = child(node, key, path, YamlNode::Kind::Mapping);
    if (!m) return out;
    for (const auto& e : m->entries()) {
      if (e.value.is_null()) {
        out.emplace_back(e.key, std::string());
        continue;
      }
      // Keys and values as the API server validates them
      // (k8s.io/apimachinery/pkg/apis/meta/v1/validation :: ValidateLabels).
      if (std::string problem = qualified_name_problem(e.key); !problem.empty())
        diags_.push_back(Diagnostic::error(e.key_pos, path + "." + e.key,
                                           fmt::format("{}: invalid label key \"{}\": {}", kind_, e.key, problem)));
      auto value = text(e.value, path + "." + e.key);
      if (!value) continue;
      if (!is_valid_label_value(*value))
        diags_.push_back(Diagnostic::error(e.value.pos(), path + "." + e.key,
                                           fmt::format("{}: invalid label value \"{}\": {}", kind_, *value, kLabelValueRule)));
      out.emplace_back(e.key, std::move(*value));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::optional<uint16_t> port_number(const YamlNode& node, const std::string& path) {
    auto v = node.as_int();
    if (!v || node.style() != YamlNode::Style::Plain || *v < 0 || *v > 65535) {
      diags_.push_back(Diagnostic::error(node.pos(), path,
                                         fmt::format("{}: port must be an integer from 0 to 65535, found \"{}\"", kind_, node.text())));
      return std::nullopt;
    }
    return static_cast<uint16_t>(*v);
  }

  std::optional<Protocol> protocol(const YamlNode* parent, const std::string& path) {
    const YamlNode* p = child(parent, "protocol", path + ".protocol", YamlNode::Kind::Scalar);
    if (!p) return Protocol::TCP;
    auto written = text(*p, path + ".protocol");
    if (!written) return std::nullopt;
    auto proto = parse_port_protocol(*written);
    if (!proto || *proto == Protocol::Any) {
      diags_.push_back(Diagnostic::error(p->pos(), path + ".protocol",
                                         fmt::format("{}: protocol must be TCP, UDP or SCTP, found \"{}\"", kind_, p->text())));
      return std::nullopt;
    }
    return proto;
  }

 private:
  Diagnostics& diags_;
  Yaml11Words& words_;
  std::string kind_;
};

}  // namespace

ClusterBuilder::ClusterBuilder(BuildOptions options) : options_(std::move(options)) {
  cluster_.cluster_name = options_.cluster_name;
}

void ClusterBuilder::note_namespace_use(const std::string& ns, const SourcePos& pos) {
  used_namespaces_.try_emplace(ns, pos);  // no copy of `ns` when already noted
}

void ClusterBuilder::add(const YamlNode& object) {
  ++cluster_.documents_read;
  const YamlNode* api_version_node = object.find("apiVersion");
  const YamlNode* kind_node = object.find("kind");
  if (!kind_node || !kind_node->is_scalar() || kind_node->text().empty()) {
    diagnostics_.push_back(Diagnostic::error(object.pos(), "kind", "object has no kind"));
    return;
  }
  if (!api_version_node || !api_version_node->is_scalar() || api_version_node->text().empty()) {
    diagnostics_.push_back(Diagnostic::error(object.pos(), "apiVersion", "object has no apiVersion"));
    return;
  }
  const std::string& kind = kind_node->text();
  const std::string& api_version = api_version_node->text();
  cluster_.objects_by_kind[kind]++;

  // One table (model/kinds.h) says what the object is. A kind or version its
  // group does not serve is an object the API server rejects: never read as
  // "not relevant", since the policy the user meant would be missing.
  KindLookup found = look_up_kind(api_version, kind);
  if (found.status == KindLookup::Status::NotServed) {
    const SourcePos& at = found.field == "kind" ? kind_node->pos() : api_version_node->pos();
    if (!options_.policy.lenient) {
      diagnostics_.push_back(Diagnostic::error(at, found.field, found.problem));
      return;
    }
    diagnostics_.push_back(Diagnostic::warning(at, found.field, found.problem + "; object ignored"));
    return ignore(fmt::format("{} {}", api_version, kind), found.problem);
  }
  if (found.status == KindLookup::Status::UnknownGroup) {
    // Another project's kinds: counted and listed, with the reason they do not matter.
    return ignore(fmt::format("{} {}", api_version, kind),
                  kind == "Kustomization" && api_version.rfind("kustomize.toolkit.fluxcd.io/", 0) == 0
                      ? "a Flux Kustomization: its path is built when it is in the input's repository"
                  : kind == "Kustomization" ? "a kustomization file given as a manifest (pass its directory to build it)"
                                            : "does not affect L3/L4 reachability");
  }
  const KindInfo& info = *found.info;
  object_first_diagnostic_ = diagnostics_.size();
  switch (info.role) {
    case KindRole::Namespace: add_namespace(object); break;
    case KindRole::Service: add_service(object); break;
    case KindRole::Node: add_node(object); break;
    case KindRole::PodSource: add_pod_source(object, info); break;
    case KindRole::CiliumNetworkPolicy: add_policy(object, PolicyKind::CiliumNetworkPolicy); break;
    case KindRole::CiliumClusterwideNetworkPolicy: add_policy(object, PolicyKind::CiliumClusterwideNetworkPolicy); break;
    case KindRole::NetworkPolicy: add_policy(object, PolicyKind::NetworkPolicy); break;
    case KindRole::CiliumCIDRGroup: add_cidr_group(object); break;
    case KindRole::Ignored: return ignore(fmt::format("{} {}", api_version, kind), std::string(info.reason));
  }
  settle(object, fmt::format("{} {}", api_version, kind));
}

namespace {

// The variables ${NAME} (also ${NAME:=default} and the like) written in `text`.
std::vector<std::string> variables_in(std::string_view text) {
  std::vector<std::string> names;
  for (size_t at = text.find("${"); at != std::string_view::npos; at = text.find("${", at + 2)) {
    if (at > 0 && text[at - 1] == '$') continue;  // $${NAME}: Flux's escape, not a variable
    size_t end = at + 2;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
    if (end == at + 2 || !is_valid_variable_name(text.substr(at + 2, end - at - 2))) continue;
    std::string name(text.substr(at + 2, end - at - 2));
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  }
  return names;
}

bool same_place(const SourcePos& a, const SourcePos& b) {
  return a.file == b.file && a.line == b.line && a.column == b.column;
}

// The text written at `pos` in `node` (a scalar, or a mapping key); empty when
// nothing starts there.
std::string_view text_at(const YamlNode& node, const SourcePos& pos) {
  if (node.is_scalar()) return same_place(node.pos(), pos) ? std::string_view(node.text()) : std::string_view();
  for (const auto& item : node.items())
    if (auto t = text_at(item, pos); !t.empty()) return t;
  for (const auto& e : node.entries()) {
    if (same_place(e.key_pos, pos)) return e.key;
    if (auto t = text_at(e.value, pos); !t.empty()) return t;
  }
  return {};
}

}  // namespace

// The one place that decides what becomes of an object with problems. Strict:
// its errors stand and loading fails. --lenient, as a cluster would: the API
// server rejects the object, so it is not applied; each error becomes a warning
// saying so, and summary counts the object under ignored. Either way, a problem
// at a value that holds a variable left as written (a Flux postBuild
// ${NAME} without a value, load/var_substitution.h) names the variable.
// Policies are parsed strict or lenient by parse_policy and count themselves
// (add_policy); they get the variable named here too.
void ClusterBuilder::settle(const YamlNode& object, const std::string& api_version_kind) {
  if (diagnostics_.size() == object_first_diagnostic_) return;  // the common case: nothing to say
  bool invalid = false;
  for (size_t i = object_first_diagnostic_; i < diagnostics_.size(); ++i) {
    Diagnostic& d = diagnostics_[i];
    invalid |= d.severity == Severity::Error;
    if (auto names = variables_in(text_at(object, d.pos)); !names.empty())
      d.message += fmt::format(" (it holds ${{{}}}, a variable not substituted)", fmt::join(names, "}, ${"));
  }
  if (!invalid || !options_.policy.lenient) return;
  for (size_t i = object_first_diagnostic_; i < diagnostics_.size(); ++i) {
    Diagnostic& d = diagnostics_[i];
    if (d.severity != Severity::Error) continue;
    d.severity = Severity::Warning;
    d.message += "; the API server rejects the object: ignored (--lenient)";
  }
  ignore(api_version_kind + " (rejected)", "rejected by the API server (see the warnings): not in the cluster");
}

void ClusterBuilder::ignore(const std::string& api_version_kind, std::string reason) {
  auto [it, inserted] = ignored_index_.emplace(api_version_kind, cluster_.ignored.size());
  if (inserted) cluster_.ignored.push_back({api_version_kind, 0, std::move(reason)});
  cluster_.ignored[it->second].count++;
}

void ClusterBuilder::add_namespace(const YamlNode& object) {
  Reader r(diagnostics_, yaml11_words_, "Namespace");
  const YamlNode* metadata = r.child(&object, "metadata", "metadata", YamlNode::Kind::Mapping);
  std::string name = r.name(metadata, "name", "metadata.name", Reader::NameRule::Label);
  if (name.empty()) {
    if (!r.reported(metadata, "name"))
      diagnostics_.push_back(Diagnostic::error(object.pos(), "metadata.name", "Namespace has no name"));
    return;
  }
  Namespace ns;
  ns.name = name;
  ns.labels = r.labels(metadata, "labels", "metadata.labels");
  // The API server adds this label to every namespace (Kubernetes >= 1.21).
  auto it = std::find_if(ns.labels.begin(), ns.labels.end(),
                         [](const auto& kv) { return kv.first == "kubernetes.io/metadata.name"; });
  if (it == ns.labels.end()) {
    ns.labels.emplace_back("kubernetes.io/metadata.name", name);
    std::sort(ns.labels.begin(), ns.labels.end());
  } else {
    it->second = name;
  }
  ns.declared = true;
  ns.pos = object.pos();
  if (object_invalid()) return;  // settle() decides
  if (auto found = namespace_index_.find(name); found != namespace_index_.end()) {
    // Kustomize overlays that share a base may emit the same Namespace twice;
    // identical declarations are harmless, different labels are not.
    Namespace& existing = cluster_.namespaces[found->second];
    if (existing.labels != ns.labels)
      diagnostics_.push_back(Diagnostic::error(
          object.pos(), "metadata.labels",
          fmt::format("Namespace {} is declared twice with different labels (first at {})", name,
                      existing.pos.to_string())));
    return;
  }
  namespace_index_[name] = cluster_.namespaces.size();
  cluster_.namespaces.push_back(std::move(ns));
}

void ClusterBuilder::add_pod_source(const YamlNode& object, const KindInfo& info) {
  const std::string kind(info.kind);
  Reader r(diagnostics_, yaml11_words_, kind);
  const YamlNode* metadata = r.child(&object, "metadata", "metadata", YamlNode::Kind::Mapping);
  std::string name = r.name(metadata, "name", "metadata.name", Reader::NameRule::Subdomain);
  if (name.empty()) {
    // A Pod from generateName only is still a pod; give it a stable name.
    name = r.string(metadata, "generateName", "metadata.generateName");
    if (name.empty()) {
      if (!r.reported(metadata, "name") && !r.reported(metadata, "generateName"))
        diagnostics_.push_back(Diagnostic::error(object.pos(), "metadata.name", fmt::format("{} has no name", kind)));
      return;
    }
  }
  std::string ns = r.name(metadata, "namespace", "metadata.namespace", Reader::NameRule::Label);
  if (ns.empty()) ns = "default";
  // spec.replicas is not read, but a value that is not a count makes the API
  // server reject the workload (a Flux ${REPLICAS} left without a value, say).
  if (kind != "Pod")
    if (const YamlNode* spec = r.child(&object, "spec", "spec", YamlNode::Kind::Mapping))
      if (const YamlNode* replicas = spec->find("replicas"); replicas && !replicas->is_null()) {
        auto count = replicas->is_scalar() ? replicas->as_int() : std::nullopt;
        if (!count || *count < 0 || replicas->style() != YamlNode::Style::Plain)
          diagnostics_.push_back(Diagnostic::error(replicas->pos(), "spec.replicas",
                                                   fmt::format("{}: spec.replicas must be a non-negative integer, found \"{}\"",
                                                               kind, replicas->is_scalar() ? replicas->text() : replicas->type_name())));
      }

  // Owner (for attributing Pods and ReplicaSets/Jobs to the workload above them).
  std::optional<OwnerRef> owner;
  if (const YamlNode* owners = r.child(metadata, "ownerReferences", "metadata.ownerReferences", YamlNode::Kind::Sequence)) {
    for (const auto& o : owners->items()) {
      if (!o.is_mapping()) continue;
      const YamlNode* controller = o.find("controller");
      bool is_controller = controller && controller->as_bool().value_or(false);
      if (is_controller || !owner) {
        owner = OwnerRef{r.string(&o, "kind", "metadata.ownerReferences[].kind"),
                         r.string(&o, "name", "metadata.ownerReferences[].name")};
      }
    }
  }

  const YamlNode* pod_template = &object;
  std::string template_path;
  for (auto key : info.pod_template) {
    template_path += (template_path.empty() ? "" : ".") + std::string(key);
    pod_template = r.child(pod_template, key, template_path, YamlNode::Kind::Mapping);
  }
  std::string prefix = template_path.empty() ? "" : template_path + ".";
  if (!pod_template) {
    diagnostics_.push_back(Diagnostic::error(object.pos(), prefix.empty() ? "spec" : template_path,
                                             fmt::format("{} {}/{} has no pod template", kind, ns, name)));
    return;
  }
  const YamlNode* pod_meta = kind == "Pod" ? metadata
                                           : r.child(pod_template, "metadata", prefix + "metadata", YamlNode::Kind::Mapping);
  const YamlNode* spec = r.child(pod_template, "spec", prefix + "spec", YamlNode::Kind::Mapping);

  Pod pod;
  pod.namespace_ = ns;
  pod.name = name;
  pod.pos = object.pos();
  pod.from_template = kind != "Pod";
  pod.labels = r.labels(pod_meta, "labels", prefix + "metadata.labels");
  std::string sa = r.string(spec, "serviceAccountName", prefix + "spec.serviceAccountName");
  if (sa.empty()) sa = r.string(spec, "serviceAccount", prefix + "spec.serviceAccount");
  if (!sa.empty()) pod.service_account = sa;
  pod.host_network = r.boolean(spec, "hostNetwork", prefix + "spec.hostNetwork");
  pod.node_name = r.string(spec, "nodeName", prefix + "spec.nodeName");
  // Only spec.containers[].ports are named ports for policy (docs/semantics.md#named-ports).
  if (const YamlNode* containers = r.child(spec, "containers", prefix + "spec.containers", YamlNode::Kind::Sequence)) {
    for (size_t ci = 0; ci < containers->items().size(); ++ci) {
      const YamlNode& c = containers->items()[ci];
      std::string cpath = fmt::format("{}spec.containers[{}].ports", prefix, ci);
      const YamlNode* ports = r.child(&c, "ports", cpath, YamlNode::Kind::Sequence);
      if (!ports) continue;
      for (size_t pi = 0; pi < ports->items().size(); ++pi) {
        const YamlNode& p = ports->items()[pi];
        std::string ppath = fmt::format("{}[{}]", cpath, pi);
        if (!p.is_mapping()) {
          diagnostics_.push_back(Diagnostic::error(p.pos(), ppath, fmt::format("{}: a container port must be a mapping", kind)));
          continue;
        }
        const YamlNode* number = r.child(&p, "containerPort", ppath + ".containerPort", YamlNode::Kind::Scalar);
        if (!number) {
          // Required by the API server; dropping the port would hide a named port from policy.
          if (!p.find("containerPort"))
            diagnostics_.push_back(Diagnostic::error(p.pos(), ppath + ".containerPort", fmt::format("{}: containerPort is required", kind)));
          continue;
        }
        auto port = r.port_number(*number, ppath + ".containerPort");
        auto proto = r.protocol(&p, ppath);
        if (!port || !proto) continue;
        std::string port_name = to_lower_ascii(r.string(&p, "name", ppath + ".name"));
        pod.ports.push_back({port_name, *port, *proto});
      }
    }
  }

  if (object_invalid()) return;  // settle() decides
  note_namespace_use(ns, object.pos());
  auto key = std::make_tuple(ns, kind, name);
  if (kind == "Pod") {
    if (owner) pod_owners_.emplace_back(cluster_.pods.size(), *owner);
    cluster_.pods.push_back(std::move(pod));
    return;
  }
  if (workload_index_.count(key)) {
    diagnostics_.push_back(Diagnostic::warning(object.pos(), "metadata.name",
                                               fmt::format("{} {}/{} appears twice; the later one replaces the earlier", kind, ns, name)));
  }
  uint32_t index = static_cast<uint32_t>(cluster_.workloads.size());
  cluster_.workloads.push_back({kind, ns, name, object.pos()});
  workload_index_[key] = index;
  if (owner) owner_of_[key] = *owner;
  pod.workload = index;
  cluster_.pods.push_back(std::move(pod));
}

void ClusterBuilder::add_service(const YamlNode& object) {
  Reader r(diagnostics_, yaml11_words_, "Service");
  const YamlNode* metadata = r.child(&object, "metadata", "metadata", YamlNode::Kind::Mapping);
  const YamlNode* spec = r.child(&object, "spec", "spec", YamlNode::Kind::Mapping);
  Service svc;
  svc.name = r.name(metadata, "name", "metadata.name", Reader::NameRule::Dns1035Label);
  if (svc.name.empty()) {
    if (!r.reported(metadata, "name"))
      diagnostics_.push_back(Diagnostic::error(object.pos(), "metadata.name", "Service has no name"));
    return;
  }
  svc.namespace_ = r.name(metadata, "namespace", "metadata.namespace", Reader::NameRule::Label);
  if (svc.namespace_.empty()) svc.namespace_ = "default";
  svc.labels = r.labels(metadata, "labels", "metadata.labels");
  svc.pos = object.pos();
  if (spec && spec->find("selector") && !spec->find("selector")->is_null())
    svc.selector = r.labels(spec, "selector", "spec.selector");
  if (const YamlNode* ports = r.child(spec, "ports", "spec.ports", YamlNode::Kind::Sequence)) {
    for (size_t i = 0; i < ports->items().size(); ++i) {
      const YamlNode& p = ports->items()[i];
      std::string path = fmt::format("spec.ports[{}]", i);
      ServicePort sp;
      sp.name = r.string(&p, "name", path + ".name");
      const YamlNode* number = r.child(&p, "port", path + ".port", YamlNode::Kind::Scalar);
      if (!number) {
        diagnostics_.push_back(Diagnostic::error(p.pos(), path + ".port", "Service port has no port number"));
        continue;
      }
      auto port = r.port_number(*number, path + ".port");
      auto proto = r.protocol(&p, path);
      if (!port || !proto) continue;
      sp.port = *port;
      sp.protocol = *proto;
      sp.target_port = sp.port;
      if (const YamlNode* target = p.find("targetPort"); target && !target->is_null()) {
        if (target->is_scalar() && target->scalar_type() == YamlNode::ScalarType::Int) {
          if (auto t = r.port_number(*target, path + ".targetPort")) sp.target_port = *t;
        } else if (target->is_scalar() && classify_string_field(*target) != StringField::NotString) {
          sp.target_port_name = *r.text(*target, path + ".targetPort");
          sp.target_port = 0;
        } else {
          diagnostics_.push_back(Diagnostic::error(target->pos(), path + ".targetPort", "targetPort must be a number or a port name"));
        }
      }
      svc.ports.push_back(std::move(sp));
    }
  }
  if (object_invalid()) return;  // settle() decides
  note_namespace_use(svc.namespace_, object.pos());
  cluster_.services.push_back(std::move(svc));
}

void ClusterBuilder::add_node(const YamlNode& object) {
  Reader r(diagnostics_, yaml11_words_, "Node");
  const YamlNode* metadata = r.child(&object, "metadata", "metadata", YamlNode::Kind::Mapping);
  Node node;
  node.name = r.name(metadata, "name", "metadata.name", Reader::NameRule::Subdomain);
  node.labels = r.labels(metadata, "labels", "metadata.labels");
  node.pos = object.pos();
  if (object_invalid()) return;  // settle() decides
  cluster_.nodes.push_back(std::move(node));
}

void ClusterBuilder::add_cidr_group(const YamlNode& object) {
  CidrGroupParseResult result = parse_cidr_group(object, options_.policy.lenient);
  diagnostics_.insert(diagnostics_.end(), result.diagnostics.begin(), result.diagnostics.end());
  for (const auto& word : result.yaml11_words) yaml11_words_.note(word, diagnostics_);
  if (!result.group) {
    const YamlNode* api_version = object.find("apiVersion");
    return ignore(fmt::format("{} CiliumCIDRGroup (rejected)", api_version ? api_version->text() : ""),
                  "rejected by the API server (see the warnings): rules naming it find no CIDRs");
  }
  // One object per name (cluster-scoped): the same object twice counts once;
  // two different ones are ambiguous, as for policies.
  CidrGroup& group = *result.group;
  for (CidrGroup& existing : cluster_.cidr_groups) {
    if (existing.name != group.name) continue;
    if (existing == group) return;
    Diagnostic d{options_.policy.lenient ? Severity::Warning : Severity::Error, group.pos, "metadata.name",
                 fmt::format("CiliumCIDRGroup {} is defined twice with different content (first at {}); a cluster keeps "
                             "only the one applied last{}",
                             group.name, existing.pos.to_string(), options_.policy.lenient ? ": using this one" : "")};
    diagnostics_.push_back(std::move(d));
    existing = std::move(group);
    return;
  }
  cluster_.cidr_groups.push_back(std::move(group));
}

void ClusterBuilder::add_policy(const YamlNode& object, PolicyKind kind) {
  PolicyParseResult result = parse_policy(object, kind, options_.policy);
  diagnostics_.insert(diagnostics_.end(), result.diagnostics.begin(), result.diagnostics.end());
  for (const auto& word : result.yaml11_words) yaml11_words_.note(word, diagnostics_);
  if (!result.policy) {
    // Lenient mode: the object is ignored as a cluster would ignore it. List it
    // under ignored too, so that summary accounts for every object it read.
    const YamlNode* api_version = object.find("apiVersion");
    std::string key = fmt::format("{} {}", api_version ? api_version->text() : "", to_string(kind));
    auto [it, inserted] = ignored_index_.emplace(key + " (rejected)", cluster_.ignored.size());
    if (inserted)
      cluster_.ignored.push_back({key, 0, "rejected by the API server or the agent (see the warnings); none of its rules apply"});
    cluster_.ignored[it->second].count++;
    return;
  }
  Policy& policy = *result.policy;
  if (!policy.namespace_.empty()) note_namespace_use(policy.namespace_, object.pos());
  // One object per kind/namespace/name, as in a cluster. The same object twice
  // (the same file given twice) counts once; two different objects under one
  // name are ambiguous: the cluster keeps whichever was applied last.
  std::string content = canonical_text(object);
  // What the rules are made of, for `diff` (metadata changes no verdict).
  std::string rules_text;
  for (const char* field : {"spec", "specs"})
    if (const YamlNode* n = object.find(field)) rules_text += field + canonical_text(*n);
  policy.content_hash = std::hash<std::string>{}(rules_text);
  auto key = std::make_tuple(static_cast<int>(kind), policy.namespace_, policy.name);
  if (auto found = policy_index_.find(key); found != policy_index_.end()) {
    auto& [index, first_content] = found->second;
    if (first_content == content) return;
    Diagnostic d{options_.policy.lenient ? Severity::Warning : Severity::Error, object.pos(), "metadata.name",
                 fmt::format("{} {} is defined twice with different content (first at {}); a cluster keeps only "
                             "the one applied last{}",
                             to_string(kind), policy.namespace_.empty() ? policy.name : policy.namespace_ + "/" + policy.name,
                             cluster_.policies[index].pos.to_string(),
                             options_.policy.lenient ? ": using this one"
                                                     : ", so the result depends on apply order (are two clusters' "
                                                       "manifests loaded together? point -f at one cluster)")};
    diagnostics_.push_back(std::move(d));
    cluster_.policies[index] = std::move(policy);
    first_content = std::move(content);
    return;
  }
  policy_index_.emplace(key, std::make_pair(cluster_.policies.size(), std::move(content)));
  cluster_.policies.push_back(std::move(policy));
}

namespace {

// NAME-<8 to 10 digits>: the Jobs a CronJob creates (their suffix is the
// scheduled time in minutes).
bool is_cronjob_job_name(std::string_view name, std::string_view& cronjob) {
  size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return false;
  std::string_view digits = name.substr(dash + 1);
  if (digits.size() < 8 || digits.size() > 10) return false;
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  cronjob = name.substr(0, dash);
  return true;
}

}  // namespace

void ClusterBuilder::infer_owner(Pod& pod, const OwnerRef& owner) {
  pod.owner_kind = owner.kind;
  pod.owner_name = owner.name;
  if (owner.kind == "ReplicaSet") {
    auto hash = std::find_if(pod.labels.begin(), pod.labels.end(), [](const auto& kv) { return kv.first == "pod-template-hash"; });
    if (hash != pod.labels.end() && !hash->second.empty() && owner.name.ends_with("-" + hash->second)) {
      pod.owner_kind = "Deployment";
      pod.owner_name = owner.name.substr(0, owner.name.size() - hash->second.size() - 1);
    }
  } else if (std::string_view cronjob; owner.kind == "Job" && is_cronjob_job_name(owner.name, cronjob)) {
    pod.owner_kind = "CronJob";
    pod.owner_name = std::string(cronjob);
  }
}

Cluster ClusterBuilder::finish() {
  // Undeclared namespaces exist with the automatic label only; in name order,
  // so the warnings come out in the same order whatever the input order.
  std::vector<const std::pair<const std::string, SourcePos>*> used;
  used.reserve(used_namespaces_.size());
  for (const auto& entry : used_namespaces_) used.push_back(&entry);
  std::sort(used.begin(), used.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : used) {
    const auto& [name, pos] = *entry;
    if (namespace_index_.count(name)) continue;
    Namespace ns;
    ns.name = name;
    ns.labels = {{"kubernetes.io/metadata.name", name}};
    ns.pos = pos;
    namespace_index_[name] = cluster_.namespaces.size();
    cluster_.namespaces.push_back(std::move(ns));
    cluster_.warnings.push_back(Diagnostic::warning(
        pos, "metadata.namespace",
        fmt::format("namespace {} is used but not declared; assuming it has only the label "
                    "kubernetes.io/metadata.name={}",
                    name, name)));
  }
  std::sort(cluster_.namespaces.begin(), cluster_.namespaces.end(),
            [](const Namespace& a, const Namespace& b) { return a.name < b.name; });

  // The workload at the top of an owner chain that is in the input.
  auto top_workload = [&](const std::string& ns, OwnerRef owner) -> std::optional<uint32_t> {
    std::optional<uint32_t> found;
    for (int depth = 0; depth < 4; ++depth) {
      auto key = std::make_tuple(ns, owner.kind, owner.name);
      if (auto w = workload_index_.find(key); w != workload_index_.end()) found = w->second;
      auto up = owner_of_.find(key);
      if (up == owner_of_.end()) break;
      owner = up->second;
    }
    return found;
  };
  // Workloads owned by another workload in the input (a ReplicaSet of a
  // Deployment, a Job of a CronJob) do not add pods of their own.
  std::set<uint32_t> covered;
  for (auto& pod : cluster_.pods) {
    if (!pod.workload) continue;
    const Workload& w = cluster_.workloads[*pod.workload];
    auto up = owner_of_.find(std::make_tuple(w.namespace_, w.kind, w.name));
    if (up == owner_of_.end()) continue;
    if (auto top = top_workload(w.namespace_, up->second)) covered.insert(*pod.workload);
  }
  for (const auto& [pod_index, owner] : pod_owners_) {
    Pod& pod = cluster_.pods[pod_index];
    if (auto top = top_workload(pod.namespace_, owner)) {
      pod.workload = *top;
      covered.insert(*top);
    } else {
      infer_owner(pod, owner);
    }
  }
  // A workload whose real Pods are in the input is represented by them, not by
  // its template. Removed in place: a second vector would hold every pod of a
  // 150,000-pod dump twice at the peak.
  std::erase_if(cluster_.pods, [&](const Pod& pod) { return pod.from_template && covered.count(*pod.workload); });
  for (const auto& d : diagnostics_)
    if (d.severity != Severity::Error) cluster_.warnings.push_back(d);
  cluster_.yaml11_words = yaml11_words_.take_all();
  return std::move(cluster_);
}

}  // namespace netreach
