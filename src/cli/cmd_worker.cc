// `lmbench worker --coordinator HOST:PORT --index K`: one shard of a run, for the coordinator
// that started it (fleet/worker.h). Users do not run it by hand: `lmbench run --workers N` and
// `lmbench bench ... --workers N` start the workers they need.

#include <fmt/format.h>

#include <charconv>

#include "cli/command.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "fleet/worker.h"

namespace lmbench::cli {

Command add_worker(CLI::App& app) {
  auto* sub = app.add_subcommand("worker", "Send one shard of a run for a coordinator (started by --workers N)");
  auto args = std::make_shared<fleet::WorkerArgs>();
  auto address = std::make_shared<std::string>();
  sub->add_option("--coordinator", *address, "the coordinator's HOST:PORT")->required();
  sub->add_option("--index", args->index, "this worker's shard index (0-based)")->required()->check(CLI::NonNegativeNumber);
  sub->group("");  // not listed in `lmbench --help`: it is started by lmbench itself
  return {sub, [args, address] {
            const auto colon = address->rfind(':');
            unsigned port = 0;
            const char* end = address->data() + address->size();
            if (colon == std::string::npos || colon == 0 ||
                std::from_chars(address->data() + colon + 1, end, port).ptr != end || port == 0 || port > 65535) {
              throw core::ConfigError("--coordinator: expected HOST:PORT, found '" + *address + "'");
            }
            args->host = address->substr(0, colon);
            args->port = static_cast<std::uint16_t>(port);
            core::install_interrupt_handlers();
            return fleet::run_worker(*args);
          }};
}

}  // namespace lmbench::cli
