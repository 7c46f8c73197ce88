#include "sim/step_model.h"

#include <algorithm>
#include <cmath>

namespace lmbench::sim {

StepModel::StepModel(const Profile& profile)
    : table_(profile.step.linear_ms), cfg_(profile.step), frontend_(profile.frontend), lmcache_(profile.lmcache) {
  for (const auto& [n, ms] : table_) {
    log_n_.push_back(std::log(static_cast<double>(n)));
    log_ms_.push_back(std::log(ms));
  }
}

double StepModel::linear_ms(int num_tokens) const {
  if (num_tokens <= 0) return 0.0;
  if (num_tokens <= table_.front().first) return table_.front().second;
  if (num_tokens >= table_.back().first) {
    return table_.back().second + cfg_.linear_tail_us_per_token * 1e-3 * (num_tokens - table_.back().first);
  }
  const double x = std::log(static_cast<double>(num_tokens));
  const auto it = std::upper_bound(log_n_.begin(), log_n_.end(), x);
  const std::size_t hi = static_cast<std::size_t>(it - log_n_.begin());
  const std::size_t lo = hi - 1;
  const double f = (x - log_n_[lo]) / (log_n_[hi] - log_n_[lo]);
  return std::exp(log_ms_[lo] + f * (log_ms_[hi] - log_ms_[lo]));
}

double StepModel::compute_ms(std::span<const StepItem> items) const {
  long long n_tok = 0;
  int n_sampled = 0;
  double attn_flops = 0.0;
  double kv_bytes = 0.0;
  const double flops_per_qc = 4.0 * cfg_.num_layers * cfg_.attention_width;
  for (const auto& it : items) {
    n_tok += it.new_tokens;
    n_sampled += it.samples ? 1 : 0;
    if (it.new_tokens > 1) {
      attn_flops += flops_per_qc * it.new_tokens * (it.context_tokens + it.new_tokens / 2.0);
    }
    kv_bytes += static_cast<double>(it.context_tokens) * cfg_.kv_bytes_per_token;
  }
  if (n_tok == 0) return cfg_.overhead_ms;
  double ms = cfg_.overhead_ms + linear_ms(static_cast<int>(std::min<long long>(n_tok, 1LL << 30)));
  if (n_sampled > 0) {
    const double weight_read_s = cfg_.lm_head_bytes / (cfg_.weight_bw_gbps * 1e9);
    const double head_flops_s =
        2.0 * cfg_.hidden_size * static_cast<double>(cfg_.vocab_size) * n_sampled / (cfg_.lm_head_tflops * 1e12);
    ms += 1e3 * std::max(weight_read_s, head_flops_s);
  }
  ms += 1e3 * attn_flops / (cfg_.attention_tflops * 1e12);
  ms += 1e3 * kv_bytes / (cfg_.attention_bw_gbps * 1e9);
  return ms;
}

double StepModel::load_ms(std::span<const StepItem> items) const {
  double ms = 0.0;
  for (const auto& it : items) {
    if (it.loaded_tokens <= 0) continue;
    ms += lmcache_.load_overhead_ms +
          1e3 * static_cast<double>(it.loaded_tokens) * cfg_.kv_bytes_per_token / (lmcache_.load_gbps * 1e9);
  }
  return ms;
}

core::Duration StepModel::step_time(std::span<const StepItem> items) const {
  const double compute = compute_ms(items);
  const double load = load_ms(items);
  const double ms = lmcache_.layerwise ? std::max(compute, load) : compute + load;
  return std::chrono::duration_cast<core::Duration>(std::chrono::duration<double, std::milli>(ms));
}

core::Duration StepModel::frontend_delay(int prompt_tokens) const {
  const double ms = frontend_.base_ms + frontend_.per_token_us * 1e-3 * prompt_tokens;
  return std::chrono::duration_cast<core::Duration>(std::chrono::duration<double, std::milli>(ms));
}

}  // namespace lmbench::sim
