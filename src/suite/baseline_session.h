#pragma once
// One baseline from deployment to teardown, for the runs of one suite: deploy it (or, on a
// staged start, take the given endpoint), wait until its OpenAI API lists the model, send the one
// unmeasured warm-up request. The session owns the deployment; close() (and the destructor)
// tears it down on every path.

#include <memory>
#include <optional>
#include <string>

#include "config/baselines.h"
#include "core/error.h"
#include "deploy/baseline.h"
#include "suite/calibration.h"
#include "suite/plan.h"
#include "suite/suite_env.h"

namespace lmbench::suite {

// The original's endpoint for a staged start without --port-forward-url.
inline constexpr const char* kStagedStartUrl = "http://localhost:30080";

class BaselineSession {
 public:
  // Deploys `bcfg` and brings it to the point where runs can start. Progress lines go to
  // env.log. An error names what failed ("deploy: ...", "not ready: ...", the warm-up's answer).
  // When something was deployed and then failed, its logs (pods, describe, events) are saved
  // into `logs_dir` as "{name}_{KEY}_deploy-failed.log" before it is torn down, and the error
  // says where.
  static core::Result<std::unique_ptr<BaselineSession>> open(const SuiteEnv& env, const Plan& plan,
                                                             const BaselinePlan& bp, const config::Baseline& bcfg,
                                                             const std::filesystem::path& logs_dir);
  ~BaselineSession();
  BaselineSession(const BaselineSession&) = delete;
  BaselineSession& operator=(const BaselineSession&) = delete;

  const deploy::ServingEndpoint& endpoint() const { return endpoint_; }
  deploy::Baseline& baseline() { return *baseline_; }
  // How many times faster than the modelled hardware the baseline runs (a time-scaled
  // simulator); 1 for everything real and for staged starts.
  double time_scale() const { return time_scale_; }
  // For a simulated baseline: what the client's own path adds to each measured TTFT (measured
  // once, after the warm-up; calibration.h). nullopt for everything else.
  const std::optional<ClientOverhead>& client_overhead() const { return overhead_; }
  // Whether lmbench deployed it (false for an Endpoint baseline and on a staged start).
  bool deployed() const { return deployed_; }
  // A staged start (--start-from 3): the runs go to the given endpoint, not to this baseline.
  bool staged() const { return staged_; }

  // Tears the deployment down once; later calls do nothing. nullopt when everything was removed.
  std::optional<core::Error> close();

 private:
  BaselineSession() = default;

  std::unique_ptr<deploy::Baseline> baseline_;
  deploy::ServingEndpoint endpoint_;
  double time_scale_ = 1.0;
  std::optional<ClientOverhead> overhead_;
  bool deployed_ = true;
  bool staged_ = false;
  bool closed_ = false;
};

}  // namespace lmbench::suite
