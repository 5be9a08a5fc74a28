// IdentityGraph: the reachability of the whole cluster, computed once, over
// identities rather than pods.
//
// This is the computation Cilium's agent does per endpoint (a selector cache,
// then an L4 policy per direction, then map state with deny precedence:
// pkg/policy/selectorcache.go, l4.go, mapstate.go), done for every identity at
// once and read back in both directions:
//
//  1. Vertices: every identity (pods' and reserved ones), the address atoms
//     that the CIDR rules carve out of `world` (AddressAtoms), and each
//     toFQDNs name (`fqdn:NAME`; a pattern is judged on one name it matches).
//  2. Each peer element of each rule is matched once against the vertices
//     (selectors through the label postings, cached by canonical text), giving
//     a PeerSet: the vertices it selects, and those it may select depending on
//     a fact the input lacks (docs/semantics.md#per-direction-verdict).
//  3. Each rule element's toPorts becomes a PortSet once (egress named ports
//     through the cluster-wide table; ingress ones on the destination's own
//     containers, hence per destination "port shape").
//  4. Peer classes: vertices that every peer set includes or excludes alike
//     are one class to both sides' decisions (2,000 address blocks named by
//     the same rules are one peer; GRAPH-DESIGN's equivalence classes).
//  5. Per subject class (identities selected by the same rules) and
//     direction, the side's decision as a row over peer classes: the classes
//     its terms touch, and one value for every other (deny-only and
//     unselected sides are dense, default-deny ones sparse). Set algebra:
//     allowed = allow - deny, unknown where a maybe decides
//     (docs/semantics.md#deny-wins, #default-deny).
//  6. Edges per source class (the same egress row and peer class) towards
//     target classes (the same peer class and ingress class): each egress
//     value combined with the ingress row's value for the source's class,
//     memoised by value pair. Work grows with the classes each side touches,
//     not with vertices squared. An edge between a sender whose egress
//     enforces nothing and a receiver whose ingress enforces nothing allows
//     every port and is not stored (address blocks to address blocks).
//
// Immutable once built; the per-flow evaluator (query/) gives the words for
// the flows a user asks about, and the two agree on every flow (tests).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/address_atoms.h"
#include "model/port_set.h"
#include "resolve/model.h"

namespace netreach {

using VertexId = uint32_t;

struct PeerVertex {
  enum class Kind : uint8_t { Identity, Address, Fqdn };
  Kind kind = Kind::Identity;
  IdentityId identity = 0;  // Kind::Identity (for Address and Fqdn: the world identity)
  AddressAtom atom;         // Kind::Address
  std::string fqdn;         // Kind::Fqdn: the name judged
  std::string display;      // "world", "10.0.0.0/8 except 10.96.0.0/12", "fqdn:api.example.com"
};

// What one edge (or one side of it) lets through.
struct EdgePorts {
  PortSet allowed;
  PortSet unknown;           // allowed or not depending on a fact the input lacks
  std::string unknown_fact;  // that fact, for the first unknown part (empty when unknown is empty)
  bool empty() const { return allowed.empty() && unknown.empty(); }
  friend bool operator==(const EdgePorts&, const EdgePorts&) = default;
};

// A destination: a vertex, and for pod identities the named-port table of the
// pods (pods of one identity whose containers name ports differently are
// different destinations to ingress rules with named ports).
struct Target {
  VertexId vertex = 0;
  uint32_t shape = 0;  // index into IdentityGraph::shapes(vertex)
  friend bool operator==(const Target&, const Target&) = default;
};

// A flow between two pod identities that one side's allow rule lets through
// and the other side does not: a half-written intent (`lint`). Only rules
// naming their peers count (an L3 wildcard or `all` names nobody in
// particular), only against a side that enforces (a side without rules
// allows everything), and a rule without toPorts only when the other side
// lets nothing at all through between the two (narrowing the ports on the
// other side is the ordinary case).
struct OneSidedFlow {
  VertexId from = 0;
  Target to;
  Direction allowed_by = Direction::Egress;  // the side whose allow rule covers it
  const PeerRule* rule = nullptr;            // that rule element
  PortSet ports;                             // what it allows there and the other side denies
};

// The ports a rule element covers, when it names no port by name (named
// ports resolve per side and destination); nullopt when it does.
std::optional<PortSet> numeric_ports(const PeerRule& rule);

class IdentityGraph {
 public:
  // With `record_one_sided`, the build also keeps the one-sided flows (each
  // side's decision is at hand while edges are made; the graph keeps only
  // both sides' intersection).
  static IdentityGraph build(const Model& model, bool record_one_sided = false);

