#include "suite/baseline_session.h"

#include <fmt/format.h>

#include "suite/baseline_factory.h"
#include "suite/readiness.h"

namespace lmbench::suite {

core::Result<std::unique_ptr<BaselineSession>> BaselineSession::open(const SuiteEnv& env, const Plan& plan,
                                                                     const BaselinePlan& bp,
                                                                     const config::Baseline& bcfg,
                                                                     const std::filesystem::path& logs_dir) {
  const auto& options = env.options;
  std::unique_ptr<BaselineSession> s(new BaselineSession());
  const auto* endpoint = std::get_if<config::Endpoint>(&bcfg.kind);
  if (options.start_from >= 3) {
    env.log << fmt::format("-- baseline {} ({}): staged start (--start-from 3): the running endpoint {}, nothing deployed\n",
                           bp.key, bcfg.type, options.endpoint_url.value_or(kStagedStartUrl));
  } else if (endpoint) {
    env.log << fmt::format("-- baseline {} (Endpoint): {}, nothing deployed\n", bp.key, endpoint->base_url);
  } else {
    env.log << fmt::format("-- baseline {} ({}): deploying\n", bp.key, bcfg.type);
  }
  s->deployed_ = options.start_from < 3 && !endpoint;
  s->staged_ = options.start_from >= 3;
  try {
    if (options.start_from >= 3) {
      config::Baseline b = bcfg;
      b.kind = config::Endpoint{.base_url = options.endpoint_url.value_or(kStagedStartUrl)};
      s->baseline_ = make_baseline(b, plan.infrastructure.location, options.deploy, env.clock);
    } else {
      DeployContext ctx = options.deploy;
      if (!ctx.log_dir.empty()) ctx.log_dir /= bp.key;
      s->baseline_ = make_baseline(bcfg, plan.infrastructure.location, ctx, env.clock);
      s->time_scale_ = baseline_time_scale(bcfg, plan.infrastructure.location, options.deploy);
    }
  } catch (const core::ConfigError& e) {
    return core::Error{"config", e.what()};
  }
  // A deploy that fails is the moment its logs matter: save them before the teardown.
  const auto failed = [&](std::string kind, std::string message) {
    if (s->deployed_) {
      auto logs = s->baseline_->logs(logs_dir, bp.key + "_deploy-failed");
      if (logs && !logs->empty()) {
        message += fmt::format(" (logs of the failed deploy: {}/*_{}_deploy-failed.log)", logs_dir.string(), bp.key);
      } else if (!logs) {
        message += fmt::format(" (its logs could not be saved: {})", logs.error().message);
      }
    }
    return core::Error{std::move(kind), std::move(message)};
  };
  auto up = s->baseline_->up();
  for (const auto& line : s->baseline_->take_notices()) env.log << fmt::format("-- baseline {}: {}\n", bp.key, line);
  if (!up) return failed("deploy", fmt::format("deploy: {}", up.error().message));
  s->endpoint_ = *up;
  if (options.model_url) s->endpoint_.model = *options.model_url;
  auto ready = wait_until_ready(s->endpoint_, *s->baseline_, env.clock, {.timeout = options.ready_timeout});
  if (!ready) return failed("not_ready", fmt::format("not ready: {}", ready.error().message));
  env.log << fmt::format("-- baseline {}: serving {} at {}\n", bp.key, s->endpoint_.model, s->endpoint_.base_url);
  auto warm = warm_up(s->endpoint_, bcfg.api_type, env.clock);
  if (!warm) return failed(warm.error().kind, warm.error().message);
  env.log << fmt::format("-- baseline {}: warmed up (one unmeasured request, {:.0f} ms)\n", bp.key,
                         core::to_seconds(*warm) * 1000);
  if (s->deployed_ && s->baseline_->kind() == "Simulated") {
    // What the client's own path adds to every TTFT, in the run's modelled time.
    auto overhead = measure_client_overhead(s->endpoint_, bcfg.api_type, s->time_scale_, env.clock, env.tokenizer,
                                            env.synth, {.salt = options.prompt_salt});
    if (!overhead) return core::Error{"calibration", fmt::format("calibration: {}", overhead.error().message)};
    s->overhead_ = *overhead;
    env.log << fmt::format(
        "-- baseline {}: client overhead {:.3f} ms per request (median of {}), {:.1f} ms of modelled TTFT at time scale {}\n",
        bp.key, overhead->wall_ms, overhead->requests, overhead->modelled_ms, s->time_scale_);
  }
  return s;
}

BaselineSession::~BaselineSession() { close(); }

std::optional<core::Error> BaselineSession::close() {
  if (closed_ || !baseline_) return std::nullopt;
  closed_ = true;
  return baseline_->down();
}

}  // namespace lmbench::suite
