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
#include "suite/plan.h"
#include "suite/suite_env.h"

namespace lmbench::suite {

class BaselineSession {
 public:
  // Deploys `bcfg` and brings it to the point where runs can start. Progress lines go to
  // env.log. An error names what failed ("deploy: ...", "not ready: ...", the warm-up's answer).
  static core::Result<std::unique_ptr<BaselineSession>> open(const SuiteEnv& env, const Plan& plan,
                                                             const BaselinePlan& bp, const config::Baseline& bcfg);
  ~BaselineSession();
  BaselineSession(const BaselineSession&) = delete;
  BaselineSession& operator=(const BaselineSession&) = delete;

  const deploy::ServingEndpoint& endpoint() const { return endpoint_; }
  deploy::Baseline& baseline() { return *baseline_; }
  // How many times faster than the modelled hardware the baseline runs (a time-scaled
  // simulator); 1 for everything real and for staged starts.
  double time_scale() const { return time_scale_; }
  // Whether lmbench deployed it (false on a staged start, --start-from 3).
  bool deployed() const { return deployed_; }

  // Tears the deployment down once; later calls do nothing. nullopt when everything was removed.
  std::optional<core::Error> close();

 private:
  BaselineSession() = default;

  std::unique_ptr<deploy::Baseline> baseline_;
  deploy::ServingEndpoint endpoint_;
  double time_scale_ = 1.0;
  bool deployed_ = true;
  bool closed_ = false;
};

}  // namespace lmbench::suite
