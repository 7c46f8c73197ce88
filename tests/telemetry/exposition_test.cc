// The Prometheus text format parser: a real exposition saved from `lmbench sim`, every grammar
// rule by hand, and malformed inputs with their messages.

#include "telemetry/exposition.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/files.h"
#include "telemetry/server_stats.h"

namespace lmbench::telemetry {
namespace {

const std::string kData = LMBENCH_SOURCE_DIR "/tests/telemetry/data/";

TEST(Exposition, ReadsTheSimulatorsPage) {
  const auto text = core::read_file(kData + "sim_engine.metrics.txt");
  auto e = parse_exposition(text);
  ASSERT_TRUE(e.ok()) << e.error().message;
  const Family* ttft = e->find("vllm:time_to_first_token_seconds");
  ASSERT_NE(ttft, nullptr);
  EXPECT_EQ(ttft->type, MetricType::kHistogram);
  // Buckets, sum and count all belong to the histogram; the +Inf bucket equals the count.
  std::optional<double> inf, count;
  for (const auto& s : ttft->samples) {
    if (s.name == "vllm:time_to_first_token_seconds_bucket" && s.label("le") == "+Inf") inf = s.value;
    if (s.name == "vllm:time_to_first_token_seconds_count") count = s.value;
  }
  ASSERT_TRUE(inf && count);
  EXPECT_EQ(*inf, *count);
  EXPECT_EQ(*count, 1);
  const Family* queries = e->find("vllm:prefix_cache_queries_total");
  ASSERT_NE(queries, nullptr);
  EXPECT_EQ(queries->type, MetricType::kCounter);
  ASSERT_EQ(queries->samples.size(), 1u);
  EXPECT_EQ(queries->samples[0].label("engine"), "0");
  EXPECT_EQ(queries->samples[0].label("model_name"), "m");
  EXPECT_NE(queries->help.find("number of queried tokens"), std::string::npos);
  EXPECT_EQ(e->find("vllm:kv_cache_usage_perc")->type, MetricType::kGauge);
  // No sample is left in an untyped family of its own: every one has its declared family.
  for (const auto& f : e->families) EXPECT_NE(f.type, MetricType::kUntyped) << f.name;
}

// A page saved from `lmbench router` (roundrobin, two `lmbench sim` engines, after six requests
// of `lmbench bench random`): counters and gauges per backend, and families without samples.
TEST(Exposition, ReadsOurRoutersPage) {
  const auto text = core::read_file(kData + "router.metrics.txt");
  auto e = parse_exposition(text);
  ASSERT_TRUE(e.ok()) << e.error().message;
  const Family* requests = e->find("lmbench_router_requests_total");
  ASSERT_NE(requests, nullptr);
  EXPECT_EQ(requests->type, MetricType::kCounter);
  EXPECT_NE(requests->help.find("Requests proxied to each backend"), std::string::npos);
  ASSERT_EQ(requests->samples.size(), 2u);
  EXPECT_EQ(requests->samples[0].label("backend"), "http://127.0.0.1:18431");
  EXPECT_EQ(requests->samples[0].value + requests->samples[1].value, 6);
  const Family* in_flight = e->find("lmbench_router_in_flight");
  ASSERT_NE(in_flight, nullptr);
  EXPECT_EQ(in_flight->type, MetricType::kGauge);
  EXPECT_EQ(in_flight->samples.size(), 2u);
  ASSERT_NE(e->find("lmbench_router_backend_healthy"), nullptr);
  EXPECT_EQ(e->find("lmbench_router_backend_healthy")->type, MetricType::kGauge);
  const Family* decisions = e->find("lmbench_router_routing_decisions_total");
  ASSERT_NE(decisions, nullptr);
  ASSERT_EQ(decisions->samples.size(), 1u);
  EXPECT_EQ(decisions->samples[0].label("policy"), "roundrobin");
  EXPECT_EQ(decisions->samples[0].value, 6);
  // Declared, and nothing to count yet: a family with no samples.
  const Family* errors = e->find("lmbench_router_upstream_errors_total");
  ASSERT_NE(errors, nullptr);
  EXPECT_EQ(errors->type, MetricType::kCounter);
  EXPECT_TRUE(errors->samples.empty());
  ASSERT_NE(e->find("lmbench_router_rejected_total"), nullptr);
  EXPECT_EQ(e->families.size(), 6u);
}

// The production-stack router's page as prometheus_client writes it (see the file's header):
// per-engine gauges labelled `server`, counters with their `_created` twins as gauges, a
// histogram, a gauge declared with no samples.
TEST(Exposition, ReadsTheProductionStackRoutersPage) {
  const auto text = core::read_file(kData + "production_stack_router.metrics.txt");
  auto e = parse_exposition(text);
  ASSERT_TRUE(e.ok()) << e.error().message;
  const Family* running = e->find("vllm:num_requests_running");
  ASSERT_NE(running, nullptr);
  EXPECT_EQ(running->type, MetricType::kGauge);
  ASSERT_EQ(running->samples.size(), 2u);
  EXPECT_EQ(running->samples[1].label("server"), "http://10.0.1.5:8000");
  const Family* waiting = e->find("vllm:num_requests_waiting");
  ASSERT_NE(waiting, nullptr);
  EXPECT_TRUE(waiting->samples.empty());
  for (const auto& [name, type] : std::vector<std::pair<std::string, MetricType>>{
           {"vllm:num_incoming_requests_total", MetricType::kCounter},
           {"vllm:num_incoming_requests_created", MetricType::kGauge},
           {"vllm:gpu_prefix_cache_hits_total", MetricType::kGauge},  // mirrored from the engines
       }) {
    const Family* f = e->find(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->type, type) << name;
  }
  const Family* latency = e->find("vllm:request_latency_seconds");
  ASSERT_NE(latency, nullptr);
  EXPECT_EQ(latency->type, MetricType::kHistogram);
  EXPECT_EQ(latency->samples.size(), 14u);  // 12 buckets, count, sum
  const auto h = summed_histogram(*e, "vllm:request_latency_seconds");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->count(), 120);
  for (const auto& f : e->families) EXPECT_NE(f.type, MetricType::kUntyped) << f.name;
}

TEST(Exposition, EveryGrammarRule) {
  const std::string text =
      "# A comment line\n"
      "# HELP http_requests_total Requests \\\\ with a\\nnew line.\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
      "http_requests_total{method=\"post\",code=\"400\",} 3 1395066363000\n"
      "\n"
      "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
      "metric_without_timestamp_and_labels 12.47\n"
      "something_weird{problem=\"division by zero\"} +Inf -3982045\n"
      "  \t nan_value   NaN\n"
      "neg_inf{a=\"b\"}\t-Inf\n"
      "# TYPE rpc_duration_seconds summary\n"
      "rpc_duration_seconds{quantile=\"0.5\"} 4773\n"
      "rpc_duration_seconds_sum 1.7560473e+07\n"
      "rpc_duration_seconds_count 2693\n"
      "# TYPE openmetrics_style counter\n"
      "openmetrics_style_total 5\n"
      "# TYPE h histogram\n"
      "h_bucket{le=\"0.1\"} 1\n"
      "h_bucket{le=\"+Inf\"} 2\n"
      "h_sum 0.3\n"
      "h_count 2\r\n";
  auto e = parse_exposition(text);
  ASSERT_TRUE(e.ok()) << e.error().message;
  const Family* req = e->find("http_requests_total");
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->help, "Requests \\ with a\nnew line.");
  ASSERT_EQ(req->samples.size(), 2u);
  EXPECT_EQ(req->samples[1].labels.size(), 2u);  // the trailing comma adds nothing
  EXPECT_EQ(req->samples[0].timestamp_ms, 1395066363000);
  const Family* msdos = e->find("msdos_file_access_time_seconds");
  ASSERT_NE(msdos, nullptr);
  EXPECT_EQ(msdos->type, MetricType::kUntyped);
  EXPECT_EQ(msdos->samples[0].label("path"), "C:\\DIR\\FILE.TXT");
  EXPECT_EQ(msdos->samples[0].label("error"), "Cannot find file:\n\"FILE.TXT\"");
  EXPECT_EQ(msdos->samples[0].value, 1.458255915e9);
  const Family* weird = e->find("something_weird");
  EXPECT_TRUE(std::isinf(weird->samples[0].value));
  EXPECT_EQ(weird->samples[0].timestamp_ms, -3982045);
  EXPECT_TRUE(std::isnan(e->find("nan_value")->samples[0].value));
  EXPECT_EQ(e->find("neg_inf")->samples[0].value, -std::numeric_limits<double>::infinity());
  const Family* rpc = e->find("rpc_duration_seconds");
  EXPECT_EQ(rpc->type, MetricType::kSummary);
  EXPECT_EQ(rpc->samples.size(), 3u);
  EXPECT_EQ(e->find("openmetrics_style")->samples.size(), 1u);
  EXPECT_EQ(e->find("openmetrics_style_total"), nullptr);
  EXPECT_EQ(e->find("h")->samples.size(), 4u);
  EXPECT_EQ(e->find("h")->samples[3].value, 2);  // "\r\n" line ends
  EXPECT_EQ(label_key(msdos->samples[0].labels, "path"), "error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"");
}

std::string error_of(const std::string& text) {
  auto e = parse_exposition(text);
  return e.ok() ? "parsed" : e.error().message;
}

constexpr const char* kTwoEngines =
    "# HELP lmbench:sim_emission_lag_seconds lag\n"
    "# TYPE lmbench:sim_emission_lag_seconds histogram\n"
    "lmbench:sim_emission_lag_seconds_bucket{engine=\"0\",model_name=\"m\",le=\"0.001\"} 90\n"
    "lmbench:sim_emission_lag_seconds_bucket{engine=\"0\",model_name=\"m\",le=\"0.01\"} 99\n"
    "lmbench:sim_emission_lag_seconds_bucket{engine=\"0\",model_name=\"m\",le=\"+Inf\"} 100\n"
    "lmbench:sim_emission_lag_seconds_sum{engine=\"0\",model_name=\"m\"} 0.5\n"
    "lmbench:sim_emission_lag_seconds_count{engine=\"0\",model_name=\"m\"} 100\n"
    "lmbench:sim_emission_lag_seconds_bucket{engine=\"1\",model_name=\"m\",le=\"0.001\"} 0\n"
    "lmbench:sim_emission_lag_seconds_bucket{engine=\"1\",model_name=\"m\",le=\"0.01\"} 0\n"
    "lmbench:sim_emission_lag_seconds_bucket{engine=\"1\",model_name=\"m\",le=\"+Inf\"} 100\n"
    "vllm:other_bucket{le=\"1\"} 5\n";

TEST(Exposition, AHistogramSummedOverEveryLabelSetByBucket) {
  const auto page = parse_exposition(kTwoEngines);
  ASSERT_TRUE(page.ok()) << page.error().message;
  const auto h = summed_histogram(*page, "lmbench:sim_emission_lag_seconds");
  ASSERT_TRUE(h);
  ASSERT_EQ(h->bounds.size(), 3u);
  EXPECT_EQ(h->bounds[0], 0.001);
  EXPECT_TRUE(std::isinf(h->bounds[2]));
  EXPECT_EQ(h->cumulative, (std::vector<double>{90, 99, 200}));
  EXPECT_EQ(h->count(), 200);
  EXPECT_FALSE(summed_histogram(*page, "nosuch"));
}

TEST(Exposition, MalformedInputsSayWhereAndWhat) {
  EXPECT_EQ(error_of("a 1\nb{x=\"1\" 2\n"), "line 2, column 9: expected ',' or '}' after a label");
  EXPECT_EQ(error_of("a{x\"1\"} 2\n"), "line 1, column 4: expected '=' after label name 'x'");
  EXPECT_EQ(error_of("a{x=1} 2\n"), "line 1, column 5: expected '\"' to open a label value");
  EXPECT_EQ(error_of("a{x=\"1} 2\n"), "line 1, column 10: label value not closed with '\"'");
  EXPECT_EQ(error_of("a{x=\"\\t\"} 2\n"), "line 1, column 7: unknown escape '\\t' in a label value");
  EXPECT_EQ(error_of("a{x=\"1\",x=\"2\"} 2\n"), "line 1, column 14: label 'x' given twice");
  EXPECT_EQ(error_of("a{1x=\"1\"} 2\n"), "line 1, column 3: expected a label name or '}'");
  EXPECT_EQ(error_of("a\n"), "line 1, column 2: expected a value after 'a'");
  EXPECT_EQ(error_of("a twelve\n"), "line 1, column 3: 'twelve' is not a number");
  EXPECT_EQ(error_of("a 1 soon\n"), "line 1, column 5: 'soon' is not a timestamp (integer milliseconds)");
  EXPECT_EQ(error_of("a 1 2 3\n"), "line 1, column 7: unexpected text after the timestamp");
  EXPECT_EQ(error_of("9a 1\n"), "line 1, column 1: expected a metric name, found '9a 1'");
  EXPECT_EQ(error_of("# TYPE a countr\n"),
            "line 1, column 10: unknown metric type 'countr' (counter, gauge, histogram, summary or untyped)");
  EXPECT_EQ(error_of("a 1\n# TYPE a gauge\n"), "line 2, column 10: TYPE of 'a' given after its samples or twice");
  EXPECT_EQ(error_of("# TYPE h histogram\nh_bucket 1\n"), "line 2: histogram bucket 'h_bucket' without an 'le' label");
  EXPECT_EQ(error_of("# HELP 1a x\n"), "line 1, column 8: expected a metric name after # HELP");
  EXPECT_EQ(error_of(std::string(70000, 'a') + " 1\n"), "line 1: longer than 65536 bytes");
  ParseLimits few;
  few.max_samples = 2;
  auto e = parse_exposition("a 1\nb 2\nc 3\n", few);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "line 3: more than 2 samples");
  EXPECT_EQ(error_of(""), "parsed");
  EXPECT_EQ(error_of("\n\n# just comments\n"), "parsed");
}

}  // namespace
}  // namespace lmbench::telemetry
