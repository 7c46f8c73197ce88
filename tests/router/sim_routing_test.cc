// Every policy's decisions on scripted request sequences, with REAL simulated engines
// (`lmbench sim`, one process per engine so one can be killed) behind the REAL `lmbench router`
// binary, all on loopback.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>
#include <map>
#include <set>
#include <thread>

#include "lmbench_child.h"
#include "proxy_harness.h"
#include "router/proxy.h"

namespace lmbench::router {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using testing::call;
using testing::LmbenchChild;

std::vector<std::string> sim_args(const std::string& time_scale) {
  return {"sim", "--engines", "1", "--port", "0", "--time-scale", time_scale, "--seed", "1", "--model", "sim-model"};
}

std::vector<std::string> router_args(const std::string& logic, const std::vector<std::string>& backends,
                                     std::vector<std::string> extra = {}) {
  std::vector<std::string> a = {"router", "--port", "0", "--routing-logic", logic, "--health-interval-ms", "200"};
  for (const auto& b : backends) a.insert(a.end(), {"--backend", b});
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

// A document of `words` distinct-ish words, different per `seed`.
std::string document(int seed, int words) {
  std::string s;
  for (int i = 0; i < words; ++i) s += "w" + std::to_string(seed) + "x" + std::to_string(i * 7919 % 1000) + " ";
  return s;
}

std::string backend_of(const core::Result<http::Response>& r) {
  if (!r.ok()) return "error: " + r.error().message;
  if (r->status != 200) return "status " + std::to_string(r->status) + ": " + r->body;
  return std::string(http::find_header(r->headers, kBackendHeader));
}

class SimRouting : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    engines_ = new std::vector<LmbenchChild>();
    for (int i = 0; i < 3; ++i) engines_->emplace_back(sim_args("50"));
    urls_ = new std::vector<std::string>();
    for (auto& e : *engines_) {
      if (!e.urls().empty()) urls_->push_back(e.url());
    }
  }
  static void TearDownTestSuite() {
    delete engines_;
    delete urls_;
  }
  void SetUp() override { ASSERT_EQ(urls_->size(), 3u) << "simulated engines did not start"; }

  static std::vector<LmbenchChild>* engines_;
  static std::vector<std::string>* urls_;
};

std::vector<LmbenchChild>* SimRouting::engines_ = nullptr;
std::vector<std::string>* SimRouting::urls_ = nullptr;

TEST_F(SimRouting, SessionKeepsEachUserOnOneEngine) {
  LmbenchChild router(router_args("session", *urls_, {"--session-key", "x-user-id"}));
  ASSERT_FALSE(router.urls().empty());
  std::map<std::string, std::string> home;
  std::set<std::string> used;
  for (int round = 0; round < 3; ++round) {
    for (int u = 0; u < 12; ++u) {
      const std::string user = "user-" + std::to_string(u);
      const auto body = json{{"model", "sim-model"},
                             {"messages", {{{"role", "user"}, {"content", "round " + std::to_string(round)}}}},
                             {"max_tokens", 3}}
                            .dump();
      const std::string b = backend_of(call(router.url() + "/v1/chat/completions", body, {{"x-user-id", user}}));
      ASSERT_EQ(b.rfind("http://", 0), 0u) << b;
      if (round == 0) home[user] = b;
      EXPECT_EQ(b, home[user]) << user;
      used.insert(b);
    }
  }
  EXPECT_GE(used.size(), 2u) << "12 users should not all hash to one engine";
}

TEST_F(SimRouting, PrefixAwareSendsASharedPrefixToTheSameEngine) {
  LmbenchChild router(router_args("prefixaware", *urls_, {"--seed", "3"}));
  ASSERT_FALSE(router.urls().empty());
  std::map<int, std::string> home;
  for (int q = 0; q < 3; ++q) {
    for (int doc = 0; doc < 6; ++doc) {
      const std::string prompt = document(doc, 300) + "\nQuestion " + std::to_string(q) + "?";
      const std::string b = backend_of(call(router.url() + "/v1/completions", testing::completion(prompt, 2, false)));
      ASSERT_EQ(b.rfind("http://", 0), 0u) << b;
      if (q == 0) home[doc] = b;
      EXPECT_EQ(b, home[doc]) << "document " << doc;
    }
  }
  const auto m = call(router.url() + "/metrics");
  EXPECT_NE(m->body.find("lmbench_router_routing_decisions_total{policy=\"prefixaware\",outcome=\"prefix_match\"} 12"),
            std::string::npos)
      << m->body;
}

