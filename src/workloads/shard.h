#pragma once
// One shard of a workload run, for load spread over several `lmbench worker` processes
// (ARCHITECTURE.md "Workers"). The shards 0..count-1 of a run together send exactly what the
// whole run sends with the same seed: the same intended send times, prompts and max_tokens.
//
//  * A workload with users (LMCacheSynthetic, StrictSynthetic, Agentic, ShareGPT) shards by
//    user: all rounds of a user stay in one shard, since each round carries the previous answer.
//    It implements Workload::restrict_to_shard.
//  * An open-arrival workload (Random, VLLMBenchmark, TraceReplayer) shards its global arrival
//    sequence: request i belongs to shard i mod count (ShardFilter below).
//
// Request ids stay those of the whole run where the workload numbers its requests from its
// schedule alone (open arrival); a user-based shard numbers its own requests, so ids are unique
// within a shard only (the coordinator renumbers merged records).

#include <memory>
#include <optional>
#include <string>

#include "workloads/workload.h"

namespace lmbench::workloads {

struct Shard {
  int index = 0;
  int count = 1;
  bool whole() const { return count == 1; }
  bool owns(std::uint64_t n) const { return static_cast<int>(n % static_cast<std::uint64_t>(count)) == index; }
};

// Open-arrival sharding: passes on the requests whose ordinal (0, 1, ... in the whole run's take
// order) is in `shard`; the others are skipped (Workload::skip, at their own intended time) as
// soon as they are next: after start() and take(), and in next_send_time(), which so returns the
// next own request's time. An open-arrival schedule does not depend on the clock, so skipping
// ahead of it changes nothing, and finished() is true once only foreign requests are left. The
// schedule of the kept ones is the whole run's.
class ShardFilter final : public Workload {
 public:
  ShardFilter(std::unique_ptr<Workload> inner, Shard shard);

  std::string name() const override { return inner_->name(); }
  void start(core::TimePoint t0) override;
  std::optional<core::TimePoint> next_send_time() override;
  Request take(core::TimePoint now) override;
  void on_response(const Response& response, core::TimePoint now) override;
  bool finished() const override;

 private:
  void skip_foreign();  // advances the inner workload past requests of other shards

  std::unique_ptr<Workload> inner_;
  Shard shard_;
  std::uint64_t ordinal_ = 0;  // of the inner workload's next request
};

// `whole` for count 1; otherwise the workload restricted to its users (restrict_to_shard) or,
// when it has none, wrapped in a ShardFilter. Throws core::ConfigError for a bad shard.
std::unique_ptr<Workload> apply_shard(std::unique_ptr<Workload> whole, Shard shard);

}  // namespace lmbench::workloads
