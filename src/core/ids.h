#pragma once
// Identifiers that appear in artifacts.

#include <chrono>
#include <cstdint>
#include <string>

namespace lmbench::core {

// "lmbench-<unix seconds>-<8 lower-case hex>", one per `lmbench run` (LMBENCH-FORMAT.md).
// `random_bits` is taken as given so tests are deterministic; main() passes a random value.
std::string make_session_id(std::chrono::system_clock::time_point now, std::uint32_t random_bits);

// A non-deterministic 32-bit value from std::random_device, for ids only (never for workloads,
// which are seeded).
std::uint32_t random_u32();

// Local time as "YYYYMMDD-HHMM", the timestamp in artifact names.
std::string artifact_timestamp(std::chrono::system_clock::time_point now);

}  // namespace lmbench::core
