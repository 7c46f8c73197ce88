#pragma once
// TraceReplayer (LMBENCH-FORMAT.md, file name "trace_replayer"): replays a Mooncake-format trace
// (trace_file.h: unit detection, unsorted input) as independent single-turn requests.
//
// Selection: the requests with START_TIME <= offset < START_TIME + DURATION (offsets since the
// trace's first request; no upper bound for DURATION "full"), in time order.
// Schedule (open loop):
//  * PRESERVE_TIMING: request i goes at t0 + sum over k <= i of min(gap_k / SPEED_UP, MAX_DELAY),
//    gap_0 = offset_0 - START_TIME and gap_k = offset_k - offset_{k-1}; without MAX_DELAY, no cap.
//  * otherwise: request i at t0 + i / QPS.
// Prompt: PromptSynth::blocks(hash_ids, input_length): each hash id is a fixed 512-token block, so
// requests sharing k leading ids share exactly k * 512 prompt tokens (the last block is cut to
// reach input_length exactly). A line without hash ids gets PromptSynth::user_text(line number,
// seed, input_length): unique text. Completions send the text bare (no chat template), so the
// prompt has exactly input_length tokens; chat sends it as one user message.
// max_tokens = output_length with ignore_eos, so the answer has the trace's length on vLLM.
// No user: Request::user_id is empty and no x-user-id header is sent.
// Sharding: by arrival order (shard.h); skip() passes an entry without building its prompt.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "text/prompt_synth.h"
#include "workloads/trace_file.h"
#include "workloads/workload.h"

namespace lmbench::workloads {

struct TraceReplayerOptions {
  core::Duration start_time{};
  std::optional<core::Duration> duration;  // nullopt: "full"
  bool preserve_timing = false;
  double speed_up = 1.0;
  std::optional<core::Duration> max_delay;
  double qps = 1.0;  // when !preserve_timing
  // Nothing is sent at or after t0 + send_limit (a cap on the run, e.g. for short suites),
  // whatever the selected window holds.
  std::optional<core::Duration> send_limit;
  Api api = Api::kCompletions;
  std::uint64_t seed = 0;
  std::uint64_t salt = 0;  // the run's prompt salt: its own hash-id blocks (WorkloadContext::salt)
};

class TraceReplayerWorkload final : public Workload {
 public:
  // `synth` must outlive the workload. Throws core::ConfigError for invalid options and when no
  // request of the trace falls in the selected window.
  TraceReplayerWorkload(const text::PromptSynth& synth, Trace trace, TraceReplayerOptions options);

  std::string name() const override { return "trace_replayer"; }
  void start(core::TimePoint t0) override;
  std::optional<core::TimePoint> next_send_time() override;
  Request take(core::TimePoint now) override;
  void on_response(const Response& response, core::TimePoint now) override;
  bool finished() const override;
  void skip(core::TimePoint now) override;

  // The selected trace entries, in sending order.
  const std::vector<TraceEntry>& selected() const { return selected_; }

 private:
  const text::PromptSynth& synth_;
  std::string source_;
  TraceReplayerOptions o_;
  std::vector<TraceEntry> selected_;
  std::vector<core::Duration> send_offsets_;  // since t0, per selected entry
  core::TimePoint t0_{};
  std::size_t taken_ = 0;
};

}  // namespace lmbench::workloads
