// `lmbench coordinate --job FILE --workers N`: the coordinator of a fleet run on placement
// kubernetes, in its own pod (fleet/coordinate.h). Users do not run it by hand: `lmbench run
// --placement kubernetes` creates the pod that runs it.

#include <fmt/format.h>

#include <charconv>

#include "cli/command.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "fleet/coordinate.h"

namespace lmbench::cli {

Command add_coordinate(CLI::App& app) {
  auto* sub = app.add_subcommand("coordinate", "Coordinate in-cluster workers (started by --placement kubernetes)");
  auto args = std::make_shared<fleet::CoordinateArgs>();
  auto listen = std::make_shared<std::string>("0.0.0.0:7070");
  auto ready_timeout_s = std::make_shared<double>(600);
  auto linger_s = std::make_shared<double>(-1);
  sub->add_option("--job", args->job_file, "the Job (JSON) the workers run")->required();
  sub->add_option("--workers", args->workers, "how many workers connect")->required()->check(CLI::Range(1, 4096));
  sub->add_option("--listen", *listen, "IPv4 HOST:PORT to listen on (default 0.0.0.0:7070; port 0: any free one)");
  sub->add_option("--out", args->out, "where the merged run goes: a file, or - for stdout (default -)");
  sub->add_option("--stop-file", args->stop_file, "stop the run (as Ctrl-C would) once this file exists");
  sub->add_option("--ready-timeout", *ready_timeout_s, "seconds for every worker to connect and be ready (default 600)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--linger", *linger_s,
                  "after writing --out to a file, seconds to wait for SIGTERM before exiting (default: until then)")
      ->check(CLI::NonNegativeNumber);
  sub->group("");  // not listed in `lmbench --help`: it runs in a pod lmbench creates
  return {sub, [args, listen, ready_timeout_s, linger_s] {
            const auto colon = listen->rfind(':');
            unsigned port = 0;
            const char* end = listen->data() + listen->size();
            if (colon == std::string::npos || colon == 0 || std::from_chars(listen->data() + colon + 1, end, port).ptr != end ||
                port > 65535) {
              throw core::ConfigError("--listen: expected HOST:PORT, found '" + *listen + "'");
            }
            args->host = listen->substr(0, colon);
            args->port = static_cast<std::uint16_t>(port);
            args->ready_timeout = std::chrono::milliseconds(static_cast<long long>(*ready_timeout_s * 1000));
            if (*linger_s >= 0) args->linger = std::chrono::milliseconds(static_cast<long long>(*linger_s * 1000));
            core::install_interrupt_handlers();
            return fleet::run_coordinate(*args);
          }};
}

}  // namespace lmbench::cli
