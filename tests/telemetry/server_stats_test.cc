// What the servers said about a run: figures from scrapes whose values are known, and the
// scraper against real sockets (a server that answers, one with no metrics page, one that hangs).

#include "telemetry/server_stats.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/temp_tree.h"
#include "core/files.h"
#include "load/raw_server.h"
#include "telemetry/scraper.h"

namespace lmbench::telemetry {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

// One vLLM-style page: gauges, counters, a TTFT histogram whose observations all fall in one
// bucket (0.1, 0.2].
std::string page(double kv, double running, double waiting, double hits, double queries, double ext_hits,
                 double ext_queries, double prompt, double gen, double requests, double ttft_in_bucket) {
  std::ostringstream o;
  o << "# TYPE vllm:kv_cache_usage_perc gauge\nvllm:kv_cache_usage_perc{engine=\"0\"} " << kv << "\n"
    << "# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{engine=\"0\"} " << running << "\n"
    << "# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting{engine=\"0\"} " << waiting << "\n"
    << "# TYPE vllm:prefix_cache_hits_total counter\nvllm:prefix_cache_hits_total{engine=\"0\"} " << hits << "\n"
    << "# TYPE vllm:prefix_cache_queries_total counter\nvllm:prefix_cache_queries_total{engine=\"0\"} " << queries << "\n"
    << "# TYPE vllm:external_prefix_cache_hits_total counter\nvllm:external_prefix_cache_hits_total{engine=\"0\"} " << ext_hits << "\n"
    << "# TYPE vllm:external_prefix_cache_queries_total counter\nvllm:external_prefix_cache_queries_total{engine=\"0\"} " << ext_queries << "\n"
    << "# TYPE vllm:prompt_tokens_total counter\nvllm:prompt_tokens_total{engine=\"0\"} " << prompt << "\n"
    << "# TYPE vllm:generation_tokens_total counter\nvllm:generation_tokens_total{engine=\"0\"} " << gen << "\n"
    << "# TYPE vllm:request_success_total counter\nvllm:request_success_total{engine=\"0\",finished_reason=\"length\"} " << requests << "\n"
    << "# TYPE vllm:time_to_first_token_seconds histogram\n"
    << "vllm:time_to_first_token_seconds_bucket{engine=\"0\",le=\"0.1\"} 0\n"
    << "vllm:time_to_first_token_seconds_bucket{engine=\"0\",le=\"0.2\"} " << ttft_in_bucket << "\n"
    << "vllm:time_to_first_token_seconds_bucket{engine=\"0\",le=\"+Inf\"} " << ttft_in_bucket << "\n"
    << "vllm:time_to_first_token_seconds_count{engine=\"0\"} " << ttft_in_bucket << "\n";
  return o.str();
}

Scrape scrape_at(Steady::time_point at, const std::string& text) {
  Scrape s;
  s.at = at;
  auto e = parse_exposition(text);
  EXPECT_TRUE(e.ok()) << e.error().message;
  s.data = std::move(*e);
  return s;
}

TEST(ServerStats, FiguresOverTheRunWindowOnly) {
  const auto t0 = Steady::time_point(std::chrono::seconds(1000));
  EndpointScrapes e;
  e.target = {"engine-0", "http://x/metrics", "engine"};
  // Before the run: 100 queries already counted, 40 hits; a gauge value outside the window.
  e.scrapes.push_back(scrape_at(t0 - 500ms, page(0.99, 9, 9, 40, 100, 0, 0, 1000, 10, 5, 0)));
  e.scrapes.push_back(scrape_at(t0 + 1s, page(0.50, 2, 1, 140, 300, 30, 100, 3000, 110, 15, 4)));
  Scrape gap;
  gap.at = t0 + 2s;
  gap.error = "timeout";
  e.scrapes.push_back(gap);
  e.scrapes.push_back(scrape_at(t0 + 3s, page(0.70, 4, 3, 240, 500, 60, 200, 5000, 210, 25, 8)));
  // After the run: counters read here bound the window; the gauge is not sampled.
  e.scrapes.push_back(scrape_at(t0 + 4500ms, page(0.10, 0, 0, 260, 540, 60, 200, 5400, 230, 27, 8)));
  const RunWindow w{t0, t0 + 4s, 10.0};  // a simulator 10x faster: 4 s of wall = 40 s of its time
  const auto stats = server_stats({e}, w);
  ASSERT_EQ(stats.endpoints.size(), 1u);
  const auto& s = stats.endpoints[0];
  EXPECT_EQ(s.scrapes, 3u);  // the three inside the window, the gap among them
  EXPECT_EQ(s.gaps, 1u);
  EXPECT_DOUBLE_EQ(*s.kv_usage_mean, 0.6);
  EXPECT_DOUBLE_EQ(*s.kv_usage_max, 0.7);
  EXPECT_DOUBLE_EQ(*s.running_max, 4);
  EXPECT_DOUBLE_EQ(*s.waiting_mean, 2);
  // From the scrape before the start to the one after the end.
  EXPECT_DOUBLE_EQ(*s.prefix_hit_rate, (260.0 - 40) / (540 - 100));
  EXPECT_DOUBLE_EQ(*s.external_prefix_hit_rate, 60.0 / 200);
  EXPECT_DOUBLE_EQ(*s.requests, 22);
  EXPECT_DOUBLE_EQ(*s.prompt_tokens, 4400);
  EXPECT_DOUBLE_EQ(*s.window_s, 50);  // 5 s of wall at time scale 10
  EXPECT_DOUBLE_EQ(*s.prompt_tokens_per_s, 88);
  // Eight observations in (100, 200] ms: the median interpolates to 150 ms.
  ASSERT_TRUE(s.ttft_ms.p50);
  EXPECT_NEAR(*s.ttft_ms.p50, 150, 1e-9);
  // One engine: the total is its figures; the cross-checks compare with the client.
  EXPECT_DOUBLE_EQ(*stats.total.prefix_hit_rate, *s.prefix_hit_rate);
  const auto j = server_json(stats, {.requests = 22, .prompt_tokens = 4000, .generation_tokens = 220, .ttft_p50_ms = 160},
                             1.0);
  EXPECT_EQ(j["cross_checks"]["requests"]["verdict"], "agree");
  EXPECT_EQ(j["cross_checks"]["prompt_tokens"]["verdict"], "mismatch: the server counted 4400 prompt tokens, the client 4000");
  EXPECT_EQ(j["cross_checks"]["generation_tokens"]["verdict"], "agree");
  EXPECT_NEAR(j["cross_checks"]["ttft_gap"]["p50_difference_ms"].get<double>(), 10, 1e-6);
  EXPECT_EQ(server_line(stats), "KV usage max 70%, prefix hits 50%, LMCache hits 30%, waiting max 3");
}

TEST(ServerStats, ACounterThatRestartsCountsFromZeroAndTwoEnginesAddUp) {
  const auto t0 = Steady::time_point(std::chrono::seconds(50));
  EndpointScrapes a, b;
  a.target = {"engine-0", "u0", "engine"};
  b.target = {"engine-1", "u1", "engine"};
  a.scrapes.push_back(scrape_at(t0, page(0.2, 1, 0, 500, 1000, 0, 0, 0, 0, 0, 0)));
  a.scrapes.push_back(scrape_at(t0 + 2s, page(0.4, 1, 0, 10, 100, 0, 0, 0, 0, 0, 0)));  // restarted
  b.scrapes.push_back(scrape_at(t0, page(0.6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
  b.scrapes.push_back(scrape_at(t0 + 2s, page(0.8, 1, 0, 90, 100, 0, 0, 0, 0, 0, 0)));
  EndpointScrapes router;
  router.target = {"router", "ur", "router"};
  router.scrapes.push_back(scrape_at(t0, page(0, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0)));
  const auto stats = server_stats({a, b, router}, {t0, t0 + 2s, 1.0});
  EXPECT_DOUBLE_EQ(*stats.endpoints[0].prefix_hit_rate, 0.1);
  EXPECT_DOUBLE_EQ(*stats.endpoints[1].prefix_hit_rate, 0.9);
  EXPECT_DOUBLE_EQ(*stats.total.prefix_hit_rate, 0.5);  // token-weighted: (10 + 90) / 200
  EXPECT_DOUBLE_EQ(*stats.total.kv_usage_max, 0.8);
  EXPECT_DOUBLE_EQ(*stats.total.running_max, 2);  // the router's figures are not the engines'
}

// `text` with each `from` replaced by its `to` (each must occur).
std::string with(std::string text, const std::vector<std::pair<std::string, std::string>>& edits) {
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  return text;
}

// The routers' own names map to the same fields as an engine's (summed over the engines they
// route to), and a router's figures stay out of the engines' total.
TEST(ServerStats, RouterNamesMapToTheirFieldsAndStayOutOfTheTotal) {
  const auto t0 = Steady::time_point(std::chrono::seconds(100));
  const std::string ps = core::read_file(LMBENCH_SOURCE_DIR "/tests/telemetry/data/production_stack_router.metrics.txt");
  EndpointScrapes stack;
  stack.target = {"router", "http://127.0.0.1:30080/metrics", "router"};
  stack.scrapes.push_back(scrape_at(t0, ps));
  stack.scrapes.push_back(scrape_at(
      t0 + 2s, with(ps, {{"vllm:num_requests_running{server=\"http://10.0.1.4:8000\"} 3.0", "vllm:num_requests_running{server=\"http://10.0.1.4:8000\"} 1.0"},
                         {"Instruct\"} 240.0", "Instruct\"} 300.0"},
                         {"vllm:gpu_prefix_cache_hits_total{server=\"http://10.0.1.4:8000\"} 40000.0", "vllm:gpu_prefix_cache_hits_total{server=\"http://10.0.1.4:8000\"} 41000.0"},
                         {"vllm:gpu_prefix_cache_hits_total{server=\"http://10.0.1.5:8000\"} 10000.0", "vllm:gpu_prefix_cache_hits_total{server=\"http://10.0.1.5:8000\"} 10500.0"},
                         {"vllm:gpu_prefix_cache_queries_total{server=\"http://10.0.1.4:8000\"} 80000.0", "vllm:gpu_prefix_cache_queries_total{server=\"http://10.0.1.4:8000\"} 82000.0"},
                         {"vllm:gpu_prefix_cache_queries_total{server=\"http://10.0.1.5:8000\"} 40000.0", "vllm:gpu_prefix_cache_queries_total{server=\"http://10.0.1.5:8000\"} 41000.0"},
                         {"10.0.1.4:8000\"} 96000.0", "10.0.1.4:8000\"} 104000.0"},
                         {"10.0.1.5:8000\"} 64000.0", "10.0.1.5:8000\"} 72000.0"},
                         {"10.0.1.4:8000\"} 14400.0", "10.0.1.4:8000\"} 15600.0"},
                         {"10.0.1.5:8000\"} 14400.0", "10.0.1.5:8000\"} 15600.0"}})));
  const std::string ours = core::read_file(LMBENCH_SOURCE_DIR "/tests/telemetry/data/router.metrics.txt");
  EndpointScrapes lmbench_router;
  lmbench_router.target = {"router", "http://127.0.0.1:8000/metrics", "router"};
  lmbench_router.scrapes.push_back(scrape_at(t0, ours));
  lmbench_router.scrapes.push_back(scrape_at(
      t0 + 2s, with(ours, {{"lmbench_router_requests_total{backend=\"http://127.0.0.1:18431\"} 3", "lmbench_router_requests_total{backend=\"http://127.0.0.1:18431\"} 5"},
                           {"lmbench_router_requests_total{backend=\"http://127.0.0.1:18432\"} 3", "lmbench_router_requests_total{backend=\"http://127.0.0.1:18432\"} 4"},
                           {"lmbench_router_in_flight{backend=\"http://127.0.0.1:18431\"} 0", "lmbench_router_in_flight{backend=\"http://127.0.0.1:18431\"} 2"},
                           {"lmbench_router_in_flight{backend=\"http://127.0.0.1:18432\"} 0", "lmbench_router_in_flight{backend=\"http://127.0.0.1:18432\"} 1"}})));
  const auto stats = server_stats({stack, lmbench_router}, {t0, t0 + 2s, 1.0});
  ASSERT_EQ(stats.endpoints.size(), 2u);
  const auto& p = stats.endpoints[0];
  EXPECT_DOUBLE_EQ(*p.running_mean, 4);  // 3 + 2, then 1 + 2
  EXPECT_DOUBLE_EQ(*p.running_max, 5);
  EXPECT_FALSE(p.waiting_mean);  // declared, never set by this router
  EXPECT_FALSE(p.kv_usage_max);
  EXPECT_DOUBLE_EQ(*p.requests, 60);  // vllm:num_incoming_requests_total
  EXPECT_DOUBLE_EQ(*p.prompt_tokens, 16000);  // vllm:input_tokens_total, both engines
  EXPECT_DOUBLE_EQ(*p.generation_tokens, 2400);  // vllm:output_tokens_total
  EXPECT_DOUBLE_EQ(*p.generation_tokens_per_s, 1200);
  EXPECT_DOUBLE_EQ(*p.prefix_hit_rate, 0.5);  // (1000 + 500) / (2000 + 1000), from the mirrored totals
  const auto& o = stats.endpoints[1];
  EXPECT_DOUBLE_EQ(*o.requests, 3);  // lmbench_router_requests_total
  EXPECT_DOUBLE_EQ(*o.running_mean, 1.5);  // lmbench_router_in_flight: 0, then 2 + 1
  EXPECT_DOUBLE_EQ(*o.running_max, 3);
  EXPECT_FALSE(o.prefix_hit_rate);
  EXPECT_EQ(stats.total.answered, 0u);  // routers only: no engines' total
  EXPECT_FALSE(server_json(stats, {}, 1.0).contains("total"));

  // Without the totals, the production-stack router's hit-rate gauges (each engine's since it
  // started) are the fallback: their mean.
  EndpointScrapes rates;
  rates.target = {"router", "u", "router"};
  rates.scrapes.push_back(scrape_at(t0 + 1s, with(ps, {{"# TYPE vllm:gpu_prefix_cache_hits_total gauge\n", ""},
                                                       {"vllm:gpu_prefix_cache_hits_total{server=\"http://10.0.1.4:8000\"} 40000.0\n", ""},
                                                       {"vllm:gpu_prefix_cache_hits_total{server=\"http://10.0.1.5:8000\"} 10000.0\n", ""}})));
  const auto fallback = server_stats({rates}, {t0, t0 + 2s, 1.0});
  EXPECT_DOUBLE_EQ(*fallback.endpoints[0].prefix_hit_rate, 0.375);  // (0.5 + 0.25) / 2
}

TEST(ServerStats, TheMetricsCsvHasGaugesRatesAndIntervalQuantiles) {
  const auto t0 = Steady::time_point(std::chrono::seconds(10));
  EndpointScrapes e;
  e.target = {"engine-0", "u", "engine"};
  e.scrapes.push_back(scrape_at(t0, page(0.5, 1, 0, 0, 0, 0, 0, 100, 10, 1, 2)));
  e.scrapes.push_back(scrape_at(t0 + 1s, page(0.6, 2, 0, 0, 0, 0, 0, 300, 30, 3, 6)));
  lmbench::testing::TempTree t;
  write_metrics_csv(t.path("m.csv"), {e}, {t0, t0 + 1s, 2.0});
  const auto csv = core::read_file(t.path("m.csv"));
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "time_s,endpoint,metric,labels,kind,value");
  EXPECT_NE(csv.find("0.000,engine-0,vllm:kv_cache_usage_perc,\"engine=\"\"0\"\"\",gauge,0.5\n"), std::string::npos) << csv;
  // 200 prompt tokens in 1 s of wall = 2 s of the run's clock.
  EXPECT_NE(csv.find("2.000,engine-0,vllm:prompt_tokens_total,\"engine=\"\"0\"\"\",rate,100\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("2.000,engine-0,vllm:time_to_first_token_seconds,\"engine=\"\"0\"\",quantile=\"\"0.5\"\"\",interval_quantile,0.15\n"),
            std::string::npos)
      << csv;
  // No rate or quantile before there is a previous scrape.
  EXPECT_EQ(csv.find("0.000,engine-0,vllm:prompt_tokens_total"), std::string::npos);
}

TEST(Scraper, ReadsARealServerAndNotesAMissingPage) {
  const std::string text = page(0.25, 1, 0, 1, 2, 0, 0, 5, 5, 1, 1);
  lmbench::testing::RawServer ok([&](int, const lmbench::testing::RawRequest&) {
    return std::vector<lmbench::testing::RawStep>{
        lmbench::testing::raw_write(lmbench::testing::raw_length_response(200, text, "text/plain; version=0.0.4"))};
  });
  lmbench::testing::RawServer missing([](int, const lmbench::testing::RawRequest&) {
    return std::vector<lmbench::testing::RawStep>{lmbench::testing::raw_write(lmbench::testing::raw_length_response(404, "no"))};
  });
  Scraper scraper({{"a", ok.url() + "/metrics", "engine"}, {"b", missing.url() + "/metrics", "engine"}}, 100ms);
  std::this_thread::sleep_for(350ms);
  const auto got = scraper.stop();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_GE(got[0].scrapes.size(), 4u);  // at once, every 100 ms, and at the end
  for (const auto& s : got[0].scrapes) {
    ASSERT_TRUE(s.data.has_value()) << s.error;
    EXPECT_EQ(s.data->find("vllm:kv_cache_usage_perc")->samples[0].value, 0.25);
  }
  EXPECT_TRUE(got[1].not_found);
  EXPECT_EQ(got[1].scrapes.size(), 1u);  // asked once: no page, nothing to poll
  const auto stats = server_stats(got, {got[0].scrapes.front().at, got[0].scrapes.back().at, 1.0});
  EXPECT_EQ(stats.endpoints[1].note, "no metrics page (HTTP 404 at " + missing.url() + "/metrics)");
}

// A server that accepts and never answers costs gaps, and stopping takes about one interval.
TEST(Scraper, AHangingServerDoesNotHoldTheRunUp) {
  lmbench::testing::RawServer hang([](int, const lmbench::testing::RawRequest&) {
    return std::vector<lmbench::testing::RawStep>{lmbench::testing::raw_stall()};
  });
  const auto started = Steady::now();
  Scraper scraper({{"h", hang.url() + "/metrics", "engine"}}, 300ms);
  const auto constructed = Steady::now();
  std::this_thread::sleep_for(100ms);
  const auto stopping = Steady::now();
  const auto got = scraper.stop();
  const auto stopped = Steady::now();
  // Generous bounds (a loaded CI machine): one interval plus slack each, never two timeouts.
  EXPECT_LT(constructed - started, 1s);
  EXPECT_LT(stopped - stopping, 1s);
  ASSERT_FALSE(got[0].scrapes.empty());
  for (const auto& s : got[0].scrapes) EXPECT_FALSE(s.data.has_value());
  EXPECT_NE(got[0].scrapes[0].error.find("timeout"), std::string::npos) << got[0].scrapes[0].error;
}

}  // namespace
}  // namespace lmbench::telemetry
