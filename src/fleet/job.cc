#include "fleet/job.h"

#include <fmt/format.h>

#include <cstdlib>

#include "config/workload_file.h"
#include "core/paths.h"
#include "http/client.h"
#include "http/url.h"
#include "load/arrival.h"
#include "workloads/conversation.h"
#include "workloads/factory.h"
#include "workloads/random.h"

namespace lmbench::fleet {

namespace {

using Json = nlohmann::json;

template <typename T>
std::optional<T> opt(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->template get<T>();
}

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace

Json job_to_json(const Job& job) {
  Json j;
  j["workload"] = job.workload;
  j["api"] = job.api;
  j["model"] = job.model;
  j["seed"] = job.seed;
  j["salt"] = job.salt;
  j["duration_s"] = job.duration_s ? Json(*job.duration_s) : Json(nullptr);
  j["tokenizer"] = job.tokenizer;
  j["base_url"] = job.base_url;
  j["time_limit_s"] = job.time_limit_s ? Json(*job.time_limit_s) : Json(nullptr);
  j["drain_timeout_s"] = job.drain_timeout_s;
  j["first_byte_timeout_s"] = job.first_byte_timeout_s;
  j["idle_timeout_s"] = job.idle_timeout_s;
  j["total_timeout_s"] = job.total_timeout_s;
  j["verify_tls"] = job.verify_tls;
  j["include_usage"] = job.include_usage;
  j["time_scale"] = job.time_scale;
  j["shard"] = {{"index", job.shard.index}, {"count", job.shard.count}};
  return j;
}

core::Result<Job> job_from_json(const Json& j) {
  try {
    Job job;
    job.workload = j.at("workload");
    if (!job.workload.is_object() || !job.workload.contains("kind")) {
      return core::Error{"format", "job: 'workload' must be an object with a 'kind'"};
    }
    job.api = j.at("api").get<std::string>();
    job.model = j.at("model").get<std::string>();
    job.seed = j.at("seed").get<std::uint64_t>();
    job.salt = j.at("salt").get<std::uint64_t>();
    job.duration_s = opt<double>(j, "duration_s");
    job.tokenizer = j.at("tokenizer").get<std::string>();
    job.base_url = j.at("base_url").get<std::string>();
    job.time_limit_s = opt<double>(j, "time_limit_s");
    job.drain_timeout_s = j.at("drain_timeout_s").get<double>();
    job.first_byte_timeout_s = j.at("first_byte_timeout_s").get<double>();
    job.idle_timeout_s = j.at("idle_timeout_s").get<double>();
    job.total_timeout_s = j.value("total_timeout_s", 0.0);
    job.verify_tls = j.at("verify_tls").get<bool>();
    job.include_usage = j.at("include_usage").get<bool>();
    job.time_scale = j.at("time_scale").get<double>();
    job.shard.index = j.at("shard").at("index").get<int>();
    job.shard.count = j.at("shard").at("count").get<int>();
    return job;
  } catch (const std::exception& e) {
    return core::Error{"format", std::string("job: ") + e.what()};
  }
}

JobWorkload build_job_workload(const Job& job) {
  JobWorkload out;
  if (!job.tokenizer.empty()) {
    out.tokenizer = std::make_unique<text::Tokenizer>(text::Tokenizer::from_file(job.tokenizer));
  } else if (const auto path = core::default_tokenizer_path()) {
    out.tokenizer = std::make_unique<text::Tokenizer>(text::Tokenizer::from_file(*path));
  } else {
    throw core::ConfigError("worker: prompts of exact token lengths need a tokenizer, and none was found");
  }
  out.synth = std::make_unique<text::PromptSynth>(*out.tokenizer);
  const auto api = job.api == "chat" ? workloads::Api::kChat : workloads::Api::kCompletions;
  const Json& w = job.workload;
  const auto kind = w.at("kind").get<std::string>();
  if (kind == "spec") {
    // The entry's keys as --set overrides: JSON is YAML, so every value reads back as written.
    std::vector<std::string> sets;
    for (const auto& [key, value] : w.at("keys").items()) sets.push_back(key + "=" + value.dump());
    std::vector<config::Warning> warnings;
    const auto cfg = config::load_workload_config(w.at("type").get<std::string>(), std::nullopt, sets,
                                                  w.at("root").get<std::string>(), &warnings);
    workloads::WorkloadContext ctx;
    ctx.tokenizer = out.tokenizer.get();
    ctx.synth = out.synth.get();
    ctx.api = api;
    ctx.model = job.model;
    ctx.seed = job.seed;
    ctx.salt = job.salt;
    if (job.duration_s) ctx.duration = core::from_seconds(*job.duration_s);
    ctx.shard = job.shard;
    out.workload = workloads::make_workload(cfg, w.at("rate_index").get<std::size_t>(), ctx);
    return out;
  }
  if (kind == "random") {
    const double qps = w.at("qps").get<double>();
    workloads::RandomOptions o{.num_users = w.at("num_users").get<int>(),
                               .num_rounds = w.at("num_rounds").get<int>(),
                               .prompt_len = w.at("prompt_len").get<int>(),
                               .answer_len = w.at("answer_len").get<int>(),
                               .qps = qps,
                               .api = api,
                               .seed = workloads::salted(job.seed, job.salt),
                               .ignore_eos = w.at("ignore_eos").get<bool>(),
                               .next_gap = load::gap_function(w.at("arrival").get<std::string>(), qps,
                                                              w.at("burstiness").get<double>(), job.seed)};
    out.workload = workloads::apply_shard(std::make_unique<workloads::RandomWorkload>(*out.synth, o), job.shard);
    return out;
  }
  throw core::ConfigError("worker: unknown workload kind '" + kind + "'");
}

load::RunnerOptions job_runner_options(const Job& job, const text::Tokenizer* tokenizer) {
  load::RunnerOptions ro;
  const auto url = http::Url::parse(job.base_url);
  if (!url) throw core::ConfigError("worker: base_url: " + url.error().message);
  ro.base_url = *url;
  ro.model = job.model;
  ro.client.verify_tls = job.verify_tls;
  ro.client.first_byte_timeout = ms(job.first_byte_timeout_s);
  ro.client.idle_timeout = ms(job.idle_timeout_s);
  ro.client.total_timeout = ms(job.total_timeout_s);
  if (const char* key = std::getenv(kApiKeyEnv); key && *key) ro.client.bearer_token = key;
  if (job.time_limit_s) ro.time_limit = core::from_seconds(*job.time_limit_s);
  ro.drain_timeout = core::from_seconds(job.drain_timeout_s);
  ro.tokenizer = tokenizer;
  ro.include_usage = job.include_usage;
  ro.time_scale = job.time_scale;
  return ro;
}

}  // namespace lmbench::fleet
