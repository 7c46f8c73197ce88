#include "suite/workload_setup.h"

#include "workloads/conversation.h"
#include "workloads/factory.h"

namespace lmbench::suite {

std::size_t rate_index(const config::WorkloadConfig& workload, const PlannedRun& run) {
  const auto points = rate_points(workload);
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].qps_label == run.rate.qps_label && points[i].value.text == run.rate.value.text) return i;
  }
  return 0;
}

std::uint64_t run_salt(std::uint64_t invocation_salt, const config::WorkloadConfig& workload, const PlannedRun& run,
                       int trial) {
  const std::uint64_t place = (static_cast<std::uint64_t>(run.workload) << 40) ^
                              (static_cast<std::uint64_t>(rate_index(workload, run)) << 20) ^
                              static_cast<std::uint64_t>(trial);
  const std::uint64_t s = workloads::mix_seed(invocation_salt, place, 0x5a17);
  return s == 0 ? 1 : s;
}

std::unique_ptr<workloads::Workload> make_run_workload(const config::WorkloadConfig& workload, const PlannedRun& run,
                                                       const WorkloadSetup& setup) {
  workloads::WorkloadContext ctx;
  ctx.tokenizer = setup.tokenizer;
  ctx.synth = setup.synth;
  ctx.api = setup.api == config::ApiType::kChat ? workloads::Api::kChat : workloads::Api::kCompletions;
  ctx.model = setup.model;
  ctx.seed = setup.seed;
  ctx.salt = setup.salt;
  ctx.duration = setup.duration;
  return workloads::make_workload(workload, rate_index(workload, run), ctx);
}

}  // namespace lmbench::suite
