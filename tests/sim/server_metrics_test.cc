// GET /metrics through real HTTP, checked by a strict Prometheus text-format (0.0.4) parser
// written here: HELP/TYPE before samples, metric and label name charsets, quoted and escaped
// label values, numeric values, histogram _bucket/_sum/_count consistency.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <regex>
#include <set>

#include "sim/server_fixture.h"

namespace lmbench::sim::testing {
namespace {

using json = nlohmann::json;

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Family {
  std::string type;
  std::string help;
  std::vector<Sample> samples;
};

bool valid_metric_name(const std::string& s) {
  static const std::regex re("[a-zA-Z_:][a-zA-Z0-9_:]*");
  return std::regex_match(s, re);
}
bool valid_label_name(const std::string& s) {
  static const std::regex re("[a-zA-Z_][a-zA-Z0-9_]*");
  return std::regex_match(s, re) && s.rfind("__", 0) != 0;
}

double parse_value(const std::string& v) {
  if (v == "+Inf") return INFINITY;
  if (v == "-Inf") return -INFINITY;
  if (v == "NaN") return NAN;
  std::size_t used = 0;
  const double d = std::stod(v, &used);
  if (used != v.size()) throw std::runtime_error("bad value '" + v + "'");
  return d;
}

// Throws std::runtime_error with the line number on any violation.
std::map<std::string, Family> parse_prometheus(const std::string& text) {
  std::map<std::string, Family> families;
  std::string current;  // family whose TYPE came last
  std::size_t pos = 0;
  int line_no = 0;
  if (text.empty() || text.back() != '\n') throw std::runtime_error("body must end with a newline");
  while (pos < text.size()) {
    const std::size_t eol = text.find('\n', pos);
    const std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    const auto fail = [&](const std::string& why) {
      throw std::runtime_error("line " + std::to_string(line_no) + ": " + why + ": " + line);
    };
    if (line.empty()) fail("empty line");
    if (line[0] == '#') {
      std::istringstream in(line);
      std::string hash, kind, name;
      in >> hash >> kind >> name;
      if (hash != "#" || (kind != "HELP" && kind != "TYPE")) fail("comment other than HELP/TYPE");
      if (!valid_metric_name(name)) fail("bad metric name");
      std::string rest;
      std::getline(in, rest);
      if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
      Family& f = families[name];
      if (kind == "HELP") {
        if (!f.help.empty()) fail("second HELP");
        if (rest.empty()) fail("empty HELP");
        f.help = rest;
      } else {
        if (!f.type.empty()) fail("second TYPE");
        if (!f.samples.empty()) fail("TYPE after samples");
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary", "untyped"};
        if (!kTypes.count(rest)) fail("unknown type");
        f.type = rest;
        current = name;
      }
      continue;
    }
    Sample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (!valid_metric_name(s.name)) fail("bad sample name");
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::size_t eq = line.find('=', i);
        if (eq == std::string::npos) fail("label without '='");
        const std::string lname = line.substr(i, eq - i);
        if (!valid_label_name(lname)) fail("bad label name '" + lname + "'");
        if (eq + 1 >= line.size() || line[eq + 1] != '"') fail("unquoted label value");
        std::string value;
        std::size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\') {
            ++j;
            if (j >= line.size()) fail("dangling escape");
            if (line[j] == 'n') {
              value.push_back('\n');
            } else if (line[j] == '\\' || line[j] == '"') {
              value.push_back(line[j]);
            } else {
              fail("bad escape");
            }
          } else {
            value.push_back(line[j]);
          }
        }
        if (j >= line.size()) fail("unterminated label value");
        if (s.labels.count(lname)) fail("duplicate label");
        s.labels[lname] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size()) fail("unterminated label set");
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') fail("no space before the value");
    const std::string rest = line.substr(i + 1);
    if (rest.find(' ') != std::string::npos) fail("timestamps are not expected");
    try {
      s.value = parse_value(rest);
    } catch (const std::exception&) {
      fail("bad value");
    }
    if (current.empty()) fail("sample before any TYPE");
    const Family& f = families[current];
    const bool same = s.name == current;
    const bool hist_part = f.type == "histogram" &&
                           (s.name == current + "_bucket" || s.name == current + "_sum" || s.name == current + "_count");
    if (!same && !hist_part) fail("sample does not belong to family " + current);
    if (f.type == "counter" && s.value < 0) fail("negative counter");
    families[current].samples.push_back(std::move(s));
  }
  // Histograms: cumulative buckets ending with +Inf equal to _count, and a _sum, per label set.
  for (const auto& [name, f] : families) {
    if (f.type.empty()) throw std::runtime_error(name + ": HELP without TYPE");
    if (f.type != "histogram") continue;
    double last = -1, last_le = -INFINITY, inf = -1, count = -1;
    bool has_sum = false;
    for (const Sample& s : f.samples) {
      if (s.name == name + "_bucket") {
        if (!s.labels.count("le")) throw std::runtime_error(name + ": bucket without le");
        const double le = parse_value(s.labels.at("le"));
        if (!(le > last_le)) throw std::runtime_error(name + ": le not increasing");
        if (s.value < last) throw std::runtime_error(name + ": buckets not cumulative");
        last_le = le;
        last = s.value;
        if (std::isinf(le)) inf = s.value;
      } else if (s.name == name + "_count") {
        count = s.value;
      } else if (s.name == name + "_sum") {
        has_sum = true;
      }
    }
    if (inf < 0 || count < 0 || !has_sum) throw std::runtime_error(name + ": missing +Inf bucket, _count or _sum");
    if (inf != count) throw std::runtime_error(name + ": +Inf bucket != _count");
  }
  return families;
}

