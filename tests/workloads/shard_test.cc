#include "workloads/shard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "config/spec.h"
#include "core/error.h"
#include "workload_driver.h"
#include "workloads/agentic.h"
#include "workloads/conversation.h"
#include "workloads/factory.h"
#include "workloads/lmcache_synthetic.h"
#include "workloads/random.h"
#include "workloads/sharegpt.h"
#include "workloads/strict_synthetic.h"
#include "workloads/trace_file.h"
#include "workloads/trace_replayer.h"
#include "workloads/vllm_benchmark.h"
#include "workloads/vllm_datasets.h"

namespace lmbench::workloads {
namespace {

using namespace std::chrono_literals;
using testing::drive;
using testing::Script;
using testing::Sent;

const core::TimePoint kT0{std::chrono::seconds(100)};
const std::vector<int> kCounts = {1, 2, 3, 7};

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Everything a request carries that the union of the shards must reproduce: all but its id (a
// user-based shard numbers its own requests) and `available`.
struct Key {
  std::int64_t intended_ns = 0;  // since t0
  std::string user_id;
  int round = 0;
  bool warmup = false;
  int api = 0;
  std::string prompt;
  Pairs messages;
  int prompt_tokens = 0;
  int max_tokens = 0;
  bool ignore_eos = false;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int> top_k;
  std::string model;
  Pairs headers;

  auto tie() const {
    return std::tie(intended_ns, user_id, round, warmup, api, prompt, messages, prompt_tokens, max_tokens, ignore_eos,
                    temperature, top_p, top_k, model, headers);
  }
  bool operator==(const Key& o) const { return tie() == o.tie(); }
  bool operator<(const Key& o) const { return tie() < o.tie(); }
};

Key key_of(const Request& r) {
  Key k;
  k.intended_ns = (r.intended_send - kT0).count();
  k.user_id = r.user_id;
  k.round = r.round;
  k.warmup = r.warmup;
  k.api = static_cast<int>(r.api);
  k.prompt = r.prompt;
  for (const auto& m : r.messages) k.messages.emplace_back(m.role, m.content);
  k.prompt_tokens = r.prompt_tokens;
  k.max_tokens = r.max_tokens;
  k.ignore_eos = r.ignore_eos;
  k.temperature = r.temperature;
  k.top_p = r.top_p;
  k.top_k = r.top_k;
  k.model = r.model;
  k.headers = r.headers;
  return k;
}

std::string describe(const Key& k) {
  std::ostringstream s;
  s << "t=" << static_cast<double>(k.intended_ns) / 1e9 << "s user='" << k.user_id << "' round=" << k.round
    << (k.warmup ? " warmup" : "") << " prompt_tokens=" << k.prompt_tokens << " max_tokens=" << k.max_tokens
    << " messages=" << k.messages.size() << " model='" << k.model << "'";
  return s.str();
}

// The answer and its latency depend on (user, round) only, never on Request::id, so a request
// gets the same answer at the same time in its shard as in the whole run.
std::uint64_t user_round(const Request& r) {
  return mix_seed(std::hash<std::string>{}(r.user_id), static_cast<std::uint64_t>(r.round));
}

// Latencies in [base, base + spread].
Script script(core::Duration base, core::Duration spread) {
  Script s;
  s.latency = [=](const Request& r) { return base + spread * static_cast<int>(user_round(r) % 11) / 10; };
  s.text = [](const Request& r) { return testing::synth().text(user_round(r), 6); };
  return s;
}

using Make = std::function<std::unique_ptr<Workload>()>;          // the whole run's workload
using MakeShard = std::function<std::unique_ptr<Workload>(Shard)>;  // one shard's

std::vector<Sent> run(const MakeShard& make, Shard shard, const Script& s) {
  auto w = make(shard);
  core::ManualClock clock(kT0);
  auto sent = drive(*w, clock, s);
  EXPECT_TRUE(w->finished()) << "shard " << shard.index << " of " << shard.count;
  return sent;
}

std::vector<Key> keys_of(const std::vector<Sent>& sent) {
  std::vector<Key> keys;
  for (const auto& s : sent) keys.push_back(key_of(s.req));
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Equal multisets; on a difference, a few of the requests only one side has.
void expect_same_requests(const std::vector<Key>& whole, const std::vector<Key>& shards) {
  EXPECT_EQ(shards.size(), whole.size()) << "requests of all shards vs the whole run";
  if (whole == shards) return;
  std::vector<Key> missing, extra;
  std::set_difference(whole.begin(), whole.end(), shards.begin(), shards.end(), std::back_inserter(missing));
  std::set_difference(shards.begin(), shards.end(), whole.begin(), whole.end(), std::back_inserter(extra));
  std::string msg;
  for (std::size_t i = 0; i < std::min<std::size_t>(missing.size(), 4); ++i) msg += "\n  missing: " + describe(missing[i]);
  for (std::size_t i = 0; i < std::min<std::size_t>(extra.size(), 4); ++i) msg += "\n  extra:   " + describe(extra[i]);
  ADD_FAILURE() << missing.size() << " request(s) of the whole run not sent by the shards, " << extra.size()
                << " sent by the shards only:" << msg;
}

enum class Users { kOneShardEach, kAnyShard };

// Drives the whole run, then for every count n each shard k of n; the requests of all shards
// together must be the whole run's, and (by user) each user's in one shard. Returns the whole run.
std::vector<Sent> expect_union_is_whole(const MakeShard& make, const Script& s, Users users = Users::kOneShardEach) {
  const auto whole_sent = run(make, Shard{0, 1}, s);
  EXPECT_FALSE(whole_sent.empty());
  const std::vector<Key> whole = keys_of(whole_sent);
  for (const int n : kCounts) {
    SCOPED_TRACE(std::to_string(n) + " shard(s)");
    std::vector<Sent> all;
    std::map<std::string, std::set<int>> shards_of;
    for (int k = 0; k < n; ++k) {
      for (auto& sent : run(make, Shard{k, n}, s)) {
        if (!sent.req.user_id.empty()) shards_of[sent.req.user_id].insert(k);
        all.push_back(std::move(sent));
      }
    }
    expect_same_requests(whole, keys_of(all));
    if (users == Users::kOneShardEach) {
      for (const auto& [user, ks] : shards_of) EXPECT_EQ(ks.size(), 1u) << "user " << user << " is in several shards";
    }
  }
  return whole_sent;
}

std::vector<Sent> expect_union_is_whole(const Make& make, const Script& s, Users users = Users::kOneShardEach) {
  return expect_union_is_whole([&](Shard shard) { return apply_shard(make(), shard); }, s, users);
}

// ---------------------------------------------------------------------------------------------
// Open arrival: ShardFilter.

TEST(Shard, RandomShardsAddUpToTheWholeRun) {
  RandomOptions o;
  o.num_users = 3;
  o.num_rounds = 4;
  o.prompt_len = 12;
  o.answer_len = 5;
  o.qps = 4;
  o.seed = 3;
  o.ignore_eos = true;
  {
    SCOPED_TRACE("constant 1/QPS");
    expect_union_is_whole([o] { return std::make_unique<RandomWorkload>(testing::synth(), o); }, script(50ms, 1s),
                          Users::kAnyShard);
  }
  {
    SCOPED_TRACE("Poisson gaps, unlimited rounds, duration cap, chat");
    auto p = o;
    p.num_rounds = 0;
    p.duration = 3s;
    p.api = Api::kChat;
    // A fresh arrival process per workload: each shard draws every gap the whole run draws.
    const Make make = [p] {
      auto q = p;
      auto rng = std::make_shared<std::mt19937_64>(11);
      q.next_gap = [rng] { return core::from_seconds(std::exponential_distribution<double>(5.0)(*rng)); };
      return std::make_unique<RandomWorkload>(testing::synth(), q);
    };
    const auto whole = expect_union_is_whole(make, script(50ms, 1s), Users::kAnyShard);
    EXPECT_GT(whole.size(), 8u);
  }
}

TEST(Shard, VllmBenchmarkShardsAddUpToTheWholeRun) {
  const auto prompts = vllm_random_prompts(testing::synth(), 15, 16, 6, 0.5, 9, 10);
  VllmBenchmarkOptions o;
  o.request_rate = 5;
  o.burstiness = 0.5;
  o.seed = 9;
  o.temperature = 0.7;
  o.top_p = 0.9;
  o.top_k = 5;
  o.api = Api::kChat;
  {
    SCOPED_TRACE("gamma arrivals");
    expect_union_is_whole([&] { return std::make_unique<VllmBenchmarkWorkload>(prompts, o); }, script(10ms, 2s),
                          Users::kAnyShard);
  }
  {
    SCOPED_TRACE("gamma arrivals, duration cap, max_tokens");
    auto c = o;
    c.duration = 1500ms;
    c.max_tokens = 4;
    c.api = Api::kCompletions;
    expect_union_is_whole([&] { return std::make_unique<VllmBenchmarkWorkload>(prompts, c); }, script(10ms, 2s),
                          Users::kAnyShard);
  }
  {
    SCOPED_TRACE("infinite rate");
    auto inf = o;
    inf.request_rate = std::numeric_limits<double>::infinity();
    expect_union_is_whole([&] { return std::make_unique<VllmBenchmarkWorkload>(prompts, inf); }, script(10ms, 2s),
                          Users::kAnyShard);
  }
}

Trace small_trace() {
  // Irregular gaps (ms), shared leading hash ids, and lines without any.
  std::ostringstream text;
  const int gaps[] = {0, 120, 40, 400, 10, 0, 250, 90, 700, 30, 60, 310, 5, 180};
  int t = 0;
  for (int i = 0; i < 14; ++i) {
    t += gaps[i];
    text << "{\"timestamp\": " << t << ", \"input_length\": " << 20 + 7 * i << ", \"output_length\": " << 3 + i % 4;
    if (i % 3 != 2) text << ", \"hash_ids\": [" << i % 2 << ", " << 10 + i << "]";
    text << "}\n";
  }
  TraceOptions options;
  options.unit = TimeUnit::kMilliseconds;
  return parse_trace(text.str(), "shard_trace.jsonl", options);
}

TEST(Shard, TraceReplayerShardsAddUpToTheWholeRun) {
  const Trace trace = small_trace();
  {
    SCOPED_TRACE("PRESERVE_TIMING");
    TraceReplayerOptions o;
    o.preserve_timing = true;
    o.speed_up = 2;
    o.max_delay = 300ms;
    o.seed = 4;
    expect_union_is_whole([&] { return std::make_unique<TraceReplayerWorkload>(testing::synth(), trace, o); },
                          script(10ms, 1s), Users::kAnyShard);
  }
  {
    SCOPED_TRACE("QPS, START_TIME and DURATION window, send limit, chat");
    TraceReplayerOptions o;
    o.qps = 6;
    o.start_time = 100ms;
    o.duration = 2s;
    o.send_limit = 1500ms;
    o.api = Api::kChat;
    o.seed = 4;
    o.salt = 8;
    expect_union_is_whole([&] { return std::make_unique<TraceReplayerWorkload>(testing::synth(), trace, o); },
                          script(10ms, 1s), Users::kAnyShard);
  }
}

// ---------------------------------------------------------------------------------------------
// By user: restrict_to_shard.

LMCacheSyntheticOptions lmcache_options() {
  LMCacheSyntheticOptions o;
  o.num_users = 5;
  o.num_rounds = 3;  // first users start with floor(3j/5) = 0, 0, 1, 1, 2 rounds done
  o.system_prompt = 16;
  o.chat_history = 12;
  o.answer_len = 6;
  o.question_len = 8;
  o.qps = 4;
  o.duration = 5s;
  o.seed = 7;
  o.api = Api::kChat;
  return o;
}

std::size_t warmups(const std::vector<Sent>& sent) {
  return static_cast<std::size_t>(std::count_if(sent.begin(), sent.end(), [](const Sent& s) { return s.req.warmup; }));
}

TEST(Shard, LMCacheSyntheticShardsAddUpToTheWholeRun) {
  auto make = [](LMCacheSyntheticOptions o) -> Make {
    return [o] { return std::make_unique<LMCacheSyntheticWorkload>(testing::tokenizer(), testing::synth(), o); };
  };
  {
    SCOPED_TRACE("no warm-up, answers slower than the slots");
    // Latencies up to 2 s against a per-user period of 1.25 s: users send on arrival, late.
    const auto whole = expect_union_is_whole(make(lmcache_options()), script(300ms, 1700ms));
    EXPECT_EQ(warmups(whole), 0u);
  }
  {
    SCOPED_TRACE("warm-up of the users started mid-conversation, completions");
    auto o = lmcache_options();
    o.num_users_warmup = 2;
    o.api = Api::kCompletions;
    // Warm-up answers within 1/QPS: every shard's measurement starts when the whole run's does.
    const auto whole = expect_union_is_whole(make(o), script(50ms, 150ms));
    EXPECT_EQ(warmups(whole), 3u);
  }
  {
    SCOPED_TRACE("warm-up of the system prompt alone");
    auto o = lmcache_options();
    o.num_users_warmup = 1;
    o.num_rounds = 1;  // nobody starts mid-conversation
    const auto whole = expect_union_is_whole(make(o), script(50ms, 150ms));
    EXPECT_EQ(warmups(whole), 1u);
  }
  {
    SCOPED_TRACE("USE_SHAREGPT, warm-up");
    auto o = lmcache_options();
    o.num_users_warmup = 1;
    for (int c = 0; c < 3; ++c) {
      ShareGptConversation conv;
      for (int r = 0; r <= c; ++r) {
        conv.rounds.push_back({"Question " + std::to_string(r) + " of conversation " + std::to_string(c) + "?",
                               "Recorded answer " + std::to_string(r) + std::string(static_cast<std::size_t>(c), '!')});
      }
      o.sharegpt.push_back(conv);
    }
    expect_union_is_whole(make(o), script(50ms, 150ms));
  }
}

TEST(Shard, StrictSyntheticShardsAddUpToTheWholeRun) {
  StrictSyntheticOptions o;
  o.num_users = 4;
  o.num_rounds = 3;
  o.period_s = 1;
  o.system_prompt = 8;
  o.first_prompt = 12;
  o.follow_up_prompt = 6;
  o.answer_len = 5;
  o.kv_reuse_ratio = 0.5;
  o.seed = 2;
  const Make make = [&] { return std::make_unique<StrictSyntheticWorkload>(testing::tokenizer(), testing::synth(), o); };
  // Some answers come after the user's next round: stand-ins, in the shards as in the whole run.
  expect_union_is_whole(make, script(200ms, 1400ms));
  SCOPED_TRACE("duration cap, chat");
  o.duration = 2200ms;
  o.api = Api::kChat;
  expect_union_is_whole(make, script(200ms, 1400ms));
}

TEST(Shard, AgenticShardsAddUpToTheWholeRun) {
  AgenticOptions o;
  o.num_users_warmup = 3;
  o.num_agents = 2;
  o.num_rounds = 3;
  o.system_prompt = 8;
  o.chat_history = 6;
  o.answer_len = 5;
  o.question_len = 6;
  o.new_user_interval_s = 0.5;
  o.duration = 4s;
  o.models = {"a", "b"};
  o.seed = 6;
  const Make make = [&] { return std::make_unique<AgenticWorkload>(testing::tokenizer(), testing::synth(), o); };
  {
    SCOPED_TRACE("warm-up");
    // Warm-up answers within one interval: every shard's T is the whole run's.
    const auto whole = expect_union_is_whole(make, script(100ms, 300ms));
    EXPECT_EQ(warmups(whole), 3u);
  }
  SCOPED_TRACE("no warm-up, long answers");
  o.num_users_warmup = 0;
  expect_union_is_whole(make, script(300ms, 1500ms));
}

std::vector<ShareGptConversation> conversations(int n, const std::function<int(int)>& rounds) {
  std::vector<ShareGptConversation> out;
  for (int c = 0; c < n; ++c) {
    ShareGptConversation conv;
    conv.id = "c" + std::to_string(c);
    for (int r = 0; r < rounds(c); ++r) {
      conv.rounds.push_back({"Conversation " + std::to_string(c) + ", question " + std::to_string(r) + "?",
                             "Answer " + std::to_string(r) + std::string(static_cast<std::size_t>(c % 5), '.')});
    }
    out.push_back(std::move(conv));
  }
  return out;
}

TEST(Shard, ShareGptShardsAddUpToTheWholeRunWhenSlotsGoRoundRobin) {
  ShareGptOptions o;
  o.min_rounds = 1;
  o.start_round = 0;
  o.qps = 10;
  o.api = Api::kChat;
  {
    // sharegpt.h's case: 42 conversations of 2 rounds (42 is a multiple of every count tested),
    // answers 4.12-4.16 s after the request, within ((C-1)/QPS, C/QPS] = (4.1, 4.2]: slot i goes to
    // conversation i % 42 in the whole run, so to a conversation of the slot's shard.
    SCOPED_TRACE("equal rounds, round-robin latencies");
    const auto convs = conversations(42, [](int) { return 2; });
    const auto whole =
        expect_union_is_whole([&] { return std::make_unique<ShareGptWorkload>(testing::tokenizer(), convs, o); },
                              script(4120ms, 40ms));
    ASSERT_EQ(whole.size(), 84u);
    for (std::size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(whole[i].req.intended_send, kT0 + core::from_seconds(static_cast<double>(i) / o.qps)) << i;
      EXPECT_EQ(whole[i].req.user_id, std::to_string(i % 42)) << i;
    }
  }
  {
    SCOPED_TRACE("one round each, any latency, duration cap");
    auto c = o;
    c.start_round = 1;
    c.duration = 1s;
    const auto convs = conversations(13, [](int) { return 2; });
    expect_union_is_whole([&] { return std::make_unique<ShareGptWorkload>(testing::tokenizer(), convs, c); },
                          script(10ms, 3s));
  }
}

TEST(Shard, ShareGptShardsSendTheSameRoundsOnOtherSlotsOtherwise) {
  // Fast answers: a conversation takes consecutive slots, so a shard's slots are not the ones its
  // conversations had in the whole run. Without a duration cap every selected round is still sent
  // once, with the whole run's prompt and max_tokens.
  ShareGptOptions o;
  o.min_rounds = 1;
  o.start_round = 0;
  o.qps = 10;
  const auto convs = conversations(5, [](int c) { return 1 + c % 3; });
  const Make make = [&] { return std::make_unique<ShareGptWorkload>(testing::tokenizer(), convs, o); };
  const Script s = script(10ms, 50ms);
  auto untimed = [](const std::vector<Sent>& sent) {
    std::vector<Key> keys;
    for (const auto& x : sent) {
      Key k = key_of(x.req);
      k.intended_ns = 0;
      keys.push_back(std::move(k));
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  const MakeShard shard = [&](Shard sh) { return apply_shard(make(), sh); };
  const auto whole = run(shard, Shard{0, 1}, s);
  ASSERT_EQ(whole.size(), 1u + 2u + 3u + 1u + 2u);
  std::vector<Sent> all;
  for (int k = 0; k < 3; ++k) {
    for (auto& x : run(shard, Shard{k, 3}, s)) all.push_back(std::move(x));
  }
  expect_same_requests(untimed(whole), untimed(all));
  EXPECT_NE(keys_of(whole), keys_of(all)) << "the times differ: the documented limit of ShareGPT sharding";
}

// ---------------------------------------------------------------------------------------------
// apply_shard itself.

TEST(Shard, ApplyShardRejectsBadShardsNamingTheKey) {
  auto random = [] {
    RandomOptions o;
    return std::make_unique<RandomWorkload>(testing::synth(), o);
  };
  using ::testing::HasSubstr;
  for (const Shard bad : {Shard{0, 0}, Shard{0, -2}}) {
    try {
      apply_shard(random(), bad);
      ADD_FAILURE() << "count " << bad.count << " accepted";
    } catch (const core::ConfigError& e) {
      EXPECT_THAT(e.what(), HasSubstr("shard count"));
      EXPECT_THAT(e.what(), HasSubstr(std::to_string(bad.count)));
    }
  }
  for (const Shard bad : {Shard{-1, 2}, Shard{2, 2}, Shard{5, 3}, Shard{1, 1}}) {
    try {
      apply_shard(random(), bad);
      ADD_FAILURE() << "index " << bad.index << " of " << bad.count << " accepted";
    } catch (const core::ConfigError& e) {
      EXPECT_THAT(e.what(), HasSubstr("shard index"));
      EXPECT_THAT(e.what(), HasSubstr(std::to_string(bad.index)));
    }
  }
}

TEST(Shard, ApplyShardRestrictsUsersAndFiltersTheRest) {
  auto w = std::make_unique<RandomWorkload>(testing::synth(), RandomOptions{});
  const Workload* raw = w.get();
  EXPECT_EQ(apply_shard(std::move(w), Shard{0, 1}).get(), raw) << "count 1: the workload itself";

  auto r = apply_shard(std::make_unique<RandomWorkload>(testing::synth(), RandomOptions{}), Shard{1, 2});
  EXPECT_NE(dynamic_cast<ShardFilter*>(r.get()), nullptr) << "no users: filtered by arrival order";
  EXPECT_EQ(r->name(), "random");

  auto s = std::make_unique<StrictSyntheticWorkload>(testing::tokenizer(), testing::synth(), StrictSyntheticOptions{});
  raw = s.get();
  EXPECT_EQ(apply_shard(std::move(s), Shard{1, 2}).get(), raw) << "users: restricted in place";
}

TEST(Shard, MoreShardsThanUsersLeavesEmptyShards) {
  const Script s = script(50ms, 100ms);
  auto expect_empty = [&](std::unique_ptr<Workload> w, const std::string& what) {
    SCOPED_TRACE(what);
    core::ManualClock clock(kT0);
    w->start(kT0);
    EXPECT_TRUE(w->finished());
    EXPECT_FALSE(w->next_send_time());
    EXPECT_TRUE(drive(*w, clock, s).empty());
  };
  auto lm = lmcache_options();
  lm.num_users_warmup = 1;
  for (const int k : {5, 6}) {
    expect_empty(apply_shard(std::make_unique<LMCacheSyntheticWorkload>(testing::tokenizer(), testing::synth(), lm),
                             Shard{k, 7}),
                 "LMCacheSynthetic shard " + std::to_string(k));
  }
  StrictSyntheticOptions strict;
  strict.num_users = 2;
  expect_empty(apply_shard(std::make_unique<StrictSyntheticWorkload>(testing::tokenizer(), testing::synth(), strict),
                           Shard{4, 7}),
               "StrictSynthetic");
  ShareGptOptions sg;
  sg.min_rounds = 1;
  expect_empty(apply_shard(std::make_unique<ShareGptWorkload>(testing::tokenizer(),
                                                              conversations(3, [](int) { return 2; }), sg),
                           Shard{3, 7}),
               "ShareGPT");
  RandomOptions random;
  random.num_users = 2;
  random.num_rounds = 2;
  expect_empty(apply_shard(std::make_unique<RandomWorkload>(testing::synth(), random), Shard{6, 7}), "Random");
  // Agentic's users keep joining: shard 6 of 7 has no user before the end (the 7th joins at 6 s).
  AgenticOptions agentic;
  agentic.num_users_warmup = 2;
  agentic.new_user_interval_s = 1;
  agentic.duration = 6s;
  auto a = apply_shard(std::make_unique<AgenticWorkload>(testing::tokenizer(), testing::synth(), agentic), Shard{6, 7});
  core::ManualClock clock(kT0);
  EXPECT_TRUE(drive(*a, clock, s).empty());
  EXPECT_TRUE(a->finished());

  // The shards that have users still add up to the whole run (5 users over 7 shards).
  expect_union_is_whole(
      [&] { return std::make_unique<LMCacheSyntheticWorkload>(testing::tokenizer(), testing::synth(), lm); }, s);
}

// ---------------------------------------------------------------------------------------------
// Through the factory: WorkloadContext::shard.

TEST(Shard, MakeWorkloadAppliesTheContextShard) {
  const auto root = std::filesystem::path(::testing::TempDir()) / "shard_factory";
  std::filesystem::create_directories(root / "0-bench-specs");
  const auto spec_path = root / "0-bench-specs" / "shard.yaml";
  std::ofstream(spec_path) << R"(Name: shard
Serving:
  - Simulated: {modelURL: m}
Workload:
  Random: {NUM_USERS: 3, NUM_ROUNDS: 3, PROMPT_LEN: 10, ANSWER_LEN: 4, QPS: [4]}
  StrictSynthetic: {NUM_CONCURRENT_USERS: 3, NUM_ROUNDS_PER_USER: 3, TIME_BETWEEN_REQUESTS_PER_USER: [2], SHARED_SYSTEM_PROMPT_LEN: 8, FIRST_PROMPT_LEN: 8, FOLLOW_UP_PROMPTS_LEN: 4, ANSWER_LEN: 4, KV_REUSE_RATIO: 1}
)";
  const config::Spec spec = config::load_spec(spec_path, "shard.yaml", {root, std::nullopt});
  WorkloadContext ctx;
  ctx.tokenizer = &testing::tokenizer();
  ctx.synth = &testing::synth();
  ctx.seed = 5;
  ASSERT_EQ(spec.workloads.size(), 2u);
  for (const auto& cfg : spec.workloads) {
    SCOPED_TRACE(cfg.type);
    const auto whole = expect_union_is_whole(
        [&](Shard shard) {
          auto c = ctx;
          c.shard = shard;
          return make_workload(cfg, 0, c);
        },
        script(50ms, 500ms), cfg.type == "Random" ? Users::kAnyShard : Users::kOneShardEach);
    EXPECT_EQ(whole.size(), 9u);
  }
  // Open arrival: shard k of 3 sends the whole run's requests k, k+3, ... under their own ids.
  const auto it = std::find_if(spec.workloads.begin(), spec.workloads.end(),
                               [](const config::WorkloadConfig& w) { return w.type == "Random"; });
  ASSERT_NE(it, spec.workloads.end());
  const config::WorkloadConfig& random = *it;
  for (int k = 0; k < 3; ++k) {
    auto c = ctx;
    c.shard = Shard{k, 3};
    const auto w = make_workload(random, 0, c);
    core::ManualClock clock(kT0);
    const auto sent = drive(*w, clock, script(50ms, 500ms));
    ASSERT_EQ(sent.size(), 3u);
    for (std::size_t i = 0; i < sent.size(); ++i) EXPECT_EQ(sent[i].req.id, static_cast<std::uint64_t>(k) + 3 * i);
  }

  auto bad = ctx;
  bad.shard = Shard{3, 3};
  EXPECT_THROW(make_workload(random, 0, bad), core::ConfigError);
}

}  // namespace
}  // namespace lmbench::workloads
