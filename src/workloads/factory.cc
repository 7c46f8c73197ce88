#include "workloads/factory.h"

#include <cmath>
#include <type_traits>

#include "config/data_files.h"
#include "core/error.h"
#include "core/files.h"
#include "workloads/agentic.h"
#include "workloads/lmcache_synthetic.h"
#include "workloads/random.h"
#include "workloads/sharegpt.h"
#include "workloads/sharegpt_data.h"
#include "workloads/strict_synthetic.h"
#include "workloads/trace_file.h"
#include "workloads/trace_replayer.h"
#include "workloads/vllm_benchmark.h"
#include "workloads/vllm_datasets.h"

namespace lmbench::workloads {

namespace {

core::Duration seconds(config::Seconds s) { return core::from_seconds(s.count()); }

double rate_at(const config::WorkloadConfig& cfg, const std::vector<config::Number>& list, const std::string& key,
               std::size_t i) {
  if (i >= list.size()) {
    throw core::ConfigError(cfg.where, cfg.path + "." + key + ": run " + std::to_string(i) + " requested, but the list has " +
                                           std::to_string(list.size()) + " value(s)");
  }
  return list[i].value;
}

std::filesystem::path require_file(const config::WorkloadConfig& cfg, const std::string& key,
                                   const std::optional<config::DataFile>& file) {
  if (!file) throw core::ConfigError(cfg.where, cfg.path + "." + key + ": a data file is required");
  if (!file->resolved) throw core::ConfigError(cfg.where, cfg.path + "." + key + ": " + config::describe_missing(*file));
  return *file->resolved;
}

std::string read_data(const std::filesystem::path& path) {
  try {
    return core::read_file(path);
  } catch (const std::exception& e) {
    throw core::ConfigError(e.what());  // "cannot read <path>: <reason>"
  }
}

struct Maker {
  const config::WorkloadConfig& cfg;
  std::size_t i;
  const WorkloadContext& ctx;

  std::unique_ptr<Workload> operator()(const config::LMCacheSynthetic& w) const {
    LMCacheSyntheticOptions o;
    if (w.use_sharegpt) {
      const auto path = require_file(cfg, "SHAREGPT_FILE", w.sharegpt_file);
      o.sharegpt = parse_sharegpt(read_data(path), path.string());
    }
    o.num_users = w.num_users;
    o.num_users_warmup = w.num_users_warmup;
    o.num_rounds = w.num_rounds;
    o.system_prompt = w.system_prompt;
    o.chat_history = w.chat_history;
    o.answer_len = w.answer_len;
    o.qps = rate_at(cfg, w.qps, "QPS", i);
    o.duration = ctx.duration ? *ctx.duration : seconds(w.duration);
    o.api = ctx.api;
    o.seed = salted(ctx.seed, ctx.salt);
    return std::make_unique<LMCacheSyntheticWorkload>(*ctx.tokenizer, *ctx.synth, o);
  }

  std::unique_ptr<Workload> operator()(const config::StrictSynthetic& w) const {
    StrictSyntheticOptions o;
    o.num_users = w.num_concurrent_users;
    o.num_rounds = w.num_rounds_per_user;
    o.period_s = rate_at(cfg, w.time_between_requests_per_user, "TIME_BETWEEN_REQUESTS_PER_USER", i);
    o.system_prompt = w.shared_system_prompt_len;
    o.first_prompt = w.first_prompt_len;
    o.follow_up_prompt = w.follow_up_prompts_len;
    o.answer_len = w.answer_len;
    o.kv_reuse_ratio = w.kv_reuse_ratio;
    o.duration = ctx.duration;
    o.api = ctx.api;
    o.seed = salted(ctx.seed, ctx.salt);
    return std::make_unique<StrictSyntheticWorkload>(*ctx.tokenizer, *ctx.synth, o);
  }

  std::unique_ptr<Workload> operator()(const config::Agentic& w) const {
    AgenticOptions o;
    o.num_users_warmup = w.num_users_warmup;
    o.num_agents = w.num_agents;
    o.num_rounds = w.num_rounds;
    o.system_prompt = w.system_prompt;
    o.chat_history = w.chat_history;
    o.answer_len = w.answer_len;
    o.new_user_interval_s = rate_at(cfg, w.new_user_intervals, "NEW_USER_INTERVALS", i);
    o.duration = ctx.duration ? *ctx.duration : seconds(w.duration);
    o.models = w.models;
    o.api = ctx.api;
    o.seed = salted(ctx.seed, ctx.salt);
    return std::make_unique<AgenticWorkload>(*ctx.tokenizer, *ctx.synth, o);
  }

  std::unique_ptr<Workload> operator()(const config::Random& w) const {
    RandomOptions o;
    o.num_users = w.num_users;
    o.num_rounds = w.num_rounds;
    o.prompt_len = w.prompt_len;
    o.answer_len = w.answer_len;
    o.qps = rate_at(cfg, w.qps, "QPS", i);
    o.api = ctx.api;
    o.seed = salted(ctx.seed, ctx.salt);
    o.duration = ctx.duration;
    return std::make_unique<RandomWorkload>(*ctx.synth, o);
  }

