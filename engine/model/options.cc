#include "model/options.h"

namespace netreach {

std::string_view to_string(LoadCounters::Phase phase) {
  switch (phase) {
    case LoadCounters::Phase::Reading: return "reading";
    case LoadCounters::Phase::BuildingKustomizations: return "building kustomizations";
    case LoadCounters::Phase::BuildingIdentities: return "building identities";
    case LoadCounters::Phase::Done: return "done";
  }
  return "";
}

}  // namespace netreach
