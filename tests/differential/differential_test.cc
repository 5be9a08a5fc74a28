// Differential tests: netreach::query against the brute-force evaluator on
// seeded random clusters, and order-independence of netreach's verdicts.
//
// On a mismatch the test prints the seed, the flow, both verdicts, netreach's
// explanation and the YAML, keeps going, and fails at the end; to replay one
// seed, set NETREACH_DIFF_SEED=<n> in the environment.
#include <chrono>
#include <cstdlib>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "brute_force.h"
#include "cluster_gen.h"
#include "../unit/test_support.h"

using namespace netreach;
using namespace netreach::differential;

namespace {

struct ProbePort {
  uint16_t port;
  Protocol protocol;
};
// 80: plain and the "web" name; 53/UDP: "dns"; 8080/TCP: "http" (conflicts with
// 8081 in some clusters) and inside 8000-8100 and 8079-8081; 9090: "metrics";
// 5432: "db"; 8080/UDP: "http" over UDP; 5353/UDP: second "dns" number;
// 8085: inside http..8090; SCTP 7000 and 8082 ("http" over SCTP).
const std::vector<ProbePort> kPodPorts = {
    {80, Protocol::TCP},   {53, Protocol::UDP},   {8080, Protocol::TCP}, {8081, Protocol::TCP},
    {8050, Protocol::TCP}, {9090, Protocol::TCP}, {5432, Protocol::TCP}, {8080, Protocol::UDP},
    {5353, Protocol::UDP}, {53, Protocol::TCP},   {8085, Protocol::TCP}, {7000, Protocol::SCTP},
    {8082, Protocol::SCTP},
    // ICMP types (docs/semantics.md#icmp): echo request in both families, and
    // destination unreachable, which only L3-only rules and type 0 allow.
    {8, Protocol::ICMP}, {3, Protocol::ICMP}, {128, Protocol::ICMPv6},
};
const std::vector<ProbePort> kExternalPorts = {
    {80, Protocol::TCP}, {53, Protocol::UDP}, {8080, Protocol::TCP}, {8050, Protocol::TCP}, {8, Protocol::ICMP}};

struct Endpoint {
  std::string written;  // as given to query()
  BfPeer peer;
};

std::vector<Endpoint> pod_endpoints(const GeneratedCluster& gen, const Model& model) {
  std::vector<Endpoint> out;
  for (const auto& written : gen.pods) {
    auto slash = written.find('/');
    std::string ns = written.substr(0, slash), name = written.substr(slash + 1);
    const Pod* found = nullptr;
    for (const auto& pod : model.cluster.pods)
      if (pod.namespace_ == ns && pod.name == name) found = &pod;
    if (found) out.push_back({written, BfPeer::of(*found)});
  }
  return out;
}

std::vector<Endpoint> other_endpoints(const GeneratedCluster& gen) {
  std::vector<Endpoint> out;
  for (const auto& ip : gen.external_ips) out.push_back({ip, BfPeer::world(*IpAddress::parse(ip))});
  out.push_back({"host", BfPeer::host()});
  out.push_back({"remote-node", BfPeer::remote_node()});
  return out;
}

// Names as destinations (a name sends nothing): judged by toFQDNs and DNS visibility.
std::vector<Endpoint> name_endpoints(const GeneratedCluster& gen) {
  std::vector<Endpoint> out;
  for (const auto& written : gen.fqdn_names) out.push_back({written, BfPeer::name(written.substr(written.find(':') + 1))});
  return out;
}

struct Flow {
  const Endpoint* from;
  const Endpoint* to;
  ProbePort port;
};

std::vector<Flow> flows_of(const std::vector<Endpoint>& pods, const std::vector<Endpoint>& others,
                           const std::vector<Endpoint>& names) {
  std::vector<Flow> flows;
  for (const auto& a : pods)
    for (const auto& n : names)
      for (const auto& p : kExternalPorts) flows.push_back({&a, &n, p});
  for (const auto& a : pods)
    for (const auto& b : pods)
      if (&a != &b)
        for (const auto& p : kPodPorts) flows.push_back({&a, &b, p});
  for (const auto& a : pods)
    for (const auto& o : others)
      for (const auto& p : kExternalPorts) {
        flows.push_back({&a, &o, p});
        flows.push_back({&o, &a, p});
      }
  return flows;
}

std::string flow_text(const Flow& f) {
  return f.from->written + " -> " + f.to->written + " " + flow_port_text(f.port.port, f.port.protocol);
}

// A port with its protocol beside it; ICMP as a user writes it (`icmp:8`).
FlowQuery flow_query(const std::string& from, const std::string& to, const ProbePort& p) {
  if (is_icmp(p.protocol)) return FlowQuery{from, to, flow_port_text(p.port, p.protocol), std::nullopt};
  return FlowQuery{from, to, std::to_string(p.port), p.protocol};
}

Result<QueryResult> run_query(const Model& model, const Flow& f) {
  return query(model, flow_query(f.from->written, f.to->written, f.port));
}

std::string diagnostics_text(const Diagnostics& diagnostics) {
  std::string all;
  for (const auto& d : diagnostics) all += format_diagnostic(d, false) + "\n";
  return all;
}

std::vector<uint64_t> seeds(uint64_t first, uint64_t last) {
  if (const char* one = std::getenv("NETREACH_DIFF_SEED")) return {std::strtoull(one, nullptr, 10)};
  std::vector<uint64_t> out;
  for (uint64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

}  // namespace

namespace {

struct DiffRun {
  size_t clusters = 0, flows_checked = 0, unknown = 0, allowed = 0;
  std::vector<std::string> failures;
  std::map<uint64_t, size_t> mismatches_by_seed;
  // Compared flows (and of them allowed) to a Service, with a hostNetwork pod at one end, to a name.
  size_t service_flows = 0, service_allowed = 0, host_network_flows = 0, host_network_allowed = 0, fqdn_flows = 0,
         fqdn_allowed = 0;
  // Compared flows the brute force judged through a toServices backend, a toFQDNs name with DNS
  // visibility judged, and a toFQDNs name whose lookups were seen.
  size_t through_to_services = 0, through_fqdn_name = 0, through_fqdn_seen = 0;
};

void add_trace(DiffRun& run, const BfTrace& t) {
  run.through_to_services += t.services_matched > 0;
  run.through_fqdn_name += t.fqdns_named > 0;
  run.through_fqdn_seen += t.fqdns_matched > 0;
}

bool is_host_network(const BfPeer& p) { return p.kind == BfPeer::Kind::Pod && p.pod->host_network; }

// A Service port as the generator wrote it ("80/TCP").
std::pair<uint16_t, Protocol> service_port(const std::string& written) {
  auto slash = written.find('/');
  uint16_t port = static_cast<uint16_t>(std::stoul(written.substr(0, slash)));
  std::string proto = written.substr(slash + 1);
  return {port, proto == "UDP" ? Protocol::UDP : proto == "SCTP" ? Protocol::SCTP : Protocol::TCP};
}

const Service* find_service(const Model& model, const std::string& written) {  // "ns/svc/name"
  std::string ns = written.substr(0, written.find('/')), name = written.substr(written.rfind('/') + 1);
  for (const auto& svc : model.cluster.services)
    if (svc.namespace_ == ns && svc.name == name) return &svc;
  return nullptr;
}

DiffRun run_differential(const std::vector<uint64_t>& seed_list, const Options& options) {
  DiffRun run;
  auto& [clusters, flows_checked, unknown, allowed, failures, mismatches_by_seed, service_flows, service_allowed,
         host_network_flows, host_network_allowed, fqdn_flows, fqdn_allowed, through_to_services, through_fqdn_name,
         through_fqdn_seen] = run;
  for (uint64_t seed : seed_list) {
    GeneratedCluster gen = generate_cluster(seed);
    std::string yaml = gen.yaml();
    testing::Built built = testing::build_from_yaml(yaml, options);
    if (!built.model) {
      failures.push_back("seed " + std::to_string(seed) + ": generated cluster rejected\n" +
                         diagnostics_text(built.diagnostics) + yaml);
      continue;
    }
    const Model& model = *built.model;
    ++clusters;
    auto pods = pod_endpoints(gen, model);
    if (pods.size() != gen.pods.size())
      failures.push_back("seed " + std::to_string(seed) + ": not every generated pod is in the model\n" + yaml);
    auto others = other_endpoints(gen);
    auto names = name_endpoints(gen);
    size_t printed_for_seed = 0;
    for (const Flow& f : flows_of(pods, others, names)) {
      BfTrace trace;
      Verdict expected = brute_force_verdict(model.cluster, f.from->peer, f.to->peer, f.port.port, f.port.protocol,
                                             options.allow_localhost, &trace);
      if (expected == Verdict::Unknown) {
        ++unknown;
        continue;
      }
      ++flows_checked;
      add_trace(run, trace);
      bool allow = expected == Verdict::Allow;
      if (allow) ++allowed;
      if (is_host_network(f.from->peer) || is_host_network(f.to->peer)) ++host_network_flows, host_network_allowed += allow;
      if (f.to->peer.kind == BfPeer::Kind::Fqdn) ++fqdn_flows, fqdn_allowed += allow;
      auto result = run_query(model, f);
      if (!result) {
        failures.push_back("seed " + std::to_string(seed) + ": query rejected: " + flow_text(f) + "\n" +
                           diagnostics_text(result.errors()));
        continue;
      }
      if (result->verdict == expected) continue;
      ++mismatches_by_seed[seed];
      if (printed_for_seed++ >= 3) continue;  // the first few per seed are enough to diagnose
      std::ostringstream msg;
      msg << "seed " << seed << ": " << flow_text(f) << ": brute force " << to_string(expected) << ", netreach "
          << to_string(result->verdict) << "\n";
      if (f.from->peer.kind == BfPeer::Kind::Pod)
        for (const auto& l : brute_force_identity(model.cluster, f.from->peer)) msg << "  from label " << l << "\n";
      if (f.to->peer.kind == BfPeer::Kind::Pod)
        for (const auto& l : brute_force_identity(model.cluster, f.to->peer)) msg << "  to label " << l << "\n";
      msg << "--- netreach explanation:\n" << render_text(*result);
      if (printed_for_seed == 1) msg << "--- YAML (seed " << seed << "):\n" << yaml;
      failures.push_back(msg.str());
    }
    // Every pod to every port of every Service (docs/semantics.md#service-backends).
    for (const auto& a : pods) {
      for (const auto& target : gen.service_targets) {
        const Service* svc = find_service(model, target.service);
        if (!svc) {
          failures.push_back("seed " + std::to_string(seed) + ": generated Service " + target.service + " is not in the model");
          continue;
        }
        auto [port, protocol] = service_port(target.port);
        BfTrace trace;
        Verdict expected = brute_force_service_verdict(model.cluster, a.peer, *svc, port, protocol, options.allow_localhost, &trace);
        if (expected == Verdict::Unknown) {
          ++unknown;
          continue;
        }
        add_trace(run, trace);
        ++flows_checked, ++service_flows;
        if (expected == Verdict::Allow) ++allowed, ++service_allowed;
        auto result = query(model, FlowQuery{a.written, target.service, std::to_string(port), protocol});
        std::string text = a.written + " -> " + target.service + " " + target.port;
        if (!result) {
          failures.push_back("seed " + std::to_string(seed) + ": query rejected: " + text + "\n" + diagnostics_text(result.errors()));
          continue;
        }
        if (result->verdict == expected) continue;
        ++mismatches_by_seed[seed];
        if (printed_for_seed++ >= 3) continue;
        std::ostringstream msg;
        msg << "seed " << seed << ": " << text << ": brute force " << to_string(expected) << ", netreach "
            << to_string(result->verdict) << "\n--- netreach explanation:\n" << render_text(*result);
        if (printed_for_seed == 1) msg << "--- YAML (seed " << seed << "):\n" << yaml;
        failures.push_back(msg.str());
      }
    }
  }
  return run;
}

std::string summary(const DiffRun& run, double seconds) {
  size_t mismatched = 0;
  std::string seeds_text;
  for (const auto& [s, n] : run.mismatches_by_seed) {
    mismatched += n;
    seeds_text += " " + std::to_string(s) + "(" + std::to_string(n) + ")";
  }
  std::ostringstream out;
  out << run.clusters << " clusters, " << run.flows_checked << " flows compared (" << run.allowed << " allowed), "
      << run.unknown << " skipped (unknown to the brute force); of the compared, " << run.service_flows
      << " to Services (" << run.service_allowed << " allowed), " << run.host_network_flows << " with a hostNetwork pod ("
      << run.host_network_allowed << " allowed), " << run.fqdn_flows << " to names (" << run.fqdn_allowed << " allowed); "
      << run.through_to_services << " through a toServices backend, " << run.through_fqdn_name
      << " through a toFQDNs name (" << run.through_fqdn_seen << " with its lookups seen); "
      << mismatched << " mismatches in "
      << run.mismatches_by_seed.size() << " seeds, " << seconds << " s"
      << (seeds_text.empty() ? "" : "\n  seeds (mismatching flows):" + seeds_text);
  return out.str();
}

}  // namespace

TEST_CASE("Differential: netreach agrees with the brute-force evaluator on random clusters", "[differential]") {
  auto start = std::chrono::steady_clock::now();
  DiffRun run = run_differential(seeds(1, 500), Options{});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("differential: " << summary(run, seconds));
  CHECK(run.clusters > 0);
  if (!std::getenv("NETREACH_DIFF_SEED")) {
    // Not vacuous: Services, hostNetwork pods and names were compared, allowed and denied.
    CHECK(run.service_flows > 1000);
    CHECK(run.service_allowed > 100);
    CHECK(run.service_flows - run.service_allowed > 100);
    CHECK(run.host_network_flows > 1000);
    CHECK(run.host_network_allowed > 100);
    CHECK(run.host_network_flows - run.host_network_allowed > 100);
    CHECK(run.fqdn_flows > 1000);
    CHECK(run.fqdn_allowed > 100);
    CHECK(run.fqdn_flows - run.fqdn_allowed > 100);
    CHECK(run.through_to_services > 100);
    CHECK(run.through_fqdn_seen > 100);
    CHECK(run.through_fqdn_name - run.through_fqdn_seen > 100);
  }
  for (const auto& f : run.failures) UNSCOPED_INFO(f);  // shown with the next assertion when it fails
  REQUIRE(run.failures.empty());
}

TEST_CASE("Differential: allow-localhost=policy (no auto-allow of the local host)", "[differential]") {
  auto start = std::chrono::steady_clock::now();
  Options options;
  options.allow_localhost = false;
  DiffRun run = run_differential(seeds(1, 100), options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("differential, allow-localhost=policy: " << summary(run, seconds));
  CHECK(run.clusters > 0);
  for (const auto& f : run.failures) UNSCOPED_INFO(f);  // shown with the next assertion when it fails
  REQUIRE(run.failures.empty());
}

TEST_CASE("Differential: verdicts do not depend on the order of documents, rules and selector entries",
          "[differential][reorder]") {
  std::vector<std::string> failures;
  size_t compared = 0;
  for (uint64_t seed : seeds(1, 150)) {
    GeneratedCluster gen = generate_cluster(seed);
    testing::Built base = testing::build_from_yaml(gen.yaml());
    if (!base.model) continue;  // reported by the differential test
    auto pods = pod_endpoints(gen, *base.model);
    auto others = other_endpoints(gen);
    auto names = name_endpoints(gen);
    auto flows = flows_of(pods, others, names);
    std::vector<Verdict> baseline;
    for (const Flow& f : flows) {
      auto r = run_query(*base.model, f);
      baseline.push_back(r ? r->verdict : Verdict::Unknown);
    }
    for (uint64_t shuffle = 1; shuffle <= 2; ++shuffle) {
      GeneratedCluster shuffled = gen.reordered(seed * 1000 + shuffle);
      std::string yaml = shuffled.yaml();
      testing::Built built = testing::build_from_yaml(yaml);
      if (!built.model) {
        failures.push_back("seed " + std::to_string(seed) + " shuffle " + std::to_string(shuffle) +
                           ": reordered cluster rejected\n" + diagnostics_text(built.diagnostics) + yaml);
        continue;
      }
      auto pods2 = pod_endpoints(gen, *built.model);
      auto flows2 = flows_of(pods2, others, names);
      REQUIRE(flows2.size() == flows.size());
      size_t printed = 0;
      for (size_t i = 0; i < flows2.size(); ++i) {
        auto r = run_query(*built.model, flows2[i]);
        Verdict v = r ? r->verdict : Verdict::Unknown;
        ++compared;
        if (v == baseline[i]) continue;
        if (printed++ >= 2) continue;
        std::ostringstream msg;
        msg << "seed " << seed << " shuffle " << shuffle << ": " << flow_text(flows2[i]) << ": in order "
            << to_string(baseline[i]) << ", reordered " << to_string(v) << "\n";
        if (r) msg << render_text(*r);
        if (printed == 1) msg << "--- original YAML:\n" << gen.yaml() << "--- reordered YAML:\n" << yaml;
        failures.push_back(msg.str());
      }
    }
  }
  WARN("reorder: " << compared << " verdicts compared against the original order");
  for (const auto& f : failures) UNSCOPED_INFO(f);
  REQUIRE(failures.empty());
}

TEST_CASE("Differential: the brute force forms identities as docs/semantics.md says", "[differential]") {
  // A self-check of the reference evaluator's label formation on a fixed pod.
  auto model = testing::model_from_yaml(R"(
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: red}}
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: a
  labels:
    app: web
    pod-template-hash: abc
    io.cilium.k8s.policy.serviceaccount: spoof
    io.kubernetes.pod.namespace: b
    app.kubernetes.io/name: web
spec: {serviceAccountName: sa1, containers: [{name: c, image: x}]}
)");
  const Pod& pod = model->cluster.pods.at(0);
  std::vector<std::string> expected = {
      "k8s:app.kubernetes.io/name=web",
      "k8s:app=web",
      "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=a",
      "k8s:io.cilium.k8s.namespace.labels.team=red",
      "k8s:io.cilium.k8s.policy.cluster=default",
      "k8s:io.cilium.k8s.policy.serviceaccount=sa1",
      "k8s:io.kubernetes.pod.namespace=a",
  };
  CHECK(brute_force_identity(model->cluster, BfPeer::of(pod)) == expected);
}
