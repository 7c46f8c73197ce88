#include "sim/prometheus.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

namespace lmbench::sim {
namespace {

// Label values escape backslash, double quote and newline.
std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (const char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  return fmt::format("{}", v);
}

class Writer {
 public:
  explicit Writer(const MetricsLabels& labels)
      : base_(fmt::format("engine=\"{}\",model_name=\"{}\"", labels.engine, escape_label(labels.model_name))) {}

  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void sample(std::string_view name, double value, std::string_view extra_labels = {}) {
    out_ += name;
    out_ += '{';
    out_ += base_;
    if (!extra_labels.empty()) {
      out_ += ',';
      out_ += extra_labels;
    }
    out_ += "} ";
    out_ += number(value);
    out_ += '\n';
  }
  void gauge(std::string_view name, double value, std::string_view help) {
    family(name, "gauge", help);
    sample(name, value);
  }
  void counter(std::string_view name, std::uint64_t value, std::string_view help) {
    family(name, "counter", help);
    sample(name, static_cast<double>(value));
  }
  void histogram(std::string_view name, const Histogram& h, std::string_view help) {
    family(name, "histogram", help);
    const std::string bucket = std::string(name) + "_bucket";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < h.bounds().size(); ++i) {
      cumulative += h.counts()[i];
      sample(bucket, static_cast<double>(cumulative), fmt::format("le=\"{}\"", number(h.bounds()[i])));
    }
    sample(bucket, static_cast<double>(h.count()), "le=\"+Inf\"");
    sample(std::string(name) + "_sum", h.sum());
    sample(std::string(name) + "_count", static_cast<double>(h.count()));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string base_;
  std::string out_;
};

}  // namespace

std::string label_text(const MetricsLabels& labels) {
  return fmt::format("engine=\"{}\",model_name=\"{}\"", labels.engine, escape_label(labels.model_name));
}

std::string render_prometheus(const Engine& engine, const MetricsLabels& labels) {
  const EngineMetrics& m = engine.metrics();
  const Profile& p = engine.profile();
  Writer w(labels);

  w.gauge("vllm:num_requests_running", static_cast<double>(engine.num_running()),
          "Number of requests in model execution batches.");
  w.gauge("vllm:num_requests_waiting", static_cast<double>(engine.num_waiting()),
          "Number of requests waiting to be processed.");
  w.gauge("vllm:kv_cache_usage_perc", engine.kv_cache_usage(), "KV-cache usage. 1 means 100 percent usage.");
  w.gauge("vllm:gpu_cache_usage_perc", engine.kv_cache_usage(),
          "GPU KV-cache usage. 1 means 100 percent usage. DEPRECATED: use vllm:kv_cache_usage_perc.");

  w.counter("vllm:prefix_cache_queries_total", m.prefix_cache_queries,
            "Prefix cache queries, in terms of number of queried tokens.");
  w.counter("vllm:prefix_cache_hits_total", m.prefix_cache_hits,
            "Prefix cache hits, in terms of number of cached tokens.");
  w.counter("vllm:gpu_prefix_cache_queries_total", m.prefix_cache_queries,
            "GPU prefix cache queries, in terms of number of queried tokens. DEPRECATED: use "
            "vllm:prefix_cache_queries.");
  w.counter("vllm:gpu_prefix_cache_hits_total", m.prefix_cache_hits,
            "GPU prefix cache hits, in terms of number of cached tokens. DEPRECATED: use vllm:prefix_cache_hits.");
  w.counter("vllm:external_prefix_cache_queries_total", m.external_prefix_cache_queries,
            "External prefix cache queries from KV connector cross-instance cache sharing, in terms of number of "
            "queried tokens.");
  w.counter("vllm:external_prefix_cache_hits_total", m.external_prefix_cache_hits,
            "External prefix cache hits from KV connector cross-instance cache sharing, in terms of number of "
            "cached tokens.");
  w.counter("vllm:num_preemptions_total", m.num_preemptions, "Cumulative number of preemption from the engine.");
  w.counter("vllm:prompt_tokens_total", m.prompt_tokens, "Number of prefill tokens processed.");
  w.counter("vllm:generation_tokens_total", m.generation_tokens, "Number of generation tokens processed.");

  w.family("vllm:request_success_total", "counter", "Count of successfully processed requests.");
  for (const FinishReason r : {FinishReason::kStop, FinishReason::kLength, FinishReason::kAbort}) {
    w.sample("vllm:request_success_total", static_cast<double>(m.request_success[static_cast<std::size_t>(r)]),
             fmt::format("finished_reason=\"{}\"", finish_reason_name(r)));
  }

  w.histogram("vllm:time_to_first_token_seconds", m.time_to_first_token, "Histogram of time to first token in seconds.");
  w.histogram("vllm:time_per_output_token_seconds", m.inter_token_latency,
              "Histogram of time per output token in seconds. DEPRECATED: use vllm:inter_token_latency_seconds.");
  w.histogram("vllm:inter_token_latency_seconds", m.inter_token_latency, "Histogram of inter-token latency in seconds.");
  w.histogram("vllm:e2e_request_latency_seconds", m.e2e_request_latency,
              "Histogram of e2e request latency in seconds.");
  w.histogram("vllm:request_queue_time_seconds", m.request_queue_time,
              "Histogram of time spent in WAITING phase for request.");
  w.histogram("vllm:request_inference_time_seconds", m.request_inference_time,
              "Histogram of time spent in RUNNING phase for request.");
  w.histogram("vllm:request_prefill_time_seconds", m.request_prefill_time,
              "Histogram of time spent in PREFILL phase for request.");
  w.histogram("vllm:request_decode_time_seconds", m.request_decode_time,
              "Histogram of time spent in DECODE phase for request.");
  w.histogram("vllm:request_prompt_tokens", m.request_prompt_tokens, "Number of prefill tokens processed.");
  w.histogram("vllm:request_generation_tokens", m.request_generation_tokens, "Number of generation tokens processed.");
  w.histogram("vllm:request_params_max_tokens", m.request_params_max_tokens,
              "Histogram of the max_tokens request parameter.");
  w.histogram("vllm:iteration_tokens_total", m.iteration_tokens, "Histogram of number of tokens per engine_step.");

  const auto& sc = p.scheduler;
  w.family("vllm:cache_config_info", "gauge", "Information of the LLMEngine CacheConfig");
  w.sample("vllm:cache_config_info", 1.0,
           fmt::format("block_size=\"{}\",cache_dtype=\"auto\",cpu_offload_gb=\"{}\",enable_prefix_caching=\"{}\","
                       "gpu_memory_utilization=\"0.9\",num_cpu_blocks=\"{}\",num_gpu_blocks=\"{}\"",
                       sc.block_size, p.lmcache.enabled ? number(p.lmcache.cpu_size_gb) : "0",
                       sc.enable_prefix_caching ? "True" : "False",
                       engine.lmcache() ? engine.lmcache()->capacity() * static_cast<std::size_t>(p.lmcache.chunk_size /
                                                                                                 sc.block_size)
                                        : 0,
                       sc.num_gpu_blocks));
  const double now_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  w.family("vllm:lora_requests_info", "gauge", "Running stats on lora requests.");
  w.sample("vllm:lora_requests_info", now_s, "max_lora=\"0\",running_lora_adapters=\"\",waiting_lora_adapters=\"\"");
  return w.take();
}

}  // namespace lmbench::sim