double value_of(const std::map<std::string, Family>& fams, const std::string& family, const std::string& sample = "",
                const std::pair<std::string, std::string>& label = {}) {
  const auto it = fams.find(family);
  if (it == fams.end()) throw std::runtime_error("no family " + family);
  for (const Sample& s : it->second.samples) {
    if (s.name != (sample.empty() ? family : sample)) continue;
    if (!label.first.empty() && (!s.labels.count(label.first) || s.labels.at(label.first) != label.second)) continue;
    return s.value;
  }
  throw std::runtime_error("no sample " + sample + " in " + family);
}

TEST(PrometheusParser, RejectsMalformedText) {
  EXPECT_NO_THROW(parse_prometheus("# HELP a x\n# TYPE a gauge\na{b=\"c\"} 1\n"));
  EXPECT_THROW(parse_prometheus("a 1\n"), std::runtime_error);                                 // no TYPE
  EXPECT_THROW(parse_prometheus("# TYPE a gauge\na{b=c} 1\n"), std::runtime_error);              // unquoted
  EXPECT_THROW(parse_prometheus("# TYPE a gauge\n1a 1\n"), std::runtime_error);                  // name
  EXPECT_THROW(parse_prometheus("# TYPE a gauge\na one\n"), std::runtime_error);                 // value
  EXPECT_THROW(parse_prometheus("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 3\n"
                                "h_sum 1\nh_count 2\n"),
               std::runtime_error);  // +Inf != count
  EXPECT_THROW(parse_prometheus("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                                "h_sum 1\nh_count 1\n"),
               std::runtime_error);  // not cumulative
}

TEST(ServerMetrics, ParsesAndCountsPrefixCacheHits) {
  SimHarness sim;
  Reply r = sim.get("/metrics");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_NE(r.header("content-type").find("text/plain"), std::string::npos);
  auto fams = parse_prometheus(r.body);
  for (const char* name :
       {"vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc",
        "vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_queries_total",
        "vllm:gpu_prefix_cache_hits_total", "vllm:external_prefix_cache_queries_total",
        "vllm:external_prefix_cache_hits_total", "vllm:num_preemptions_total", "vllm:prompt_tokens_total",
        "vllm:generation_tokens_total", "vllm:request_success_total", "vllm:time_to_first_token_seconds",
        "vllm:time_per_output_token_seconds", "vllm:inter_token_latency_seconds", "vllm:e2e_request_latency_seconds",
        "vllm:request_queue_time_seconds", "vllm:request_inference_time_seconds", "vllm:request_prefill_time_seconds",
        "vllm:request_decode_time_seconds", "vllm:request_prompt_tokens", "vllm:request_generation_tokens",
        "vllm:request_params_max_tokens", "vllm:iteration_tokens_total", "vllm:cache_config_info",
        "vllm:lora_requests_info"}) {
    EXPECT_TRUE(fams.count(name)) << name;
  }
  EXPECT_EQ(fams["vllm:num_requests_running"].type, "gauge");
  EXPECT_EQ(fams["vllm:prompt_tokens_total"].type, "counter");
  EXPECT_EQ(fams["vllm:time_to_first_token_seconds"].type, "histogram");
  const Sample& any = fams["vllm:num_requests_running"].samples.at(0);
  EXPECT_EQ(any.labels.at("model_name"), "sim-model");
  EXPECT_EQ(any.labels.at("engine"), "0");
  EXPECT_EQ(fams["vllm:cache_config_info"].samples.at(0).labels.at("block_size"), "16");
  EXPECT_EQ(value_of(fams, "vllm:prefix_cache_hits_total"), 0);

  // A 600-token prompt twice: the second admission hits 592 tokens (37 whole blocks, capped
  // below the prompt length).
  std::string prompt;
  for (int i = 0; i < 600; ++i) prompt += " sea";
  const json body = {{"prompt", prompt}, {"max_tokens", 2}};
  ASSERT_EQ(sim.post("/v1/completions", body).status, 200);
  ASSERT_EQ(sim.post("/v1/completions", body).status, 200);
  fams = parse_prometheus(sim.get("/metrics").body);
  const double queries = value_of(fams, "vllm:prefix_cache_queries_total");
  const double hits = value_of(fams, "vllm:prefix_cache_hits_total");
  EXPECT_EQ(queries, 1200);
  EXPECT_EQ(hits, 592);
  EXPECT_EQ(value_of(fams, "vllm:gpu_prefix_cache_hits_total"), hits);
  EXPECT_EQ(value_of(fams, "vllm:prompt_tokens_total"), 1200);
  EXPECT_EQ(value_of(fams, "vllm:generation_tokens_total"), 4);
  EXPECT_EQ(value_of(fams, "vllm:request_success_total", "", {"finished_reason", "length"}), 2);
  EXPECT_EQ(value_of(fams, "vllm:time_to_first_token_seconds", "vllm:time_to_first_token_seconds_count"), 2);
  EXPECT_EQ(value_of(fams, "vllm:e2e_request_latency_seconds", "vllm:e2e_request_latency_seconds_count"), 2);
}

TEST(ServerMetrics, EnginesHaveOwnCachesAndConsecutivePorts) {
  SimOptions o = fast_options();
  o.engines = 2;
  SimHarness sim(o);
  const auto urls = sim.cluster().urls();
  ASSERT_EQ(urls.size(), 2u);
  const auto port_of = [](const std::string& u) { return std::stoi(u.substr(u.rfind(':') + 1)); };
  EXPECT_EQ(port_of(urls[1]), port_of(urls[0]) + 1);
  std::string prompt;
  for (int i = 0; i < 300; ++i) prompt += " hill";
  ASSERT_EQ(sim.post("/v1/completions", {{"prompt", prompt}, {"max_tokens", 1}}, {}, 0).status, 200);
  EXPECT_EQ(sim.post("/lmbench/cache_lookup", {{"prompt", prompt}}, {}, 0).json()["gpu_tokens"], 288);
  EXPECT_EQ(sim.post("/lmbench/cache_lookup", {{"prompt", prompt}}, {}, 1).json()["gpu_tokens"], 0);
  const auto fams = parse_prometheus(sim.get("/metrics", 1).body);
  EXPECT_EQ(fams.at("vllm:num_requests_running").samples.at(0).labels.at("engine"), "1");
}

TEST(ServerMetrics, LmCacheHitsShowAsExternal) {
  SimOptions o = fast_options();
  o.profile.lmcache.enabled = true;
  o.profile.lmcache.cpu_size_gb = 1;
  o.profile.scheduler.enable_prefix_caching = false;  // so the second request must use LMCache
  SimHarness sim(o);
  std::string prompt;
  for (int i = 0; i < 600; ++i) prompt += " rain";
  const json body = {{"prompt", prompt}, {"max_tokens", 1}};
  ASSERT_EQ(sim.post("/v1/completions", body).status, 200);
  // The store is asynchronous: a chunk is visible once its copy is done (well under 10 ms of model
  // time). Wait for it, with a deadline, rather than sleep and hope.
  int cpu_tokens = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    cpu_tokens = sim.post("/lmbench/cache_lookup", {{"prompt", prompt}}).json()["cpu_tokens"].get<int>();
    if (cpu_tokens == 512) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(cpu_tokens, 512);
  ASSERT_EQ(sim.post("/v1/completions", body).status, 200);
  const auto fams = parse_prometheus(sim.get("/metrics").body);
  EXPECT_EQ(value_of(fams, "vllm:external_prefix_cache_hits_total"), 512);
  EXPECT_EQ(value_of(fams, "vllm:prefix_cache_hits_total"), 0);
}

}  // namespace
}  // namespace lmbench::sim::testing