TEST_F(SimRouting, KvAwareFindsTheEngineHoldingThePrefix) {
  LmbenchChild router(router_args("kvaware", *urls_, {"--session-key", "x-user-id"}));
  ASSERT_FALSE(router.urls().empty());
  // Warm two different long documents directly on engines 2 and 1 (not through the router).
  const std::string doc_a = document(101, 1500), doc_b = document(202, 1500);
  ASSERT_EQ(call((*urls_)[2] + "/v1/completions", testing::completion(doc_a, 2, false))->status, 200);
  ASSERT_EQ(call((*urls_)[1] + "/v1/completions", testing::completion(doc_b, 2, false))->status, 200);
  for (int q = 0; q < 3; ++q) {
    const std::string tail = "\nQuestion " + std::to_string(q);
    EXPECT_EQ(backend_of(call(router.url() + "/v1/completions", testing::completion(doc_a + tail, 2, false))), (*urls_)[2]);
    EXPECT_EQ(backend_of(call(router.url() + "/v1/completions", testing::completion(doc_b + tail, 2, false))), (*urls_)[1]);
  }
  // Nothing cached anywhere: session routing on the user id.
  const std::string fresh = backend_of(call(router.url() + "/v1/completions",
                                            testing::completion(document(303, 50), 2, false), {{"x-user-id", "u1"}}));
  EXPECT_EQ(fresh.rfind("http://", 0), 0u) << fresh;
  const auto m = call(router.url() + "/metrics");
  EXPECT_NE(m->body.find("lmbench_router_routing_decisions_total{policy=\"kvaware\",outcome=\"kv_hit\"} 6"),
            std::string::npos)
      << m->body;
  EXPECT_NE(m->body.find("outcome=\"kv_miss_hash\"} 1"), std::string::npos) << m->body;
}

TEST_F(SimRouting, ModelsThroughTheRouter) {
  LmbenchChild router(router_args("roundrobin", *urls_));
  ASSERT_FALSE(router.urls().empty());
  const auto r = call(router.url() + "/v1/models");
  ASSERT_EQ(r->status, 200) << r->body;
  const auto j = json::parse(r->body);
  ASSERT_EQ(j["data"].size(), 1u);
  EXPECT_EQ(j["data"][0]["id"], "sim-model");
}

// Streams that are in flight on a killed engine fail with a clear error; every other request,
// before and after, succeeds, and traffic moves to the engines that are left.
TEST(SimRoutingFailure, KilledEngineTrafficMovesOnlyInFlightRequestsFail) {
  std::vector<LmbenchChild> engines;
  for (int i = 0; i < 3; ++i) engines.emplace_back(sim_args("5"));
  std::vector<std::string> urls;
  for (auto& e : engines) {
    ASSERT_FALSE(e.urls().empty());
    urls.push_back(e.url());
  }
  LmbenchChild router(router_args("roundrobin", urls));
  ASSERT_FALSE(router.urls().empty());
  const std::string victim = urls[0];  // sorted: the router's list is sorted too, but any will do

  // Six long streams, two per engine.
  const auto long_body = json{{"model", "sim-model"}, {"prompt", "tell me a story"}, {"max_tokens", 500},
                              {"ignore_eos", true}, {"stream", true}}
                             .dump();
  std::vector<std::future<testing::Streamed>> streams;
  for (int i = 0; i < 6; ++i) {
    streams.push_back(std::async(std::launch::async, [&] { return testing::stream(router.url() + "/v1/completions", long_body); }));
  }
  // Kill the victim once all six stream (500 tokens take about 4 s): each engine runs two.
  ASSERT_TRUE(testing::wait_for(
      [&] {
        for (const auto& u : urls) {
          if (testing::metric_sum(u, "vllm:num_requests_running") != 2.0) return false;
        }
        return true;
      },
      10s))
      << "the six streams did not all start";
  engines[0].kill();

  int failed_on_victim = 0, completed = 0;
  for (auto& f : streams) {
    const auto s = f.get();
    const std::string b(http::find_header(s.headers, kBackendHeader));
    const bool done = s.error.empty() && s.body.find("[DONE]") != std::string::npos;
    if (done) {
      ++completed;
      EXPECT_NE(b, victim);
    } else {
      ++failed_on_victim;
      EXPECT_EQ(b, victim) << "only streams on the killed engine may fail";
      EXPECT_NE(s.body.find(victim), std::string::npos) << "the stream says which upstream failed: " << s.body << s.error;
    }
  }
  EXPECT_EQ(failed_on_victim, 2);
  EXPECT_EQ(completed, 4);

  // After: nothing lost, nothing to the dead engine.
  for (int i = 0; i < 9; ++i) {
    const std::string b = backend_of(call(router.url() + "/v1/completions", testing::completion("after", 2, false)));
    EXPECT_TRUE(b == urls[1] || b == urls[2]) << b;
  }
  const auto m = call(router.url() + "/metrics");
  EXPECT_NE(m->body.find("lmbench_router_backend_healthy{backend=\"" + victim + "\"} 0"), std::string::npos) << m->body;
}

}  // namespace
}  // namespace lmbench::router
