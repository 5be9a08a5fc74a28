// Shared helpers for the libFuzzer targets in this directory (see README.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "netreach.h"

namespace netreach::fuzz {

// The model every query-side target runs against: two namespaces, a
// Deployment with a named port, a Pod, a Service, a host-network Pod, a CNP
// and a KNP. Built once (aborts if it does not load: a broken harness).
const Model& fixed_model();

// A file holding `bytes`, for APIs that take a path. It lives in memory
// (memfd) and is rewritten on each call; the returned path stays the same.
const std::string& bytes_as_file(const uint8_t* data, size_t size);

// Builds a model from YAML text with load_texts(): as load() does from a
// file, minus the file system. Null when the input has errors.
std::shared_ptr<const Model> model_from_text(std::string_view yaml, const Options& options);

}  // namespace netreach::fuzz
