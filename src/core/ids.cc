#include "core/ids.h"

#include <fmt/format.h>

#include <ctime>
#include <random>

namespace lmbench::core {

std::string make_session_id(std::chrono::system_clock::time_point now, std::uint32_t random_bits) {
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return fmt::format("lmbench-{}-{:08x}", secs, random_bits);
}

std::uint32_t random_u32() {
  // One generator per thread, seeded once from the OS: a std::random_device per call cost a
  // system call or more each, six of them on every simulated request.
  thread_local std::mt19937 gen([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937(seq);
  }());
  return static_cast<std::uint32_t>(gen());
}

std::string artifact_timestamp(std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M", &tm);
  return buf;
}

}  // namespace lmbench::core
