// `lmbench worker --coordinator HOST:PORT --index K`: one shard of a run, for the coordinator
// that started it (fleet/worker.h). Users do not run it by hand: `lmbench run --workers N` and
// `lmbench bench ... --workers N` start the workers they need, as child processes or, with
// placement kubernetes, as pods of an Indexed Job (`--index-from-env JOB_COMPLETION_INDEX`).

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "cli/command.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "fleet/worker.h"

namespace lmbench::cli {

namespace {

// A shard index from the variable `name` (an Indexed Job's JOB_COMPLETION_INDEX).
int index_from_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') throw core::ConfigError("--index-from-env: " + name + " is not set");
  const std::string text = value;
  int index = -1;
  const char* end = text.data() + text.size();
  if (std::from_chars(text.data(), end, index).ptr != end || index < 0) {
    throw core::ConfigError("--index-from-env: " + name + " must be a shard index (0, 1, ...), found '" + text + "'");
  }
  return index;
}

}  // namespace

Command add_worker(CLI::App& app) {
  auto* sub = app.add_subcommand("worker", "Send one shard of a run for a coordinator (started by --workers N)");
  auto args = std::make_shared<fleet::WorkerArgs>();
  auto address = std::make_shared<std::string>();
  auto index_env = std::make_shared<std::string>();
  auto connect_timeout_s = std::make_shared<double>(60);
  sub->add_option("--coordinator", *address, "the coordinator's HOST:PORT")->required();
  auto* index = sub->add_option("--index", args->index, "this worker's shard index (0-based)")->check(CLI::NonNegativeNumber);
  auto* from_env = sub->add_option("--index-from-env", *index_env,
                                   "read the shard index from this environment variable (an Indexed Job's JOB_COMPLETION_INDEX)");
  index->excludes(from_env);
  sub->add_option("--connect-timeout", *connect_timeout_s,
                  "seconds to keep trying to reach the coordinator, and to wait for it before the start (default 60)")
      ->check(CLI::PositiveNumber);
  sub->group("");  // not listed in `lmbench --help`: it is started by lmbench itself
  return {sub, [args, address, index, index_env, connect_timeout_s] {
            if (index->count() == 0 && index_env->empty()) throw core::ConfigError("worker: give --index or --index-from-env");
            if (!index_env->empty()) args->index = index_from_env(*index_env);
            const auto colon = address->rfind(':');
            unsigned port = 0;
            const char* end = address->data() + address->size();
            if (colon == std::string::npos || colon == 0 ||
                std::from_chars(address->data() + colon + 1, end, port).ptr != end || port == 0 || port > 65535) {
              throw core::ConfigError("--coordinator: expected HOST:PORT, found '" + *address + "'");
            }
            args->host = address->substr(0, colon);
            args->port = static_cast<std::uint16_t>(port);
            args->connect_timeout = std::chrono::milliseconds(static_cast<long long>(*connect_timeout_s * 1000));
            if (const char* node = std::getenv(fleet::kNodeNameEnv); node != nullptr) args->node = node;
            core::install_interrupt_handlers();
            return fleet::run_worker(*args);
          }};
}

}  // namespace lmbench::cli
