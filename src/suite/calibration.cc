#include "suite/calibration.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

#include "http/client.h"
#include "http/event_loop.h"
#include "load/runner.h"
#include "metrics/percentile.h"
#include "openai/request.h"
#include "workloads/workload.h"

namespace lmbench::suite {

namespace {

// N short requests on a fixed schedule (open loop, like a run's, with the machine idle between
// them as it mostly is at moderate load), each with its own X-Request-Id so the simulator's
// timing of it can be asked for afterwards.
class CalibrationWorkload final : public workloads::Workload {
 public:
  CalibrationWorkload(const text::PromptSynth& synth, workloads::Api api, const CalibrationOptions& o)
      : synth_(synth), api_(api), o_(o) {
    if (o_.shared_prefix_tokens > 0) prefix_ = synth_.user_text(o_.salt, o_.salt ^ 0xca1, o_.shared_prefix_tokens);
  }

  std::string name() const override { return "calibration"; }
  void start(core::TimePoint t0) override { next_ = t0; }
  std::optional<core::TimePoint> next_send_time() override {
    if (taken_ >= o_.requests) return std::nullopt;
    return next_;
  }
  workloads::Request take(core::TimePoint now) override {
    workloads::Request r;
    r.id = static_cast<std::uint64_t>(taken_);
    r.intended_send = *next_;
    r.api = api_;
    std::string prompt = synth_.user_text(o_.salt + static_cast<std::uint64_t>(taken_), o_.salt, o_.prompt_tokens);
    if (o_.shared_prefix_tokens > 0) {
      std::string whole;
      whole.reserve(prefix_.size() + prompt.size() + 8);
      whole.append(prefix_).append("\nUser:").append(prompt);
      prompt = std::move(whole);
    }
    if (api_ == workloads::Api::kChat) {
      r.messages.push_back({"user", std::move(prompt)});
    } else {
      r.prompt = std::move(prompt);
    }
    r.prompt_tokens = o_.prompt_tokens;
    r.max_tokens = 2;
    r.headers.emplace_back("X-Request-Id", request_id(taken_));
    next_ = *next_ + o_.gap;
    ++taken_;
    (void)now;
    return r;
  }
  void on_response(const workloads::Response&, core::TimePoint) override {}
  bool finished() const override { return taken_ >= o_.requests; }

  std::string request_id(int n) const { return fmt::format("lmbench-calibration-{:x}-{}", o_.salt, n); }

 private:
  const text::PromptSynth& synth_;
  workloads::Api api_;
  CalibrationOptions o_;
  int taken_ = 0;
  std::optional<core::TimePoint> next_;
  std::string prefix_;
};

}  // namespace

core::Result<ClientOverhead> measure_client_overhead(const deploy::ServingEndpoint& endpoint, config::ApiType api,
                                                     double scale, const core::Clock& clock,
                                                     const text::Tokenizer& tokenizer, const text::PromptSynth& synth,
                                                     const CalibrationOptions& options) {
  auto base = http::Url::parse(endpoint.base_url);
  if (!base) return base.error();
  const auto wapi = api == config::ApiType::kChat ? workloads::Api::kChat : workloads::Api::kCompletions;
  CalibrationWorkload workload(synth, wapi, options);
  http::EventLoop loop;
  const core::ScaledClock scaled(clock, scale);
  const core::Clock& run_clock = scale == 1.0 ? clock : static_cast<const core::Clock&>(scaled);
  load::RunnerOptions ro;
  ro.base_url = *base;
  ro.model = endpoint.model;
  ro.time_scale = scale;
  ro.tokenizer = &tokenizer;
  ro.drain_timeout = std::chrono::seconds(10);
  if (endpoint.api_key) ro.client.bearer_token = endpoint.api_key->reveal();
  load::Runner runner(loop, run_clock, ro);
  const auto result = runner.run(workload);

  std::vector<double> overheads;
  for (const auto& r : result.records) {
    // With a shared prefix, the first request only fills the caches.
    if (options.shared_prefix_tokens > 0 && r.request_id == 0) continue;
    if (!r.ok() || !r.has_first_token()) {
      return core::Error{"calibration", fmt::format("calibration request failed: {}: {}", r.error_kind, r.error_message)};
    }
    // Behind lmbench router the engine that served it knows its timing (x-lmbench-backend).
    http::Request req;
    req.url = *base;
    if (!r.backend.empty()) {
      auto engine = http::Url::parse(r.backend);
      if (!engine) return engine.error();
      req.url = *engine;
    }
    req.url.target = "/lmbench/timing?request_id=" + workload.request_id(static_cast<int>(r.request_id));
    http::ClientOptions client;
    client.connect_timeout = std::chrono::milliseconds(2000);
    auto answer = http::fetch(req, clock, client, std::chrono::milliseconds(5000));
    if (!answer) return answer.error();
    if (answer->status != 200) {
      return core::Error{"calibration", fmt::format("GET {} answered {}: not an lmbench simulator", req.url.target,
                                                    answer->status)};
    }
    const auto j = nlohmann::json::parse(answer->body, nullptr, false);
    if (j.is_discarded() || !j.contains("model_ttft_ms") || !j["model_ttft_ms"].is_number()) {
      return core::Error{"calibration", "GET /lmbench/timing: no model_ttft_ms in " + answer->body.substr(0, 200)};
    }
    overheads.push_back(core::to_ms(r.first_token - r.actual_send) - j["model_ttft_ms"].get<double>());
  }
  if (overheads.empty()) return core::Error{"calibration", "no calibration request was sent"};
  ClientOverhead out;
  out.scale = scale;
  out.requests = static_cast<int>(overheads.size());
  out.modelled_ms = metrics::median(overheads);
  out.wall_ms = out.modelled_ms / scale;
  out.max_modelled_ms = *std::max_element(overheads.begin(), overheads.end());
  return out;
}

}  // namespace lmbench::suite