  std::unique_ptr<Workload> operator()(const config::ShareGpt& w) const {
    const auto path = require_file(cfg, "SHAREGPT_FILE", w.sharegpt_file);
    ShareGptOptions o;
    o.limit = w.limit;
    o.min_rounds = w.min_rounds;
    o.start_round = w.start_round;
    o.qps = rate_at(cfg, w.qps, "QPS", i);
    o.duration = ctx.duration;
    o.api = ctx.api;
    auto conversations = parse_sharegpt(read_data(path), path.string());
    if (ctx.salt != 0) {
      // Recorded conversations are the same text every run: the run's tag opens each one.
      const std::string tag = salt_tag(*ctx.synth, ctx.salt);
      for (auto& c : conversations) {
        if (!c.rounds.empty()) c.rounds.front().question = tag + "\n" + c.rounds.front().question;
      }
    }
    return std::make_unique<ShareGptWorkload>(*ctx.tokenizer, std::move(conversations), o);
  }

  std::unique_ptr<Workload> operator()(const config::TraceReplayer& w) const {
    const auto path = require_file(cfg, "TRACE_FILE", w.trace_file);
    TraceReplayerOptions o;
    o.start_time = seconds(w.start_time);
    if (w.duration) o.duration = seconds(*w.duration);
    o.preserve_timing = w.preserve_timing;
    o.speed_up = w.speed_up;
    if (w.max_delay) o.max_delay = seconds(*w.max_delay);
    if (w.preserve_timing) {
      if (i > 0) {
        throw core::ConfigError(cfg.where, cfg.path + ".PRESERVE_TIMING: a timed replay is one run (QPS is ignored); run " +
                                               std::to_string(i) + " requested");
      }
    } else {
      o.qps = rate_at(cfg, w.qps, "QPS", i);
    }
    o.send_limit = ctx.duration;
    o.api = ctx.api;
    o.seed = salted(ctx.seed, ctx.salt);
    o.salt = ctx.salt;
    return std::make_unique<TraceReplayerWorkload>(*ctx.synth, read_trace(path), o);
  }

  std::unique_ptr<Workload> operator()(const config::VllmBenchmark& w) const {
    const auto seed = static_cast<std::uint64_t>(w.seed);
    std::vector<VllmPrompt> prompts;
    if (w.dataset_name == "random") {
      prompts = vllm_random_prompts(*ctx.synth, w.num_prompts, w.random_input_len, w.random_output_len,
                                    w.random_range_ratio, seed, salted(seed, ctx.salt));
    } else if (w.dataset_name == "sonnet") {
      const auto path = require_file(cfg, "DATASET_PATH", w.dataset_file);
      prompts = vllm_sonnet_prompts(*ctx.tokenizer, read_data(path), path.string(), w.num_prompts, w.sonnet_input_len,
                                    w.sonnet_prefix_len, w.sonnet_output_len, seed);
    } else if (w.dataset_name == "sharegpt") {
      const auto path = require_file(cfg, "DATASET_PATH", w.dataset_file);
      prompts = vllm_sharegpt_prompts(*ctx.tokenizer, parse_sharegpt(read_data(path), path.string()), w.num_prompts,
                                      w.sharegpt_output_len);
    } else if (w.dataset_name == "custom") {
      const auto path = require_file(cfg, "DATASET_PATH", w.dataset_file);
      prompts = vllm_custom_prompts(*ctx.tokenizer, read_data(path), path.string(), w.num_prompts, w.custom_output_len);
    } else {
      throw core::ConfigError(cfg.where, cfg.path + ".DATASET_NAME: '" + w.dataset_name +
                                             "' needs the Hugging Face hub, which lmbench does not reach; export the "
                                             "dataset to JSONL and use DATASET_NAME: custom");
    }
    if (ctx.salt != 0 && w.dataset_name != "random") {
      // A file's prompts are the same text every run: the run's tag opens each one (the same
      // tag for all, so the sonnet prefix stays shared within the run).
      const std::string tag = salt_tag(*ctx.synth, ctx.salt) + "\n";
      for (auto& p : prompts) {
        p.text = tag + p.text;
        p.prompt_tokens = static_cast<int>(ctx.tokenizer->count(p.text));
      }
    }
    VllmBenchmarkOptions o;
    o.dataset = w.dataset_name;
    o.request_rate = rate_at(cfg, w.request_rates, "REQUEST_RATES", i);
    o.burstiness = w.burstiness;
    o.seed = seed;
    o.temperature = w.temperature;
    o.top_p = w.top_p;
    o.top_k = w.top_k;
    o.max_tokens = w.max_tokens;
    o.ignore_eos = w.ignore_eos;
    o.duration = ctx.duration;
    o.api = ctx.api;
    return std::make_unique<VllmBenchmarkWorkload>(std::move(prompts), o);
  }
};

}  // namespace

std::unique_ptr<Workload> make_workload(const config::WorkloadConfig& config, std::size_t qps_index,
                                        const WorkloadContext& context) {
  if (!context.tokenizer || !context.synth) {
    throw core::ConfigError(config.path + ": prompts of exact token lengths need a tokenizer, and none is loaded");
  }
  return apply_shard(std::visit(Maker{config, qps_index, context}, config.kind), context.shard);
}

std::size_t run_count(const config::WorkloadConfig& config) {
  return std::visit(
      [](const auto& w) -> std::size_t {
        using T = std::decay_t<decltype(w)>;
        if constexpr (std::is_same_v<T, config::StrictSynthetic>) {
          return w.time_between_requests_per_user.size();
        } else if constexpr (std::is_same_v<T, config::Agentic>) {
          return w.new_user_intervals.size();
        } else if constexpr (std::is_same_v<T, config::VllmBenchmark>) {
          return w.request_rates.size();
        } else if constexpr (std::is_same_v<T, config::TraceReplayer>) {
          return w.preserve_timing ? 1 : w.qps.size();
        } else {
          return w.qps.size();
        }
      },
      config.kind);
}

}  // namespace lmbench::workloads