  const std::vector<PeerVertex>& vertices() const { return vertices_; }
  // Vertex of an identity (identity vertices have the identity's id).
  VertexId vertex_of(IdentityId id) const { return id; }
  // The vertex an external address falls into.
  VertexId vertex_of(const IpAddress& ip) const;
  // The vertex of `fqdn:NAME`, when a toFQDNs rule names or matches it.
  std::optional<VertexId> fqdn_vertex(std::string_view name) const;
  // The shape of a pod's destination (its identity's shapes).
  Target target_of(const Model& model, size_t pod_index) const;
  size_t shape_count(VertexId v) const { return v < shape_count_.size() ? shape_count_[v] : 1; }

  // What `from` may send to `to` (egress of `from` and ingress of `to`).
  // Empty when nothing.
  const EdgePorts& edge(VertexId from, Target to) const;
  // The same edge as an index into edge_ports(): 0 is the empty edge, 1 every
  // port. Equal indices are equal values (they are interned), so a caller can
  // cache what it derives from one.
  uint32_t edge_index(VertexId from, Target to) const;

  // Destinations that no policy tells apart: the same peer class and the
  // same ingress policy. Edges are kept per source class and target class.
  using TargetClass = uint32_t;
  static constexpr TargetClass kNoTargetClass = UINT32_MAX;
  size_t target_class_count() const { return class_targets_.size(); }
  const std::vector<Target>& targets(TargetClass c) const { return class_targets_[c]; }
  // The class of a destination; kNoTargetClass for a vertex that receives nothing.
  TargetClass target_class(Target to) const;
  struct OutEdge {
    TargetClass to;
    uint32_t ports;  // index into edge_ports()
  };
  // The non-empty edges out of `from`, by target class, except those towards
  // an unrestricted receiver when `from` is an unrestricted sender (those
  // allow every port: see unrestricted_senders / unrestricted_receivers).
  const std::vector<OutEdge>& out_edges(VertexId from) const;
  const std::vector<EdgePorts>& edge_ports() const { return ports_; }
  // Does `from`'s egress enforce nothing? Does `to`'s ingress enforce nothing?
  bool unrestricted_sender(VertexId from) const;
  bool unrestricted_receiver(Target to) const;
  // Edges between vertices (what out_edges expands to, plus the unstored
  // unrestricted pairs), counted without being made.
  size_t edge_count() const;
  // Empty unless built with record_one_sided; sorted by (from, to, rule position).
  const std::vector<OneSidedFlow>& one_sided() const { return one_sided_; }

  // Does this vertex take part in the graph? (The plain `world` identity
  // does not: address atoms stand for it.)
  bool is_vertex(VertexId v) const { return v < vertices_.size() && v != world_; }

 private:
  friend class IdentityGraphBuilder;
  static constexpr uint32_t kNone = UINT32_MAX;
  std::vector<PeerVertex> vertices_;
  VertexId world_ = 0;
  std::vector<uint32_t> source_class_;              // per vertex; kNone: sends nothing
  std::vector<std::vector<OutEdge>> out_;           // per source class, sorted by target class
  std::vector<char> unrestricted_source_class_;     // per source class
  std::vector<uint32_t> target_class_;              // per (vertex, shape), through shape_base_
  std::vector<std::vector<Target>> class_targets_;  // per target class, sorted
  std::vector<char> unrestricted_target_class_;     // per target class
  std::vector<EdgePorts> ports_;  // interned; ports_[0] is the empty edge, ports_[1] every port
  std::vector<uint32_t> shape_count_;              // per identity vertex
  std::vector<uint32_t> shape_base_;               // per vertex: its first (vertex, shape) index
  std::vector<uint32_t> pod_shape_;                // per cluster pod
  std::vector<std::pair<std::string, VertexId>> fqdns_;  // sorted by name
  std::vector<OneSidedFlow> one_sided_;
};

}  // namespace netreach
