#include "config/infrastructure.h"

#include <array>
#include <utility>

namespace lmbench::config {

namespace {
constexpr std::array<std::pair<Location, std::string_view>, 6> kNames = {{
    {Location::kNoBench, "NoBench"},
    {Location::kLocalFlat, "Local-Flat"},
    {Location::kLocalMinikube, "LocalMinikube"},
    {Location::kLMCacheGKE, "LMCacheGKE"},
    {Location::kSimulated, "Simulated"},
    {Location::kKubernetes, "Kubernetes"},
}};
}  // namespace

std::string_view location_name(Location location) {
  for (const auto& [l, n] : kNames) {
    if (l == location) return n;
  }
  return "?";
}

std::optional<Location> parse_location(std::string_view name) {
  for (const auto& [l, n] : kNames) {
    if (n == name) return l;
  }
  return std::nullopt;
}

}  // namespace lmbench::config
