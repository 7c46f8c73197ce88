#include "suite/workload_setup.h"

#include <fmt/format.h>

#include "core/error.h"
#include "workloads/random.h"

namespace lmbench::suite {

std::size_t rate_index(const config::WorkloadConfig& workload, const PlannedRun& run) {
  const auto points = rate_points(workload);
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].qps_label == run.rate.qps_label && points[i].value.text == run.rate.value.text) return i;
  }
  return 0;
}

std::unique_ptr<workloads::Workload> make_run_workload(const config::WorkloadConfig& workload, const PlannedRun& run,
                                                       const WorkloadSetup& setup) {
  const auto api = setup.api == config::ApiType::kChat ? workloads::Api::kChat : workloads::Api::kCompletions;
  if (const auto* r = std::get_if<config::Random>(&workload.kind)) {
    workloads::RandomOptions o;
    o.num_users = r->num_users;
    o.num_rounds = r->num_rounds;
    o.prompt_len = r->prompt_len;
    o.answer_len = r->answer_len;
    o.qps = run.rate.target_qps.value_or(1.0);
    o.api = api;
    o.seed = setup.seed;
    return std::make_unique<workloads::RandomWorkload>(*setup.synth, o);
  }
  throw core::ConfigError(workload.where, fmt::format("{}: this workload type cannot run yet", workload.path));
}

}  // namespace lmbench::suite
