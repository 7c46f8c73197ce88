// The simulator's engine profile YAML on arbitrary text: parsed and validated, or refused with
// core::ConfigError (file, line, key); then every parameter of an accepted profile is printed and
// set back (the --set round trip), which must give the same value for numbers, booleans and
// tables (`--set` trims the blanks around a string value, so a quoted name with a trailing
// blank reads back without it: expected, not checked).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "sim/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sim = lmbench::sim;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sim::Profile profile;
  try {
    profile = sim::parse_profile_yaml(text, "fuzz.yaml");
    sim::validate_profile(profile, "fuzz.yaml");
  } catch (const lmbench::core::ConfigError&) {
    return 0;
  }
  for (const auto& param : sim::profile_params()) {
    const std::string value = sim::profile_value(profile, param.key);
    sim::Profile copy = profile;
    try {
      sim::apply_override(copy, param.key + "=" + value);
    } catch (const lmbench::core::ConfigError&) {
      if (param.type != "string") __builtin_trap();  // a printed number must read back
      continue;
    }
    if (param.type != "string" && sim::profile_value(copy, param.key) != value) __builtin_trap();
  }
  return 0;
}
