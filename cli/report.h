// report: text, JSON and JUnit renderings of check reports and summaries.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "netreach.h"

namespace netreach_cli {

std::string check_text(const netreach::CheckReport& report);
nlohmann::json check_json(const netreach::CheckReport& report);
std::string check_junit(const netreach::CheckReport& report, const std::string& suite_name);

std::string summary_text(const netreach::Summary& summary);
nlohmann::json summary_json(const netreach::Summary& summary);

}  // namespace netreach_cli
