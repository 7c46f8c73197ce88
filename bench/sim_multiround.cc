// Effect size of the LMCache tier on a multi-round chat load, in virtual time (no sockets, no
// sleeping): the LMCacheSynthetic shape of the production-stack benchmark.
//   25 users at once, each with a 1,000-token system prompt shared by all users and an
//   18,000-token history of its own, 20 rounds of a 50-token question and a 100-token answer
//   (ignore_eos); a user's next question goes out NUM_USERS/QPS seconds after its previous one,
//   and never before the answer arrived; a user who finished its rounds is replaced by a new one.
// For each QPS it prints the mean TTFT without and with LMCache (120 GB CPU buffer, like the
// production-stack benchmark's pods) and their ratio, plus cache hit rates.
//
// Usage: bench_sim_multiround [profile (default llama-3.1-8b-a100-80gb)] [virtual seconds (1800)]

#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/engine.h"

namespace {

using lmbench::core::Duration;
using lmbench::core::from_seconds;
using lmbench::core::to_seconds;
using lmbench::sim::Engine;
using lmbench::sim::Profile;
using lmbench::sim::RequestId;
using lmbench::sim::RequestSpec;
using lmbench::sim::TokenId;

constexpr int kUsers = 25;
constexpr int kSystemPrompt = 1000;
constexpr int kHistory = 18000;
constexpr int kRounds = 20;
constexpr int kQuestion = 50;
constexpr int kAnswer = 100;

std::vector<TokenId> random_tokens(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<TokenId> dist(100, 120000);
  std::vector<TokenId> t(static_cast<std::size_t>(n));
  for (auto& x : t) x = dist(rng);
  return t;
}

struct User {
  std::uint64_t id = 0;
  std::vector<TokenId> context;  // system prompt + history + previous rounds
  int round = 0;
  Duration last_send{0};
  Duration next_send{0};
};

struct Outcome {
  double mean_ttft_s = 0;
  double p90_ttft_s = 0;
  int requests = 0;
  double gpu_hit_rate = 0;
  double cpu_hit_rate = 0;
};

Outcome run(Profile profile, double qps, Duration duration, Duration warmup) {
  Engine engine(profile);
  const auto system = random_tokens(kSystemPrompt, 1);
  const Duration gap = from_seconds(kUsers / qps);
  std::uint64_t next_user = 0;
  auto new_user = [&](Duration start) {
    User u;
    u.id = next_user++;
    u.context = system;
    const auto history = random_tokens(kHistory, 1000 + u.id);
    u.context.insert(u.context.end(), history.begin(), history.end());
    u.next_send = start;
    return u;
  };
  std::vector<User> users;
  for (int i = 0; i < kUsers; ++i) users.push_back(new_user(from_seconds(i / qps)));

  struct InFlight {
    std::size_t user;
    Duration sent;
    std::vector<TokenId> prompt;
    std::vector<TokenId> answer;
    bool got_first = false;
  };
  std::unordered_map<RequestId, InFlight> flying;
  std::vector<double> ttfts;
  const double inf = 1e300;

  while (true) {
    // Next user send among idle users.
    std::size_t who = users.size();
    double t_user = inf;
    for (std::size_t i = 0; i < users.size(); ++i) {
      if (users[i].next_send.count() >= 0 && to_seconds(users[i].next_send) < t_user) {
        t_user = to_seconds(users[i].next_send);
        who = i;
      }
    }
    const auto t_engine = engine.next_event_time();
    if (t_user >= to_seconds(duration) && (!t_engine || *t_engine >= duration)) break;
    if (t_engine && to_seconds(*t_engine) <= t_user) {
      engine.advance_to(*t_engine);
      const auto& r = engine.step();
      for (const auto& e : r.emissions) {
        auto it = flying.find(e.id);
        if (it == flying.end()) continue;
        InFlight& f = it->second;
        f.answer.push_back(e.token);
        if (!f.got_first) {
          f.got_first = true;
          if (f.sent >= warmup) ttfts.push_back(to_seconds(r.end() - f.sent));
        }
        if (e.finish != lmbench::sim::FinishReason::kNone) {
          User& u = users[f.user];
          u.context = std::move(f.prompt);
          u.context.insert(u.context.end(), f.answer.begin(), f.answer.end());
          ++u.round;
          const Duration earliest = u.last_send + gap;
          const Duration when = std::max(earliest, r.end());
          if (u.round >= kRounds) {
            u = new_user(when);
          } else {
            u.next_send = when;
          }
          flying.erase(it);
        }
      }
      continue;
    }
    // Send user `who`'s next question.
    User& u = users[who];
    RequestSpec s;
    s.prompt = u.context;
    const auto q = random_tokens(kQuestion, 0x9000000ULL + u.id * 100 + static_cast<std::uint64_t>(u.round));
    s.prompt.insert(s.prompt.end(), q.begin(), q.end());
    s.params.max_tokens = kAnswer;
    s.params.ignore_eos = true;
    engine.advance_to(u.next_send);
    auto id = engine.submit(s, u.next_send);
    if (!id.ok()) {
      std::fprintf(stderr, "submit failed: %s\n", id.error().message.c_str());
      std::exit(1);
    }
    flying.emplace(*id, InFlight{who, u.next_send, std::move(s.prompt), {}, false});
    u.last_send = u.next_send;
    u.next_send = Duration{-1};
  }

  Outcome o;
  o.requests = static_cast<int>(ttfts.size());
  double sum = 0;
  for (const double t : ttfts) sum += t;
  o.mean_ttft_s = ttfts.empty() ? 0 : sum / static_cast<double>(ttfts.size());
  if (!ttfts.empty()) {
    std::sort(ttfts.begin(), ttfts.end());
    o.p90_ttft_s = ttfts[static_cast<std::size_t>(0.9 * static_cast<double>(ttfts.size() - 1))];
  }
  const auto& m = engine.metrics();
  o.gpu_hit_rate = m.prefix_cache_queries ? static_cast<double>(m.prefix_cache_hits) / m.prefix_cache_queries : 0;
  o.cpu_hit_rate = m.external_prefix_cache_queries
                       ? static_cast<double>(m.external_prefix_cache_hits) / m.external_prefix_cache_queries
                       : 0;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string name = argc > 1 ? argv[1] : "llama-3.1-8b-a100-80gb";
  const double seconds = argc > 2 ? std::atof(argv[2]) : 1800.0;
  const Duration duration = from_seconds(seconds);
  const Duration warmup = from_seconds(seconds / 6);
  Profile base = lmbench::sim::builtin_profile(name);
  std::printf("multi-round QA: %d users, %d-token shared system prompt, %d-token histories, %d rounds, "
              "%d-token questions, %d-token answers\nprofile %s, %.0f virtual seconds (first %.0f s not measured)\n\n",
              kUsers, kSystemPrompt, kHistory, kRounds, kQuestion, kAnswer, name.c_str(), seconds, seconds / 6);
  std::printf("%6s | %9s %9s %7s %6s | %9s %9s %7s %6s %6s | %7s\n", "QPS", "TTFT(s)", "p90(s)", "reqs", "GPUhit",
              "TTFT(s)", "p90(s)", "reqs", "GPUhit", "CPUhit", "ratio");
  std::printf("%6s | %-34s | %-41s |\n", "", "vLLM prefix cache only", "+ LMCache CPU tier (120 GB)");
  for (const double qps : {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0}) {
    Profile off = base;
    off.lmcache.enabled = false;
    Profile on = base;
    on.lmcache.enabled = true;
    on.lmcache.cpu_size_gb = 120;
    const Outcome a = run(off, qps, duration, warmup);
    const Outcome b = run(on, qps, duration, warmup);
    std::printf("%6.2f | %9.3f %9.3f %7d %5.0f%% | %9.3f %9.3f %7d %5.0f%% %5.0f%% | %6.1fx\n", qps, a.mean_ttft_s,
                a.p90_ttft_s, a.requests, 100 * a.gpu_hit_rate, b.mean_ttft_s, b.p90_ttft_s, b.requests,
                100 * b.gpu_hit_rate, 100 * b.cpu_hit_rate, b.mean_ttft_s > 0 ? a.mean_ttft_s / b.mean_ttft_s : 0.0);
    std::fflush(stdout);
  }
  // The CPU buffer must hold the working set (25 users x ~20k tokens x 128 KiB = ~70 GB): LMCache's
  // 5 GB default holds fewer than two contexts.
  const double qps = 0.3;
  std::printf("\nLMCache buffer size at QPS %.1f:\n%8s | %9s %6s | %7s\n", qps, "GB", "TTFT(s)", "CPUhit", "ratio");
  Profile off = base;
  off.lmcache.enabled = false;
  const Outcome without = run(off, qps, duration, warmup);
  for (const double gb : {5.0, 30.0, 60.0, 90.0, 120.0}) {
    Profile on = base;
    on.lmcache.enabled = true;
    on.lmcache.cpu_size_gb = gb;
    const Outcome o = run(on, qps, duration, warmup);
    std::printf("%8.0f | %9.3f %5.0f%% | %6.1fx\n", gb, o.mean_ttft_s, 100 * o.cpu_hit_rate,
                o.mean_ttft_s > 0 ? without.mean_ttft_s / o.mean_ttft_s : 0.0);
    std::fflush(stdout);
  }
  return 0;
}
